"""A webhook alerter registered with a plain secret URL, read through a real server: a viewer's
stack and component answers carry the URL masked, a member's carry it as stored (their runs
build the alerter from it), and the dashboard asks only for the masked views."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from live_server import RunningServer

import stepwell.server.dashboard as dashboard
from stepwell.client import Client

TOKEN = "T0SECRET/B0SECRET/xoxSECRETpath"
HOOK_URL = f"https://hooks.example.com/services/{TOKEN}"
HEADER_TOKEN = "Bearer hdr-SECRET-31337"
STATIC = Path(dashboard.__file__).parent / "static"


@pytest.fixture(scope="module")
def stack(server: RunningServer) -> dict[str, Any]:
    """A stack with a webhook alerter registered with a plain URL and a token header, made
    by a member through the REST API."""
    member = server.headers("member")
    suffix = uuid.uuid4().hex[:8]
    made_components = {}
    for kind, flavor, configuration in (
        ("orchestrator", "local", {}),
        ("artifact_store", "local", {}),
        ("alerter", "webhook", {"url": HOOK_URL, "headers": {"Authorization": HEADER_TOKEN}}),
    ):
        answer = server.http.post(
            "/api/v1/components",
            headers=member,
            json={
                "name": f"{kind}-{suffix}",
                "type": kind,
                "flavor": flavor,
                "configuration": configuration,
            },
        )
        assert answer.status_code == 200, answer.text
        made_components[kind] = answer.json()
    components = {kind: item["id"] for kind, item in made_components.items()}
    alerter = made_components["alerter"]
    made = server.http.post(
        "/api/v1/stacks",
        headers=member,
        json={"name": f"hooked-{suffix}", "components": components},
    )
    assert made.status_code == 200, made.text
    return {"stack": made.json(), "alerter": alerter}


def _reads(server: RunningServer, stack: dict[str, Any], role: str) -> dict[str, str]:
    """The text of each stack and component read that carries the alerter, as `role`."""
    headers = server.headers(role)
    stack_id, alerter_id = stack["stack"]["id"], stack["alerter"]["id"]
    paths = {
        "stack": f"/api/v1/stacks/{stack_id}",
        "stacks": f"/api/v1/stacks?name={stack['stack']['name']}",
        "component": f"/api/v1/components/alerter/{alerter_id}",
        "components": f"/api/v1/components?stack_id={stack_id}",
    }
    answers = {name: server.http.get(path, headers=headers) for name, path in paths.items()}
    for name, answer in answers.items():
        assert answer.status_code == 200, (name, answer.text)
    assert stack["alerter"]["name"] in answers["components"].text
    assert stack["stack"]["name"] in answers["stacks"].text
    return {name: answer.text for name, answer in answers.items()}


def test_a_viewer_reads_stacks_and_components_with_secret_settings_masked(
    server: RunningServer, stack: dict[str, Any]
) -> None:
    for name, text in _reads(server, stack, "viewer").items():
        assert TOKEN not in text, name
        assert "hdr-SECRET" not in text, name
        assert "https://hooks.example.com" in text, name  # masked to scheme and host

    component = server.http.get(
        f"/api/v1/components/alerter/{stack['alerter']['id']}", headers=server.headers("viewer")
    ).json()
    assert component["configuration"]["headers"] == {"Authorization": "****"}


@pytest.mark.parametrize("role", ["member", "admin"])
def test_members_and_admins_read_the_stored_configuration(
    server: RunningServer, stack: dict[str, Any], role: str
) -> None:
    for name, text in _reads(server, stack, role).items():
        assert HOOK_URL in text, name
        assert HEADER_TOKEN in text, name


def test_a_members_client_gets_the_alerter_it_can_post_with(
    use_server: RunningServer, stack: dict[str, Any]
) -> None:
    fetched = Client().get_stack(stack["stack"]["name"])

    configuration = fetched.components["alerter"].configuration
    assert configuration["url"] == HOOK_URL
    assert configuration["headers"] == {"Authorization": HEADER_TOKEN}


def test_the_masked_stack_view_names_the_stack_without_its_secrets(
    server: RunningServer, stack: dict[str, Any]
) -> None:
    for role in ("viewer", "member"):
        answer = server.http.get(
            f"/api/v1/masked-stacks/{stack['stack']['id']}", headers=server.headers(role)
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["name"] == stack["stack"]["name"]
        assert body["components"]["alerter"] == stack["alerter"]["id"]
        assert TOKEN not in answer.text and "hdr-SECRET" not in answer.text
    missing = server.http.get(
        f"/api/v1/masked-stacks/{uuid.uuid4()}", headers=server.headers("viewer")
    )
    assert missing.status_code == 404, missing.text
    assert "error" in json.loads(missing.text)


def test_the_dashboard_asks_only_for_masked_stacks() -> None:
    scripts = {path.name: path.read_text() for path in STATIC.rglob("*.js")}
    asks = {
        name: re.findall(r"api\(\s*[`'\"](/[^`'\"?$]*)", text) for name, text in scripts.items()
    }
    paths = [path for found in asks.values() for path in found]

    assert "/masked-stacks/" in paths and "/masked-stacks" in paths
    unmasked = [p for p in paths if p.startswith(("/stacks", "/components"))]
    assert unmasked == []
    assert not any(re.search(r"api/v1/(stacks|components)", text) for text in scripts.values())
