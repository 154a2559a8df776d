"""The constants ZenML users import from `zenml.constants`, under stepwell's names.

Environment variables are `STEPWELL_*` where ZenML's are `ZENML_*`, and each constant here
is renamed the same way (`ENV_ZENML_DEBUG` -> `ENV_STEPWELL_DEBUG`); only the variables
stepwell reads are listed. The `handle_*_env_var` helpers read a variable as ZenML's do.
Standard library only: importing this module stays free.
"""

from __future__ import annotations

import os

_TRUE = ("1", "y", "yes", "true")
_FALSE = ("0", "n", "no", "false")


def handle_bool_env_var(var: str, default: bool = False) -> bool:
    """The variable as a bool: 1/y/yes/true or 0/n/no/false (any case), else `default`."""
    value = (os.getenv(var) or "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return default


def handle_int_env_var(var: str, default: int = 0) -> int:
    """The variable as an int, or `default` if it is unset or not an integer."""
    try:
        return int(os.environ[var])
    except (KeyError, ValueError):
        return default


def handle_float_env_var(var: str, default: float = 0.0) -> float:
    """The variable as a float, or `default` if it is unset or not a number."""
    try:
        return float(os.environ[var])
    except (KeyError, ValueError):
        return default


ENV_STEPWELL_DEBUG = "STEPWELL_DEBUG"
ENV_STEPWELL_LOGGING_VERBOSITY = "STEPWELL_LOGGING_VERBOSITY"
ENV_STEPWELL_ENFORCE_TYPE_ANNOTATIONS = "STEPWELL_ENFORCE_TYPE_ANNOTATIONS"
ENV_STEPWELL_RUN_SINGLE_STEPS_WITHOUT_STACK = "STEPWELL_RUN_SINGLE_STEPS_WITHOUT_STACK"
ENV_STEPWELL_ACTIVE_STACK = "STEPWELL_ACTIVE_STACK"  # a name or id (ZenML: ..._ACTIVE_STACK_ID)
ENV_STEPWELL_CONFIG_PATH = "STEPWELL_HOME"  # where stepwell keeps its configuration
ENV_STEPWELL_STORE_PREFIX = "STEPWELL_STORE_"  # STEPWELL_STORE_URL, STEPWELL_STORE_API_KEY
ENV_STEPWELL_SERVER_PREFIX = "STEPWELL_SERVER_"
ENV_STEPWELL_SOURCE_ROOT = "STEPWELL_SOURCE_ROOT"

IS_DEBUG_ENV: bool = handle_bool_env_var(ENV_STEPWELL_DEBUG, default=False)

# Paging of list calls (`Client().list_*`), as in ZenML.
PAGINATION_STARTING_PAGE = 1
PAGE_SIZE_DEFAULT = 50
