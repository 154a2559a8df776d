"""The user's code, sent by value to workers that cannot import it (orchestrate -> launch).

A worker finds a step, hook or materializer by its source reference (`module:qualname`).
What no import can reach there travels by value, cloudpickled: objects defined in
`__main__`, a notebook cell or a function's scope (a spawned local worker), and, for a
worker on another machine (a Ray task), also everything from the user's own modules (files
under the source root, not installed packages): those modules are pickled by value too, so
a step's helpers in them come along and the worker needs neither a shared filesystem nor an
installed copy of the project. The worker installs the objects in its registry of live
objects (`utils.sources`) under the guard that keeps a module's pipeline calls from running.
"""

from __future__ import annotations

import pickle
import sys
import types
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from stepwell.logger import get_logger
from stepwell.steps.base_step import BaseStep
from stepwell.utils.code_loading import preventing_execution
from stepwell.utils.source_root import is_user_file, source_root
from stepwell.utils.sources import is_importable, live_objects, register_live

logger = get_logger(__name__)


def user_modules() -> list[types.ModuleType]:
    """The loaded modules that are the user's own code: files under the source root, not
    installed packages and not stepwell itself."""
    root = source_root()
    found = []
    for name, module in list(sys.modules.items()):
        if name == "__main__" or name == "stepwell" or name.startswith("stepwell."):
            continue
        if isinstance(module, types.ModuleType) and _is_user_file(
            getattr(module, "__file__", None), root
        ):
            found.append(module)
    return found


# Whether a module file is the user's, by (file, source root). Resolving the paths of the
# thousand-odd loaded modules took about 140 ms, paid by every run; a file's verdict never
# changes for a given root.
_USER_FILES: dict[tuple[str, Path], bool] = {}


def _is_user_file(path: str | None, root: Path) -> bool:
    if not path:
        return False
    verdict = _USER_FILES.get((path, root))
    if verdict is None:
        verdict = _USER_FILES[(path, root)] = is_user_file(path, root)
    return verdict


def code_payload(by_value: Iterable[types.ModuleType] = ()) -> bytes:
    """The steps, functions and classes this process knows that a worker could not import,
    cloudpickled; objects of the `by_value` modules are sent (with their helpers) too."""
    import cloudpickle

    modules = list(by_value)
    names = {module.__name__ for module in modules}
    payload = {}
    with _pickled_by_value(modules):
        for source, obj in live_objects().items():
            if not _shippable(obj):
                continue
            if is_importable(source) and source.partition(":")[0] not in names:
                continue
            try:
                payload[source] = cloudpickle.dumps(obj)
            except Exception as error:  # the worker says which source it misses, if it needs it
                logger.debug("Cannot send %s to workers: %s", source, error)
    return pickle.dumps(payload)


def shipped_sources(payload: bytes) -> set[str]:
    """The source references a payload carries."""
    return set(pickle.loads(payload))


def install_code(payload: bytes) -> None:
    """Make the payload's objects what their source references load in this process."""
    import cloudpickle

    with preventing_execution("stepwell is loading steps into a worker"):
        for source, data in pickle.loads(payload).items():
            try:
                register_live(source, cloudpickle.loads(data))
            except Exception as error:
                logger.debug("Cannot load %s in a worker: %s", source, error)


def _shippable(obj: Any) -> bool:
    """Steps, functions and classes: what a step run may need (pipelines are not)."""
    return isinstance(obj, (BaseStep, type, types.FunctionType))


@contextmanager
def _pickled_by_value(modules: list[types.ModuleType]) -> Iterator[None]:
    import cloudpickle

    registered = []
    try:
        for module in modules:
            try:
                cloudpickle.register_pickle_by_value(module)
            except ValueError:  # not in sys.modules under its own name: leave it by reference
                continue
            registered.append(module)
        yield
    finally:
        for module in registered:
            cloudpickle.unregister_pickle_by_value(module)
