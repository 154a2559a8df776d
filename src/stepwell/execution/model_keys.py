"""Which version of a model a run means, as a key (launch; pure but for the clock it is given).

`Model(name, version="v{date}")` names a version with the run-name placeholders, filled with
the run's start time and substitutions, so that every step of the run (and the run's start,
which resolves the versions) reads the same name. Versions a run resolved are kept by
`model_key(name, version)`;
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from stepwell.artifacts.names import is_template, missing_placeholders, resolve_artifact_name
from stepwell.exceptions import ModelError
from stepwell.model.model import Model
from stepwell.model.stages import is_number, is_stage


def version_text(model: Model, started: datetime, substitutions: dict[str, str]) -> str | None:
    """The version `model` names for a run started at `started`: placeholders filled."""
    text = model.version_text
    if text is None or is_stage(text) or is_number(text) or not is_template(text):
        return text
    missing = missing_placeholders(text, substitutions)
    if missing:
        raise ModelError(
            f"Version '{text}' of model '{model.name}' uses placeholder(s) {missing} with no "
            "value; use {date}, {time} or a custom one from substitutions={...}."
        )
    return resolve_artifact_name(text, started, substitutions)


def run_version_text(model: Model, run: Any) -> str | None:
    """The version `model` names in `run` (placeholders filled with its start and
    substitutions)."""
    substitutions = dict(getattr(run.config, "substitutions", {}) or {})
    return version_text(model, run.start_time or run.created, substitutions)
