"""What a run runs on: its stack, its orchestrator and the orchestrator's settings (runs).

The stack is the active one (or the run's pinned one); the orchestrator is the stack's,
with the run's `settings.orchestrator` on top, or the inline one in debug mode.
"""

from __future__ import annotations

from typing import Any

from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.config import environment
from stepwell.config.pipeline_config import PipelineConfig
from stepwell.exceptions import ConfigurationError
from stepwell.logger import get_logger
from stepwell.orchestrators.base import BaseOrchestrator
from stepwell.store.active import default_artifact_store, get_store

logger = get_logger(__name__)


def run_stack() -> Any:
    """The active stack (its components say where and how runs go)."""
    from stepwell.stack.active import get_active_stack

    return get_active_stack(get_store())


def stack_artifact_store(stack: Any) -> BaseArtifactStore:
    """The stack's artifact store; the default local one follows STEPWELL_ARTIFACT_STORE_PATH."""
    component = stack.component("artifact_store")
    if component.model.flavor == "local" and not getattr(component.config, "path", None):
        return default_artifact_store()
    return stack.artifact_store  # type: ignore[no-any-return]


def orchestrator_settings(config: PipelineConfig, stack: Any = None) -> dict[str, Any]:
    """The run's orchestrator settings: `orchestrator`, then `orchestrator.<stack name>` and
    `orchestrator.<flavor>` keys. Keys for other stacks or flavors are ignored with a warning
    (users switch stacks without editing every configuration)."""
    settings = dict(config.settings.get("orchestrator") or {})
    mine = set()
    if stack is not None:
        mine = {
            f"orchestrator.{stack.name}",
            f"orchestrator.{stack.component('orchestrator').model.flavor}",
        }
    for key, value in config.settings.items():
        if not key.startswith("orchestrator.") or not isinstance(value, dict):
            continue
        if stack is None or key in mine:
            settings.update(value)
        else:
            logger.warning(
                "Ignoring settings '%s': the active stack '%s' does not use it.", key, stack.name
            )
    return settings


def make_orchestrator(stack: Any, settings: dict[str, Any]) -> BaseOrchestrator:
    """The run's orchestrator: the stack's, with the run's orchestrator settings on top
    (inline, one step at a time in this process, in debug mode)."""
    from stepwell.orchestrators.inline import InlineOrchestrator

    settings = dict(settings)
    settings.pop("synchronous", None)  # how the run is submitted, not how steps launch
    if environment.debug_mode() or settings.pop("debug", False):
        return InlineOrchestrator()
    return stack.make_orchestrator(**settings)  # type: ignore[no-any-return]


def is_synchronous(stack: Any, settings: dict[str, Any]) -> bool:
    """Whether the caller waits for the run: the run's orchestrator setting `synchronous`,
    else the stack orchestrator's own `synchronous` configuration."""
    default = getattr(stack.component("orchestrator").config, "synchronous", True)
    value = settings.get("synchronous", default)
    if not isinstance(value, bool):
        raise ConfigurationError(
            f"settings.orchestrator.synchronous must be true or false, not {value!r}."
        )
    return value
