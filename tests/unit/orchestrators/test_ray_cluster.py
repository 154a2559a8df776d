"""What the ray orchestrator decides from its cluster's node list (pure, no Ray needed)."""

import pytest

from stepwell.exceptions import StackComponentConfigError
from stepwell.execution.resources import Resources
from stepwell.orchestrators.ray_cluster import RayNode, hosts, ray_request, unsatisfiable
from stepwell.stack.ray_flavor import RayOrchestratorFlavor

HEAD = RayNode("h", "10.0.0.1", {"CPU": 4.0, "memory": 8e9, "head_node": 1.0})
GPU = RayNode("g", "10.0.0.2", {"CPU": 2.0, "GPU": 1.0, "memory": 4e9})


def test_resource_settings_become_ray_task_options():
    request = ray_request(Resources(cpu=2, gpu=1, memory=1 << 30), {"head_node": 1})
    assert request == {
        "num_cpus": 2,
        "num_gpus": 1,
        "memory": 1 << 30,
        "resources": {"head_node": 1},
    }


def test_a_step_asking_for_nothing_takes_one_cpu():
    assert ray_request(Resources(), {}) == {"num_cpus": 1.0}


def test_a_request_one_node_can_hold_is_satisfiable():
    assert unsatisfiable({"num_cpus": 2, "num_gpus": 1}, [HEAD, GPU]) is None


def test_more_gpus_than_any_node_has_is_unsatisfiable_and_says_what_nodes_have():
    reason = unsatisfiable({"num_cpus": 1, "num_gpus": 2}, [HEAD, GPU])
    assert reason is not None and "2 GPU" in reason and "1 GPU at most" in reason


def test_resources_spread_over_two_nodes_do_not_add_up():
    reason = unsatisfiable(
        {"num_cpus": 1, "num_gpus": 1, "resources": {"head_node": 1}}, [HEAD, GPU]
    )
    assert reason is not None and "no single node" in reason


def test_nodes_on_one_address_are_one_host():
    assert hosts([HEAD, RayNode("w", "10.0.0.1", {})]) == {"10.0.0.1"}
    assert len(hosts([HEAD, GPU])) == 2


def test_cpus_cannot_be_asked_for_as_a_custom_resource():
    with pytest.raises(StackComponentConfigError, match="CPU cannot be a custom resource"):
        RayOrchestratorFlavor.validate_config({"custom_resources": {"CPU": 2}})
