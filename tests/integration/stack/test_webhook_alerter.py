"""The webhook alerter against a real HTTP server on loopback."""

from __future__ import annotations

import socket
import threading

import pytest

from stepwell.alerters.webhook_alerter import WebhookAlerter
from stepwell.exceptions import AlerterDeliveryError, AlerterError


def test_post_sends_slack_compatible_json(webhook_server):
    alerter = WebhookAlerter(webhook_server.url)

    assert alerter.post("Step 'trainer' failed.") is True

    (request,) = webhook_server.wait_for(1)
    assert request.path == "/services/T000/SECRET-TOKEN"
    assert request.headers["Content-Type"] == "application/json"
    assert request.json == {"text": "Step 'trainer' failed."}


def test_params_and_headers_are_sent(webhook_server):
    alerter = WebhookAlerter(webhook_server.url, headers={"Authorization": "Bearer abc"})

    alerter.post("hi", params={"channel": "#ml", "username": "stepwell"})

    (request,) = webhook_server.wait_for(1)
    assert request.headers["Authorization"] == "Bearer abc"
    assert request.json == {"text": "hi", "channel": "#ml", "username": "stepwell"}


def test_server_error_raises_a_clear_error_without_the_secret(webhook_server):
    webhook_server.status = 500
    webhook_server.reply = b"no_service"
    alerter = WebhookAlerter(webhook_server.url + "?token=QUERYSECRET", retries=0)

    with pytest.raises(AlerterDeliveryError) as caught:
        alerter.post("hi")

    message = str(caught.value)
    assert f"http://127.0.0.1:{webhook_server.port}/..." in message
    assert "HTTP 500" in message
    assert "no_service" in message
    assert "SECRET-TOKEN" not in message
    assert "QUERYSECRET" not in message


def test_closed_port_raises_a_clear_error():
    with socket.socket() as probe:  # a port that was free a moment ago and is closed now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    alerter = WebhookAlerter(f"http://127.0.0.1:{port}/hooks/SECRET-TOKEN", timeout=5, retries=0)

    with pytest.raises(AlerterDeliveryError, match="Cannot reach the webhook") as caught:
        alerter.post("hi")

    assert f"http://127.0.0.1:{port}/..." in str(caught.value)
    assert "SECRET-TOKEN" not in str(caught.value)


def test_slow_server_times_out(webhook_server):
    webhook_server.hold = threading.Event()  # the server answers only when the test ends
    alerter = WebhookAlerter(webhook_server.url, timeout=0.3)

    with pytest.raises(AlerterDeliveryError, match="timed out"):
        alerter.post("hi")


def test_webhook_cannot_ask(webhook_server):
    alerter = WebhookAlerter(webhook_server.url)

    with pytest.raises(NotImplementedError, match="cannot ask questions") as caught:
        alerter.ask("Deploy?")

    assert isinstance(caught.value, AlerterError)
    assert webhook_server.received == []


def test_server_errors_and_rate_limits_are_retried_with_backoff(webhook_server):
    webhook_server.statuses = [503, 429, 200]
    waits: list[float] = []
    alerter = WebhookAlerter(webhook_server.url, retries=3, backoff=0.25, sleep=waits.append)

    assert alerter.post("eventually") is True

    assert len(webhook_server.wait_for(3)) == 3
    assert waits == [0.25, 0.5]


def test_a_refusal_is_not_retried(webhook_server):
    webhook_server.statuses = [404]
    waits: list[float] = []
    alerter = WebhookAlerter(webhook_server.url, retries=3, sleep=waits.append)

    with pytest.raises(AlerterDeliveryError, match="HTTP 404"):
        alerter.post("hi")

    assert len(webhook_server.received) == 1 and waits == []


def test_connection_errors_are_retried_then_reported():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    waits: list[float] = []
    alerter = WebhookAlerter(
        f"http://127.0.0.1:{port}/x", timeout=2, retries=2, backoff=0.1, sleep=waits.append
    )

    with pytest.raises(AlerterDeliveryError, match="Cannot reach the webhook"):
        alerter.post("hi")

    assert waits == [0.1, 0.2]


def test_a_slow_service_times_out_and_the_step_still_completes(webhook_server, user_module):
    import threading

    from stepwell.client import Client
    from stepwell.enums import ExecutionStatus

    webhook_server.hold = threading.Event()  # never answers within the timeout
    client = Client()
    client.create_stack_component(
        "slow-hook",
        flavor="webhook",
        component_type="alerter",
        configuration={"url": webhook_server.url, "timeout": 0.5, "retries": 1, "backoff": 0},
    )
    client.create_stack(
        "slow",
        components={"orchestrator": "default", "artifact_store": "default", "alerter": "slow-hook"},
    )
    client.activate_stack("slow")
    module = user_module(
        """
        from stepwell import pipeline, step
        from stepwell.hooks import alerter_success_hook

        @step(on_success=alerter_success_hook)
        def ok() -> int:
            return 1

        @pipeline
        def reported():
            ok()
        """,
        "reported_pipeline",
    )
    try:
        run = module.reported()
    finally:
        webhook_server.hold.set()
    assert run.status is ExecutionStatus.COMPLETED
    assert run.steps["ok"].output.load() == 1
    assert len(webhook_server.wait_for(2)) == 2  # the first try and one retry
