"""Path artifacts load only under a fresh temporary folder, named by one plain component,
and that folder goes away when the step that loaded it ends."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from stepwell import pipeline, step
from stepwell.exceptions import MaterializerError
from stepwell.materializers.path_materializer import PathMaterializer
from stepwell.store.active import default_artifact_store


@step(enable_cache=False)
def write_file(folder: str) -> Path:
    path = Path(folder) / "data.txt"
    path.write_text("payload")
    return path


@step(enable_cache=False)
def read_file(path: Path, record: str) -> str:
    Path(record).write_text(str(path))
    return path.read_text()


@pipeline(enable_cache=False)
def path_pipeline(folder: str, record: str):
    read_file(write_file(folder), record)


def test_an_honest_path_artifact_loads_and_its_temporary_folder_goes_with_the_step(tmp_path):
    record = tmp_path / "loaded-at.txt"
    run = path_pipeline(folder=str(tmp_path), record=str(record))

    assert run.steps["read_file"].output.load() == "payload"
    loaded_at = Path(record.read_text())
    assert loaded_at.name == "data.txt"
    assert not loaded_at.parent.exists()  # removed when read_file ended


@pytest.mark.parametrize("planted", ["../../planted.txt", "..", "/tmp/abs.txt", "a/b.txt", ""])
def test_a_manifest_naming_more_than_one_path_component_is_refused(tmp_path, planted):
    # The loader checks the recorded digest first; this is the line behind it, for a writer
    # who can change the record too: the materializer itself refuses the name.
    store = default_artifact_store()
    uri = store.new_artifact_uri("planted")
    (Path(uri) / "file").mkdir(parents=True)
    (Path(uri) / "file" / "planted.txt").write_text("x")
    (Path(uri) / "metadata.json").write_text(json.dumps({"kind": "file", "name": planted}))
    before = set(os.listdir(tmp_path))

    with pytest.raises(MaterializerError, match="one path component"):
        PathMaterializer(uri, store).load(Path)

    assert set(os.listdir(tmp_path)) == before


def test_a_path_loaded_outside_a_step_is_removed_when_the_process_exits(tmp_path):
    import subprocess
    import sys

    run = path_pipeline(folder=str(tmp_path), record=str(tmp_path / "r.txt"))
    version_id = run.steps["write_file"].output.id
    code = (
        "from stepwell.client import Client\n"
        f"path = Client().get_artifact_version('{version_id}').load()\n"
        "assert path.read_text() == 'payload'\n"
        "print(path)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )

    loaded = Path(done.stdout.strip().splitlines()[-1])
    assert loaded.name == "data.txt"
    assert not loaded.parent.exists()
