"""The `s3` artifact store flavor: registered from the CLI or the Client, used by runs.

S3 is moto's server on loopback (behind a proxy that records which access key signed each
request); s3fs, the CLI, the store, the orchestrator and its worker processes are real.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from stepwell import pipeline, step
from stepwell.cli.app import app
from stepwell.client import Client
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import StackComponentConfigError


@step
def table() -> dict:
    print("writing the table")
    return {"a": [1, 2, 3]}


@step
def total(data: dict) -> int:
    return sum(data["a"])


@pipeline(enable_cache=False)
def s3_pipeline() -> None:
    total(table())


def cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_a_stack_registered_with_the_cli_keeps_artifacts_and_logs_in_the_bucket(
    bucket, bucket_fs, s3_proxy, monkeypatch
):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "env-access-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    cli(
        "stack", "component", "register", "s3_store", "-t", "artifact_store", "-f", "s3",
        f"path=s3://{bucket}/stepwell", f"endpoint_url={s3_proxy.url}",
    )  # fmt: skip
    cli("stack", "register", "cluster", "-o", "default", "-a", "s3_store", "--set")

    run = s3_pipeline()

    assert run.status is ExecutionStatus.COMPLETED
    version = Client().get_pipeline_run(run.name).steps["total"].output
    assert version.uri.startswith(f"s3://{bucket}/stepwell/")
    assert bucket_fs.find(version.uri)
    logs_uri = run.steps["table"].logs_uri
    assert logs_uri.startswith(f"s3://{bucket}/stepwell/logs/")
    assert b"writing the table" in bucket_fs.cat(logs_uri)
    assert not [path for path in bucket_fs.find(bucket) if ".staging-" in path]
    # Every request, the workers' writes included, was signed with the environment's key.
    assert set(s3_proxy.access_keys) == {"env-access-key"} and s3_proxy.unsigned == 0


def test_a_stack_registered_with_the_client_runs_and_reads_back(bucket, bucket_fs, s3_proxy):
    client = Client()
    client.create_secret("aws", {"access_key_id": "AKIDCLIENT", "secret_access_key": "s3cr3t"})
    client.create_stack_component(
        "s3_store",
        "s3",
        "artifact_store",
        {
            "path": f"s3://{bucket}/runs",
            "key": "{{aws.access_key_id}}",
            "secret": "{{aws.secret_access_key}}",
            "client_kwargs": {"endpoint_url": s3_proxy.url, "region_name": "us-east-1"},
        },
    )
    client.create_stack("cluster", {"orchestrator": "default", "artifact_store": "s3_store"})
    client.activate_stack("cluster")

    run = s3_pipeline()

    version = client.get_pipeline_run(run.name).steps["total"].output
    assert version.load() == 6
    assert bucket_fs.find(version.uri)
    assert set(s3_proxy.access_keys) == {"AKIDCLIENT"}


def test_a_fresh_process_reads_artifacts_and_logs_through_the_registered_store(bucket, s3_proxy):
    client = Client()
    client.create_secret("aws", {"access_key_id": "AKIDFRESH", "secret_access_key": "s3cr3t"})
    client.create_stack_component(
        "s3_store",
        "s3",
        "artifact_store",
        {
            "path": f"s3://{bucket}/stepwell",
            "endpoint_url": s3_proxy.url,
            "key": "{{aws.access_key_id}}",
            "secret": "{{aws.secret_access_key}}",
        },
    )
    client.create_stack("cluster", {"orchestrator": "default", "artifact_store": "s3_store"})
    client.activate_stack("cluster")
    run = s3_pipeline()
    version_id = client.get_pipeline_run(run.name).steps["total"].output.id
    s3_proxy.access_keys.clear()

    # The new process has no AWS endpoint or credentials: only the component knows them.
    reader = subprocess.run(
        [
            sys.executable,
            "-c",
            "from stepwell.client import Client\n"
            f"print(Client().get_artifact_version('{version_id}').load())\n"
            f"print(Client().get_pipeline_run('{run.name}').steps['table'].logs)\n",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert reader.returncode == 0, reader.stderr
    assert reader.stdout.splitlines()[0] == "6"
    assert "writing the table" in reader.stdout
    assert set(s3_proxy.access_keys) == {"AKIDFRESH"}


@pytest.mark.parametrize(
    ("configuration", "expected"),
    [
        ({"path": "/tmp/artifacts"}, "'path': Value error, must be an s3://bucket[/prefix] URL"),
        ({"path": "s3://"}, "must be an s3://bucket[/prefix] URL"),
        ({"path": "gs://bucket/x"}, "must be an s3://bucket[/prefix] URL"),
        ({}, "'path' is required"),
        ({"path": "s3://b/x", "region": "eu-west-1"}, "unknown key 'region' (allowed: "),
        ({"path": "s3://b/x", "endpoint_url": "localhost:9000"}, "must be an http:// or https://"),
        (
            {
                "path": "s3://b/x",
                "endpoint_url": "http://a.example",
                "client_kwargs": {"endpoint_url": "http://b.example"},
            },
            "endpoint_url and client_kwargs.endpoint_url differ",
        ),
    ],
)
def test_a_bad_configuration_is_refused_at_registration(configuration, expected):
    client = Client()

    with pytest.raises(StackComponentConfigError) as raised:
        client.create_stack_component("bad", "s3", "artifact_store", configuration)

    assert "artifact store 'bad' (flavor 's3')" in str(raised.value)
    assert expected in str(raised.value)
    assert [c.name for c in client.list_stack_components(type="artifact_store")] == ["default"]


def test_registering_without_s3fs_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "s3fs", None)  # as if it were not installed

    result = CliRunner().invoke(
        app,
        ["stack", "component", "register", "s3_store", "-t", "artifact_store", "-f", "s3",
         "path=s3://bucket/stepwell"],
    )  # fmt: skip

    assert result.exit_code != 0
    assert "pip install 'stepwell[s3]'" in result.output
    assert "s3_store" in result.output
