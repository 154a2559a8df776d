"""Credentials of the `s3` flavor from a secret reference: they sign the workers' requests,
and never appear in `describe` output, the database's bytes, logs or reprs."""

from __future__ import annotations

import logging
import sqlite3

import pytest
from typer.testing import CliRunner

from stepwell import pipeline, step
from stepwell.cli.app import app
from stepwell.client import Client
from stepwell.enums import ExecutionStatus
from stepwell.stack.active import get_active_stack

ACCESS_KEY = "AKIDFROMSECRET42"
SECRET_KEY = "wJalrXUtnFEMI-secret-value-7731"


@step
def numbers() -> list:
    print("numbers step ran")
    return [1, 2, 3]


@step
def doubled(values: list) -> list:
    return [2 * v for v in values]


@pipeline(enable_cache=False)
def credentials_pipeline() -> None:
    doubled(numbers())


@pytest.fixture(params=["fork", "spawn"])
def secret_stack(request, bucket, s3_proxy):
    """The active stack: an s3 store whose key and secret come from the secret `aws`, and a
    local orchestrator whose workers are forked or spawned (a fresh interpreter)."""
    client = Client()
    client.create_secret("aws", {"access_key_id": ACCESS_KEY, "secret_access_key": SECRET_KEY})
    result = CliRunner().invoke(
        app,
        ["stack", "component", "register", "s3_store", "-t", "artifact_store", "-f", "s3",
         f"path=s3://{bucket}/stepwell", f"endpoint_url={s3_proxy.url}",
         "key={{aws.access_key_id}}", "secret={{ aws.secret_access_key }}"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    client.create_stack_component(
        "workers", "local", "orchestrator", {"start_method": request.param}
    )
    client.create_stack("cluster", {"orchestrator": "workers", "artifact_store": "s3_store"})
    client.activate_stack("cluster")
    return s3_proxy


def test_the_workers_sign_their_requests_with_the_secrets_key(secret_stack, bucket, bucket_fs):
    run = credentials_pipeline()

    assert run.status is ExecutionStatus.COMPLETED
    version = Client().get_pipeline_run(run.name).steps["doubled"].output
    assert bucket_fs.find(version.uri)  # written by a worker process
    assert secret_stack.access_keys and set(secret_stack.access_keys) == {ACCESS_KEY}


def test_describe_and_list_never_show_the_values(secret_stack):
    credentials_pipeline()
    runner = CliRunner()

    outputs = [
        runner.invoke(app, ["stack", "component", "describe", "s3_store"]).output,
        runner.invoke(app, ["stack", "component", "describe", "s3_store", "-o", "json"]).output,
        runner.invoke(app, ["stack", "component", "list", "-o", "json"]).output,
    ]

    for output in outputs:
        assert "s3_store" in output
        assert ACCESS_KEY not in output and SECRET_KEY not in output


def test_the_database_holds_the_references_and_never_the_values(secret_stack, stepwell_home):
    credentials_pipeline()

    stored = Client().get_stack_component("artifact_store", "s3_store").configuration
    assert stored["key"] == "{{aws.access_key_id}}"
    assert stored["secret"] == "{{ aws.secret_access_key }}"
    with sqlite3.connect(stepwell_home / "stepwell.db") as connection:
        connection.execute("pragma wal_checkpoint(full)")
    database = b"".join(
        path.read_bytes() for path in stepwell_home.iterdir() if path.name.startswith("stepwell.db")
    )
    assert ACCESS_KEY.encode() not in database
    assert SECRET_KEY.encode() not in database


def test_logs_and_reprs_never_show_the_values(secret_stack, bucket_fs, stepwell_logs):
    stepwell_logs.set_level(logging.DEBUG)

    run = credentials_pipeline()
    stack = get_active_stack()
    ours = [
        "\n".join(r.getMessage() for r in stepwell_logs.records if r.name.startswith("stepwell")),
        repr(stack.artifact_store),
        repr(stack.component("artifact_store").config),
        str(stack.component("artifact_store").config),
    ]
    # Everything logged, botocore's DEBUG records of signed requests and the step's own
    # log file included: those name the access key id (as AWS's own logs do), never the key.
    everything = [stepwell_logs.text, bucket_fs.cat(run.steps["numbers"].logs_uri).decode()]

    assert "numbers step ran" in everything[-1]
    for text in ours:
        assert ACCESS_KEY not in text and SECRET_KEY not in text
    for text in everything:
        assert SECRET_KEY not in text
