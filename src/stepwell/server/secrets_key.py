"""The key a server encrypts secrets with (server): from its configuration, never a client's.

`STEPWELL_SERVER_SECRETS_KEY` (a Fernet key: 32 url-safe base64-encoded bytes), else the key
file `<home>/server/secrets_key` (mode 0600), made on first start. The key never leaves the
server: clients send and receive values over the API, and the store encrypts them with this
key before they reach the database (`store.sql.secrets`). Back the key up with the
database; without it the stored values cannot be read.
"""

from __future__ import annotations

import os

from stepwell.server.settings import server_folder
from stepwell.store.secret_cipher import SecretCipher, cipher_from_text, key_file_cipher

ENV_SECRETS_KEY = "STEPWELL_SERVER_SECRETS_KEY"
KEY_FILE = "secrets_key"


def server_secret_cipher() -> SecretCipher:
    """The cipher for this server's secrets (see the module docstring for the key)."""
    given = os.environ.get(ENV_SECRETS_KEY, "").strip()
    if given:
        return cipher_from_text(given, ENV_SECRETS_KEY)
    return key_file_cipher(server_folder() / KEY_FILE)
