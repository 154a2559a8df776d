"""What a snapshot's code archive leaves out for safety: secrets and symlinks leading out.

The archive goes into the artifact store, which others may read, and is unpacked on other
machines. So, whatever git or the folder walk would include:

- a symlink whose target lies outside the source root is skipped (it would copy, say,
  `/etc/passwd` or `~/.ssh/id_rsa` into the store); symlinks inside the root are kept;
- files that usually hold secrets (`SECRET_PATTERNS`: `.env*`, keys, certificates,
  `.netrc`, ...) are skipped.

Both are named in one warning. To archive a skipped secret file anyway, list it in
`STEPWELL_CODE_ARCHIVE_INCLUDE`: comma-separated patterns in `.gitignore` syntax, matched
against paths relative to the source root (e.g. `config/.env.example,certs/*.pem`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pathspec

from stepwell.logger import get_logger

logger = get_logger(__name__)

ENV_INCLUDE = "STEPWELL_CODE_ARCHIVE_INCLUDE"
SECRET_PATTERNS = (
    ".env",
    ".env.*",
    "*.env",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "*.jks",
    "*.keystore",
    "*.kdbx",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    ".netrc",
    "_netrc",
    ".pgpass",
    ".pypirc",
    ".npmrc",
    ".git-credentials",
    ".htpasswd",
    ".aws/credentials",
    "credentials.json",
    "service-account*.json",
)


def include_spec() -> pathspec.GitIgnoreSpec:
    """The user's `STEPWELL_CODE_ARCHIVE_INCLUDE` patterns."""
    raw = os.environ.get(ENV_INCLUDE, "")
    return pathspec.GitIgnoreSpec.from_lines(p.strip() for p in raw.split(",") if p.strip())


def keep_safe_files(root: Path, files: Sequence[Path]) -> list[Path]:
    """`files` (relative to `root`) without secrets and symlinks that lead out of `root`,
    warning once with the names of what was left out and how to include it."""
    secrets = pathspec.GitIgnoreSpec.from_lines(SECRET_PATTERNS)
    included = include_spec()
    resolved_root = root.resolve()
    kept, outside, secret = [], [], []
    for path in files:
        try:
            (root / path).resolve().relative_to(resolved_root)
        except (ValueError, OSError):  # a symlink (itself or a folder above it) leads out
            outside.append(path)
            continue
        posix = path.as_posix()
        if secrets.match_file(posix) and not included.match_file(posix):
            secret.append(path)
            continue
        kept.append(path)
    if outside:
        logger.warning(
            "Left out of the code archive: %s (symlinks to files outside the source root %s).",
            ", ".join(map(str, outside)),
            root,
        )
    if secret:
        logger.warning(
            "Left out of the code archive: %s (files that usually hold secrets). To "
            "archive one anyway, add it to %s (comma-separated .gitignore patterns).",
            ", ".join(map(str, secret)),
            ENV_INCLUDE,
        )
    return kept
