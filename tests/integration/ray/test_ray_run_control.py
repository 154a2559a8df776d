"""The ray orchestrator behaves as the local one: Ctrl-C, hooks, caching, `__main__` scripts.

Scripts run as `python script.py` in a subprocess against the test cluster, whose address
reaches them only through the stack component the test registers. Evidence comes from the
workers: the pids and node ids they write to files and record as run metadata.
"""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from ray_helpers import node_of, pid_alive

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import PipelineRunFailedError
from stepwell.steps import get_step_context

DEADLINE_S = 60.0

MAIN_SCRIPT = """
    import os
    import sys
    import time
    from pathlib import Path

    from stepwell import pipeline, step


    @step(enable_cache=False)
    def sleeper(marker: str) -> int:
        Path(marker).write_text(str(os.getpid()))
        time.sleep(120)
        return 1


    @step(enable_cache=False)
    def who() -> int:
        return os.getpid()


    @step(enable_cache=False)
    def plus_one(pid: int) -> int:
        return pid + 1


    @pipeline
    def interrupted(marker: str = ""):
        sleeper(marker)


    @pipeline
    def from_main():
        plus_one(who())


    if __name__ == "__main__":
        print("script pid", os.getpid(), flush=True)
        if sys.argv[2] == "interrupted":
            interrupted(sys.argv[1])
        else:
            from_main()
"""


def _script(tmp_path: Path, *args: str) -> subprocess.Popen:
    script = tmp_path / "on_the_cluster.py"
    script.write_text(textwrap.dedent(MAIN_SCRIPT))
    env = dict(os.environ, STEPWELL_SOURCE_ROOT=str(tmp_path))  # same home, stack and bucket
    return subprocess.Popen(
        [sys.executable, str(script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )


def _started(process: subprocess.Popen, pid_file: Path) -> str:
    """What the step wrote to `pid_file` once it runs; the script's output if it ended first."""
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline and process.poll() is None:
        if pid_file.exists() and pid_file.read_text():
            return pid_file.read_text()
        time.sleep(0.05)
    process.kill()
    stdout, stderr = process.communicate()
    raise AssertionError(f"The step never started. The script said:\n{stdout}\n{stderr}")


def test_ctrl_c_cancels_the_running_task_and_records_the_run_stopped(ray_stack, tmp_path):
    pid_file = tmp_path / "sleeper.pid"
    process = _script(tmp_path, str(pid_file), "interrupted")
    try:
        worker_pid = int(_started(process, pid_file))
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=DEADLINE_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()

    assert process.returncode != 0
    assert "KeyboardInterrupt" in stderr
    (run,) = Client().list_pipeline_runs(pipeline_name="interrupted")
    assert run.status is ExecutionStatus.STOPPED
    assert run.end_time is not None
    assert run.steps["sleeper"].status is ExecutionStatus.STOPPED
    assert run.steps["sleeper"].end_time is not None
    assert worker_pid != process.pid
    deadline = time.monotonic() + DEADLINE_S
    while pid_alive(worker_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not pid_alive(worker_pid)  # the cancelled task's worker process is gone


def test_a_script_with_steps_in_main_runs_them_on_the_workers(ray_stack, tmp_path):
    process = _script(tmp_path, "-", "from_main")
    stdout, stderr = process.communicate(timeout=DEADLINE_S * 2)

    assert process.returncode == 0, stderr
    (run,) = Client().list_pipeline_runs(pipeline_name="from_main")
    assert run.status is ExecutionStatus.COMPLETED
    who = run.steps["who"]
    step_pid = who.output.load()
    assert step_pid != process.pid
    assert f"script pid {process.pid}" in stdout
    assert who.run_metadata["ray_worker_pid"] == step_pid
    assert node_of(who) in {ray_stack.head_id, ray_stack.worker_id}
    assert run.steps["plus_one"].output.load() == step_pid + 1


def _hook_record(kind: str) -> None:
    """Write where the hook ran (pid and Ray node) into the step's `folder` parameter."""
    import ray

    context = get_step_context()
    folder = Path(context.step_run.config.parameters["folder"])
    node_id = ray.get_runtime_context().get_node_id()
    (folder / f"{context.step_run.name}.{kind}").write_text(f"{os.getpid()} {node_id}")


def on_failure_hook(exception: BaseException) -> None:
    _hook_record("failure")


def on_success_hook() -> None:
    _hook_record("success")


@step(enable_cache=False, on_success=on_success_hook, on_failure=on_failure_hook)
def succeeds(folder: str) -> int:
    return 1


@step(enable_cache=False, on_success=on_success_hook, on_failure=on_failure_hook)
def fails(folder: str) -> int:
    raise ValueError("broken on purpose")


@pipeline
def hooked(folder: str):
    succeeds(folder)
    fails(folder)


def test_success_and_failure_hooks_run_on_the_worker_that_ran_the_step(ray_stack, tmp_path):
    folder = tmp_path / "hooks"
    folder.mkdir()
    with pytest.raises(PipelineRunFailedError, match="fails"):
        hooked(str(folder))

    run = Client().list_pipeline_runs(pipeline_name="hooked")[0]
    assert run.steps["succeeds"].status is ExecutionStatus.COMPLETED
    assert run.steps["fails"].status is ExecutionStatus.FAILED
    assert sorted(p.name for p in folder.iterdir()) == ["fails.failure", "succeeds.success"]
    for name, kind in (("succeeds", "success"), ("fails", "failure")):
        pid, node_id = (folder / f"{name}.{kind}").read_text().split()
        assert int(pid) != os.getpid()
        assert int(pid) == run.steps[name].run_metadata["ray_worker_pid"]
        assert node_id == node_of(run.steps[name])


@step
def counted(folder: str) -> int:
    """Appends the pid it ran in to a file: one line per execution."""
    with open(os.path.join(folder, "executions"), "a") as file:
        file.write(f"{os.getpid()}\n")
    return 7


@pipeline
def cached_pipeline(folder: str):
    counted(folder)


def test_a_second_run_is_cached_and_schedules_nothing_on_the_cluster(ray_stack, tmp_path):
    first = cached_pipeline(str(tmp_path))
    second = cached_pipeline(str(tmp_path))

    assert first.steps["counted"].status is ExecutionStatus.COMPLETED
    assert second.steps["counted"].status is ExecutionStatus.CACHED
    assert second.steps["counted"].output.load() == 7
    executions = (tmp_path / "executions").read_text().split()
    assert executions == [str(first.steps["counted"].run_metadata["ray_worker_pid"])]
    # No worker reported for the cached step run: no task ran for it.
    assert (
        "ray_worker_pid" not in Client().get_pipeline_run(second.name).steps["counted"].run_metadata
    )
