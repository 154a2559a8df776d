"""The ray orchestrator on a real two-node Ray cluster: where steps run, how they end.

Evidence comes from the workers themselves: each attempt records the id of the Ray node
it ran on (`ray_node_id` run metadata, written by the orchestrating process from what the
worker reported), and steps that must be watched mid-run write their pid to a file.
"""

import os
import threading
import time

import pytest
from ray_helpers import node_of, pid_alive, wait_for_file

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.config.resource_settings import ResourceSettings
from stepwell.config.retry_config import StepRetryConfig
from stepwell.enums import ExecutionMode, ExecutionStatus
from stepwell.exceptions import ResourceSettingsError
from stepwell.steps import get_step_context

ON_HEAD = {"orchestrator": {"custom_resources": {"head_node": 1}}}
ON_W1 = {"orchestrator": {"custom_resources": {"w1": 1}}}


@step
def seed() -> int:
    return 3


@step(enable_cache=False)
def slow_double(x: int) -> int:
    time.sleep(0.5)  # long enough that the four copies cannot all run on one 1-CPU node
    return 2 * x


@step
def gather(a: int, b: int, c: int, d: int) -> int:
    return a + b + c + d


@pipeline
def fan_out_fan_in():
    x = seed()
    gather(*(slow_double(x, id=f"double_{i}") for i in range(4)))


def test_fan_out_runs_on_both_nodes_and_fans_in(ray_stack):
    run = fan_out_fan_in()

    assert run.status is ExecutionStatus.COMPLETED
    assert run.steps["gather"].output.load() == 24
    nodes = {node_of(run.steps[f"double_{i}"]) for i in range(4)}
    assert nodes == {ray_stack.head_id, ray_stack.worker_id}
    pids = {run.steps[f"double_{i}"].run_metadata["ray_worker_pid"] for i in range(4)}
    assert os.getpid() not in pids


@step
def where_am_i() -> str:
    import ray

    return ray.get_runtime_context().get_node_id()


@pipeline
def pinned():
    where_am_i.with_options(settings=ON_HEAD)(id="on_head")
    where_am_i.with_options(settings=ON_W1)(id="on_w1")


def test_a_step_pinned_by_a_custom_resource_runs_on_that_node(ray_stack):
    run = pinned()

    assert run.steps["on_head"].output.load() == ray_stack.head_id
    assert run.steps["on_w1"].output.load() == ray_stack.worker_id
    assert node_of(run.steps["on_head"]) == ray_stack.head_id
    assert node_of(run.steps["on_w1"]) == ray_stack.worker_id


@step(enable_cache=False, settings=ON_W1)
def sleeps_long(marker: str) -> int:
    with open(marker, "w") as file:
        file.write(str(os.getpid()))
    time.sleep(120)
    return 1


@step(enable_cache=False, settings=ON_HEAD)
def fails_once_the_other_runs(marker: str) -> int:
    deadline = time.monotonic() + 60
    while not (os.path.exists(marker) and open(marker).read()):
        if time.monotonic() > deadline:
            raise TimeoutError("sleeps_long never started")
        time.sleep(0.05)
    raise ValueError("broken on purpose")


@pipeline(execution_mode=ExecutionMode.FAIL_FAST)
def fail_fast(marker: str):
    sleeps_long(marker)
    fails_once_the_other_runs(marker)


def test_fail_fast_stops_the_running_step_on_the_other_node(ray_stack, tmp_path):
    marker = tmp_path / "sleeper.pid"

    with pytest.raises(ValueError, match="broken on purpose"):
        fail_fast(str(marker))

    run = Client().list_pipeline_runs(pipeline_name="fail_fast")[0]
    assert run.status is ExecutionStatus.FAILED
    assert run.steps["sleeps_long"].status is ExecutionStatus.STOPPED
    pid = int(marker.read_text())
    deadline = time.monotonic() + 30
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not pid_alive(pid)


@step(
    enable_cache=False,
    retry=StepRetryConfig(max_retries=1, delay=0),
    settings={"orchestrator": {"custom_resources": {"flex": 1}}},
)
def survives_a_lost_node(folder: str) -> str:
    import ray

    attempt = get_step_context().step_run.attempt
    if attempt == 1:
        with open(os.path.join(folder, "first"), "w") as file:
            file.write(ray.get_runtime_context().get_node_id())
        time.sleep(120)
    return ray.get_runtime_context().get_node_id()


@pipeline
def on_a_doomed_node(folder: str):
    survives_a_lost_node(folder)


def test_a_node_lost_mid_step_fails_the_attempt_and_the_retry_runs_elsewhere(ray_stack, tmp_path):
    cluster = ray_stack.cluster
    flex_nodes = {}
    for _ in range(2):  # either may take the first attempt; the other takes the retry
        node = cluster.add_node(num_cpus=1, resources={"flex": 1})
        flex_nodes[node.node_id] = node
    cluster.wait_for_nodes()
    lost = []

    def lose_the_first_attempts_node():
        node_id = wait_for_file(tmp_path / "first")
        cluster.remove_node(flex_nodes[node_id], allow_graceful=False)
        lost.append(node_id)

    killer = threading.Thread(target=lose_the_first_attempts_node)
    killer.start()
    try:
        run = on_a_doomed_node(str(tmp_path))
    finally:
        killer.join()
        for node_id, node in flex_nodes.items():
            if node_id not in lost:
                cluster.remove_node(node)

    assert run.status is ExecutionStatus.COMPLETED
    first, second = Client().store.list_step_run_attempts(run.id, "survives_a_lost_node")
    assert first.status is ExecutionStatus.RETRIED
    assert "node lost" in first.status_message
    assert second.status is ExecutionStatus.COMPLETED
    survivor = run.steps["survives_a_lost_node"].output.load()
    assert survivor in flex_nodes
    assert survivor != lost[0]
    assert node_of(run.steps["survives_a_lost_node"]) == survivor


@step(settings={"resources": ResourceSettings(gpu_count=1)})
def wants_a_gpu() -> int:
    return 1


@pipeline
def gpu_pipeline():
    wants_a_gpu()


def test_a_gpu_request_no_node_can_hold_fails_before_the_run(ray_stack):
    with pytest.raises(ResourceSettingsError, match=r"'wants_a_gpu' can never run.*1 GPU"):
        gpu_pipeline()

    assert not Client().list_pipeline_runs(pipeline_name="gpu_pipeline")


@step
def numbers(n: int) -> list:
    return list(range(n))


@step
def square(x: int) -> int:
    return x * x


@step
def total(values: list) -> int:
    return sum(values)


@pipeline(dynamic=True)
def mapped(n: int = 50):
    total(square.map(x=numbers(n)))


def test_a_dynamic_map_of_fifty_elements_runs_on_the_cluster(ray_stack):
    run = mapped()

    assert run.status is ExecutionStatus.COMPLETED
    assert run.steps["total"].output.load() == sum(i * i for i in range(50))
    squares = [s for name, s in run.steps.items() if name.startswith("square:")]
    assert len(squares) == 50
    assert {node_of(s) for s in squares} <= {ray_stack.head_id, ray_stack.worker_id}


def test_metadata_lands_in_postgres_with_the_nodes_steps_ran_on(ray_stack_on_postgres):
    run = pinned()

    assert Client().store.url.startswith("postgresql")
    stored = Client().get_pipeline_run(run.name)
    assert node_of(stored.steps["on_w1"]) == ray_stack_on_postgres.worker_id
    assert stored.steps["on_head"].output.load() == ray_stack_on_postgres.head_id
