"""Finding things in the SQL metadata store: id prefixes, names, run filters, sorting, paging."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from uuid import UUID

import pytest

import stepwell.store.new_rows as new_rows_module
import stepwell.store.sql.artifacts as artifacts_module
import stepwell.store.sql.store as store_module
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import (
    DuplicateRunNameError,
    EntityExistsError,
    EntityNotFoundError,
    StoreError,
)

UTC = timezone.utc
RUN_A = UUID("abcd1234-0000-4000-8000-000000000001")
RUN_B = UUID("abcd5678-0000-4000-8000-000000000002")


@pytest.fixture
def fixed_run_ids(monkeypatch):
    """Make the next runs (and pipelines) get ids that share the prefix `abcd`."""
    ids = iter([UUID(int=n) for n in range(1, 50)])
    pending = [RUN_A, RUN_B]

    def next_id() -> UUID:
        return pending.pop(0) if pending else next(ids)

    def fix() -> None:
        monkeypatch.setattr(store_module, "uuid4", next_id)
        monkeypatch.setattr(new_rows_module, "uuid4", next_id)  # where run rows are made

    return fix


def test_run_found_by_unique_id_prefix(store, make_run):
    run = make_run(store, name="first")
    make_run(store, name="second")
    hex_id = run.id.hex
    for key in (hex_id[:4], hex_id[:12], str(run.id)[:13], hex_id.upper()[:10], hex_id):
        assert store.get_run(key).id == run.id, key


def test_ambiguous_prefix_lists_candidates(store, make_run, fixed_run_ids):
    store.get_or_create_pipeline("training")
    fixed_run_ids()
    first = make_run(store, name="first")
    second = make_run(store, name="second")
    assert (first.id, second.id) == (RUN_A, RUN_B)

    with pytest.raises(StoreError, match="matches several runs") as raised:
        store.get_run("abcd")
    assert str(RUN_A) in str(raised.value) and str(RUN_B) in str(raised.value)
    assert "first" in str(raised.value) and "second" in str(raised.value)
    assert not isinstance(raised.value, EntityNotFoundError)
    assert store.get_run("abcd1").id == RUN_A
    assert store.get_run("ABCD-5678").id == RUN_B


def test_missing_run_names_what_was_asked(store, make_run):
    make_run(store, name="present")
    for key in ("absent", "ffff0000", "abc", "zzzz-not-hex"):
        with pytest.raises(EntityNotFoundError, match=key) as raised:
            store.get_run(key)
        assert isinstance(raised.value, KeyError)
    missing = UUID(int=7)
    with pytest.raises(EntityNotFoundError, match=str(missing)):
        store.get_run(missing)


def test_other_entities_found_by_prefix(store, make_version):
    pipeline = store.get_or_create_pipeline("training")
    snapshot = store.create_snapshot(pipeline_id=pipeline.id, spec={}, config={})
    version = make_version(store, "model")
    artifact = store.get_artifact("model")

    assert store.get_pipeline(pipeline.id.hex[:8]).id == pipeline.id
    assert store.get_snapshot(str(snapshot.id)[:8]).id == snapshot.id
    assert store.get_artifact(artifact.id.hex[:8]).id == artifact.id
    assert store.get_artifact_version(version.id.hex[:8]).id == version.id
    with pytest.raises(EntityNotFoundError):
        store.get_snapshot("0000000000")
    with pytest.raises(EntityNotFoundError, match="nothing-here"):
        store.get_artifact("nothing-here")


def test_ambiguous_artifact_version_prefix(store, make_version, monkeypatch):
    ids = iter(
        [
            UUID("beef0000-0000-4000-8000-00000000000a"),  # artifact
            UUID("dead0001-0000-4000-8000-000000000001"),  # version 1
            UUID("dead0002-0000-4000-8000-000000000002"),  # version 2
        ]
    )
    monkeypatch.setattr(artifacts_module, "uuid4", lambda: next(ids))
    monkeypatch.setattr(new_rows_module, "uuid4", lambda: next(ids))  # the versions' rows
    make_version(store, "model")
    make_version(store, "model")
    with pytest.raises(StoreError, match="matches several artifact versions"):
        store.get_artifact_version("dead")
    assert store.get_artifact_version("dead0002").version_number == 2


def test_duplicate_run_name_is_refused(store, make_run):
    make_run(store, name="daily")
    with pytest.raises(DuplicateRunNameError) as raised:
        make_run(store, name="daily", pipeline="other")
    assert str(raised.value) == (
        "Run name 'daily' is already used by another run; pick another name or put "
        "{date}_{time} in run_name."
    )
    assert isinstance(raised.value, EntityExistsError)
    assert len(store.list_runs()) == 1


def test_list_runs_filters(store, make_run):
    store.get_or_create_pipeline("training")
    store.get_or_create_pipeline("inference")
    first = make_run(store, name="t1", status=ExecutionStatus.COMPLETED)
    second = make_run(store, name="t2", status=ExecutionStatus.FAILED)
    third = make_run(store, name="i1", pipeline="inference", is_unlisted=True)

    def names(**filters):
        return [run.name for run in store.list_runs(**filters)]

    assert names() == ["i1", "t2", "t1"]
    assert names(pipeline="training") == ["t2", "t1"]
    assert names(pipeline="nope") == []
    assert names(status=ExecutionStatus.COMPLETED) == ["t1"]
    assert names(status="failed") == ["t2"]
    assert names(include_unlisted=False) == ["t2", "t1"]
    assert names(created_after=first.created) == ["i1", "t2"]
    assert names(created_before=third.created) == ["t2", "t1"]
    assert names(created_after=first.created, created_before=third.created) == ["t2"]
    later = datetime.now(UTC) + timedelta(hours=1)
    assert names(created_after=later) == []
    # An aware time in another zone means the same instant.
    in_tokyo = second.created.astimezone(timezone(timedelta(hours=9)))
    assert names(created_before=in_tokyo) == ["t1"]
    with pytest.raises(StoreError, match="Unknown status 'finished'"):
        names(status="finished")


def test_list_runs_sorting_and_paging(store, make_run):
    base = datetime(2024, 1, 1, tzinfo=UTC)
    make_run(store, name="b", start_time=base + timedelta(hours=2))
    make_run(store, name="c", start_time=None, status=ExecutionStatus.RUNNING)
    make_run(store, name="a", start_time=base + timedelta(hours=1), status=ExecutionStatus.FAILED)

    def names(**options):
        return [run.name for run in store.list_runs(**options)]

    assert names() == ["a", "c", "b"]  # newest first
    assert names(descending=False) == ["b", "c", "a"]
    assert names(sort_by="created") == ["b", "c", "a"]  # a bare field sorts ascending
    assert names(sort_by="created", descending=True) == ["a", "c", "b"]
    assert names(sort_by="desc:created") == ["a", "c", "b"]
    assert names(sort_by="asc:name") == ["a", "b", "c"]
    assert names(sort_by="desc:name") == ["c", "b", "a"]
    assert names(sort_by="start_time") == ["a", "b", "c"]
    assert names(sort_by="desc:start_time") == ["b", "a", "c"]  # unknown start times last
    assert names(sort_by="status") == ["a", "b", "c"]
    assert names(sort_by="end_time") == ["b", "c", "a"]
    assert names(sort_by="name", size=2) == ["a", "b"]
    assert names(sort_by="name", size=2, page=2) == ["c"]
    assert names(sort_by="name", size=2, page=3) == []
    with pytest.raises(StoreError, match="sort by one of: created, duration, end_time, id, name"):
        names(sort_by="speed")
    with pytest.raises(StoreError, match="page must be >= 1"):
        names(page=0)


def test_pipeline_properties_use_the_store(store, make_run):
    make_run(store, name="one")
    make_run(store, name="two")
    pipeline = store.get_pipeline("training")
    assert [run.name for run in pipeline.runs] == ["two", "one"]
    assert pipeline.last_run.name == "two"
    assert store.get_run("one").pipeline.id == pipeline.id
    assert store.get_run("one").refresh().name == "one"
