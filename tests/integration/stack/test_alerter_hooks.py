"""The built-in alerter hooks: what they post, and what they do with no alerter."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.exceptions import PipelineRunFailedError
from stepwell.hooks import alerter_failure_hook, alerter_success_hook
from stepwell.steps.step_context import StepContext, step_context


@pytest.fixture
def fake_context():
    context = StepContext(
        pipeline_run=SimpleNamespace(name="training-2026_11_26"),
        step_run=SimpleNamespace(name="trainer", config=SimpleNamespace(parameters={"lr": 0.25})),
        pipeline=SimpleNamespace(name="training"),
        output_uris={},
    )
    with step_context(context):
        yield context


@pytest.fixture
def webhook_stack(webhook_server):
    client = Client()
    client.create_stack_component("hook", "webhook", "alerter", {"url": webhook_server.url})
    client.create_stack(
        "alerting", {"orchestrator": "default", "artifact_store": "default", "alerter": "hook"}
    )
    client.activate_stack("alerting")
    return webhook_server


@pytest.fixture
def captured(stepwell_logs):
    return stepwell_logs


def explode() -> None:
    raise ValueError("learning rate too high: 0.25")


def test_failure_hook_posts_step_exception_and_traceback(webhook_stack, fake_context):
    try:
        explode()
    except ValueError as error:
        alerter_failure_hook(error)

    (request,) = webhook_stack.wait_for(1)
    text = request.json["text"]
    assert "Step 'trainer' failed." in text
    assert "Pipeline: training\n" in text
    assert "Run: training-2026_11_26\n" in text
    assert "Step: trainer\n" in text
    assert "Parameters: lr=0.25" in text
    assert "Exception: ValueError: learning rate too high: 0.25" in text
    assert "Traceback (most recent call last)" in text
    assert 'in explode\n    raise ValueError("learning rate too high: 0.25")' in text


def test_success_hook_posts_step_and_parameters(webhook_stack, fake_context):
    alerter_success_hook()

    (request,) = webhook_stack.wait_for(1)
    text = request.json["text"]
    assert text.startswith("Step 'trainer' succeeded.")
    assert "Pipeline: training\n" in text
    assert "Run: training-2026_11_26\n" in text
    assert "Parameters: lr=0.25" in text
    assert "Exception" not in text


def test_hooks_post_through_the_log_alerter(fake_context, captured):
    client = Client()
    client.create_stack_component("console", "log", "alerter")
    client.update_stack("default", components={"alerter": "console"})

    alerter_success_hook()

    (record,) = [r for r in captured.records if r.name == "stepwell.alerter"]
    assert record.levelno == logging.INFO
    assert "Step 'trainer' succeeded." in record.getMessage()


def test_without_alerter_hooks_warn_and_return(fake_context, captured):
    alerter_success_hook()
    alerter_failure_hook(RuntimeError("boom"))

    warnings = [r for r in captured.records if r.name == "stepwell.hooks"]
    assert [r.levelno for r in warnings] == [logging.WARNING, logging.WARNING]
    assert (
        "alerter_success_hook: the active stack 'default' has no alerter"
        in warnings[0].getMessage()
    )
    assert "alerter_failure_hook" in warnings[1].getMessage()


# -- end to end: the hooks run in the step's worker process -----------------------------------
@step(on_failure=alerter_failure_hook, on_success=alerter_success_hook)
def scale(x: int, factor: int = 3) -> int:
    if x < 0:
        raise ValueError(f"negative input {x}")
    return x * factor


@pipeline
def scaling(x: int):
    scale(x)


def test_hooks_report_a_real_run(webhook_stack):
    succeeded = scaling(2)
    with pytest.raises(PipelineRunFailedError):
        scaling(-1)

    first, second = webhook_stack.wait_for(2)
    assert first.json["text"].startswith("Step 'scale' succeeded.")
    assert f"Run: {succeeded.name}\n" in first.json["text"]
    assert "Parameters: factor=3" in first.json["text"]
    failed = Client().list_pipeline_runs(pipeline_name="scaling", size=1)[0]
    assert second.json["text"].startswith("Step 'scale' failed.")
    assert f"Run: {failed.name}\n" in second.json["text"]
    assert "Exception: ValueError: negative input -1" in second.json["text"]
    assert 'raise ValueError(f"negative input {x}")' in second.json["text"]
