"""Run names from templates: `{date}`, `{time}` and custom substitutions (pure).

Default: `{pipeline_name}-{date}-{time}`, e.g. `training_pipeline-2023_05_24-12_41_04_576473`,
from the run's start time in UTC.
"""

from __future__ import annotations

import string
from datetime import datetime

from stepwell.exceptions import RunNameError

DEFAULT_TEMPLATE = "{pipeline_name}-{date}-{time}"


def standard_substitutions(now: datetime) -> dict[str, str]:
    """The placeholders every run name may use."""
    return {"date": now.strftime("%Y_%m_%d"), "time": now.strftime("%H_%M_%S_%f")}


def format_run_name(
    template: str | None,
    pipeline_name: str,
    now: datetime,
    substitutions: dict[str, str] | None = None,
) -> str:
    """Fill a run-name template; unknown placeholders are an error listing the known ones."""
    values = {
        **standard_substitutions(now),
        **(substitutions or {}),
        "pipeline_name": pipeline_name,
    }
    template = template or DEFAULT_TEMPLATE
    fields = [field for _, field, _, _ in string.Formatter().parse(template) if field is not None]
    missing = [field for field in fields if field not in values]
    if missing:
        raise RunNameError(
            f"Run name '{template}' uses placeholder(s) {missing} with no value. Known "
            f"placeholders: {sorted(values)}; add custom ones with "
            "substitutions={...} on @pipeline or with_options."
        )
    try:
        return template.format(**values)
    except (ValueError, IndexError) as error:
        raise RunNameError(f"Run name '{template}' is not a valid template: {error}.") from None
