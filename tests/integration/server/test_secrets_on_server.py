"""Secrets through a real server: the server encrypts them with its own key, a RestStore
reads them back, viewers list names and keys but cannot read values."""

from __future__ import annotations

import sqlite3
import stat

import pytest
from live_server import launch_server

from stepwell.client import Client
from stepwell.exceptions import StoreError
from stepwell.store.rest.store import RestStore
from stepwell.store.secret_cipher import cipher_from_text, generate_key
from stepwell.store.sql.store import SqlStore

VALUE = "srv-PLAINTEXT-31337"


def _row(server, name):
    with sqlite3.connect(server.home / "server.db") as connection:
        return connection.execute(
            "select id, encrypted_values from secrets where name = ?", (name,)
        ).fetchone()


def test_a_secret_made_through_the_server_is_encrypted_with_the_servers_key(use_server):
    client = Client()
    client.create_secret("srv-aws", {"access_key": VALUE})

    fetched = client.get_secret("srv-aws")
    _, blob = _row(use_server, "srv-aws")
    key_file = use_server.home / "server" / "secrets_key"

    assert isinstance(client.store, RestStore)
    assert fetched.secret_values == {"access_key": VALUE}
    assert VALUE not in blob and "access_key" not in blob
    assert key_file.read_text().strip() not in blob
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert VALUE not in use_server.log


def test_the_clients_own_key_cannot_read_the_servers_database(use_server):
    Client().create_secret("srv-db", {"password": VALUE})

    direct = SqlStore(use_server.store_url)  # the test process's home key, not the server's
    try:
        with pytest.raises(StoreError, match="cannot be decrypted") as caught:
            direct.get_secret("srv-db")
    finally:
        direct.close()
    assert VALUE not in str(caught.value)


def test_update_and_delete_through_the_server(use_server):
    client = Client()
    client.create_secret("srv-upd", {"a": "1", "b": "2"})

    client.update_secret("srv-upd", add_or_update_values={"a": VALUE}, remove_values=["b"])
    values = client.get_secret("srv-upd").secret_values
    client.delete_secret("srv-upd")

    assert values == {"a": VALUE}
    assert _row(use_server, "srv-upd") is None


@pytest.fixture
def as_role(server):
    """`as_role(role)`: a Client of `server` logged in with `role`'s API key."""
    stores = []

    def make(role, running=server):
        stores.append(RestStore(running.url, api_key=running.accounts[role].api_key))
        return Client(stores[-1])

    yield make
    for store in stores:
        store.close()


def test_a_viewer_lists_names_and_keys_but_cannot_read_or_write_values(as_role):
    member, viewer = as_role("member"), as_role("viewer")
    member.create_secret("srv-view", {"token": VALUE})

    listed = viewer.list_secrets(name="srv-view")

    assert [(s.name, s.values) for s in listed] == [("srv-view", {"token": None})]
    with pytest.raises(StoreError, match="needs the 'member' role"):
        viewer.get_secret("srv-view", allow_partial_name_match=False)
    with pytest.raises(StoreError, match="needs the 'member' role"):
        viewer.create_secret("srv-viewer-made", {"k": "v"})


def test_the_key_can_come_from_the_servers_configuration(tmp_path, as_role):
    key = generate_key().decode()
    server = launch_server(tmp_path / "home", STEPWELL_SERVER_SECRETS_KEY=key)
    try:
        as_role("member", server).create_secret("configured", {"token": VALUE})
        secret_id, blob = _row(server, "configured")
    finally:
        server.stop()

    from uuid import UUID

    decrypted = cipher_from_text(key, "the test").decrypt(UUID(secret_id), "configured", blob)
    assert decrypted == {"token": VALUE}
    assert not (server.home / "server" / "secrets_key").exists()
