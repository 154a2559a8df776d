"""Every STEPWELL_* environment variable, read in one place.

| variable                               | meaning                                              |
|----------------------------------------|------------------------------------------------------|
| STEPWELL_HOME                          | folder of the default store and artifacts            |
| STEPWELL_STORE_URL                     | SQLAlchemy URL of the metadata store                 |
| STEPWELL_ARTIFACT_STORE_PATH           | root (folder or fsspec URL) of the artifact store    |
| STEPWELL_ENFORCE_TYPE_ANNOTATIONS      | `True`: a step without annotations is an error       |
| STEPWELL_RUN_SINGLE_STEPS_WITHOUT_STACK| `True`: a step called alone runs as a plain call   |
| STEPWELL_LOGGING_VERBOSITY             | DEBUG, INFO (default), WARNING, ERROR                |
| STEPWELL_DEBUG                         | `True`: run steps in the calling process, one by one |
| STEPWELL_HEARTBEAT_INTERVAL            | seconds between a running run's heartbeats (5)       |
| STEPWELL_SOURCE_ROOT                   | the folder whose code counts as the user's own        |
| STEPWELL_ACTIVE_STACK                  | name or id of the stack to run on (else config.yaml) |
| STEPWELL_MAX_TRIGGER_DEPTH             | how deep triggered runs may trigger further runs (5) |
| STEPWELL_TRIGGER_DEPTH                 | set by stepwell: how many triggers led to this run   |

The home folder is, in order: STEPWELL_HOME; a project-local `.stepwell/` folder found in the
current directory or a parent (made by `stepwell init`); the per-user data folder
(`$XDG_DATA_HOME/stepwell`, default `~/.local/share/stepwell`).
"""

from __future__ import annotations

import os
from pathlib import Path

from stepwell.exceptions import EnvironmentConfigError

ENV_HOME = "STEPWELL_HOME"
ENV_STORE_URL = "STEPWELL_STORE_URL"
ENV_ARTIFACT_STORE_PATH = "STEPWELL_ARTIFACT_STORE_PATH"
ENV_ENFORCE_TYPE_ANNOTATIONS = "STEPWELL_ENFORCE_TYPE_ANNOTATIONS"
ENV_RUN_SINGLE_STEPS_WITHOUT_STACK = "STEPWELL_RUN_SINGLE_STEPS_WITHOUT_STACK"
ENV_LOGGING_VERBOSITY = "STEPWELL_LOGGING_VERBOSITY"
ENV_DEBUG = "STEPWELL_DEBUG"
ENV_HEARTBEAT_INTERVAL = "STEPWELL_HEARTBEAT_INTERVAL"
ENV_SOURCE_ROOT = "STEPWELL_SOURCE_ROOT"
ENV_ACTIVE_STACK = "STEPWELL_ACTIVE_STACK"
ENV_MAX_TRIGGER_DEPTH = "STEPWELL_MAX_TRIGGER_DEPTH"
ENV_TRIGGER_DEPTH = "STEPWELL_TRIGGER_DEPTH"

PROJECT_FOLDER = ".stepwell"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def flag(name: str, default: bool = False) -> bool:
    """Read a boolean variable; anything but a clear yes/no is an error naming the variable."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise EnvironmentConfigError(f"{name}={raw!r} is not a boolean; set it to True or False.")


def find_project_folder(start: Path | None = None) -> Path | None:
    """The nearest `.stepwell/` folder at or above `start` (default: the working directory)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / PROJECT_FOLDER
        if candidate.is_dir():
            return candidate
    return None


def home_folder() -> Path:
    """Where the default store and artifact store live."""
    explicit = os.environ.get(ENV_HOME)
    if explicit:
        return Path(explicit).expanduser().resolve()
    project = find_project_folder()
    if project is not None:
        return project
    data_home = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(data_home) / "stepwell"


def store_url() -> str:
    """The SQLAlchemy URL of the metadata store."""
    explicit = os.environ.get(ENV_STORE_URL)
    if explicit:
        return explicit
    return f"sqlite:///{home_folder() / 'stepwell.db'}"


def artifact_store_path() -> str:
    """The root of the default artifact store."""
    return os.environ.get(ENV_ARTIFACT_STORE_PATH) or str(home_folder() / "artifacts")


def enforce_type_annotations() -> bool:
    return flag(ENV_ENFORCE_TYPE_ANNOTATIONS)


def run_single_steps_without_stack() -> bool:
    return flag(ENV_RUN_SINGLE_STEPS_WITHOUT_STACK)


def debug_mode() -> bool:
    return flag(ENV_DEBUG)


def active_stack_override() -> str | None:
    """The stack STEPWELL_ACTIVE_STACK names, if it is set (and not blank)."""
    value = os.environ.get(ENV_ACTIVE_STACK, "").strip()
    return value or None


def logging_verbosity() -> str:
    value = os.environ.get(ENV_LOGGING_VERBOSITY, "INFO").strip().upper()
    if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise EnvironmentConfigError(
            f"{ENV_LOGGING_VERBOSITY}={value!r} is not a level; use DEBUG, INFO, WARNING or ERROR."
        )
    return value


def heartbeat_interval() -> float:
    """Seconds between heartbeats of a running run; missing three marks the run dead."""
    raw = os.environ.get(ENV_HEARTBEAT_INTERVAL, "5")
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise EnvironmentConfigError(
            f"{ENV_HEARTBEAT_INTERVAL}={raw!r} must be a positive number of seconds."
        )
    return value


def _whole_number(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise EnvironmentConfigError(
            f"{name}={raw!r} must be a whole number of at least {minimum}."
        )
    return value


def trigger_depth() -> int:
    """How many triggers led to the run this process belongs to (0: started by hand)."""
    return _whole_number(ENV_TRIGGER_DEPTH, 0)


def max_trigger_depth() -> int:
    """How many triggered runs may follow each other, each started from within the last."""
    return _whole_number(ENV_MAX_TRIGGER_DEPTH, 5, minimum=1)
