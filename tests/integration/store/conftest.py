"""Fixtures for the metadata store tests: SQLite files in tmp_path and a throwaway PostgreSQL.

The PostgreSQL server is started once per session from the local PostgreSQL binaries (run as
the `postgres` user, so the tests must run as root); each test gets a fresh database in it.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from uuid import UUID

import pytest

from stepwell.config.pipeline_config import PipelineConfig
from stepwell.config.step_config import StepConfig
from stepwell.enums import ExecutionStatus
from stepwell.store.direct.opening import open_direct
from stepwell.store.models import ArtifactVersionResponse, PipelineRunResponse, StepRunResponse
from stepwell.store.sql import SqlStore


def _postgres_bin() -> Path | None:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_postgres(*command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["runuser", "-u", "postgres", "--", *command],
        check=check,
        capture_output=True,
        text=True,
        timeout=120,
    )


@dataclass
class PostgresServer:
    """A running PostgreSQL server reachable through a Unix socket folder and a TCP port."""

    socket_dir: Path
    port: int

    def connect(self):  # type: ignore[no-untyped-def]
        import psycopg

        return psycopg.connect(
            host=str(self.socket_dir),
            port=self.port,
            user="postgres",
            dbname="postgres",
            autocommit=True,
        )

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}&port={self.port}"

    def create_database(self) -> str:
        name = f"stepwell_{uuid.uuid4().hex[:12]}"
        with self.connect() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        with self.connect() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for this test session, removed at the end."""
    bin_dir = _postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin")
    if os.geteuid() != 0:
        pytest.skip("the PostgreSQL fixture runs initdb as the postgres user and needs root")
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("there is no postgres user to run the PostgreSQL server as")
    if shutil.which("runuser") is None:
        pytest.skip("runuser is not available to start PostgreSQL as the postgres user")
    pytest.importorskip("psycopg")

    base = Path(tempfile.mkdtemp(prefix="stepwell-pg-"))
    base.chmod(0o755)
    data, sockets, log = base / "data", base / "socket", base / "server.log"
    for folder in (data, sockets):
        folder.mkdir()
        os.chown(folder, account.pw_uid, account.pw_gid)
    log.touch()
    os.chown(log, account.pw_uid, account.pw_gid)
    pg_ctl = str(bin_dir / "pg_ctl")
    try:
        _as_postgres(
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        server = _start(pg_ctl, data, sockets, log)
        yield server
    finally:
        _as_postgres(pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(base, ignore_errors=True)


def _start(pg_ctl: str, data: Path, sockets: Path, log: Path) -> PostgresServer:
    last_error = ""
    for _ in range(3):  # the free port may be taken between choosing and binding it
        port = _free_port()
        options = (
            f"-k {sockets} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        started = _as_postgres(
            pg_ctl,
            "-D",
            str(data),
            "-l",
            str(log),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
            check=False,
        )
        if started.returncode == 0:
            server = PostgresServer(socket_dir=sockets, port=port)
            _wait_ready(server)
            return server
        last_error = started.stderr + log.read_text(errors="replace")[-2000:]
    raise RuntimeError(f"PostgreSQL did not start:\n{last_error}")


def _wait_ready(server: PostgresServer, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with server.connect() as connection:
                connection.execute("SELECT 1")
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database, dropped after the test."""
    name = postgres_server.create_database()
    yield postgres_server.url(name)
    postgres_server.drop_database(name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """The URL of a SQLite file in a folder that does not exist yet."""
    return f"sqlite:///{tmp_path / 'home' / 'stepwell.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest) -> str:
    """A fresh database URL, once per backend."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture(params=["sqlite", "sqlite-direct", "postgresql"])
def store(request: pytest.FixtureRequest) -> Iterator[SqlStore]:
    """A migrated store on each backend, closed after the test; "sqlite-direct" is the
    direct SQLite path (`DirectSqliteStore`) on a file `SqlStore` made, the store a process
    gets from `get_store()` for an existing file, so every test here checks both paths."""
    backend = "postgres" if request.param == "postgresql" else "sqlite"
    url = str(request.getfixturevalue(f"{backend}_url"))
    opened = SqlStore(url)
    if request.param == "sqlite-direct":
        opened.close()
        direct = open_direct(url)
        assert direct is not None, "the direct path should open a current SQLite file"
        opened = cast(SqlStore, direct)
    yield opened
    opened.close()


@pytest.fixture
def sqlite_store(sqlite_url: str) -> Iterator[SqlStore]:
    """A migrated store on a SQLite file, closed after the test."""
    opened = SqlStore(sqlite_url)
    yield opened
    opened.close()


@pytest.fixture
def make_run() -> Callable[..., PipelineRunResponse]:
    """Record a run of pipeline `pipeline` (created if needed): make_run(store, name=...)."""

    def make(
        store: SqlStore, name: str | None = None, pipeline: str = "training", **kwargs: Any
    ) -> PipelineRunResponse:
        owner = store.get_or_create_pipeline(pipeline)
        kwargs.setdefault("config", PipelineConfig(name=pipeline))
        return store.create_run(
            name=name or f"{pipeline}-{uuid.uuid4().hex[:8]}",
            pipeline_id=owner.id,
            pipeline_name=pipeline,
            snapshot_id=kwargs.pop("snapshot_id", None),
            **kwargs,
        )

    return make


@pytest.fixture
def make_version() -> Callable[..., ArtifactVersionResponse]:
    """Record the next version of an artifact: make_version(store, name, producer=None)."""

    def make(
        store: SqlStore, name: str, producer: UUID | None = None, **kwargs: Any
    ) -> ArtifactVersionResponse:
        return store.create_artifact_version(
            name=name,
            uri=kwargs.pop("uri", f"/artifacts/{name}/{uuid.uuid4().hex}"),
            data_type=kwargs.pop("data_type", "builtins.int"),
            materializer=kwargs.pop("materializer", "stepwell.materializers.Builtin"),
            producer_step_run_id=producer,
            **kwargs,
        )

    return make


@pytest.fixture
def make_step() -> Callable[..., StepRunResponse]:
    """Record a step run: make_step(store, run_id, name, inputs={...}, status=...)."""

    def make(
        store: SqlStore,
        run_id: UUID,
        name: str,
        status: ExecutionStatus = ExecutionStatus.RUNNING,
        inputs: dict[str, list[UUID]] | None = None,
        **kwargs: Any,
    ) -> StepRunResponse:
        return store.create_step_run(
            pipeline_run_id=run_id,
            name=name,
            step_name=kwargs.pop("step_name", name.split("_")[0]),
            config=kwargs.pop("config", StepConfig()),
            status=status,
            inputs=inputs or {},
            **kwargs,
        )

    return make
