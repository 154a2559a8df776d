"""`BaseMaterializer.get_temporary_directory`: removed at the block's end, when the step
ends, or never (outside a step), as in ZenML."""

import json
import os

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.materializers.base_materializer import BaseMaterializer


class Staged:
    """A value whose loaded form reads from a local folder."""

    def __init__(self, value: int, folder: str = "") -> None:
        self.value = value
        self.folder = folder


class StagedMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES = (Staged,)

    def save(self, data: Staged) -> None:
        with self.get_temporary_directory(delete_at_exit=True) as folder:
            local = os.path.join(folder, "value.json")
            with open(local, "w") as handle:
                json.dump(data.value, handle)
            self.artifact_store.put_local(local, self._path("value.json"))
        with open(os.environ["SAVE_FOLDER_LOG"], "w") as handle:
            handle.write(folder)

    def load(self, data_type: type) -> Staged:
        with self.get_temporary_directory(delete_at_exit=False) as folder:
            local = os.path.join(folder, "value.json")
            self.artifact_store.get_local(self._path("value.json"), local)
        with open(local) as handle:
            return Staged(json.load(handle), folder)


@step
def make() -> Staged:
    return Staged(7)


@step
def use(staged: Staged) -> dict:
    return {"value": staged.value, "folder": staged.folder, "there": os.path.isdir(staged.folder)}


@pipeline(enable_cache=False)
def staging():
    use(make())


def test_folders_go_at_the_block_end_or_when_the_step_ends(tmp_path, monkeypatch):
    monkeypatch.setenv("SAVE_FOLDER_LOG", str(tmp_path / "save-folder"))
    run = staging()
    seen = run.steps["use"].output.load()
    assert seen["value"] == 7
    assert seen["there"] is True  # the loaded value still reads from it inside the step
    assert not os.path.exists(seen["folder"])  # gone once the step ended
    assert not os.path.exists((tmp_path / "save-folder").read_text())  # delete_at_exit


def test_outside_a_step_the_folder_is_left_to_the_caller(tmp_path, monkeypatch):
    monkeypatch.setenv("SAVE_FOLDER_LOG", str(tmp_path / "save-folder"))
    run = staging()
    version = Client().get_pipeline_run(run.id).steps["make"].output
    loaded = version.load()
    try:
        assert loaded.value == 7
        assert os.path.isdir(loaded.folder)
    finally:
        import shutil

        shutil.rmtree(loaded.folder)
