"""`artifact_version.visualize()` in a script: files in a temporary folder, one line each."""

import os
import tempfile

import numpy as np
import pandas as pd
import pytest

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.utils.visualization_utils import load_artifact_visualization


@pytest.fixture(autouse=True)
def private_temp_folder(tmp_path, monkeypatch):
    """Temporary folders that `visualize()` makes go under this test's own folder."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


@step
def scores() -> np.ndarray:
    return np.array([0.1, 0.4, 0.4, 0.9])


@step
def summary() -> pd.DataFrame:
    return pd.DataFrame({"score": [0.1, 0.9]})


@step
def count() -> int:
    return 3


@pipeline
def scoring():
    scores()
    summary()
    count()


def test_visualize_writes_each_file_and_prints_one_line_per_file(capsys):
    run = scoring()
    version = Client().get_pipeline_run(run.id).steps["scores"].output
    capsys.readouterr()

    version.visualize()

    lines = capsys.readouterr().out.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == ["image", "csv"]
    paths = [line.split(": ", 1)[1] for line in lines]
    assert [os.path.basename(p) for p in paths] == ["histogram.png", "preview.csv"]
    assert os.path.dirname(paths[0]) == os.path.dirname(paths[1])
    assert paths[0].startswith(tempfile.gettempdir())
    for index, path in enumerate(paths):
        expected = load_artifact_visualization(version, index).value
        with open(path, "rb") as f:
            written = f.read()
        assert written == (expected if isinstance(expected, bytes) else expected.encode())


def test_visualize_prints_a_title_first_when_given(capsys):
    run = scoring()
    version = Client().get_pipeline_run(run.id).steps["summary"].output
    capsys.readouterr()

    version.visualize(title="Summary of scores")

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Summary of scores"
    assert lines[1].startswith("html: ") and lines[1].endswith("visualization.html")
    with open(lines[1].split(": ", 1)[1], encoding="utf-8") as f:
        assert "<table" in f.read()


def test_visualize_says_so_when_there_is_nothing_to_show(capsys):
    run = scoring()
    version = Client().get_pipeline_run(run.id).steps["count"].output
    capsys.readouterr()

    version.visualize()

    assert capsys.readouterr().out == (
        f"Artifact '{version.name}' (version {version.version}) has no visualizations.\n"
    )
