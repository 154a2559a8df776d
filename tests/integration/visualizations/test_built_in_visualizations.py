"""Built-in visualizations: saved by real runs, recorded in the store, readable back.

Each test runs a pipeline on the local orchestrator (steps in worker processes), then reads
the artifact version afresh from the SQLite store through the Client, as the dashboard
will, and checks the files that the recorded visualizations point to.
"""

import csv
import io
import json
import os

import numpy as np
import pandas as pd
from PIL import Image

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.enums import VisualizationType
from stepwell.types import CSVString, HTMLString, JSONString, MarkdownString
from stepwell.utils.visualization_utils import load_artifact_visualization


@step
def table() -> pd.DataFrame:
    return pd.DataFrame({"height": [1.5, 2.5, 3.5], "label": ["ash", "birch", "cedar"]})


@step
def measurements() -> np.ndarray:
    return np.arange(12, dtype=np.float64).reshape(4, 3)


@step
def labels() -> np.ndarray:
    return np.array(["a", "b"])


@step
def picture() -> Image.Image:
    image = Image.new("RGB", (6, 4), (10, 200, 30))
    image.putpixel((0, 0), (255, 0, 0))
    return image


@step
def page() -> HTMLString:
    return HTMLString("<h1>Report</h1>")


@step
def notes() -> MarkdownString:
    return MarkdownString("# Notes\n\n- one")


@step
def rows() -> CSVString:
    return CSVString("a,b\n1,2\n")


@step
def document() -> JSONString:
    return JSONString('{"accuracy": 0.9}')


@pipeline
def showcase():
    table()
    measurements()
    labels()
    picture()
    page()
    notes()
    rows()
    document()


def stored_output(run, invocation_id):
    """The step's output version as a fresh read from the store sees it."""
    version = Client().get_pipeline_run(run.id).steps[invocation_id].output
    return Client().get_artifact_version(version.id)


def test_a_dataframe_is_shown_as_an_html_table_of_its_head_and_summary():
    run = showcase()
    version = stored_output(run, "table")
    assert [v.type for v in version.visualizations] == [VisualizationType.HTML]
    html = load_artifact_visualization(version).value
    assert "<table" in html and "birch" in html  # the first rows
    assert "mean" in html and "2.5" in html  # describe()
    assert version.load()["label"].tolist() == ["ash", "birch", "cedar"]


def test_a_numeric_array_gets_a_histogram_png_and_a_csv_preview():
    run = showcase()
    version = stored_output(run, "measurements")
    kinds = [v.type for v in version.visualizations]
    assert kinds == [VisualizationType.IMAGE, VisualizationType.CSV]
    png = load_artifact_visualization(version, 0).value
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(png)) as histogram:
        assert histogram.format == "PNG" and histogram.size[0] > 100
    preview = list(csv.reader(io.StringIO(load_artifact_visualization(version, 1).value)))
    assert preview[0] == ["0", "1", "2"]
    assert preview[1:] == [
        [str(float(v)) for v in row] for row in [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]
    ]


def test_a_text_array_gets_only_a_csv_preview():
    run = showcase()
    version = stored_output(run, "labels")
    assert [v.type for v in version.visualizations] == [VisualizationType.CSV]
    assert load_artifact_visualization(version).value == "value\na\nb\n"


def test_an_image_is_shown_as_its_own_png():
    run = showcase()
    version = stored_output(run, "picture")
    assert [v.type for v in version.visualizations] == [VisualizationType.IMAGE]
    with Image.open(io.BytesIO(load_artifact_visualization(version).value)) as shown:
        assert shown.format == "PNG"
        assert shown.size == (6, 4)
        assert shown.convert("RGB").getpixel((0, 0)) == (255, 0, 0)
    loaded = version.load()
    assert isinstance(loaded, Image.Image) and loaded.getpixel((1, 1)) == (10, 200, 30)


def test_structured_strings_are_shown_as_their_kind_and_load_as_their_class():
    run = showcase()
    expected = {
        "page": (VisualizationType.HTML, HTMLString, "<h1>Report</h1>"),
        "notes": (VisualizationType.MARKDOWN, MarkdownString, "# Notes\n\n- one"),
        "rows": (VisualizationType.CSV, CSVString, "a,b\n1,2\n"),
        "document": (VisualizationType.JSON, JSONString, '{"accuracy": 0.9}'),
    }
    for invocation_id, (kind, cls, text) in expected.items():
        version = stored_output(run, invocation_id)
        assert [v.type for v in version.visualizations] == [kind], invocation_id
        assert load_artifact_visualization(version).value == text
        loaded = version.load()
        assert type(loaded) is cls and loaded == text
    assert json.loads(load_artifact_visualization(stored_output(run, "document")).value) == {
        "accuracy": 0.9
    }


def test_visualization_files_are_published_inside_the_artifact_folder():
    run = showcase()
    version = stored_output(run, "measurements")
    for visualization in version.visualizations:
        assert visualization.uri.startswith(version.uri.rstrip("/") + "/")
        assert os.path.isfile(visualization.uri)
