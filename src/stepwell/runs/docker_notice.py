"""The one line a run logs when it has `docker` settings that its orchestrator does not use.

ZenML scripts set `DockerSettings` almost always; stepwell's orchestrators build no image, so
the settings are validated and recorded with the run's configuration (`config/settings.py`)
and `submit` says once per run, at INFO, that they were not used (a warning per step would
bury a ported script's output in noise it cannot act on).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from stepwell.config.settings import DOCKER_KEY


def docker_settings_notice(
    pipeline_settings: dict[str, Any],
    invocations: Iterable[Any],
    orchestrator_flavor: str,
) -> str | None:
    """The line to log for a run whose pipeline or steps have `docker` settings (None if
    none has); it names where they were given."""
    owners = ["the pipeline"] if DOCKER_KEY in pipeline_settings else []
    steps = [inv.id for inv in invocations if DOCKER_KEY in inv.config.settings]
    if len(steps) > 3:
        owners.append(f"{len(steps)} steps")
    elif steps:
        label = "step" if len(steps) == 1 else "steps"
        owners.append(f"{label} " + ", ".join(f"'{step_id}'" for step_id in steps))
    if not owners:
        return None
    return (
        f"Docker settings of {' and '.join(owners)} are recorded with this run but not used: "
        f"the '{orchestrator_flavor}' orchestrator runs steps without building an image."
    )
