"""The local orchestrator: each step in a child process forked from the orchestrating one.

Ready steps run side by side up to `max_parallelism` (default: the larger of 8 and 4 x the
CPU count, so waiting steps overlap beyond the core count). Forking means steps defined in
`__main__` or a notebook need no importable module path. A step that kills its interpreter
fails only itself (recorded with the signal's name); stopping a step sends it SIGTERM,
which raises `RunStoppedSignal` inside it.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
from collections import deque
from datetime import datetime, timezone
from multiprocessing.connection import Connection, wait
from typing import Any

from stepwell.enums import ExecutionStatus
from stepwell.exceptions import ConfigurationError, RunStoppedSignal, StepFailedError
from stepwell.execution.launcher import LaunchPlan, StepOutcome, execute_step, plan_step, try_cached
from stepwell.execution.run_context import RunContext
from stepwell.orchestrators.base import BaseOrchestrator
from stepwell.utils.code_hash import function_source_hash
from stepwell.utils.sources import load_source

STOP_GRACE_SECONDS = 5.0


def default_max_parallelism() -> int:
    return max(8, 4 * (os.cpu_count() or 1))


class LocalOrchestrator(BaseOrchestrator):
    """Steps run in parallel child processes on this machine."""

    def __init__(self, max_parallelism: int | None = None) -> None:
        if max_parallelism is not None and max_parallelism < 1:
            raise ConfigurationError(
                f"max_parallelism must be at least 1, got {max_parallelism}; "
                "set it to 1 to run steps one at a time."
            )
        self.max_parallelism = max_parallelism or default_max_parallelism()
        self._children: dict[str, tuple[Any, Connection]] = {}
        self._done: deque[StepOutcome] = deque()
        self._fork = multiprocessing.get_context("fork")

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> LocalOrchestrator:
        return cls(max_parallelism=settings.get("max_parallelism"))

    def prepare(self, ctx: RunContext) -> None:
        """Import what every step needs once here, so forked children start warm."""
        from stepwell.materializers.loading import content_hash  # noqa: F401
        from stepwell.materializers.registry import materializer_registry

        materializer_registry.get_materializer_for_type(int)
        for invocation in ctx.spec.invocations:
            step = ctx.step_objects.setdefault(
                invocation.step_source, load_source(invocation.step_source)
            )
            function_source_hash(step.entrypoint)

    def launch(self, ctx: RunContext, invocation_id: str) -> None:
        # Cache hits are decided here, in the orchestrating process: no child needed.
        plan = plan_step(ctx, invocation_id)
        cached = try_cached(ctx, plan)
        if cached is not None:
            self._done.append(cached)
            return
        receiver, sender = self._fork.Pipe(duplex=False)
        process = self._fork.Process(
            target=_child_main, args=(ctx, plan, sender), name=f"step-{invocation_id}"
        )
        process.start()
        sender.close()
        self._children[invocation_id] = (process, receiver)

    def wait(self, ctx: RunContext) -> StepOutcome:
        if self._done:
            return self._done.popleft()
        handles: dict[Any, str] = {}
        for invocation_id, (process, receiver) in self._children.items():
            handles[receiver] = invocation_id
            handles[process.sentinel] = invocation_id
        ready = wait(list(handles))
        # Prefer a finished pipe over a bare sentinel: the child may have reported, then exited.
        chosen = next((h for h in ready if isinstance(h, Connection)), ready[0])
        invocation_id = handles[chosen]
        process, receiver = self._children.pop(invocation_id)
        message = None
        try:
            if receiver.poll():
                message = receiver.recv()
        except (EOFError, OSError):
            message = None
        finally:
            receiver.close()
        process.join()
        if message is None:
            return _record_silent_death(ctx, invocation_id, process.exitcode)
        return _outcome_from_message(ctx, invocation_id, message)

    def stop(self, ctx: RunContext, invocation_id: str) -> None:
        child = self._children.get(invocation_id)
        if child is not None and child[0].is_alive():
            child[0].terminate()

    def shutdown(self) -> None:
        for process, receiver in self._children.values():
            if process.is_alive():
                process.terminate()
                process.join(STOP_GRACE_SECONDS)
                if process.is_alive():
                    process.kill()
                    process.join()
            receiver.close()
        self._children.clear()


def _raise_stop(signum: int, frame: Any) -> None:
    raise RunStoppedSignal(f"Stopped by signal {signal.Signals(signum).name}.")


def _child_main(ctx: RunContext, plan: LaunchPlan, sender: Connection) -> None:
    """Body of a step's child process: run the step, report, exit without cleanup handlers."""
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C stops
    code = 0
    try:
        outcome = execute_step(ctx, plan)
        sender.send(_message(outcome))
    except RunStoppedSignal:
        sender.send({"status": ExecutionStatus.STOPPED.value, "step_run_id": None})
    except BaseException as error:  # a framework error: report it rather than die silently
        import traceback

        sender.send(
            {
                "status": ExecutionStatus.FAILED.value,
                "step_run_id": None,
                "error": _picklable(error),
                "traceback": traceback.format_exc(),
            }
        )
        code = 1
    finally:
        sender.close()
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def _message(outcome: StepOutcome) -> dict[str, Any]:
    return {
        "status": outcome.status.value,
        "step_run_id": outcome.step_run_id,
        "error": _picklable(outcome.error) if outcome.error is not None else None,
        "traceback": outcome.traceback,
    }


def _picklable(error: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        return StepFailedError(f"{type(error).__name__}: {error}")


def _outcome_from_message(
    ctx: RunContext, invocation_id: str, message: dict[str, Any]
) -> StepOutcome:
    status = ExecutionStatus(message["status"])
    step_run_id = message.get("step_run_id")
    outputs = {}
    if status.is_successful and step_run_id is not None:
        outputs = ctx.store.get_step_run(step_run_id).outputs
    if status is ExecutionStatus.FAILED and step_run_id is None:
        _mark_failed(ctx, invocation_id, message.get("traceback") or "The step process failed.")
    return StepOutcome(
        invocation_id,
        status,
        step_run_id,
        outputs,
        error=message.get("error"),
        traceback=message.get("traceback"),
    )


def _record_silent_death(ctx: RunContext, invocation_id: str, exitcode: int | None) -> StepOutcome:
    if exitcode is not None and exitcode < 0:
        cause = f"killed by signal {signal.Signals(-exitcode).name}"
    else:
        cause = f"exited with code {exitcode}"
    text = f"The process of step '{invocation_id}' died without reporting: {cause}."
    step_run_id = _mark_failed(ctx, invocation_id, text)
    return StepOutcome(
        invocation_id,
        ExecutionStatus.FAILED,
        step_run_id,
        error=StepFailedError(text),
        traceback=text,
    )


def _mark_failed(ctx: RunContext, invocation_id: str, text: str) -> Any:
    """Mark the step's running record failed (or create a failed one if it never got that far)."""
    stamp = datetime.now(timezone.utc)
    current = ctx.store.get_run_steps(ctx.run.id).get(invocation_id)
    if current is not None and not current.status.is_finished:
        ctx.store.update_step_run(
            current.id,
            status=ExecutionStatus.FAILED,
            end_time=stamp,
            exception=text,
            status_message=text,
        )
        return current.id
    invocation = ctx.spec.by_id[invocation_id]
    created = ctx.store.create_step_run(
        pipeline_run_id=ctx.run.id,
        name=invocation_id,
        step_name=invocation.step_name,
        config=invocation.config,
        status=ExecutionStatus.FAILED,
        inputs={},
        end_time=stamp,
        status_message=text,
    )
    ctx.store.update_step_run(created.id, exception=text)
    return created.id
