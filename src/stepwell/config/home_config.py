"""Settings kept in the home folder's `config.yaml` (bottom layer: config).

Choices that outlive a process but belong to the user or project rather than to the metadata
store, such as which stack is active, are written here by the Client and read back before a
run is orchestrated. The file is small YAML mapping; it is written atomically (a temporary
file moved into place), so a reader in another process never sees half of it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from stepwell.config.environment import home_folder
from stepwell.exceptions import ConfigurationError
from stepwell.utils.private_files import private_folder

CONFIG_FILE = "config.yaml"


def home_config_path() -> Path:
    """Where the home folder's settings file is (it may not exist yet)."""
    return home_folder() / CONFIG_FILE


_cache: dict[Path, tuple[tuple[int, int, int], dict[str, Any]]] = {}


def _version(stat: os.stat_result) -> tuple[int, int, int]:
    # Every write replaces the file, so the inode changes even where mtimes are coarse.
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def read_home_config() -> dict[str, Any]:
    """The settings in `config.yaml`; empty when there is no file yet.

    Parsed again only when the file has changed.
    """
    path = home_config_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    version = _version(stat)
    cached = _cache.get(path)
    if cached is not None and cached[0] == version:
        return dict(cached[1])
    data = _parse(path)
    _cache[path] = (version, data)
    return dict(data)


def _parse(path: Path) -> dict[str, Any]:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigurationError(f"{path} is not valid YAML: {error}. Fix or delete it.") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigurationError(
            f"{path} must hold a mapping of settings, not {type(data).__name__}."
        )
    return data


def write_home_config_value(key: str, value: Any) -> None:
    """Set one setting in `config.yaml`, keeping the others (None removes the setting)."""
    import yaml

    data = read_home_config()
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value
    path = home_config_path()
    private_folder(path.parent)
    handle, temporary = tempfile.mkstemp(prefix=".config-", suffix=".yaml", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            yaml.safe_dump(data, stream, sort_keys=True)
        os.replace(temporary, path)
        _cache[path] = (_version(path.stat()), data)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
