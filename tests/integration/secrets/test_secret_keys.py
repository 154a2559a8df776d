"""Where secret keys come from: a private key file made once, or the server's variable."""

from __future__ import annotations

import multiprocessing
from uuid import uuid4

import pytest

from stepwell.exceptions import StoreError
from stepwell.server.secrets_key import ENV_SECRETS_KEY, server_secret_cipher
from stepwell.store.secret_cipher import generate_key, key_file_cipher


def _make_and_read(path: str, start, answers) -> None:
    from pathlib import Path

    start.wait(10)
    key_file_cipher(Path(path))
    answers.put(Path(path).read_bytes())


def test_processes_that_start_at_once_agree_on_one_key(tmp_path):
    context = multiprocessing.get_context("fork")
    start, answers = context.Event(), context.Queue()
    path = tmp_path / "keys" / "secrets.key"
    workers = [
        context.Process(target=_make_and_read, args=(str(path), start, answers)) for _ in range(6)
    ]
    for worker in workers:
        worker.start()
    start.set()
    keys = {answers.get(timeout=30) for _ in workers}
    for worker in workers:
        worker.join(10)

    assert len(keys) == 1
    assert [p.name for p in path.parent.iterdir()] == ["secrets.key"]  # no temporary left


def test_a_damaged_key_file_is_named_and_not_replaced(tmp_path):
    path = tmp_path / "secrets.key"
    path.write_text("not-a-key")

    with pytest.raises(StoreError, match=f"key file {path} is not a valid key"):
        key_file_cipher(path)
    assert path.read_text() == "not-a-key"


def test_the_servers_variable_wins_and_a_bad_one_is_named_without_its_value(monkeypatch):
    key = generate_key().decode()
    monkeypatch.setenv(ENV_SECRETS_KEY, key)
    token = server_secret_cipher().encrypt(secret_id := uuid4(), {"k": "v"})
    assert server_secret_cipher().decrypt(secret_id, "s", token) == {"k": "v"}

    monkeypatch.setenv(ENV_SECRETS_KEY, "short-and-WRONG")
    with pytest.raises(StoreError, match=f"from {ENV_SECRETS_KEY} is not a valid key") as caught:
        server_secret_cipher()
    assert "WRONG" not in str(caught.value)
