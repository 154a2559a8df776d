"""Files and folders only their owner can read: stepwell's home, database, logs, artifacts.

They hold a team's data and, in run records, configuration that may carry secrets, so they are
created private whatever the process's umask: folders 0700, files 0600. (Where the OS has no
POSIX modes the calls still create the folder or file.)
"""

from __future__ import annotations

import os
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: str | os.PathLike[str]) -> Path:
    """Create `path` (and missing parents, which stepwell also owns) as private folders; an
    existing folder is left as it is."""
    folder = Path(path)
    missing = []
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    for candidate in reversed(missing):
        try:
            candidate.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            continue  # made by another process meanwhile
        os.chmod(candidate, FOLDER_MODE)  # mkdir's mode is masked by the umask
    return folder


def private_file(path: str | os.PathLike[str]) -> Path:
    """Create the file `path` empty and private if it does not exist yet (an existing file
    is left as it is); its folder must exist."""
    target = Path(path)
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return target
    os.close(descriptor)
    os.chmod(target, FILE_MODE)
    return target
