"""Built-in step hooks that tell the active stack's alerter how a step ended.

Use them as ZenML's: `@step(on_failure=alerter_failure_hook, on_success=alerter_success_hook)`
(or on a pipeline, for all its steps). They run in the launch stage of the define -> compile
-> orchestrate -> launch -> store -> read flow, inside the step context, and post a message
naming the pipeline, the run, the step and its parameters (plus, on failure, the exception
and its traceback). With no alerter in the stack they log a warning and do nothing else.
"""

from __future__ import annotations

from typing import Any

from stepwell.logger import get_logger
from stepwell.steps.step_context import StepContext, get_step_context

logger = get_logger(__name__)
TRACEBACK_LIMIT = 3000  # characters; chat services cap message sizes


def alerter_success_hook() -> None:
    """Post "step succeeded" with the step's pipeline, run and parameters to the alerter."""
    _post("alerter_success_hook", success_message(get_step_context()))


def alerter_failure_hook(exception: BaseException) -> None:
    """Post "step failed" with the exception and its traceback to the alerter."""
    _post("alerter_failure_hook", failure_message(get_step_context(), exception))


def success_message(context: StepContext) -> str:
    """The message the success hook posts."""
    return f"Step '{context.step_run.name}' succeeded.\n\n{_describe(context)}"


def failure_message(context: StepContext, exception: BaseException) -> str:
    """The message the failure hook posts: what ran, the exception, the traceback's end."""
    from stepwell.execution.user_code import failure_of

    trace = failure_of(exception).traceback.rstrip()
    if len(trace) > TRACEBACK_LIMIT:
        trace = "...\n" + trace[-TRACEBACK_LIMIT:]
    return (
        f"Step '{context.step_run.name}' failed.\n\n{_describe(context)}\n"
        f"Exception: {type(exception).__name__}: {exception}\n\nTraceback:\n{trace}"
    )


def _describe(context: StepContext) -> str:
    parameters = _parameters(context)
    listed = ", ".join(f"{key}={value!r}" for key, value in sorted(parameters.items()))
    return (
        f"Pipeline: {context.pipeline.name}\n"
        f"Run: {context.pipeline_run.name}\n"
        f"Step: {context.step_run.name}\n"
        f"Parameters: {listed or '(none)'}"
    )


def _parameters(context: StepContext) -> dict[str, Any]:
    config = getattr(context.step_run, "config", None)
    return dict(getattr(config, "parameters", None) or {})


def _post(hook: str, message: str) -> None:
    from stepwell.stack.active import get_active_stack

    stack = get_active_stack()
    if stack.alerter is None:
        logger.warning(
            "%s: the active stack '%s' has no alerter, so no message is sent. Register one "
            "with Client().create_stack_component(..., component_type='alerter') and add it "
            "with Client().update_stack('%s', components={'alerter': ...}).",
            hook,
            stack.name,
            stack.name,
        )
        return
    stack.alerter.post(message)
