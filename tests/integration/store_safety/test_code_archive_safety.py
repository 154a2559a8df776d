"""Code archives keep secrets and outside files out, unpack only what is safe and what their
digest names, and go away with the last snapshot that uses them."""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

import pytest

from stepwell.client import Client
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import TriggerError, UnsafeArchiveError
from stepwell.snapshots.archive_extract import extract_archive
from stepwell.snapshots.code_archive import METADATA_NAME, build_archive

MODULE = """
    from stepwell import pipeline, step

    @step
    def double(value: int = 2) -> int:
        return value * 2

    @pipeline
    def doubling_pipeline(value: int = 2):
        double(value=value)
"""


@pytest.fixture
def project(user_module, tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    module = user_module(MODULE, "safety_pipelines")
    return Path(module.__file__).parent, module


def _names(root: Path) -> set[str]:
    archive, _ = build_archive(root, {"pipeline": "p"})
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return set(opened.namelist()) - {METADATA_NAME}


def test_a_symlink_to_a_file_outside_the_source_root_is_not_archived(
    tmp_path, monkeypatch, stepwell_logs
):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    secret = tmp_path / "outside" / "passwd"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0")
    root = tmp_path / "src"
    root.mkdir()
    (root / "main.py").write_text("print(1)\n")
    (root / "passwd").symlink_to(secret)
    (root / "linked_folder").symlink_to(secret.parent, target_is_directory=True)
    (root / "helper.py").write_text("x = 1\n")
    (root / "alias.py").symlink_to(root / "helper.py")

    names = _names(root)

    assert names == {"main.py", "helper.py", "alias.py"}
    assert "passwd" in stepwell_logs.text and "outside the source root" in stepwell_logs.text


def test_secret_files_are_left_out_with_a_warning_unless_included(
    tmp_path, monkeypatch, stepwell_logs
):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = tmp_path / "src"
    for name in (
        "main.py",
        ".env",
        ".env.production",
        "certs/server.pem",
        "certs/server.key",
        "keys/id_rsa",
        "keys/id_ed25519.pub",
        ".netrc",
        "store.p12",
        "config/.env.example",
    ):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("secret")

    assert _names(root) == {"main.py"}
    assert ".env.production" in stepwell_logs.text
    assert "STEPWELL_CODE_ARCHIVE_INCLUDE" in stepwell_logs.text

    monkeypatch.setenv("STEPWELL_CODE_ARCHIVE_INCLUDE", "config/.env.example, *.pem")
    assert _names(root) == {"main.py", "config/.env.example", "certs/server.pem"}


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_an_archive_with_dotdot_names_is_refused_and_writes_nothing(tmp_path):
    path = tmp_path / "evil.zip"
    path.write_bytes(_zip({"ok.py": b"", "../../escaped.txt": b"gotcha"}))
    cache = tmp_path / "deep" / "cache"

    with pytest.raises(UnsafeArchiveError, match="escaped.txt"):
        extract_archive(str(path), cache, "0" * 32)

    assert not list(tmp_path.rglob("escaped.txt"))
    assert list(cache.iterdir()) == []


def test_an_absolute_entry_name_is_refused(tmp_path):
    path = tmp_path / "evil.zip"
    path.write_bytes(_zip({"/tmp/abs.txt": b"x"}))
    with pytest.raises(UnsafeArchiveError, match="outside its folder"):
        extract_archive(str(path), tmp_path / "cache", "0" * 32)


def test_a_zip_bomb_is_refused_at_the_size_cap(tmp_path, monkeypatch):
    monkeypatch.setenv("STEPWELL_CODE_ARCHIVE_MAX_MB", "1")
    path = tmp_path / "bomb.zip"
    path.write_bytes(_zip({"zeros.bin": b"\0" * (20 * 2**20)}))
    assert path.stat().st_size < 100_000

    with pytest.raises(UnsafeArchiveError, match="1 MB cap"):
        extract_archive(str(path), tmp_path / "cache", "0" * 32)
    assert list((tmp_path / "cache").iterdir()) == []


def test_too_many_files_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("STEPWELL_CODE_ARCHIVE_MAX_FILES", "3")
    path = tmp_path / "many.zip"
    path.write_bytes(_zip({f"f{i}.py": b"" for i in range(5)}))
    with pytest.raises(UnsafeArchiveError, match="5 entries"):
        extract_archive(str(path), tmp_path / "cache", "0" * 32)


def test_an_archive_whose_content_does_not_match_its_name_is_refused(tmp_path):
    root = tmp_path / "src"
    root.mkdir()
    (root / "main.py").write_text("print('honest')\n")
    honest, digest = build_archive(root, {"pipeline": "p"})
    (root / "main.py").write_text("print('evil')\n")
    evil, _ = build_archive(root, {"pipeline": "p"})
    path = tmp_path / f"{digest}.zip"
    path.write_bytes(evil)

    with pytest.raises(UnsafeArchiveError, match="not the"):
        extract_archive(str(path), tmp_path / "cache", digest)

    path.write_bytes(honest)
    unpacked = extract_archive(str(path), tmp_path / "cache", digest)
    assert (unpacked / "main.py").read_text() == "print('honest')\n"


def test_a_trigger_refuses_an_archive_replaced_in_the_store(project):
    folder, module = project
    snapshot = module.doubling_pipeline.create_snapshot(name="v1")
    archive = Path(snapshot.code_uri)
    with zipfile.ZipFile(archive, "a") as opened:
        opened.writestr("planted.py", "import os\n")

    with pytest.raises(TriggerError, match="UnsafeArchiveError: .* content digest"):
        Client().trigger_pipeline(snapshot_name_or_id="v1", synchronous=True, timeout=120)


def test_a_trigger_of_an_honest_snapshot_still_runs(project):
    _folder, module = project
    module.doubling_pipeline.create_snapshot(name="v1")
    run = Client().trigger_pipeline(
        snapshot_name_or_id="v1",
        run_configuration={"parameters": {"value": 5}},
        synchronous=True,
        timeout=120,
    )
    assert run.status is ExecutionStatus.COMPLETED
    assert run.steps["double"].output.load() == 10


def test_deleting_the_last_snapshot_of_an_archive_removes_it_and_its_unpacked_copy(
    project, stepwell_home
):
    _folder, module = project
    first = module.doubling_pipeline.create_snapshot(name="a")
    second = module.doubling_pipeline.create_snapshot(name="b")
    assert first.code_uri == second.code_uri  # same code, one archive
    Client().trigger_pipeline(snapshot_name_or_id="a", synchronous=True, timeout=120)
    digest = Path(first.code_uri).stem
    unpacked = stepwell_home / "code_cache" / digest
    assert unpacked.is_dir()

    Client().delete_snapshot("a")
    assert os.path.exists(first.code_uri) and unpacked.is_dir()

    Client().delete_snapshot("b")
    assert not os.path.exists(first.code_uri)
    assert not unpacked.exists()


def test_a_snapshot_row_edited_to_name_an_outside_file_removes_nothing(project, tmp_path):
    from sqlalchemy import update

    from stepwell.store.active import get_store
    from stepwell.store.sql.tables import SNAPSHOTS

    _folder, module = project
    victim = tmp_path / "victim.zip"
    victim.write_text("keep me")
    snapshot = module.doubling_pipeline.create_snapshot(name="a")
    get_store()._db.write(
        lambda c: c.execute(
            update(SNAPSHOTS).where(SNAPSHOTS.c.id == snapshot.id).values(code_uri=str(victim))
        )
    )

    Client().delete_snapshot("a")

    assert victim.read_text() == "keep me"


def test_prune_removes_old_archives_no_snapshot_references(project):
    _folder, module = project
    snapshot = module.doubling_pipeline.create_snapshot(name="a")
    archive = Path(snapshot.code_uri)
    stray = archive.with_name("0123456789abcdef0123456789abcdef.zip")
    stray.write_bytes(archive.read_bytes())
    fresh = archive.with_name("fedcba9876543210fedcba9876543210.zip")
    fresh.write_bytes(b"")
    old = time.time() - 7200
    os.utime(stray, (old, old))
    os.utime(archive, (old, old))

    removed = Client().prune_code_archives()

    assert removed == [str(stray)]
    assert archive.exists() and fresh.exists()
