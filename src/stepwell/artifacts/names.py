"""Dynamic artifact names: `{date}`, `{time}` and custom placeholders (pure).

An output annotated `Annotated[T, "scores_{date}"]` or `ArtifactConfig(name="model_{env}")`
keeps its template in the compiled spec (a snapshot runs again on other days); the name is
filled in when the output is saved, from the run's start time and the pipeline's
`substitutions`, exactly as the run name is (see `config.run_name`). The compiler checks
the placeholders early, so a missing substitution fails before anything runs.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import datetime, timezone

from stepwell.config.run_name import standard_substitutions

STANDARD_PLACEHOLDERS = ("date", "time")


def placeholders(template: str) -> list[str]:
    """The placeholder names in `template`, in order (empty for a plain name)."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return []
    return [field for _, field, _, _ in parsed if field is not None]


def is_template(name: str) -> bool:
    """Whether `name` has placeholders to fill in."""
    return "{" in name and bool(placeholders(name))


def missing_placeholders(template: str, substitutions: Mapping[str, str]) -> list[str]:
    """The placeholders of `template` that neither `{date}`/`{time}` nor `substitutions` fill;
    a template that cannot be parsed is reported as missing everything."""
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError:
        return [template]
    known = {*STANDARD_PLACEHOLDERS, *substitutions}
    return [field for field in fields if field not in known]


def resolve_artifact_name(
    template: str, start_time: datetime | None, substitutions: Mapping[str, str] | None = None
) -> str:
    """`template` with its placeholders filled in (a plain name comes back unchanged)."""
    if not is_template(template):
        return template
    if start_time is None:
        start_time = datetime.now(timezone.utc)
    values = {**standard_substitutions(start_time), **(substitutions or {})}
    return template.format(**values)
