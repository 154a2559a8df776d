"""Build a configuration model from user input, with stepwell's error shape, not pydantic's.

`pipeline 'training': execution_mode: input should be 'fail_fast', 'stop_on_failure' or
'continue_on_failure' (got None)` instead of a multi-line pydantic dump with a link to its docs.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from stepwell.config.settings import ERROR_TYPE as SETTINGS_ERROR
from stepwell.config.settings import settings_error_path
from stepwell.exceptions import ConfigurationError, ResourceSettingsError

M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], data: dict[str, Any], owner: str) -> M:
    """`model(**data)`, or a ConfigurationError with one line per problem naming `owner`."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        # A bad `resources` setting keeps its own (ConfigurationError) subclass.
        paths = [settings_error_path(problem, "") for problem in error.errors()]
        resources = any(path.startswith(".resources") for path in paths)
        kind = ResourceSettingsError if resources else ConfigurationError
        raise kind(describe(error, owner)) from None


def describe(error: ValidationError, owner: str) -> str:
    """One line per problem: `<owner>: <dotted.key>: <message> (got <value>)`."""
    lines = []
    for problem in error.errors():
        path = ".".join(str(part) for part in problem["loc"]) or "(top level)"
        path = settings_error_path(problem, path)
        message = problem["msg"]
        if problem["type"] == "extra_forbidden":
            message = "unknown option; check its spelling"
        value = problem.get("input")
        # A settings problem names the key and what was given itself.
        quiet = problem["type"] in ("missing", SETTINGS_ERROR)
        got = "" if quiet else f" (got {value!r:.80})"
        lines.append(f"{owner}: {path}: {message[0].lower()}{message[1:]}{got}")
    return "\n".join(lines)
