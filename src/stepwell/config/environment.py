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
| STEPWELL_ALLOW_PICKLE                  | `False`: refuse every pickle-based artifact load     |

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
ENV_ALLOW_PICKLE = "STEPWELL_ALLOW_PICKLE"

PROJECT_FOLDER = ".stepwell"
# One rule for every boolean, here and in configuration files (the words pydantic accepts):
TRUE_WORDS = frozenset({"1", "true", "t", "yes", "y", "on"})
FALSE_WORDS = frozenset({"0", "false", "f", "no", "n", "off"})


def _raw(name: str) -> str | None:
    """A variable's value; set but empty (or blank) counts as unset, for every variable."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return None
    return value


def flag(name: str, default: bool = False) -> bool:
    """Read a boolean variable; anything but a clear yes/no is an error naming the variable."""
    raw = _raw(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise EnvironmentConfigError(
        f"{name}={raw!r} is not a boolean; use one of "
        f"{', '.join(sorted(TRUE_WORDS))} or {', '.join(sorted(FALSE_WORDS))} (or unset it)."
    )


def find_project_folder(start: Path | None = None) -> Path | None:
    """The nearest `.stepwell/` folder at or above `start` (default: the working directory)
    that the current user owns and no one else may write to.

    Found by walking up, a `.stepwell/` folder would otherwise let anyone who can create one
    in a shared parent (`/tmp`, a shared drive) choose the store and the code another user
    runs (as git refuses a repository it does not trust). Such a folder is skipped with a
    warning, and the walk goes on up.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / PROJECT_FOLDER
        if candidate.is_dir():
            problem = untrusted_folder_problem(candidate)
            if problem is None:
                return candidate
            _warn_untrusted(candidate, problem)
    return None


def untrusted_folder_problem(folder: Path) -> str | None:
    """Why `folder` cannot be trusted as this user's project folder, or None."""
    if not hasattr(os, "getuid"):  # no POSIX owners (Windows): nothing to check
        return None
    info = folder.stat()
    if info.st_uid != os.getuid():
        return f"it belongs to user id {info.st_uid}, not to you ({os.getuid()})"
    if info.st_mode & 0o022:
        return f"others may write to it (mode {info.st_mode & 0o777:o})"
    return None


_warned_folders: set[Path] = set()


def _warn_untrusted(folder: Path, problem: str) -> None:
    if folder in _warned_folders:
        return
    _warned_folders.add(folder)
    import logging

    logging.getLogger("stepwell").warning(
        "Ignoring the project folder %s: %s. Fix it with `chmod go-w %s` (and own it), or "
        "set STEPWELL_HOME.",
        folder,
        problem,
        folder,
    )


def home_folder() -> Path:
    """Where the default store and artifact store live."""
    explicit = _raw(ENV_HOME)
    if explicit:
        return Path(explicit).expanduser().resolve()
    project = find_project_folder()
    if project is not None:
        return project
    data_home = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(data_home) / "stepwell"


def store_url() -> str:
    """The SQLAlchemy URL of the metadata store."""
    explicit = _raw(ENV_STORE_URL)
    if explicit:
        return explicit
    # SQLAlchemy reads `%XX` in a URL as an escape and `?` as the start of its options: a
    # home folder's path may hold either.
    path = str(home_folder() / "stepwell.db").replace("%", "%25").replace("?", "%3F")
    return f"sqlite:///{path}"


def artifact_store_path() -> str:
    """The root of the default artifact store."""
    return _raw(ENV_ARTIFACT_STORE_PATH) or str(home_folder() / "artifacts")


def enforce_type_annotations() -> bool:
    return flag(ENV_ENFORCE_TYPE_ANNOTATIONS)


def run_single_steps_without_stack() -> bool:
    return flag(ENV_RUN_SINGLE_STEPS_WITHOUT_STACK)


def debug_mode() -> bool:
    return flag(ENV_DEBUG)


def allow_pickle() -> bool:
    """Whether artifacts may be unpickled (cloudpickle, numpy object arrays, pandas pickles);
    unpickling runs code chosen by whoever wrote the bytes. Default: allowed."""
    return flag(ENV_ALLOW_PICKLE, default=True)


def active_stack_override() -> str | None:
    """The stack STEPWELL_ACTIVE_STACK names, if it is set (and not blank)."""
    value = os.environ.get(ENV_ACTIVE_STACK, "").strip()
    return value or None


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def logging_verbosity() -> str:
    raw = _raw(ENV_LOGGING_VERBOSITY)
    value = (raw or "INFO").strip().upper()
    if value not in LOG_LEVELS:
        raise EnvironmentConfigError(
            f"{ENV_LOGGING_VERBOSITY}={raw!r} is not a level; use one of "
            f"{', '.join(LOG_LEVELS)} (or unset it)."
        )
    return value


DEFAULT_HEARTBEAT_INTERVAL = 5.0


def heartbeat_interval() -> float:
    """Seconds between heartbeats of the runs this process orchestrates (recorded with each
    run: readers judge a run by its own recorded interval, never by this setting)."""
    raw = _raw(ENV_HEARTBEAT_INTERVAL) or str(DEFAULT_HEARTBEAT_INTERVAL)
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
    raw = (_raw(name) or "").strip()
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
