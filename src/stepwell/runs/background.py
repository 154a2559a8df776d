"""Background runs: the orchestration of a run goes on in a detached process.

The caller's process double-forks: the grandchild starts a new session (so it outlives the
caller and its terminal), sends its output to a run log in the artifact store, and drives
the run exactly as a synchronous call would. Forking (rather than starting a fresh
interpreter) keeps steps defined in `__main__` or a notebook runnable. SIGTERM, like a stop
request read with the heartbeat, stops the run cleanly (steps `stopped`); a run whose
process is killed outright stops sending heartbeats and is recognised as dead when read
(`store/liveness.py`), by the heartbeat interval this process records with the run.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import sys
from typing import Any

from stepwell.exceptions import RunStartError
from stepwell.execution.run_context import RunContext
from stepwell.execution.step_logs import logs_uri_for
from stepwell.orchestrators.base import BaseOrchestrator
from stepwell.utils.private_files import private_file, private_folder
from stepwell.utils.processes import this_process


def run_log_uri(ctx: RunContext) -> str:
    """Where a background run's own output (not its steps') is written."""
    return logs_uri_for(ctx.artifact_store, ctx.run.id, "run")


def start_in_background(ctx: RunContext, orchestrator: BaseOrchestrator, driver: Any = None) -> int:
    """Start orchestrating `ctx.run` in a detached process; return that process's id.

    If no such process could be started, the run is ended as failed (it would otherwise
    stay `initializing` with nothing to run it) and `RunStartError` says why.
    """
    read_end, write_end = os.pipe()
    try:
        child = os.fork()
    except OSError as error:
        os.close(read_end)
        os.close(write_end)
        raise _not_started(ctx, str(error)) from error
    if child == 0:  # first child: detach, fork the daemon, report its pid, leave
        try:
            os.close(read_end)
            os.setsid()
            daemon = os.fork()
            if daemon == 0:
                os.close(write_end)
                _daemon_main(ctx, orchestrator, driver)
            os.write(write_end, str(daemon).encode())
        except BaseException as error:  # the daemon could not be forked: say why
            with contextlib.suppress(OSError):
                os.write(write_end, f"error: {error}".encode(errors="replace"))
        finally:
            os._exit(0)
    os.close(write_end)
    os.waitpid(child, 0)
    with os.fdopen(read_end) as reader:
        report = reader.read()
    if not report.isdigit():
        raise _not_started(ctx, report.removeprefix("error: ") or "it exited without a word")
    return int(report)


def _not_started(ctx: RunContext, reason: str) -> RunStartError:
    _end_as_failed(ctx, f"The background process could not be started: {reason}.")
    return RunStartError(
        f"Run '{ctx.run.name}' could not start in the background: {reason}. It is recorded "
        "as failed; run it again (or in the foreground, without --detach / synchronous: false)."
    )


def _end_as_failed(ctx: RunContext, message: str) -> None:
    """End the run as failed unless something already ended it (best effort: the store may
    be the reason it could not run)."""
    from datetime import datetime, timezone

    from stepwell.enums import ExecutionStatus

    with contextlib.suppress(Exception):
        run = ctx.store.get_run(ctx.run.id)
        if not run.status.is_finished:
            ctx.store.end_run(
                ctx.run.id,
                status=ExecutionStatus.FAILED,
                end_time=datetime.now(timezone.utc),
                status_message=message,
            )


def _as_interrupt(signum: int, frame: Any) -> None:
    """Treat SIGTERM like Ctrl-C: hand it to whatever handles SIGINT right now."""
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler):
        handler(signal.SIGINT, frame)
    else:
        raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")


def _daemon_main(ctx: RunContext, orchestrator: BaseOrchestrator, driver: Any = None) -> None:
    """Body of the background process: redirect output, run, exit without cleanup."""
    from stepwell.config.environment import heartbeat_interval
    from stepwell.enums import ExecutionStatus
    from stepwell.runs.execute import execute_run

    code = 0
    try:
        _redirect_output(ctx)
        release_inherited_channels()
        # Python's own SIGINT handler, so the orchestrator can hold Ctrl-C back to the points
        # where stopping leaves the store whole; SIGTERM takes the same path.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, _as_interrupt)
        process = this_process()
        ctx.run = ctx.store.update_run(
            ctx.run.id,
            status=ExecutionStatus.RUNNING,
            orchestrator_pid=process.pid,
            orchestrator_host=process.host,
            orchestrator_start_token=process.start_token,
            heartbeat_interval=heartbeat_interval(),  # the interval this process beats at
        )
        execute_run(ctx, orchestrator, raise_on_failure=False, driver=driver)
    except BaseException as error:
        import traceback

        traceback.print_exc()
        code = 1
        # Failed before (or while) running: a run left `initializing` or `running` by a
        # process that is gone would otherwise wait for the liveness check to notice.
        _end_as_failed(ctx, f"The background run process failed: {error!r:.300}")
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def release_inherited_channels() -> None:
    """Let go of every socket and pipe this process inherited (past stdin/out/err).

    A background run outlives its caller: had it kept a notebook kernel's sockets, the
    kernel could not bind its ports again after a restart ("Address already in use"). Each
    is replaced by /dev/null rather than closed, so that its number stays taken and an
    inherited object that still holds it can never write into a file opened later.
    """
    try:
        descriptors = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        descriptors = list(range(3, 1024))
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in descriptors:
            if fd <= 2 or fd == null:
                continue
            try:
                mode = os.fstat(fd).st_mode
            except OSError:
                continue
            if stat.S_ISSOCK(mode) or stat.S_ISFIFO(mode):
                os.dup2(null, fd)
    finally:
        os.close(null)


def _redirect_output(ctx: RunContext) -> None:
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    store = ctx.artifact_store
    if store.is_local:
        path = run_log_uri(ctx)
        private_folder(os.path.dirname(path))
        log = os.open(private_file(path), os.O_WRONLY | os.O_APPEND)
    else:
        log = os.open(os.devnull, os.O_WRONLY)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
