"""Secrets through the Client on the local SQLite store: ZenML's calls and their results."""

from __future__ import annotations

import pytest

from stepwell.client import Client
from stepwell.exceptions import EntityExistsError, IllegalOperationError, StoreError


def test_get_returns_values_and_list_returns_keys_only():
    client = Client()
    created = client.create_secret("aws", {"access_key": "AKIA-CRUD", "secret_key": "s3cr3t"})

    fetched = client.get_secret("aws")
    listed = client.list_secrets()

    assert created.secret_values == {"access_key": "AKIA-CRUD", "secret_key": "s3cr3t"}
    assert fetched.id == created.id
    assert fetched.secret_values == {"access_key": "AKIA-CRUD", "secret_key": "s3cr3t"}
    assert fetched.has_missing_values is False
    assert [secret.name for secret in listed] == ["aws"]
    assert listed[0].values == {"access_key": None, "secret_key": None}
    assert listed[0].secret_values == {}
    assert listed[0].has_missing_values is True
    assert "AKIA-CRUD" not in listed.model_dump_json()


def test_lookup_by_id_prefix_and_unique_part_of_a_name():
    client = Client()
    secret = client.create_secret("mlflow-tracking", {"token": "t-1"})

    assert client.get_secret(str(secret.id)[:8]).id == secret.id
    assert client.get_secret("tracking").id == secret.id
    with pytest.raises(KeyError, match="No secret"):
        client.get_secret("tracking", allow_partial_name_match=False)


def test_list_pages_and_filters_like_other_lists():
    client = Client()
    for name in ("alpha", "beta", "gamma"):
        client.create_secret(name, {"k": name})

    first = client.list_secrets(size=2, sort_by="asc:name")
    second = client.list_secrets(size=2, page=2, sort_by="asc:name")
    filtered = client.list_secrets(name="contains:mm")

    assert (first.total, first.total_pages) == (3, 2)
    assert [s.name for s in first] + [s.name for s in second] == ["alpha", "beta", "gamma"]
    assert [s.name for s in filtered] == ["gamma"]


def test_update_adds_changes_removes_and_renames_in_one_call():
    client = Client()
    client.create_secret("db", {"user": "ann", "password": "old", "port": "5432"})

    updated = client.update_secret(
        "db",
        new_name="database",
        add_or_update_values={"password": "new", "host": "db.internal"},
        remove_values=["port"],
    )

    assert updated.name == "database"
    assert client.get_secret("database").secret_values == {
        "user": "ann",
        "password": "new",
        "host": "db.internal",
    }
    with pytest.raises(KeyError):
        client.get_secret("db", allow_partial_name_match=False)


def test_update_refuses_removing_a_missing_key_and_a_key_both_set_and_removed():
    client = Client()
    client.create_secret("db", {"user": "ann"})

    with pytest.raises(KeyError, match="Cannot remove key\\(s\\) port from secret 'db'"):
        client.update_secret("db", remove_values=["port"])
    with pytest.raises(ValueError, match="both to update and to remove"):
        client.update_secret("db", add_or_update_values={"user": "bob"}, remove_values=["user"])
    assert client.get_secret("db").secret_values == {"user": "ann"}


def test_delete_removes_the_secret():
    client = Client()
    client.create_secret("gone", {"k": "v"})

    client.delete_secret("gone")

    assert client.list_secrets().total == 0
    with pytest.raises(KeyError):
        client.get_secret("gone")


def test_duplicate_names_bad_names_bad_values_and_private_are_refused():
    client = Client()
    client.create_secret("taken", {"k": "v"})

    with pytest.raises(EntityExistsError, match="'taken' already exists"):
        client.create_secret("taken", {"k": "v"})
    with pytest.raises(StoreError, match="not a valid secret name"):
        client.create_secret("has.dot", {"k": "v"})
    with pytest.raises(StoreError, match="not a valid secret name"):
        client.create_secret("../etc", {"k": "v"})
    with pytest.raises(StoreError, match="value of key 'port' .* must be a string, not int"):
        client.create_secret("typed", {"port": 5432})
    with pytest.raises(StoreError, match="not a valid key"):
        client.create_secret("spaced", {"two words": "v"})
    with pytest.raises(IllegalOperationError, match="no private secrets"):
        client.create_secret("mine", {"k": "v"}, private=True)


def test_pydantic_secret_strings_are_accepted_as_values():
    from pydantic import SecretStr

    client = Client()
    client.create_secret("wrapped", {"token": SecretStr("inner-value")})

    assert client.get_secret("wrapped").secret_values == {"token": "inner-value"}
