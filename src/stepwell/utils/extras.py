"""Optional dependencies: which extra brings a missing one (used by the store and the server).

Parts of stepwell need packages that only an extra installs: talking to a stepwell server
needs `httpx`, running one also needs FastAPI, uvicorn and the rest of the `server` extra.
Without them, the user should read which extra to install, not a bare `ModuleNotFoundError`
(or, for `stepwell server start`, a process that crashes in the background). The checks
here look the modules up without importing them, so they cost next to nothing when all is
installed.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Sequence
from types import ModuleType

from stepwell.exceptions import EnvironmentConfigError

SERVER_EXTRA = "server"
# What the server process imports that the core install lacks (module -> package to install).
SERVER_MODULES = {
    "fastapi": "fastapi",
    "uvicorn": "uvicorn",
    "httpx": "httpx",
    "jwt": "PyJWT",
    "pwdlib": "pwdlib[argon2]",
    "argon2": "argon2-cffi",
    "cryptography": "cryptography",
}


def install_hint(extra: str) -> str:
    """The command that installs `extra`."""
    return f'pip install "stepwell[{extra}]"'


def is_installed(module: str) -> bool:
    """Whether the top-level `module` can be imported (looked up, not imported)."""
    if module in sys.modules:
        return sys.modules[module] is not None  # None: import blocked on purpose
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def require_modules(modules: dict[str, str], extra: str, purpose: str) -> None:
    """Raise EnvironmentConfigError naming the missing packages and `extra`, unless every
    module of `modules` (module -> package) can be imported; `purpose` says what needs them,
    e.g. "Running a stepwell server"."""
    missing = [package for module, package in modules.items() if not is_installed(module)]
    if missing:
        raise EnvironmentConfigError(_message(purpose, missing, extra))


def import_optional(
    module: str, extra: str, purpose: str, package: str | None = None
) -> ModuleType:
    """Import `module`; if it is missing, raise EnvironmentConfigError saying which extra
    installs it."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        if (error.name or module).partition(".")[0] != module.partition(".")[0]:
            raise  # the module is there but one of its own dependencies is not: show that
        raise EnvironmentConfigError(_message(purpose, [package or module], extra)) from None


def _message(purpose: str, missing: Sequence[str], extra: str) -> str:
    names = ", ".join(missing)
    which = (
        "which is not installed; install it"
        if len(missing) == 1
        else ("which are not installed; install them")
    )
    return f"{purpose} needs {names}, {which} with: {install_hint(extra)}"
