"""The key a server encrypts secrets with (server): from its configuration, never a client's.

`STEPWELL_SERVER_SECRETS_KEY` (a Fernet key: 32 url-safe base64-encoded bytes), else the key
file `<home>/server/secrets_key` (mode 0600), made on first start. The key never leaves the
server: clients send and receive values over the API, and the store encrypts them with this
key before they reach the database (`store.sql.secrets`). Back the key up with the
database; without it the stored values cannot be read.

A server started on a home whose local store already made secrets (`<home>/secrets.key`)
adopts that key on first start (copied, mode 0600), so the secrets made before the server
was set up stay readable. A server whose key cannot decrypt a secret says which key file or
variable to use instead.
"""

from __future__ import annotations

import os

from stepwell.config.environment import home_folder
from stepwell.logger import get_logger
from stepwell.server.settings import server_folder
from stepwell.store.secret_cipher import KEY_FILE as LOCAL_KEY_FILE
from stepwell.store.secret_cipher import SecretCipher, cipher_from_text, key_file_cipher, read_key

logger = get_logger(__name__)
ENV_SECRETS_KEY = "STEPWELL_SERVER_SECRETS_KEY"
KEY_FILE = "secrets_key"


def server_secret_cipher() -> SecretCipher:
    """The cipher for this server's secrets (see the module docstring for the key)."""
    local = home_folder() / LOCAL_KEY_FILE
    given = os.environ.get(ENV_SECRETS_KEY, "").strip()
    key: bytes | None
    if given:
        cipher, key = cipher_from_text(given, ENV_SECRETS_KEY), given.encode()
    else:
        path = server_folder() / KEY_FILE
        adopted = read_key(local) if read_key(path) is None else None
        cipher, key = key_file_cipher(path, first_key=adopted), read_key(path)
        if adopted is not None:
            logger.info(
                "The server encrypts secrets with the key of this home's local store (%s), "
                "copied to %s, so the secrets made before the server stay readable.",
                local,
                path,
            )
    if read_key(local) not in (None, key):
        cipher.hint = (
            f" If the secret was made by this home's local store before the server was set "
            f"up, its key is in {local}: start the server with {ENV_SECRETS_KEY} set to that "
            f"file's content (or replace the server's key file with a copy of it, mode 0600)."
        )
    return cipher
