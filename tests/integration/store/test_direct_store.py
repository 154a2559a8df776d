"""The direct SQLite path: when it opens, that it writes what `SqlStore` writes, and that a
cached run in a fresh process needs no SQLAlchemy at all.

The store tests of this folder also run against it (the `store` fixture's "sqlite-direct").
"""

from __future__ import annotations

import inspect
import os
import pickle
import sqlite3
import subprocess
import sys
import textwrap
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import JSON, Boolean, Uuid

from stepwell.config.environment import store_url
from stepwell.config.pipeline_config import PipelineConfig
from stepwell.config.step_config import StepConfig
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import DuplicateRunNameError, EntityNotFoundError, StoreError
from stepwell.store.direct import codec
from stepwell.store.direct import lists as direct_lists_module
from stepwell.store.direct.opening import open_direct, sqlite_file
from stepwell.store.direct.store import DirectSqliteStore
from stepwell.store.models import NewStepRun
from stepwell.store.sql import SqlStore
from stepwell.store.sql.tables import (
    ARTIFACTS,
    PENDING_OUTPUTS,
    PIPELINES,
    RUN_METADATA,
    RUNS,
    SNAPSHOTS,
    STACK_COMPONENTS,
    STACK_COMPOSITION,
    STACKS,
    STEP_INPUTS,
    STEP_OUTPUTS,
    STEP_RUNS,
    VERSIONS,
    UTCDateTime,
)

SRC = str(Path(__file__).resolve().parents[3] / "src")
DIRECT_TABLES = [
    PIPELINES,
    SNAPSHOTS,
    RUNS,
    STEP_RUNS,
    STEP_INPUTS,
    STEP_OUTPUTS,
    ARTIFACTS,
    VERSIONS,
    STACKS,
    STACK_COMPONENTS,
    STACK_COMPOSITION,
    RUN_METADATA,
    PENDING_OUTPUTS,
]


def _direct(url: str) -> DirectSqliteStore:
    SqlStore(url).close()  # creates and migrates the file
    store = open_direct(url)
    assert isinstance(store, DirectSqliteStore)
    return store


def test_column_kinds_match_the_tables():
    """The codec knows columns by name; every column of the tables it reads must agree."""
    for table in DIRECT_TABLES:
        for column in table.columns:
            kind = type(column.type)
            where = f"{table.name}.{column.name}"
            assert (column.name in codec.UUID_COLUMNS) == (kind is Uuid), where
            assert (column.name in codec.TIME_COLUMNS) == (kind is UTCDateTime), where
            assert (column.name in codec.JSON_COLUMNS) == (kind is JSON), where
            assert (column.name in codec.BOOL_COLUMNS) == (kind is Boolean), where


@pytest.mark.parametrize(
    "url",
    [
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite:///file:shared?mode=memory&uri=true",
        "sqlite:///a.db?timeout=5",
        "postgresql+psycopg://user@localhost/db",
    ],
)
def test_urls_the_direct_path_leaves_to_sqlalchemy(url):
    assert sqlite_file(url) is None
    assert open_direct(url) is None


def test_only_an_existing_file_at_the_newest_schema_opens_directly(tmp_path):
    url = f"sqlite:///{tmp_path / 'stepwell.db'}"
    assert open_direct(url) is None  # no file yet: SqlStore creates it
    assert not (tmp_path / "stepwell.db").exists()
    store = _direct(url)
    store.close()
    with sqlite3.connect(tmp_path / "stepwell.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0007'")
    assert open_direct(url) is None  # an older schema: SqlStore migrates it
    (tmp_path / "junk.db").write_text("not a database")
    assert open_direct(f"sqlite:///{tmp_path / 'junk.db'}") is None


@pytest.mark.parametrize("folder", ["100% sure", "why?", "a b#c", "naïve"])
def test_both_paths_open_the_home_folders_file_whatever_its_name(tmp_path, monkeypatch, folder):
    home = tmp_path / folder
    monkeypatch.setenv("STEPWELL_HOME", str(home))
    monkeypatch.delenv("STEPWELL_STORE_URL", raising=False)
    url = store_url()
    SqlStore(url).get_or_create_pipeline("made-by-sqlstore")
    assert (home / "stepwell.db").is_file()  # where the folder says, not a look-alike
    assert sqlite_file(url) == str(home / "stepwell.db")
    direct = open_direct(url)
    assert direct is not None
    assert direct.get_or_create_pipeline("made-by-sqlstore").name == "made-by-sqlstore"
    assert direct._full is None


def _hot_calls(store, run_id: uuid.UUID, snapshot_id: uuid.UUID) -> dict:
    """The calls of a cached run, in order, with caller-chosen ids."""
    pipeline = store.get_or_create_pipeline("training")
    snapshot = store.create_snapshot(
        pipeline_id=pipeline.id, spec={"steps": ["a"]}, config={"x": None}, id=snapshot_id
    )
    config = PipelineConfig(name="training", tags=["t"])
    run = store.create_run(
        name="r1",
        pipeline_id=pipeline.id,
        pipeline_name="training",
        snapshot_id=snapshot.id,
        config=config,
        id=run_id,
        start_time=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))),
        orchestrator_pid=123,
        heartbeat_interval=5.0,
    )
    record = NewStepRun(
        pipeline_run_id=run.id,
        name="a",
        step_name="a",
        config=StepConfig(enable_cache=True),
        status=ExecutionStatus.CACHED,
        inputs={},
        outputs={},
        cache_key="k" * 64,
        cache_components={"code": "c"},
        id=uuid.UUID(int=run_id.int + 1),
    )
    store.create_step_runs([record])
    ended = store.end_run(
        run.id,
        status=ExecutionStatus.FAILED,
        end_time=datetime(2026, 1, 2, 3, 4, 6, tzinfo=timezone.utc),
        status_message="boom",
    )
    return {"snapshot": snapshot, "run": run, "ended": ended}


def _columns(path: Path, table: str, key: str) -> list[tuple]:
    """Each column's value type as SQLite sees it, and the value where it is not a time."""
    with sqlite3.connect(path) as connection:
        names = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
        row = connection.execute(f"SELECT * FROM {table} WHERE id = ?", (key,)).fetchone()
        kinds = connection.execute(
            f"SELECT {', '.join(f'typeof({name})' for name in names)} FROM {table} WHERE id = ?",
            (key,),
        ).fetchone()
    return [
        (name, kind, value if name not in ("created", "updated", "pipeline_id") else None)
        for name, kind, value in zip(names, kinds, row, strict=True)
    ]


def test_the_direct_path_writes_the_rows_sqlstore_writes(tmp_path):
    """The same calls on each store: every column has the same stored type and value."""
    run_id, snapshot_id = uuid.uuid4(), uuid.uuid4()
    direct_url = f"sqlite:///{tmp_path / 'direct.db'}"
    SqlStore(direct_url).get_or_create_pipeline("training")  # as a first run would make it
    direct = _direct(direct_url)
    full = SqlStore(f"sqlite:///{tmp_path / 'full.db'}")
    _hot_calls(direct, run_id, snapshot_id)
    _hot_calls(full, run_id, snapshot_id)
    assert direct._full is None, "the hot calls should need no SqlStore"
    for table, key in [
        ("snapshots", snapshot_id.hex),
        ("pipeline_runs", run_id.hex),
        ("step_runs", uuid.UUID(int=run_id.int + 1).hex),
    ]:
        ours = _columns(tmp_path / "direct.db", table, key)
        theirs = _columns(tmp_path / "full.db", table, key)
        assert ours == theirs, table
    with sqlite3.connect(tmp_path / "direct.db") as connection:
        stored = connection.execute("SELECT start_time FROM pipeline_runs").fetchone()[0]
    assert stored == "2026-01-02 01:04:05.000000"  # UTC, naive, with microseconds


def test_what_the_direct_path_returns_reads_back_the_same_through_sqlstore(tmp_path):
    url = f"sqlite:///{tmp_path / 'stepwell.db'}"
    direct = _direct(url)
    made = _hot_calls(direct, uuid.uuid4(), uuid.uuid4())
    full = SqlStore(url)
    assert full.get_snapshot(made["snapshot"].id).model_dump() == made["snapshot"].model_dump()
    assert full.get_run(made["run"].id).model_dump() == made["ended"].model_dump()
    steps = full.get_run_steps(made["run"].id)
    assert steps["a"].status == ExecutionStatus.CACHED  # a cached step stays cached


def test_conflicts_are_settled_by_sqlstore_with_its_own_errors(tmp_path):
    store = _direct(f"sqlite:///{tmp_path / 'stepwell.db'}")
    pipeline = store.get_or_create_pipeline("p")
    arguments = {"pipeline_id": pipeline.id, "pipeline_name": "p", "snapshot_id": None}
    first = store.create_run(name="taken", config=PipelineConfig(name="p"), **arguments)
    with pytest.raises(DuplicateRunNameError):
        store.create_run(name="taken", config=PipelineConfig(name="p"), **arguments)
    # A repeated call with the same id returns the run the first call made.
    again = store.create_run(
        name="taken", config=PipelineConfig(name="p"), id=first.id, **arguments
    )
    assert again.id == first.id
    now = datetime.now(timezone.utc)
    with pytest.raises(StoreError, match="ends with a finished status"):
        store.end_run(first.id, status=ExecutionStatus.RUNNING, end_time=now)
    with pytest.raises(EntityNotFoundError):
        store.end_run(
            uuid.uuid4(), status=ExecutionStatus.FAILED, end_time=datetime.now(timezone.utc)
        )
    with pytest.raises(EntityNotFoundError, match="Known stacks"):
        store.get_stack("nope")


@pytest.mark.parametrize(
    ("parent_opened", "child_uses"),
    [
        ("both", "direct"),  # the child's direct connection opens beside inherited ones
        ("both", "sqlstore"),  # the child's SQLAlchemy connection, beside the direct one
        ("direct", "sqlstore"),  # the child makes its SqlStore itself (a detached run)
    ],
)
def test_a_forked_childs_writes_survive_its_parent_closing(tmp_path, parent_opened, child_uses):
    """A child forked with SQLite connections open closes them all before opening its own,
    whichever path opened which: else it holds no real locks, another process may delete
    the WAL under it, and its writes are lost."""
    path = tmp_path / "stepwell.db"
    url = f"sqlite:///{path}"
    store = _direct(url)
    pipeline = store.full_store().get_or_create_pipeline("p")
    if parent_opened == "direct":
        store.full_store().close()
        store._full = None
    store.list_runs()  # the parent's direct connection is open
    ready_read, ready_write = os.pipe()
    go_read, go_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        try:
            target = store if child_uses == "direct" else store.full_store()
            target.list_runs(size=1)  # the child's first connection
            os.write(ready_write, b"r")
            os.read(go_read, 1)  # the parent has closed its connections
            target.create_run(
                name=f"child-{os.getpid()}",
                pipeline_id=pipeline.id,
                pipeline_name="p",
                snapshot_id=None,
                config=PipelineConfig(name="p"),
            )
            os.write(ready_write, b"w")
        finally:
            os._exit(0)
    assert os.read(ready_read, 1) == b"r"
    store.close()
    # Another process opens and closes the database: with the child holding no real
    # locks, this would checkpoint and delete the WAL under it.
    subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sqlite3; sqlite3.connect({str(path)!r}).execute('select 1').connection.close()",
        ],
        check=True,
    )
    os.write(go_write, b"g")
    assert os.read(ready_read, 1) == b"w"
    os.waitpid(pid, 0)
    reader = SqlStore(url)
    assert reader.get_run(f"child-{pid}").pipeline_name == "p"  # the child's write is there


def test_a_run_in_a_new_process_loads_no_sqlalchemy(tmp_path):
    """The whole point: once the store exists, a script runs (a cached step and one that
    runs again), and reads its steps and their outputs back, without SQLAlchemy."""
    script = tmp_path / "two_steps.py"
    script.write_text(
        textwrap.dedent(
            """
            import os, sys
            from stepwell import pipeline, step

            @step
            def one() -> int:
                return 1

            @step(enable_cache=False)
            def two(x: int) -> int:
                return x + 1

            @pipeline
            def p():
                two(one())

            run = p()
            steps = run.steps
            value = steps["two"].outputs["output"][0].load()
            loaded = sorted(m for m in sys.modules if m.split(".")[0] == "sqlalchemy")
            print("LOADED", len(loaded), loaded[:3])
            print("STATUS", run.status.value, steps["one"].status.value, value, os.getpid())
            """
        )
    )
    env = {**os.environ, "PYTHONPATH": SRC, "STEPWELL_HOME": str(tmp_path / "home")}
    env.pop("STEPWELL_STORE_URL", None)
    outputs = [
        subprocess.run(
            [sys.executable, str(script)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for _ in range(2)
    ]
    assert "STATUS completed completed 2" in outputs[0]
    assert "LOADED 0" not in outputs[0]  # a new store is made and migrated by SqlStore
    assert "STATUS completed cached 2" in outputs[1]
    assert "LOADED 0 []" in outputs[1], outputs[1]
    full = SqlStore(f"sqlite:///{tmp_path / 'home' / 'stepwell.db'}")
    runs = full.list_runs(sort_by="asc:created")
    assert [run.status for run in runs] == [ExecutionStatus.COMPLETED] * 2
    second = full.get_run_steps(runs[1].id)
    assert second["two"].status == ExecutionStatus.COMPLETED  # recorded on the direct path
    assert second["two"].outputs["output"][0].version_number == 2
    assert second["two"].outputs["output"][0].run_metadata["storage_size"] > 0
    assert full.list_pending_outputs(run_id=runs[1].id) == []  # released with the outputs


@pytest.mark.parametrize("method", ["list_runs", "list_pipelines", "list_artifacts", "list_stacks"])
def test_listing_defaults_agree_with_sqlstore(method):
    size = inspect.signature(getattr(SqlStore, method)).parameters["size"].default
    assert size == direct_lists_module.DEFAULT_PAGE_SIZE


def test_runs_are_listed_and_found_without_sqlstore(tmp_path):
    url = f"sqlite:///{tmp_path / 'stepwell.db'}"
    full = SqlStore(url)
    pipeline = full.get_or_create_pipeline("p")
    for index in range(5):
        full.create_run(
            name=f"r{index}",
            pipeline_id=pipeline.id,
            pipeline_name="p",
            snapshot_id=None,
            config=PipelineConfig(name="p"),
            is_unlisted=index == 0,
        )
    for name in ("b-artifact", "a-artifact", "c-artifact"):
        full.create_artifact_version(
            name=name, uri=str(tmp_path / name), data_type="builtins.int", materializer="m"
        )
    other = full.get_or_create_pipeline("q")
    full.create_run(
        name="q-run",
        pipeline_id=other.id,
        pipeline_name="q",
        snapshot_id=None,
        config=PipelineConfig(name="q"),
    )
    direct = _direct(url)
    assert direct.list_artifacts().total == 3 and direct.list_pipelines().total == 2
    for arguments in [
        {},
        {"size": 2, "page": 2},
        {"size": 2, "page": 9},
        {"include_unlisted": False},
        {"pipeline_name": "p", "size": 2, "page": 2},
        {"pipeline_name": "q"},
        {"pipeline_name": "P"},
        {"pipeline_name": "nothing"},
    ]:
        ours, theirs = direct.list_runs(**arguments), full.list_runs(**arguments)
        assert [run.name for run in ours] == [run.name for run in theirs], arguments
        assert (ours.total, ours.total_pages, ours.index) == (
            theirs.total,
            theirs.total_pages,
            theirs.index,
        )
    for method in ("list_pipelines", "list_artifacts", "list_stacks"):
        for arguments in [{}, {"size": 1, "page": 1}, {"size": 1, "page": 3}]:
            ours, theirs = getattr(direct, method)(**arguments), getattr(full, method)(**arguments)
            assert [item.model_dump() for item in ours] == [item.model_dump() for item in theirs], (
                method,
                arguments,
            )
            assert (ours.total, ours.total_pages) == (theirs.total, theirs.total_pages)
    found = direct.get_run("r3")
    assert direct.get_run(found.id).name == direct.get_run(str(found.id)).name == "r3"
    assert direct._full is None, "plain listings and lookups should need no SqlStore"
    assert direct.list_runs(name="contains:r", size=1).total == 6  # an operator: via SqlStore
    assert direct.get_run(found.id.hex[:8]).name == "r3"  # an id prefix: through SqlStore


def test_unknown_arguments_are_refused_as_sqlstore_refuses_them(tmp_path):
    store = _direct(f"sqlite:///{tmp_path / 'stepwell.db'}")
    pipeline = store.full_store().get_or_create_pipeline("p")
    run = store.create_run(
        name="r",
        pipeline_id=pipeline.id,
        pipeline_name="p",
        snapshot_id=None,
        config=PipelineConfig(name="p"),
    )
    with pytest.raises(TypeError, match="created"):
        store.create_step_run(
            pipeline_run_id=run.id,
            name="a",
            step_name="a",
            config=StepConfig(),
            status=ExecutionStatus.RUNNING,
            inputs={},
            hydrate=False,
            created=datetime(2000, 1, 1, tzinfo=timezone.utc),
        )
    step = store.create_step_run(
        pipeline_run_id=run.id,
        name="a",
        step_name="a",
        config=StepConfig(),
        status=ExecutionStatus.RUNNING,
        inputs={},
        hydrate=False,
    )
    output = {"name": "x", "uri": str(tmp_path / "x"), "data_type": "builtins.int"}
    output.update(materializer="m", colour="blue")
    with pytest.raises(TypeError, match="colour"):
        store.complete_step_run(
            step.id, end_time=datetime.now(timezone.utc), outputs={"output": [output]}
        )
    assert store.get_run_steps(run.id)["a"].status == ExecutionStatus.RUNNING  # nothing written


def test_a_failed_attempt_and_a_new_pipeline_are_recorded_directly(tmp_path):
    url = f"sqlite:///{tmp_path / 'stepwell.db'}"
    store = _direct(url)
    pipeline = store.get_or_create_pipeline("brand-new")
    assert store.get_or_create_pipeline("brand-new").id == pipeline.id
    run = store.create_run(
        name="r",
        pipeline_id=pipeline.id,
        pipeline_name="brand-new",
        snapshot_id=None,
        config=PipelineConfig(name="brand-new"),
    )
    step = store.create_step_run(
        pipeline_run_id=run.id,
        name="a",
        step_name="a",
        config=StepConfig(),
        status=ExecutionStatus.RUNNING,
        inputs={},
        hydrate=False,
        pending_uris=[str(tmp_path / "a-output")],
    )
    failed = store.update_step_run(
        step.id,
        status=ExecutionStatus.FAILED,
        end_time=datetime.now(timezone.utc),
        exception="Traceback ...\nValueError: boom",
        status_message="ValueError: boom",
        hydrate=False,
        forget_pending=True,
    )
    assert failed.status == ExecutionStatus.FAILED
    assert store._full is None, "a failed attempt and a new pipeline should need no SqlStore"
    with pytest.raises(StoreError, match="cannot go back"):
        store.update_step_run(step.id, status=ExecutionStatus.RUNNING, hydrate=False)
    full = SqlStore(url)
    recorded = full.get_step_run(step.id)
    assert recorded.model_dump() == {**failed.model_dump(), "inputs": {}, "outputs": {}}
    assert recorded.exception.endswith("ValueError: boom")
    assert full.list_pending_outputs(run_id=run.id) == []
    assert full.get_pipeline("brand-new").id == pipeline.id


def test_a_record_pickled_to_another_process_binds_to_a_direct_store_there(tmp_path):
    """A spawned worker gets records by pickle: they bind to a direct store it opens (not a
    SqlStore, which would load SQLAlchemy in every worker), and still read the store."""
    url = f"sqlite:///{tmp_path / 'stepwell.db'}"
    store = _direct(url)
    pipeline = store.get_or_create_pipeline("p")
    payload = tmp_path / "pipeline.pickle"
    payload.write_bytes(pickle.dumps(pipeline))
    code = textwrap.dedent(
        f"""
        import pickle, sys
        pipeline = pickle.loads(open({str(payload)!r}, "rb").read())
        store = pipeline._store
        print(type(store).__name__, store.get_or_create_pipeline("p").id == pipeline.id)
        print(sorted(m for m in sys.modules if m.split(".")[0] == "sqlalchemy")[:1])
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": SRC},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.splitlines() == ["DirectSqliteStore True", "[]"], result.stderr
