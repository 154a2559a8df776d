"""The `s3` flavor's store as orchestrators and workers see it: reachable from other machines,
credentials kept out of reprs, carried in memory to workers (no network, no database)."""

from __future__ import annotations

import pickle

import pytest

from stepwell.artifact_stores import known
from stepwell.artifact_stores.base import BaseArtifactStore, artifact_store_for_uri
from stepwell.stack.flavors import flavor_registry


@pytest.fixture(autouse=True)
def forget_known_stores():
    yield
    known.forget_all()


@pytest.mark.parametrize(
    ("path", "reachable"),
    [
        ("/srv/artifacts", False),
        ("file:///srv/artifacts", False),
        ("memory://artifacts", False),
        ("s3://bucket/stepwell", True),
        ("gcs://bucket/stepwell", True),
    ],
)
def test_only_network_stores_are_reachable_from_other_machines(path, reachable):
    assert BaseArtifactStore(path).is_remote_reachable is reachable


def build(configuration):
    flavor = flavor_registry().get("artifact_store", "s3")
    return flavor.build(flavor.validate_config(configuration, "s3_store"))


def test_the_s3_flavor_builds_a_reachable_store_with_the_endpoint_in_client_kwargs():
    store = build({"path": "s3://bucket/stepwell/", "endpoint_url": "http://127.0.0.1:9000"})

    assert store.is_remote_reachable
    assert store.path == "s3://bucket/stepwell"
    assert store.storage_options == {"client_kwargs": {"endpoint_url": "http://127.0.0.1:9000"}}


def test_the_repr_never_shows_credentials():
    store = build({"path": "s3://bucket/x", "key": "AKIDREPR", "secret": "hidden-value"})

    assert "AKIDREPR" not in repr(store) and "hidden-value" not in repr(store)


def test_a_worker_gets_the_options_in_memory_and_reads_bare_uris_with_them():
    store = build({"path": "s3://bucket/x", "key": "AKIDWORKER", "secret": "s"})
    _ = store.storage_options  # no filesystem made: a worker builds its own
    known.forget_all()  # as in a fresh worker process

    copy = pickle.loads(pickle.dumps(store))

    assert copy.storage_options["key"] == "AKIDWORKER" and copy._fs is None
    assert artifact_store_for_uri("s3://bucket/x/some-output-123/data.json") is copy
    assert artifact_store_for_uri("s3://bucket/elsewhere/data.json") is not copy
