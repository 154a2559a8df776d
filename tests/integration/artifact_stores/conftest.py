"""Fixtures for the artifact-store tests: a local S3 service, a fresh bucket, a clean AWS
environment (no credentials but the ones a test gives)."""

from __future__ import annotations

import uuid

import pytest
import s3fs
from moto.server import ThreadedMotoServer
from s3_fixtures import RecordingProxy


@pytest.fixture(scope="module")
def moto_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_proxy(moto_endpoint):
    """The S3 endpoint to configure: moto behind a proxy that records access keys."""
    yield from RecordingProxy(moto_endpoint).serve()


@pytest.fixture
def no_aws_credentials(monkeypatch, tmp_path):
    """An environment where boto finds no credentials and no endpoint of its own."""
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_S3",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


@pytest.fixture
def bucket(moto_endpoint, no_aws_credentials):
    """A fresh, empty bucket's name (made directly on moto, with throwaway credentials)."""
    name = f"bucket-{uuid.uuid4().hex[:12]}"
    fs = s3fs.S3FileSystem(
        key="setup", secret="setup", client_kwargs={"endpoint_url": moto_endpoint}
    )
    fs.mkdir(name)
    yield name
    from stepwell.artifact_stores import known

    known.forget_all()  # stores of this test's bucket are not the next test's


@pytest.fixture
def bucket_fs(moto_endpoint):
    """An s3fs filesystem on moto for looking at buckets (no listing cache: always fresh)."""
    return s3fs.S3FileSystem(
        key="reader",
        secret="reader",
        client_kwargs={"endpoint_url": moto_endpoint},
        use_listings_cache=False,
        skip_instance_cache=True,
    )
