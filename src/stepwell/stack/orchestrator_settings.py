"""What a run's orchestrator settings may hold, per orchestrator flavor (stack layer).

`settings={"orchestrator": {...}}` (or `orchestrator.<flavor>`, `orchestrator.<stack name>`)
is checked against the active orchestrator flavor's model before a run starts
(`runs/preflight.py`): a misspelt key or a value of the wrong type fails then, naming the
key, instead of being ignored or failing deep inside the orchestrator.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool

from stepwell.config.base_settings import BaseSettings


class OrchestratorSettings(BaseSettings):
    """Settings every orchestrator takes: how the run is submitted, not how steps launch."""

    # False: the call returns at once and the run goes on in a background process.
    synchronous: StrictBool | None = None
    # True: steps run one by one in the calling process (breakpoints work).
    debug: StrictBool | None = None


class LocalOrchestratorSettings(OrchestratorSettings):
    """The local orchestrator's settings; they win over its component configuration."""

    # Strict: "2" or True is a mistake in a config file, not a number of processes.
    max_parallelism: Annotated[int, Field(ge=1, strict=True)] | None = None
    reuse_processes: StrictBool | None = None
    start_method: Literal["fork", "spawn"] | None = None
