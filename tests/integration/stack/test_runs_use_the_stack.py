"""Switching stacks switches where and how runs go, without code changes."""

from stepwell import pipeline, step
from stepwell.client import Client


@step
def value() -> int:
    return 42


@pipeline
def stacked():
    value()


def test_runs_record_their_stack_and_use_its_artifact_store(tmp_path):
    client = Client()
    default_run = stacked()
    assert default_run.stack_id == client.active_stack.id
    client.create_stack_component(
        name="elsewhere",
        component_type="artifact_store",
        flavor="local",
        configuration={"path": str(tmp_path / "other-artifacts")},
    )
    client.create_stack_component(
        name="one-by-one",
        component_type="orchestrator",
        flavor="local",
        configuration={"max_parallelism": 1},
    )
    client.create_stack("second", {"orchestrator": "one-by-one", "artifact_store": "elsewhere"})
    client.activate_stack("second")
    run = stacked.with_options(enable_cache=False)()
    assert run.stack_id == client.get_stack("second").id
    uri = run.steps["value"].output.uri
    assert uri.startswith(str(tmp_path / "other-artifacts"))
    assert run.steps["value"].output.load() == 42


def test_settings_for_another_stack_are_ignored_with_a_warning(stepwell_logs):
    run = stacked.with_options(settings={"orchestrator.some_other_stack": {"max_parallelism": 0}})()
    assert run.status.value == "completed"
    assert "Ignoring settings 'orchestrator.some_other_stack'" in stepwell_logs.text
