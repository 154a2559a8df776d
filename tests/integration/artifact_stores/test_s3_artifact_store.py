"""An S3-compatible object store is configuration: point STEPWELL_ARTIFACT_STORE_PATH at it.

The S3 service is moto's server on loopback (a stand-in for a real S3 account, which cannot
be reached from here); everything else (s3fs, the materializers, the store) is real.
"""

import importlib

import pytest

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.enums import ExecutionStatus

s3fs = pytest.importorskip("s3fs")
moto_server = pytest.importorskip("moto.server")


@pytest.fixture(scope="module")
def s3_endpoint():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@step
def table() -> dict:
    print("writing the table")
    return {"a": [1, 2, 3]}


@step
def total(data: dict) -> int:
    return sum(data["a"])


@pipeline
def s3_pipeline():
    total(table())


def test_a_pipeline_stores_artifacts_and_logs_in_s3(s3_endpoint, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    fs = s3fs.S3FileSystem(client_kwargs={"endpoint_url": s3_endpoint})
    fs.mkdir("stepwell-test")
    monkeypatch.setenv("STEPWELL_ARTIFACT_STORE_PATH", "s3://stepwell-test/artifacts")
    importlib.import_module("stepwell.store.active").reset_store()

    run = s3_pipeline()
    assert run.status is ExecutionStatus.COMPLETED
    version = Client().get_pipeline_run(run.name).steps["total"].output
    assert version.uri.startswith("s3://stepwell-test/artifacts/")
    assert version.load() == 6
    assert version.content_hash and version.size
    assert fs.exists(version.uri)
    assert "writing the table" in run.steps["table"].logs
    assert not [p for p in fs.find("stepwell-test") if ".staging-" in p]
    assert {s.status for s in s3_pipeline().steps.values()} == {ExecutionStatus.CACHED}
