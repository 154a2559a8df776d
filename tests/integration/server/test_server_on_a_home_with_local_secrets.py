"""A server started on a home whose local store already holds secrets.

The local store encrypts with `<home>/secrets.key`; a real server process started later on
the same home and database adopts that key on first start, so the secrets stay readable. A
server that already has another key can still list and delete them, and its error for
reading one names the key file to use.
"""

from __future__ import annotations

import stat

import pytest
from live_server import launch_server
from typer.testing import CliRunner

from stepwell.cli.app import app
from stepwell.client import Client
from stepwell.config.environment import store_url
from stepwell.exceptions import StoreError
from stepwell.store.active import reset_store
from stepwell.store.secret_cipher import generate_key

VALUES = {"access_key_id": "AKIDLOCAL", "secret_access_key": "local-s3cr3t"}


@pytest.fixture
def home_with_a_local_secret(stepwell_home):
    """The test's home, with a secret `aws` made by its local store (no server)."""
    Client().create_secret("aws", VALUES)
    reset_store()
    return stepwell_home


@pytest.fixture
def start_server(home_with_a_local_secret, monkeypatch):
    """Start a server on that home and database; this test's stepwell then talks to it."""
    started = []

    def start():
        server = launch_server(home_with_a_local_secret, database_url=store_url())
        started.append(server)
        for name, value in server.client_env("member").items():
            monkeypatch.setenv(name, value)
        reset_store()
        return server

    yield start
    for server in started:
        server.stop()
    reset_store()


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


def test_a_server_on_a_home_with_local_secrets_adopts_the_local_key(
    home_with_a_local_secret, start_server
):
    server = start_server()

    assert Client().get_secret("aws").secret_values == VALUES
    server_key = home_with_a_local_secret / "server" / "secrets_key"
    local_key = home_with_a_local_secret / "secrets.key"
    assert server_key.read_bytes().strip() == local_key.read_bytes().strip()
    assert stat.S_IMODE(server_key.stat().st_mode) == 0o600
    assert f"local store ({local_key}), copied to {server_key}" in server.log


def test_a_server_with_another_key_lists_and_deletes_and_names_the_key_to_use(
    home_with_a_local_secret, start_server
):
    server_folder = home_with_a_local_secret / "server"
    server_folder.mkdir(mode=0o700)
    (server_folder / "secrets_key").write_bytes(generate_key() + b"\n")
    (server_folder / "secrets_key").chmod(0o600)
    start_server()

    listed = cli("secret", "list")
    assert listed.exit_code == 0, listed.output
    assert "aws" in listed.output
    with pytest.raises(StoreError) as raised:
        Client().get_secret("aws")
    message = str(raised.value)
    assert str(home_with_a_local_secret / "secrets.key") in message
    assert "STEPWELL_SERVER_SECRETS_KEY" in message
    assert "local-s3cr3t" not in message

    deleted = cli("secret", "delete", "aws", "-y")

    assert deleted.exit_code == 0, deleted.output
    assert [secret.name for secret in Client().list_secrets().items] == []
