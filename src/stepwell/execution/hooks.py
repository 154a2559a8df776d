"""Call a step's success or failure hook inside the step context and the error boundary.

A hook that raises is logged with its own traceback (not the step's error it was handling,
which is shown already) and does not change the step's outcome.
"""

from __future__ import annotations

from stepwell.execution.user_code import failure_of, user_code
from stepwell.logger import get_logger
from stepwell.steps.hooks import hook_takes_exception
from stepwell.utils.async_calls import call
from stepwell.utils.sources import load_source

logger = get_logger(__name__)


def run_success_hook(source: str | None, step_name: str) -> None:
    """Call the success hook, if any."""
    if source:
        _call(source, step_name, None)


def run_failure_hook(source: str | None, step_name: str, error: BaseException) -> None:
    """Call the failure hook, if any, passing the exception when it takes one."""
    if source:
        _call(source, step_name, error)


def _call(source: str, step_name: str, error: BaseException | None) -> None:
    try:
        # Importing the hook's module runs user code too.
        with user_code(f"hook {source}", shown=error):
            hook = load_source(source)
            if error is not None and hook_takes_exception(hook):
                call(hook, error)  # `async def` hooks too, as in ZenML
            else:
                call(hook)
    except Exception as hook_error:
        failure = failure_of(hook_error)
        logger.error(
            "Hook %s of step %s failed; the step's outcome is unchanged:\n%s",
            source,
            step_name,
            failure.traceback,
        )
