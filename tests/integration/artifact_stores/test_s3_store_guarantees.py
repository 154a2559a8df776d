"""The local artifact store's guarantees, held on S3 by the `s3` flavor: a failed write
leaves nothing in the bucket, and deletions stay inside the store's root."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.materializers.base_materializer import BaseMaterializer


class Unfinished:
    """A value whose materializer fails halfway through writing it."""


class HalfWritingMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES = (Unfinished,)

    def save(self, data: Any) -> None:
        with self.artifact_store.open(self._path("part-1.bin"), "wb") as handle:
            handle.write(b"first half")
        raise OSError("the disk of the serializer filled up")


@step
def unfinished() -> Unfinished:
    return Unfinished()


@pipeline(enable_cache=False)
def failing_pipeline() -> None:
    unfinished()


@step
def payload() -> dict:
    return {"rows": list(range(10))}


@pipeline(enable_cache=False)
def payload_pipeline() -> None:
    payload()


@pytest.fixture
def s3_stack(bucket, s3_proxy):
    client = Client()
    client.create_stack_component(
        "s3_store",
        "s3",
        "artifact_store",
        {
            "path": f"s3://{bucket}/stepwell",
            "endpoint_url": s3_proxy.url,
            "key": "k",
            "secret": "s",
        },
    )
    client.create_stack("cluster", {"orchestrator": "default", "artifact_store": "s3_store"})
    client.activate_stack("cluster")
    return f"{bucket}/stepwell"


def test_a_failed_write_leaves_no_object_in_the_bucket(s3_stack, bucket_fs, stepwell_logs):
    with pytest.raises(RuntimeError, match="failure in step"):
        failing_pipeline()

    objects = bucket_fs.find(s3_stack)
    assert objects, "the step's log should be in the bucket"
    assert all(path.startswith(f"{s3_stack}/logs/") for path in objects), objects
    assert not Client().list_artifact_versions().items
    # Removed with the store's own credentials, not left for a later prune.
    assert "Could not remove" not in stepwell_logs.text


def test_deleting_a_run_removes_its_objects_from_the_bucket(s3_stack, bucket_fs):
    run = payload_pipeline()
    version = Client().get_pipeline_run(run.name).steps["payload"].output
    assert bucket_fs.find(version.uri)

    Client().delete_pipeline_run(run.name)

    assert not bucket_fs.find(version.uri)
    assert not bucket_fs.find(f"{s3_stack}/logs/{run.id}")


def test_a_row_pointing_outside_the_root_is_not_deleted(s3_stack, bucket, bucket_fs, stepwell_home):
    outside = f"{bucket}/not-stepwells/keep.bin"
    bucket_fs.pipe(outside, b"someone else's data")
    run = payload_pipeline()
    version = Client().get_pipeline_run(run.name).steps["payload"].output
    with sqlite3.connect(stepwell_home / "stepwell.db") as connection:
        connection.execute(
            "update artifact_versions set uri = ? where id = ?",
            (f"s3://{s3_stack}/../not-stepwells/keep.bin", version.id.hex),
        )

    Client().delete_pipeline_run(run.name)

    assert bucket_fs.cat(outside) == b"someone else's data"
