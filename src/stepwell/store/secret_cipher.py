"""Encryption of secret values at rest (layer: store): Fernet, with the key kept apart.

A secret's values are stored as one Fernet token (AES-128-CBC with an HMAC-SHA256, from the
`cryptography` package) of `{"id": <secret id>, "values": {...}}`. The token holds neither
the key nor anything derived from it, so whoever reads the database without the key learns
names and times, never values; the secret's id inside it ties a token to its row (a token
copied into another row does not decrypt there).

Where the key is, is decided by whoever opens the store:

- the local store (no server): a key file in the home folder (`<home>/secrets.key`, mode
  0600), made on first use;
- the server: `STEPWELL_SERVER_SECRETS_KEY`, else `<home>/server/secrets_key` (0600), see
  `server.secrets_key`.

Losing the key loses the values: back the key file up with the database.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any
from uuid import UUID

from stepwell.config.environment import home_folder
from stepwell.exceptions import StoreError
from stepwell.utils.private_files import private_folder

KEY_FILE = "secrets.key"
MAKE_KEY = (
    "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)


def _fernet_module() -> Any:
    try:
        from cryptography import fernet
    except ImportError:
        raise StoreError(
            "Secrets are encrypted with the `cryptography` package, which is not installed; "
            "install it with: pip install 'stepwell[secrets]'."
        ) from None
    return fernet


class SecretCipher:
    """Encrypts and decrypts the values of secrets with one key; `source` says where the
    key came from (a file or a variable), for error messages; `hint`, where else the right
    key may be. Never shows the key."""

    hint = ""

    def __init__(self, key: bytes, source: str) -> None:
        fernet = _fernet_module()
        self.source = source
        try:
            self._fernet = fernet.Fernet(key)
        except (ValueError, TypeError):
            raise StoreError(
                f"The secrets key from {source} is not a valid key (32 url-safe base64-encoded "
                f"bytes); make one with: {MAKE_KEY}"
            ) from None

    def __repr__(self) -> str:
        return f"SecretCipher(source={self.source!r})"

    def encrypt(self, secret_id: UUID, values: dict[str, str]) -> str:
        """The token to store for `values` of the secret `secret_id`."""
        plain = json.dumps({"id": str(secret_id), "values": values}, sort_keys=True)
        token: bytes = self._fernet.encrypt(plain.encode("utf-8"))
        return token.decode("ascii")

    def decrypt(self, secret_id: UUID, name: str, token: str) -> dict[str, str]:
        """The values of the secret `secret_id` (named `name`) from its stored token."""
        problem = None
        try:
            data = json.loads(self._fernet.decrypt(token.encode("ascii")))
        except _fernet_module().InvalidToken:
            problem = "it was stored with another key, or the stored token was changed"
        except (ValueError, UnicodeError):
            problem = "the stored token is damaged"
        else:
            if not isinstance(data, dict) or data.get("id") != str(secret_id):
                problem = "the stored token belongs to another secret"
        if problem is not None:
            raise StoreError(
                f"The values of secret '{name}' cannot be decrypted with the key from "
                f"{self.source}: {problem}. Use the key the secret was stored with, or "
                f"delete the secret and create it again.{self.hint}"
            )
        values = data.get("values")
        return {str(key): str(value) for key, value in dict(values or {}).items()}


def generate_key() -> bytes:
    """A new random key."""
    key: bytes = _fernet_module().Fernet.generate_key()
    return key


def cipher_from_text(text: str, source: str) -> SecretCipher:
    """A cipher for a key given as text (e.g. a variable's value); `source` names it."""
    return SecretCipher(text.strip().encode("ascii", errors="replace"), source)


def key_file_cipher(path: Path, first_key: bytes | None = None) -> SecretCipher:
    """A cipher for the key in `path`, which is made (mode 0600) if it does not exist yet:
    with `first_key` if given (a key adopted from elsewhere), else a new random one.

    Two processes that start at once agree on one key: the new key is written to a private
    temporary file and linked into place only if no key file exists by then.
    """
    key = _read_key(path)
    if key is None:
        private_folder(path.parent)
        _install_key(path, first_key or generate_key())
        key = _read_key(path)
    if key is None:
        raise StoreError(f"Could not make the secrets key file {path}.")
    return SecretCipher(key, f"the key file {path}")


def read_key(path: Path) -> bytes | None:
    """The key in the key file `path`, or None if there is none."""
    return _read_key(path)


def _read_key(path: Path) -> bytes | None:
    try:
        key = path.read_bytes().strip()
    except FileNotFoundError:
        return None
    return key or None


def _install_key(path: Path, key: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=".secrets-key-", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(key + b"\n")
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made the key first: use theirs
        except OSError:  # no hard links here: replace only a missing or empty file
            if _read_key(path) is None:
                os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


_LOCAL: dict[Path, SecretCipher] = {}


def local_cipher() -> SecretCipher:
    """The cipher of the local store: the home folder's key file (one per folder)."""
    path = home_folder() / KEY_FILE
    cipher = _LOCAL.get(path)
    if cipher is None or not path.exists():
        cipher = _LOCAL[path] = key_file_cipher(path)
    return cipher
