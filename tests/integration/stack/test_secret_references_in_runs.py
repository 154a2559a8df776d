"""`{{secret.key}}` in a component's configuration: resolved where the stack runs, never
stored resolved, never logged; a missing secret or key stops the run before it starts."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.exceptions import StackComponentConfigError
from stepwell.hooks import alerter_success_hook
from stepwell.stack.active import get_active_stack

TOKEN = "Bearer tok-RESOLVED-9876"


@step(on_success=alerter_success_hook)
def greet() -> str:
    return "hello"


@pipeline(enable_cache=False)
def greeting() -> None:
    greet()


@pytest.fixture
def secret_stack(webhook_server):
    """A stack whose webhook alerter takes its URL and token from the secret `hook`."""
    client = Client()
    client.create_secret("hook", {"url": webhook_server.url, "token": TOKEN})
    client.create_stack_component(
        "team-hook",
        "webhook",
        "alerter",
        {"url": "{{hook.url}}", "headers": {"Authorization": "{{ hook.token }}"}, "retries": 0},
    )
    client.create_stack(
        "with-secrets",
        {"orchestrator": "default", "artifact_store": "default", "alerter": "team-hook"},
    )
    client.activate_stack("with-secrets")
    return webhook_server


def test_the_alerter_posts_with_values_from_the_secret(secret_stack):
    greeting()

    (request,) = secret_stack.wait_for(1)
    assert request.path == "/services/T000/SECRET-TOKEN"
    assert request.headers["Authorization"] == TOKEN


def test_the_store_keeps_the_reference_and_no_value(secret_stack, stepwell_home):
    greeting()
    secret_stack.wait_for(1)

    stored = Client().get_stack_component("alerter", "team-hook").configuration
    assert stored["url"] == "{{hook.url}}"
    assert stored["headers"] == {"Authorization": "{{ hook.token }}"}
    with sqlite3.connect(stepwell_home / "stepwell.db") as connection:
        connection.execute("pragma wal_checkpoint(full)")
    database = b"".join(
        path.read_bytes() for path in stepwell_home.iterdir() if path.name.startswith("stepwell.db")
    )
    assert TOKEN.encode() not in database


def test_values_stay_out_of_logs_and_reprs(secret_stack, stepwell_logs):
    stepwell_logs.set_level(logging.DEBUG)

    greeting()
    secret_stack.wait_for(1)
    config = get_active_stack().component("alerter").config

    assert config.headers == {"Authorization": TOKEN}
    assert TOKEN not in repr(config) and TOKEN not in str(config)
    assert "tok-RESOLVED" not in stepwell_logs.text


def test_a_changed_secret_is_used_by_the_next_run(secret_stack):
    greeting()
    secret_stack.wait_for(1)

    Client().update_secret("hook", add_or_update_values={"token": "Bearer rotated"})
    greeting()

    assert secret_stack.wait_for(2)[1].headers["Authorization"] == "Bearer rotated"


def test_a_missing_secret_stops_the_run_before_it_starts(secret_stack):
    Client().delete_secret("hook")

    with pytest.raises(StackComponentConfigError) as caught:
        greeting()

    message = str(caught.value)
    assert "alerter 'team-hook' uses the secret 'hook' in 'url'" in message
    assert "stepwell secret create hook" in message
    assert Client().list_pipeline_runs().total == 0
    assert secret_stack.received == []


def test_a_missing_key_names_the_keys_there_are(secret_stack):
    Client().update_secret("hook", remove_values=["token"])

    with pytest.raises(StackComponentConfigError) as caught:
        greeting()

    message = str(caught.value)
    assert "key 'token' of secret 'hook' in 'headers'" in message
    assert "(its keys: url)" in message
    assert secret_stack.url not in message
    assert Client().list_pipeline_runs().total == 0


def test_an_invalid_resolved_value_fails_without_showing_it(secret_stack):
    Client().update_secret("hook", add_or_update_values={"url": "ftp://files.example/SECRET-PATH"})

    with pytest.raises(StackComponentConfigError, match="must be an http") as caught:
        get_active_stack().component("alerter").config

    assert "SECRET-PATH" not in str(caught.value)
    assert "****" in str(caught.value)
