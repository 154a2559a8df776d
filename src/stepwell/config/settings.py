"""What a `settings={...}` value may hold, checked where it is defined (config layer, pure).

`settings` maps sections to plain data. A section is `resources` (checked against
`ResourceSettings`), `docker` (checked against `DockerSettings`; recorded, no orchestrator
builds images), a stack component type (`orchestrator`: the active stack's one), or a
component type with a flavor (`orchestrator.local`; for orchestrators also a stack's name).
Each section's value is a mapping of setting names (or a settings object, kept as the data
it was given). Everything here needs no stack: which keys a component's section may hold
depends on the flavor, and is checked against the active stack when a run starts
(`runs/preflight.py`, with each flavor's `settings_class`).

Every configuration model types its `settings` field as `Settings`, so the check runs for
decorators, `configure`/`with_options`, YAML files and triggers alike; a problem is reported
as `<owner or file>: <path>.settings.<section>.<key>: <problem>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ValidationError
from pydantic_core import PydanticCustomError

from stepwell.config.resource_settings import SETTINGS_KEY as RESOURCES_KEY
from stepwell.config.resource_settings import ResourceSettings
from stepwell.enums import StackComponentType

DOCKER_KEY = "docker"  # `DockerSettings`, imported only where a run has such a section
# Sections checked here against their own model, whatever the stack (not component types).
SECTION_KEYS = frozenset({RESOURCES_KEY, DOCKER_KEY})

# The pydantic error type of a settings problem; its context holds the key path inside
# `settings`, which the error describers append to the field's own location.
ERROR_TYPE = "invalid_settings"


class InvalidSettings(ValueError):
    """A settings problem: the dotted key inside `settings` ("" for the whole value)."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}" if key else problem)
        self.key = key
        self.problem = problem


def component_types() -> list[str]:
    """The component types a settings section may name."""
    return [kind.value for kind in StackComponentType]


def section_parts(key: str) -> tuple[str, str | None]:
    """`orchestrator.local` -> ("orchestrator", "local"); `orchestrator` -> (.., None)."""
    kind, _, selector = key.partition(".")
    return kind, (selector if _ else None)


def is_settings_key(key: str) -> bool:
    """Whether `key` names a settings section stepwell knows."""
    if key in SECTION_KEYS:
        return True
    kind, selector = section_parts(key)
    return kind in component_types() and (selector is None or bool(selector.strip()))


def check_settings(value: Any) -> dict[str, Any]:
    """`value` as plain settings data, or InvalidSettings naming the first bad key."""
    if isinstance(value, BaseModel) or not isinstance(value, Mapping):
        raise InvalidSettings(
            "",
            "must be a mapping of sections, such as {'resources': {'cpu_count': 2}, "
            f"'orchestrator': {{'max_parallelism': 4}}}}, not {type(value).__name__}",
        )
    checked: dict[str, Any] = {}
    for key, section in value.items():
        if not isinstance(key, str):
            raise InvalidSettings(repr(key), "a settings section must be named by a string")
        if not is_settings_key(key):
            raise InvalidSettings(
                key,
                f"unknown settings section; use '{RESOURCES_KEY}', '{DOCKER_KEY}', a "
                "component type "
                f"({', '.join(component_types())}) or '<component type>.<flavor>' such as "
                "'orchestrator.local'",
            )
        data = section_data(section, key)
        if key == RESOURCES_KEY:
            data = check_resources(data)
        elif key == DOCKER_KEY:
            data = check_docker(data)
        checked[key] = data
    return checked


def section_data(section: Any, key: str) -> dict[str, Any]:
    """One section's value as a dict of setting names (a settings object's set fields)."""
    if isinstance(section, BaseModel):
        section = section.model_dump(exclude_unset=True)
    if not isinstance(section, Mapping):
        examples = {RESOURCES_KEY: "{'cpu_count': 2}", DOCKER_KEY: "{'requirements': ['pandas']}"}
        example = examples.get(key, "{'max_parallelism': 2}")
        raise InvalidSettings(
            key,
            f"must be a mapping of setting names to values (such as {example}) or a "
            f"settings object, not {type(section).__name__}",
        )
    for name in section:
        if not isinstance(name, str):
            raise InvalidSettings(f"{key}.{name!r}", "a setting must be named by a string")
    return dict(section)


def check_resources(data: dict[str, Any]) -> dict[str, Any]:
    """The `resources` section checked against `ResourceSettings`, as plain data."""
    try:
        parsed = ResourceSettings.model_validate(data)
    except ValidationError as error:
        raise first_problem(error, RESOURCES_KEY, ResourceSettings) from None
    return parsed.model_dump(exclude_none=True)


def check_docker(data: dict[str, Any]) -> dict[str, Any]:
    """The `docker` section checked against `DockerSettings`, as the JSON data given (the
    fields that were set; enums as their values)."""
    from stepwell.config.docker_settings import DockerSettings

    try:
        parsed = DockerSettings.model_validate(data)
    except ValidationError as error:
        raise first_problem(error, DOCKER_KEY, DockerSettings) from None
    return parsed.model_dump(mode="json", exclude_unset=True)


def first_problem(error: ValidationError, section: str, model: type[BaseModel]) -> InvalidSettings:
    """The first problem pydantic found in a section's settings `model`, as InvalidSettings."""
    problem = error.errors()[0]
    key = ".".join([section, *(str(part) for part in problem["loc"])])
    if problem["type"] == "extra_forbidden":
        import difflib

        known = ", ".join(sorted(model.model_fields)) or "none"
        close = difflib.get_close_matches(str(problem["loc"][-1]), model.model_fields, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        message = f"unknown setting; {hint}check its spelling (known: {known})"
    else:
        # A validator's own message says enough without pydantic's "Value error, " prefix.
        own = problem.get("ctx", {}).get("error") if problem["type"] == "value_error" else None
        message = str(own) if own is not None else problem["msg"]
        message = message[0].lower() + message[1:]
        given = repr(problem.get("input"))
        message += f" (got {given if len(given) <= 60 else given[:57] + '...'})"
    return InvalidSettings(key, message)


def _validate(value: Any) -> dict[str, Any]:
    try:
        return check_settings(value)
    except InvalidSettings as problem:
        raise PydanticCustomError(
            ERROR_TYPE, "{problem}", {"key": problem.key, "problem": problem.problem}
        ) from None


# The type of every configuration model's `settings` field.
Settings = Annotated[dict[str, Any], BeforeValidator(_validate)]


def settings_error_path(problem: Mapping[str, Any], path: str) -> str:
    """A pydantic problem's dotted location, with the key inside `settings` appended."""
    if problem.get("type") == ERROR_TYPE and problem.get("ctx", {}).get("key"):
        return f"{path}.{problem['ctx']['key']}"
    return path
