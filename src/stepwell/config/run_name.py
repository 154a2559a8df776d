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


MAX_RUN_NAME = 255


def check_run_name_template(template: str) -> list[str]:
    """The placeholders of a run-name template, checked: only bare `{name}` fields (no format
    specs or conversions: `{date:>3000000000}` would exhaust memory), balanced braces, and
    no `/`, whitespace or control characters outside placeholders."""
    if not isinstance(template, str):
        raise RunNameError(
            f"A run name must be a string, not {type(template).__name__} ({template!r:.60})."
        )
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:
        raise RunNameError(
            f"Run name '{template}' is not a valid template ({error}); write placeholders as "
            "{name} and a literal brace as {{ or }}."
        ) from None
    fields = []
    for literal, field, spec, conversion in parsed:
        _check_text(literal, template)
        if field is None:
            continue
        if spec or conversion or not field.isidentifier():
            shown = field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            raise RunNameError(
                f"Run name '{template}': placeholder {{{shown}}} is not allowed; use bare "
                "names such as {date}, {time} or a custom one from substitutions."
            )
        fields.append(field)
    return fields


def _check_text(text: str, template: str) -> None:
    bad = next((c for c in text if c == "/" or c.isspace() or not c.isprintable()), None)
    if bad is not None:
        raise RunNameError(
            f"Run name '{template}' contains {bad!r}; run names may not contain '/', "
            "whitespace or control characters (they appear in paths and commands)."
        )


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
    fields = check_run_name_template(template)
    missing = [field for field in fields if field not in values]
    if missing:
        raise RunNameError(
            f"Run name '{template}' uses placeholder(s) {missing} with no value. Known "
            f"placeholders: {sorted(values)}; add custom ones with "
            "substitutions={...} on @pipeline or with_options."
        )
    name = template.format(**{field: str(values[field]) for field in fields})
    _check_text(name, template)
    if len(name) > MAX_RUN_NAME:
        raise RunNameError(
            f"Run name '{name[:60]}...' is {len(name)} characters long; at most "
            f"{MAX_RUN_NAME} are allowed."
        )
    return name
