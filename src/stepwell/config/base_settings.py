"""`BaseSettings`: the base of every settings model (`ResourceSettings`, each flavor's own).

A settings model says which keys one section of `settings={...}` may hold and of which
types: `resources` has `ResourceSettings`, and each stack component flavor declares its own
(`Flavor.settings_class`; the local orchestrator's holds `max_parallelism`,
`reuse_processes`, `synchronous`, `start_method` and `debug`). Unlike ZenML's, a misspelt
key is an error, not silently kept.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class BaseSettings(BaseModel):
    """Frozen, and forbids keys it does not declare; subclass it for a flavor's settings."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)
