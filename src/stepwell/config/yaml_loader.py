"""Read a run configuration from YAML, with errors that name the file and the key path.

`config.yaml: steps.trainer.parameters.lr: value is not a valid float` is the shape of every
error: the file, the dotted path of the offending key, and what is wrong with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stepwell.config.run_config import PipelineRunConfiguration
from stepwell.config.settings import settings_error_path
from stepwell.config.yaml_safety import MAX_BYTES, decode, load_yaml
from stepwell.exceptions import ConfigurationError


def load_run_configuration(path: str | Path) -> PipelineRunConfiguration:
    """Parse and validate a YAML run configuration file."""
    file = Path(path)
    try:
        with open(file, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise ConfigurationError(f"{file}: cannot read the run configuration: {error}.") from None
    data = load_yaml(decode(raw, str(file)), str(file))
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigurationError(
            f"{file}: a run configuration must be a mapping of keys, not {type(data).__name__}."
        )
    return parse_run_configuration(data, source=str(file))


def parse_run_configuration(
    data: dict[str, Any], source: str = "run configuration"
) -> PipelineRunConfiguration:
    """Validate a run configuration given as a dict (from YAML, JSON or a trigger)."""
    from pydantic import ValidationError

    try:
        return PipelineRunConfiguration.model_validate(data)
    except ValidationError as error:
        raise ConfigurationError(describe_validation_error(error, source)) from None


def describe_validation_error(error: Any, source: str) -> str:
    """One line per problem: `<source>: <dotted.key.path>: <message>`."""
    lines = []
    for problem in error.errors():
        path = ".".join(str(part) for part in problem["loc"]) or "(top level)"
        path = settings_error_path(problem, path)
        message = problem["msg"]
        if problem["type"] == "extra_forbidden":
            message = "unknown key; check its spelling against the run configuration schema"
        lines.append(f"{source}: {path}: {message[0].lower()}{message[1:]}")
    return "\n".join(lines)
