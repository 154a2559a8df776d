"""A component's `{{secret.key}}` reference is checked when it is registered or updated.

A reference to a secret or key that does not exist is refused there, with the message a run
would give (how to create the secret or add the key); one to an existing secret is accepted.
The CLI, the Client and the store are real; the store's records are the evidence.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from stepwell.cli.app import app
from stepwell.client import Client
from stepwell.exceptions import StackComponentConfigError


def _register(*configuration: str):
    return CliRunner().invoke(
        app,
        ["stack", "component", "register", "bad", "-t", "artifact_store", "-f", "s3",
         "path=s3://b", *configuration],
    )  # fmt: skip


def _artifact_stores() -> list[str]:
    return sorted(c.name for c in Client().list_stack_components(type="artifact_store"))


def test_registering_a_reference_to_a_missing_secret_is_refused():
    result = _register("key={{nosuch.k}}")

    assert result.exit_code != 0
    assert "uses the secret 'nosuch' in 'key', and no secret of that name exists" in result.output
    assert "create it with: stepwell secret create nosuch --k=..." in result.output
    assert _artifact_stores() == ["default"]


def test_registering_a_reference_to_a_missing_key_is_refused():
    Client().create_secret("aws", {"access_key_id": "AKID"})

    result = _register("key={{aws.nokey}}")

    assert result.exit_code != 0
    assert "uses key 'nokey' of secret 'aws' in 'key'" in result.output
    assert "(its keys: access_key_id)" in result.output
    assert "stepwell secret update aws --nokey=..." in result.output
    assert _artifact_stores() == ["default"]


def test_registering_a_reference_to_an_existing_secret_keeps_the_reference():
    Client().create_secret("aws", {"access_key_id": "AKID", "secret_access_key": "s3cr3t"})

    result = _register("key={{aws.access_key_id}}", "secret={{aws.secret_access_key}}")

    assert result.exit_code == 0, result.output
    stored = Client().get_stack_component("artifact_store", "bad").configuration
    assert stored["key"] == "{{aws.access_key_id}}"
    assert stored["secret"] == "{{aws.secret_access_key}}"


def test_updating_a_component_to_a_missing_secret_is_refused():
    client = Client()
    client.create_secret("aws", {"access_key_id": "AKID"})
    client.create_stack_component(
        "store", "s3", "artifact_store", {"path": "s3://b", "key": "{{aws.access_key_id}}"}
    )

    with pytest.raises(StackComponentConfigError, match="stepwell secret create nosuch --k="):
        client.update_stack_component(
            "store", "artifact_store", configuration={"key": "{{nosuch.k}}"}
        )

    stored = client.get_stack_component("artifact_store", "store").configuration
    assert stored["key"] == "{{aws.access_key_id}}"
