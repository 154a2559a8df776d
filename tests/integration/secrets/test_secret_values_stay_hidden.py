"""Where values could leak (reprs, str, logs, errors), they don't."""

from __future__ import annotations

import logging

import pytest

from stepwell.client import Client

VALUE = "hunter2-HIDDEN-VALUE"


def test_reprs_and_str_show_keys_not_values():
    secret = Client().create_secret("login", {"password": VALUE})
    page = Client().list_secrets()

    for text in (repr(secret), str(secret), repr(page), str(secret.values), f"{secret}"):
        assert VALUE not in text
    assert "password" in repr(secret)


def test_nothing_logged_holds_a_value(stepwell_logs):
    stepwell_logs.set_level(logging.DEBUG)
    client = Client()

    client.create_secret("login", {"password": VALUE})
    client.get_secret("login")
    client.update_secret("login", add_or_update_values={"password": VALUE + "-2"})
    client.list_secrets()
    client.delete_secret("login")

    assert VALUE not in stepwell_logs.text


def test_errors_name_keys_never_values():
    client = Client()
    client.create_secret("login", {"password": VALUE})

    with pytest.raises(KeyError) as missing:
        client.update_secret("login", remove_values=["user"])
    with pytest.raises(ValueError) as both:
        client.update_secret(
            "login", add_or_update_values={"password": VALUE}, remove_values=["password"]
        )

    for error in (missing.value, both.value):
        assert VALUE not in str(error)
    assert "password" in str(missing.value)
