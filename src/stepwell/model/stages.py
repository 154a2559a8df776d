"""How a model version reference reads: a stage, a number or a name (model layer, pure).

Used by `Model`, by the store's lookups and by the CLI, so that `"production"`, `3`, `"3"`
and `"v2"` mean the same everywhere.
"""

from __future__ import annotations

from typing import Any

from stepwell.enums import ModelStages
from stepwell.exceptions import UnknownModelStageError

LOOKUP_STAGES = frozenset(stage.value for stage in ModelStages)
SETTABLE_STAGES = tuple(stage.value for stage in ModelStages if stage is not ModelStages.LATEST)
# Stages that one version of a model at a time can hold.
EXCLUSIVE_STAGES = (ModelStages.STAGING.value, ModelStages.PRODUCTION.value)


def stage_value(stage: ModelStages | str, for_lookup: bool = False) -> str:
    """`stage` as stored; an unknown stage raises UnknownModelStageError listing the valid
    ones (`latest` only for lookups)."""
    text = str(getattr(stage, "value", stage)).strip().lower()
    allowed = LOOKUP_STAGES if for_lookup else frozenset(SETTABLE_STAGES)
    if text not in allowed:
        raise UnknownModelStageError(
            f"'{stage}' is not a model stage; use one of: {', '.join(sorted(allowed))}."
        )
    return text


def is_stage(reference: Any) -> bool:
    """Whether a version reference names a stage (`production`, `latest`, ...)."""
    return isinstance(reference, ModelStages) or str(reference).strip().lower() in LOOKUP_STAGES


def is_number(reference: Any) -> bool:
    """Whether a version reference is a version number (an int or a string of digits)."""
    if isinstance(reference, bool):
        return False
    return isinstance(reference, int) or str(reference).strip().isdigit()
