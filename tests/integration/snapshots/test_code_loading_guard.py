"""Loading user code never runs the user's pipelines; chains of triggered runs are capped."""

import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from stepwell.client import Client
from stepwell.enums import ExecutionStatus

# No `if __name__ == "__main__":` guard: everything below runs whenever the file is loaded.
UNGUARDED_SCRIPT = """
    from stepwell import pipeline, step
    from stepwell.client import Client

    @step
    def double(value: int = 21) -> int:
        return value * 2

    @pipeline
    def unguarded():
        double()

    unguarded()
    double(4)
    unguarded.create_snapshot(name="self", replace=True)
    Client().trigger_pipeline(snapshot_name_or_id="self")
"""


def _runner_processes(home: Path) -> list[int]:
    """Pids of snapshot runners or background runs started for this test's home."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if f"STEPWELL_HOME={home}".encode() in environ and int(entry.name) != os.getpid():
            found.append(int(entry.name))
    return found


def _wait_for(condition, seconds: float = 90.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.1)


def test_a_script_without_main_guard_that_triggers_itself_runs_once(stepwell_home, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    script = project / "unguarded.py"
    script.write_text(textwrap.dedent(UNGUARDED_SCRIPT))
    env = {**os.environ, "STEPWELL_HOME": str(stepwell_home)}
    env.pop("STEPWELL_SOURCE_ROOT", None)
    subprocess.run(
        [sys.executable, str(script)],
        cwd=project,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
    )
    client = Client()

    def all_finished() -> bool:
        runs = client.list_pipeline_runs(size=100)
        return bool(runs) and all(run.status.is_finished for run in runs)

    _wait_for(all_finished)
    _wait_for(lambda: not _runner_processes(stepwell_home), seconds=30)
    time.sleep(1.0)  # a runaway chain would have started more runs by now
    runs = client.list_pipeline_runs(size=100)
    # The direct pipeline call, the single-step call and the one triggered run: the
    # runner's import of the script ran neither the module-level calls nor the trigger.
    assert [run.status for run in runs] == [ExecutionStatus.COMPLETED] * 3
    assert sorted(run.pipeline_name for run in runs) == ["double", "unguarded", "unguarded"]
    assert sum(1 for run in runs if run.snapshot_id == client.get_snapshot("self").id) == 1
    assert not _runner_processes(stepwell_home)
    logs = "".join(path.read_text() for path in (stepwell_home / "logs" / "triggers").glob("*.log"))
    assert "Not running pipeline 'unguarded'" in logs
    assert "Not triggering snapshot 'self'" in logs


CHAIN_MODULE = """
    from stepwell import pipeline, step
    from stepwell.client import Client

    @step(enable_cache=False)
    def trigger_again() -> int:
        Client().trigger_pipeline(snapshot_name_or_id="chain")
        return 1

    @pipeline
    def chain():
        trigger_again()
"""


def test_triggered_runs_that_trigger_themselves_stop_at_the_depth_cap(user_module, monkeypatch):
    monkeypatch.setenv("STEPWELL_MAX_TRIGGER_DEPTH", "2")
    module = user_module(CHAIN_MODULE, "chain_pipeline")
    module.chain.create_snapshot(name="chain")
    client = Client()
    client.trigger_pipeline(snapshot_name_or_id="chain")

    def two_finished() -> bool:
        runs = client.list_pipeline_runs(size=100)
        return len(runs) >= 2 and all(run.status.is_finished for run in runs)

    _wait_for(two_finished)
    time.sleep(1.0)
    runs = sorted(client.list_pipeline_runs(size=100), key=lambda run: run.created)
    assert [run.status for run in runs] == [ExecutionStatus.COMPLETED, ExecutionStatus.FAILED]
    failed_step = client.get_pipeline_run(runs[1].id).steps["trigger_again"]
    assert "STEPWELL_MAX_TRIGGER_DEPTH=2 caps the chain" in (failed_step.status_message or "")


def test_importing_a_module_by_source_reference_does_not_run_its_pipelines(
    user_module, stepwell_logs
):
    from stepwell.utils.sources import load_source

    module = user_module("X = 1\n", "probe")
    folder = Path(module.__file__).parent
    (folder / "loaded_by_reference.py").write_text(
        textwrap.dedent(
            """
            from stepwell import pipeline, step

            @step
            def one() -> int:
                return 1

            @pipeline
            def at_import():
                one()

            at_import()
            RESULT = one()
            """
        )
    )
    sys.modules.pop("loaded_by_reference", None)
    try:
        result = load_source("loaded_by_reference:RESULT")
    finally:
        sys.modules.pop("loaded_by_reference", None)
    assert result is None  # the single-step call did nothing
    assert len(Client().list_pipeline_runs(size=10)) == 0
    assert "Not running pipeline 'at_import'" in stepwell_logs.text


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_an_invalid_trigger_depth_cap_is_a_clear_error(value, monkeypatch):
    from stepwell.config.environment import max_trigger_depth
    from stepwell.exceptions import EnvironmentConfigError

    monkeypatch.setenv("STEPWELL_MAX_TRIGGER_DEPTH", value)
    with pytest.raises(EnvironmentConfigError, match="STEPWELL_MAX_TRIGGER_DEPTH"):
        max_trigger_depth()


@pytest.mark.parametrize("bad", ["run.yaml", 5, ["parameters"]])
def test_a_run_configuration_that_is_not_a_mapping_is_a_clear_error(bad, user_module):
    from stepwell.exceptions import ConfigurationError

    module = user_module(CHAIN_MODULE, "chain_pipeline")
    module.chain.create_snapshot(name="chain")
    with pytest.raises(ConfigurationError, match="run_configuration must be a dict"):
        Client().trigger_pipeline(snapshot_name_or_id="chain", run_configuration=bad)
    assert len(Client().list_pipeline_runs(size=10)) == 0


@pytest.mark.parametrize(
    ("run_configuration", "key"),
    [
        ({"on_success": "os.abort"}, "on_success"),
        (
            {"steps": {"trigger_again": {"on_failure": "os.abort"}}},
            "steps.trigger_again.on_failure",
        ),
        (
            {"steps": {"trigger_again": {"output_materializers": {"output": "os:abort"}}}},
            "steps.trigger_again.output_materializers",
        ),
        ({"cache_policy": {"cache_func": "os:getpid"}}, "cache_policy.cache_func"),
    ],
)
def test_a_trigger_carries_data_never_code(run_configuration, key, user_module, tmp_path):
    from stepwell.exceptions import ConfigurationError

    module = user_module(CHAIN_MODULE, "chain_pipeline")
    module.chain.create_snapshot(name="chain")
    with pytest.raises(ConfigurationError, match=f"run_configuration: {re.escape(key)}: "):
        Client().trigger_pipeline(snapshot_name_or_id="chain", run_configuration=run_configuration)
    assert len(Client().list_pipeline_runs(size=10)) == 0
