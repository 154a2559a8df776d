"""Secret values are encrypted in the database with a key kept in the home folder."""

from __future__ import annotations

import sqlite3
import stat

import pytest

from stepwell.client import Client
from stepwell.exceptions import StoreError
from stepwell.store.sql.store import SqlStore

VALUE = "AKIA-PLAINTEXT-4242"


def _rows(home):
    with sqlite3.connect(home / "stepwell.db") as connection:
        return connection.execute("select id, name, encrypted_values from secrets").fetchall()


def test_the_database_holds_no_value_and_no_key(stepwell_home):
    Client().create_secret("aws", {"access_key": VALUE})

    ((_, name, blob),) = _rows(stepwell_home)
    key = (stepwell_home / "secrets.key").read_text().strip()
    assert name == "aws"
    assert VALUE not in blob
    assert "access_key" not in blob  # the key names are encrypted too
    assert key not in blob
    database = b"".join(
        path.read_bytes() for path in stepwell_home.iterdir() if path.name.startswith("stepwell.db")
    )
    assert VALUE.encode() not in database


def test_the_key_file_is_private_and_made_once(stepwell_home):
    Client().create_secret("first", {"k": "v"})
    key = (stepwell_home / "secrets.key").read_bytes()

    Client().create_secret("second", {"k": "v"})

    mode = stat.S_IMODE((stepwell_home / "secrets.key").stat().st_mode)
    assert mode == 0o600
    assert (stepwell_home / "secrets.key").read_bytes() == key


def test_a_store_read_with_another_key_reveals_nothing(stepwell_home, tmp_path, monkeypatch):
    Client().create_secret("aws", {"access_key": VALUE})
    url = f"sqlite:///{stepwell_home / 'stepwell.db'}"
    monkeypatch.setenv("STEPWELL_HOME", str(tmp_path / "another-home"))

    stranger = SqlStore(url)
    with pytest.raises(StoreError, match="cannot be decrypted with the key from") as caught:
        stranger.get_secret("aws")
    stranger.close()

    assert VALUE not in str(caught.value)
    assert "another key" in str(caught.value)


def test_a_token_copied_to_another_row_does_not_decrypt(stepwell_home):
    client = Client()
    client.create_secret("source", {"k": VALUE})
    client.create_secret("target", {"k": "other"})
    rows = {name: blob for _, name, blob in _rows(stepwell_home)}
    with sqlite3.connect(stepwell_home / "stepwell.db") as connection:
        connection.execute(
            "update secrets set encrypted_values = ? where name = 'target'", (rows["source"],)
        )

    with pytest.raises(StoreError, match="belongs to another secret"):
        client.get_secret("target")
