"""Step worker processes for the local orchestrator, started from the orchestrating process.

A worker receives one step attempt at a time over a pipe, runs it (`run_attempt`: user code
and artifact bytes only) and sends back the `AttemptResult`. Starting a Python process costs
several milliseconds here, so a worker serves further steps of the same run unless
`reuse_processes` is off, in which case every step gets a fresh process. A worker whose step
was stopped, or that died, is never reused.

Forked workers (the default) start after the run's steps are loaded, so steps from
`__main__` or a notebook need no importable module path. Spawned workers (a fresh
interpreter) get what no import can reach by value: the steps, hooks and materializers of
`__main__`, a notebook or a function's scope, cloudpickled once per worker. Everything else
they import by its source reference, with the guard on that keeps a module's top-level
pipeline calls from running (`utils.code_loading`). The user's script itself is never
re-run as the worker's main module (as multiprocessing's spawn would do).
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any

from stepwell.enums import ExecutionStatus
from stepwell.exceptions import RunStoppedSignal, StepFailedError
from stepwell.execution.attempt import AttemptResult, run_attempt
from stepwell.execution.fd_capture import keep_between_steps, release_kept
from stepwell.execution.run_context import RunContext
from stepwell.logger import get_logger
from stepwell.orchestrators.code_shipping import code_payload, install_code
from stepwell.utils.closed_output import flush_standard_streams

logger = get_logger(__name__)

Task = tuple[Any, Any, bool]  # (LaunchPlan, StepRunResponse, last attempt?)
ORPHAN_CHECK_SECONDS = 1.0


class Worker:
    """One worker process and the pipe to it."""

    def __init__(self, context: Any, ctx: RunContext, max_tasks: int | None) -> None:
        self.connection, child_end = context.Pipe(duplex=True)
        if context.get_start_method() == "fork":
            args: tuple[Any, ...] = (ctx, child_end, self.connection, max_tasks, None)
        else:  # the child gets nothing but what it is sent
            args = (ctx, child_end, None, max_tasks, unreachable_objects())
        self.process = context.Process(target=_worker_main, args=args, name="stepwell-step-worker")
        with _main_script_hidden(context):
            self.process.start()
        child_end.close()
        self.tasks_left = max_tasks

    def submit(self, invocation_id: str, task: Task) -> None:
        if self.tasks_left is not None:
            self.tasks_left -= 1
        self.connection.send(task)

    @property
    def reusable(self) -> bool:
        return self.process.is_alive() and (self.tasks_left is None or self.tasks_left > 0)

    def receive(self) -> AttemptResult | None:
        """The finished attempt's result, or None if the worker died without one."""
        try:
            if self.connection.poll():
                return self.connection.recv()  # type: ignore[no-any-return]
        except (EOFError, OSError, pickle.UnpicklingError):
            pass
        return None

    def stop_step(self) -> None:
        if self.process.is_alive():
            self.process.terminate()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()

    def close(self, wait: bool = True) -> None:
        if self.process.is_alive():
            try:
                self.connection.send(None)
            except OSError:
                self.process.terminate()
        self.connection.close()
        if wait:
            self.process.join(5)
            if self.process.is_alive():
                self.process.kill()
                self.process.join()


def _raise_stop(signum: int, frame: Any) -> None:
    raise RunStoppedSignal(f"Stopped by signal {signal.Signals(signum).name}.")


def unreachable_objects() -> bytes:
    """The steps, hooks and materializers this process knows that no import can reach
    (defined in `__main__`, a notebook cell or a function), cloudpickled by value."""
    return code_payload()


@contextmanager
def _main_script_hidden(context: Any) -> Iterator[None]:
    """While a spawned worker starts, hide the user's main script from multiprocessing,
    which would otherwise run it again (as `__mp_main__`) in the child: a script without an
    `if __name__ == "__main__":` guard would run its pipelines in every worker."""
    main = sys.modules.get("__main__")
    if context.get_start_method() == "fork" or main is None:
        yield
        return
    namespace = main.__dict__
    saved: dict[str, Any] = {
        name: namespace[name] for name in ("__file__", "__spec__") if name in namespace
    }
    namespace.pop("__file__", None)
    namespace["__spec__"] = None  # multiprocessing reads it, so it must exist
    try:
        yield
    finally:
        namespace.pop("__spec__", None)
        namespace.update(saved)


def _worker_main(
    ctx: RunContext,
    connection: Connection,
    parent_end: Connection | None,
    max_tasks: int | None,
    unreachable: bytes | None,
) -> None:
    """Serve step attempts until told to stop, stopped mid-step, out of tasks, or orphaned."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the orchestrator decides what Ctrl-C stops
    if parent_end is not None:
        parent_end.close()  # so that the orchestrator's death reads as end-of-file here
    if unreachable is not None:
        install_code(unreachable)
    keep_between_steps()  # one output capture for all the steps this worker runs
    parent = os.getppid()
    code = 0
    served = 0
    try:
        signal.signal(signal.SIGTERM, _raise_stop)
        while max_tasks is None or served < max_tasks:
            # Sibling workers may hold copies of our pipe, so also watch for the
            # orchestrator's death directly: an orphaned worker leaves.
            while not connection.poll(ORPHAN_CHECK_SECONDS):
                if os.getppid() != parent:
                    return
            task = connection.recv()
            if task is None:
                break
            served += 1
            result = _run(ctx, task)
            if result.error is not None:
                result.error = _picklable(result.error)
            _send_whole(connection, result)
            if result.status is ExecutionStatus.STOPPED:
                break
            gc.collect()
    except (RunStoppedSignal, EOFError, OSError):
        pass
    except BaseException:
        code = 1
    finally:
        connection.close()
        flush_standard_streams()  # never raises (a closed pipe must not skip the exit)
        with contextlib.suppress(BaseException):  # a stop meanwhile must not skip the exit
            release_kept()
        os._exit(code)


def _send_whole(connection: Connection, result: AttemptResult) -> None:
    """Send a result with SIGTERM held back, so a stop can't cut the message in half.

    A stop that arrives meanwhile is delivered once the result is sent, ending the worker.
    """
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        connection.send(result)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})


def _run(ctx: RunContext, task: Task) -> AttemptResult:
    plan, step_run, last = task
    try:
        return run_attempt(ctx, plan, step_run, last_attempt=last)
    except RunStoppedSignal as stop:
        return AttemptResult(ExecutionStatus.STOPPED, status_message=str(stop))
    except BaseException as error:  # report it rather than die silently
        return escaped_failure(error)


def escaped_failure(error: BaseException) -> AttemptResult:
    """A failed attempt whose error got past `run_attempt`'s own handling: a framework error,
    or one raised in a success hook or while capturing logs (the step's own errors, and
    `sys.exit()` in it, are caught there)."""
    return AttemptResult(
        ExecutionStatus.FAILED,
        error=error,
        traceback="".join(traceback.format_exception(type(error), error, error.__traceback__)),
        status_message=f"{type(error).__name__}: {error}",
    )


def _picklable(error: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        return StepFailedError(f"{type(error).__name__}: {error}")


def describe_stop(invocation_id: str, exitcode: int | None) -> AttemptResult:
    """The result of a step that was told to stop and whose process ended without reporting."""
    how = f"signal {signal.Signals(-exitcode).name}" if exitcode and exitcode < 0 else "SIGTERM"
    text = f"Step '{invocation_id}' was stopped ({how}) before it could report."
    return AttemptResult(ExecutionStatus.STOPPED, status_message=text)


def describe_exit(invocation_id: str, exitcode: int | None) -> AttemptResult:
    """The result of a step whose process died without reporting."""
    if exitcode is not None and exitcode < 0:
        cause = f"killed by signal {signal.Signals(-exitcode).name}"
    else:
        cause = f"exited with code {exitcode}"
    text = f"The process of step '{invocation_id}' died without reporting: {cause}."
    return AttemptResult(
        ExecutionStatus.FAILED, error=StepFailedError(text), traceback=text, status_message=text
    )
