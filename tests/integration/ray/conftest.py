"""One real two-node Ray cluster for the Ray tests, artifacts on a local S3 server (moto).

Both nodes run on this machine (`ray.cluster_utils.Cluster`), each with a custom resource
that pins a step to it: `head_node` on the head, `w1` on the worker. Ray keeps its files
(and the address file that `ray.init()` would look for) under a private, short temporary
folder, so these tests never reach a cluster that isn't theirs. The S3 server starts first,
so that the nodes' worker processes inherit its address and dummy credentials.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from stepwell.client import Client

ray = pytest.importorskip("ray")
s3fs = pytest.importorskip("s3fs")
moto_server = pytest.importorskip("moto.server")

BUCKET_PREFIX = "stepwell-ray"
# Fast failure detection: a removed node is declared dead within about a second.
SYSTEM_CONFIG = {
    "health_check_initial_delay_ms": 0,
    "health_check_period_ms": 300,
    "health_check_failure_threshold": 3,
}
NODE_OPTIONS = {"object_store_memory": 80 * 2**20}


def _load_store_fixtures() -> Any:
    """The throwaway PostgreSQL fixtures of the store tests (one server per session)."""
    path = Path(__file__).parent.parent / "store" / "conftest.py"
    spec = importlib.util.spec_from_file_location("stepwell_store_test_fixtures", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


_store_fixtures = _load_store_fixtures()
postgres_server = _store_fixtures.postgres_server
postgres_url = _store_fixtures.postgres_url


@dataclass
class RayCluster:
    cluster: Any
    worker: Any  # the `w1` node
    s3_endpoint: str
    bucket: str  # one per module: nothing cached for another module's server is reused

    @property
    def address(self) -> str:
        return self.cluster.address

    @property
    def head_id(self) -> str:
        return self.cluster.head_node.node_id

    @property
    def worker_id(self) -> str:
        return self.worker.node_id


@pytest.fixture(scope="module")
def ray_cluster():
    """A fresh cluster per test module, shut down (with its moto server) when the module
    ends, so that no Ray process outlives the module into the rest of the test session."""
    from ray.cluster_utils import Cluster

    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    folder = tempfile.mkdtemp(prefix="swray-")  # Ray's socket paths must be short
    bucket = f"{BUCKET_PREFIX}-{uuid.uuid4().hex[:8]}"
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {
            "RAY_TMPDIR": folder,
            "RAY_AUTH_MODE": "disabled",
            "RAY_USAGE_STATS_ENABLED": "0",
            "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }.items():
            patch.setenv(name, value)
        # Each module has its own S3 server and bucket: stores and file systems cached for
        # an earlier module's bucket (and its server's endpoint) are never reused.
        s3fs.S3FileSystem.clear_instance_cache()
        s3fs.S3FileSystem(client_kwargs={"endpoint_url": endpoint}).mkdir(bucket)
        cluster = Cluster(
            initialize_head=True,
            head_node_args={
                "num_cpus": 1,
                "resources": {"head_node": 1},
                "include_dashboard": False,
                "_system_config": SYSTEM_CONFIG,
                **NODE_OPTIONS,
            },
        )
        try:
            worker = cluster.add_node(num_cpus=1, resources={"w1": 1}, **NODE_OPTIONS)
            cluster.wait_for_nodes()
            ray.init(address=cluster.address, include_dashboard=False, log_to_driver=False)
            yield RayCluster(cluster, worker, endpoint, bucket)
        finally:
            ray.shutdown()
            cluster.shutdown()
            server.stop()
            s3fs.S3FileSystem.clear_instance_cache()
            shutil.rmtree(folder, ignore_errors=True)


def use_ray_stack(cluster: RayCluster, monkeypatch: pytest.MonkeyPatch) -> RayCluster:
    """Make the active stack a `ray` orchestrator on the test cluster, with artifacts in a
    fresh prefix of the S3 bucket; this folder's modules are the user's code (sent to the
    workers by value: under `python -m pytest` the entry point is pytest's own)."""
    monkeypatch.setenv("STEPWELL_ARTIFACT_STORE_PATH", f"s3://{cluster.bucket}/{uuid.uuid4().hex}")
    monkeypatch.setenv("STEPWELL_SOURCE_ROOT", str(Path(__file__).parent))
    importlib.import_module("stepwell.store.active").reset_store()
    client = Client()
    client.create_stack_component(
        "ray_cluster", "ray", "orchestrator", {"address": cluster.address}
    )
    client.create_stack("cluster", {"orchestrator": "ray_cluster", "artifact_store": "default"})
    client.activate_stack("cluster")
    return cluster


@pytest.fixture
def ray_stack(ray_cluster, monkeypatch):
    """The ray stack, metadata in the test's SQLite store."""
    return use_ray_stack(ray_cluster, monkeypatch)


@pytest.fixture
def ray_stack_on_postgres(ray_cluster, postgres_url, monkeypatch):
    """The ray stack, metadata in a fresh database of the throwaway PostgreSQL server."""
    monkeypatch.setenv("STEPWELL_STORE_URL", postgres_url)
    return use_ray_stack(ray_cluster, monkeypatch)
