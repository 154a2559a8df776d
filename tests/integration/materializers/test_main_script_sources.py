"""A materializer or data type defined in the script being run (`python mat.py`) is recorded
under the script's module name, so another process started in the same folder can load it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from stepwell.client import Client
from stepwell.exceptions import MaterializerError
from stepwell.utils.durable_sources import module_name_under

SRC = str(Path(__file__).resolve().parents[3] / "src")

SCRIPT = textwrap.dedent(
    """
    import json
    import os
    from typing import Annotated

    from stepwell import pipeline, step
    from stepwell.enums import ArtifactType
    from stepwell.materializers.base_materializer import BaseMaterializer


    class MyObj:
        def __init__(self, v):
            self.v = v


    class MyMaterializer(BaseMaterializer):
        ASSOCIATED_TYPES = (MyObj,)
        ASSOCIATED_ARTIFACT_TYPE = ArtifactType.DATA

        def load(self, data_type):
            with self.artifact_store.open(os.path.join(self.uri, "obj.json")) as handle:
                return data_type(json.load(handle)["v"])

        def save(self, data):
            with self.artifact_store.open(os.path.join(self.uri, "obj.json"), "w") as handle:
                json.dump({"v": data.v}, handle)


    @step(output_materializers=MyMaterializer)
    def make() -> Annotated[MyObj, "my_obj"]:
        return MyObj(42)


    @pipeline
    def made():
        make()


    if __name__ == "__main__":
        made()
        from stepwell.client import Client

        again = Client().get_artifact_version("my_obj", version=1).load()
        assert type(again) is MyObj, type(again)  # the script's own class, not a copy
    """
)


def _run(args: list[str], cwd: Path, stdin: str | None = None, **env: str) -> None:
    environ = {k: v for k, v in os.environ.items() if k != "STEPWELL_SOURCE_ROOT"}
    environ.update(PYTHONPATH=SRC, **env)
    result = subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=environ,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.fixture
def project(tmp_path, monkeypatch) -> Iterator[tuple[Path, str]]:
    """A folder holding a script under a fresh module name (classes imported in this process
    stay registered), as the loading process sees it: its cwd and on sys.path."""
    name = f"mat_{uuid.uuid4().hex[:8]}"
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / f"{name}.py").write_text(SCRIPT)
    monkeypatch.delenv("STEPWELL_SOURCE_ROOT", raising=False)
    monkeypatch.chdir(folder)
    monkeypatch.syspath_prepend(str(folder))
    yield folder, name
    sys.modules.pop(name, None)


def test_script_materializer_loads_in_another_process(project) -> None:
    folder, name = project
    _run([f"{name}.py"], cwd=folder)

    version = Client().get_artifact_version("my_obj", version=1)
    loaded = version.load()

    assert version.materializer == f"{name}:MyMaterializer"
    assert version.data_type == f"{name}:MyObj"
    assert type(loaded).__module__ == name and loaded.v == 42


def test_unimportable_main_keeps_main_source_and_says_what_to_do(project) -> None:
    # `python -` has no file for `__main__`, like a notebook or an interactive session.
    _run(["-"], cwd=project[0], stdin=SCRIPT)

    version = Client().get_artifact_version("my_obj", version=1)

    assert version.materializer == "__main__:MyMaterializer"
    with pytest.raises(MaterializerError, match="MyMaterializer was defined in the script"):
        version.load()


def test_script_outside_source_root_keeps_main_source(project, tmp_path) -> None:
    elsewhere = tmp_path / "root"
    elsewhere.mkdir()
    folder, name = project
    _run([f"{name}.py"], cwd=folder, STEPWELL_SOURCE_ROOT=str(elsewhere))

    assert Client().get_artifact_version("my_obj", version=1).materializer == (
        "__main__:MyMaterializer"
    )


def test_missing_module_error_names_class_and_fix(project) -> None:
    folder, name = project
    _run([f"{name}.py"], cwd=folder)
    (folder / f"{name}.py").rename(folder / "moved.py")

    with pytest.raises(MaterializerError, match=rf"'{name}:MyMaterializer'.*run Python from"):
        Client().get_artifact_version("my_obj", version=1).load()


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("mat.py", "mat"),
        ("pkg/mod.py", "pkg.mod"),
        ("pkg/__init__.py", "pkg"),
        ("my-script.py", None),
        ("notes.txt", None),
    ],
)
def test_module_name_under_root(tmp_path, relative, expected) -> None:
    assert module_name_under(tmp_path / relative, tmp_path) == expected


def test_module_name_outside_root_is_none(tmp_path) -> None:
    assert module_name_under(tmp_path / "a.py", tmp_path / "other") is None
