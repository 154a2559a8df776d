"""Visualizations on a non-local fsspec store (`memory://`): written in place, read back."""

import uuid

import pandas as pd
import pytest

from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.compiler.spec import OutputDef
from stepwell.enums import VisualizationType
from stepwell.execution.outputs import write_value


@pytest.fixture
def remote_store():
    store = BaseArtifactStore(f"memory://bucket-{uuid.uuid4().hex}")
    yield store
    store.remove(store.path)


def test_a_remote_artifacts_visualization_is_recorded_under_its_uri(remote_store):
    uri = remote_store.new_artifact_uri("step", "output")
    out = OutputDef(name="output", artifact_name="frame")

    saved = write_value(remote_store, out, pd.DataFrame({"x": [7]}), None, uri, {})

    assert saved.visualizations == [{"uri": f"{uri}/visualization.html", "type": "html"}]
    with remote_store.open(saved.visualizations[0]["uri"], "r") as f:
        assert "<table" in f.read()
    assert VisualizationType(saved.visualizations[0]["type"]) is VisualizationType.HTML
