"""Tags and run metadata in the SQL store, on SQLite and on a real PostgreSQL."""

import pytest

from stepwell.config.tags import Tag
from stepwell.exceptions import TagError
from stepwell.metadata.metadata_types import StorageSize, Uri


def test_exclusive_tags_move_between_runs_of_a_pipeline_on_each_backend(store, make_run):
    first, second = make_run(store), make_run(store)
    other = make_run(store, pipeline="other")
    for run in (first, second, other):
        store.add_tags(
            ["shared", Tag(name="live", exclusive=True)],
            resource_type="pipeline_run",
            resource_id=run.id,
        )
    tags = store.get_resource_tags("pipeline_run", [first.id, second.id, other.id])
    assert [t.name for t in tags[first.id]] == ["shared"]
    assert [t.name for t in tags[second.id]] == ["live", "shared"]
    assert [t.name for t in tags[other.id]] == ["live", "shared"]
    with pytest.raises(TagError):
        store.add_tags(["live"], resource_type="pipeline", resource_id=first.pipeline_id)
    store.remove_tags(["shared"], resource_type="pipeline_run", resource_id=second.id)
    assert [t.name for t in store.get_resource_tags("pipeline_run", [second.id])[second.id]] == [
        "live"
    ]
    assert store.get_tag("shared").tagged_count == 2


def test_metadata_keeps_its_types_and_newest_values_on_each_backend(store, make_run):
    run = make_run(store)
    store.create_run_metadata(
        resource_type="pipeline_run",
        resource_id=run.id,
        metadata={"uri": Uri("s3://b/k"), "size": StorageSize(5), "loss": float("inf")},
    )
    store.create_run_metadata(
        resource_type="pipeline_run", resource_id=run.id, metadata={"size": StorageSize(6)}
    )
    stored = store.get_run(run.id).run_metadata
    assert stored == {"uri": "s3://b/k", "size": 6, "loss": float("inf")}
    assert type(stored["uri"]) is Uri and type(stored["size"]) is StorageSize
