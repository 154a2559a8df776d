"""The example training pipeline runs end to end on the embedded defaults (SQLite + folder)."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

import pytest

pytest.importorskip("sklearn")
pytest.importorskip("pandas")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "training_pipeline.py"
MODULE_NAME = "stepwell_example_training_pipeline"


def _reset_store() -> None:
    """Forget a store opened for another STEPWELL_HOME, if the package caches one."""
    try:
        active = importlib.import_module("stepwell.store.active")
    except ImportError:
        return
    reset = getattr(active, "reset_store", None)
    if reset is not None:
        reset()


@pytest.fixture
def example(tmp_path, monkeypatch):
    monkeypatch.setenv("STEPWELL_HOME", str(tmp_path))
    monkeypatch.delenv("STEPWELL_STORE_URL", raising=False)
    monkeypatch.delenv("STEPWELL_ARTIFACT_STORE_PATH", raising=False)
    _reset_store()
    spec = importlib.util.spec_from_file_location(MODULE_NAME, EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[MODULE_NAME] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(MODULE_NAME, None)
        _reset_store()


def test_example_training_pipeline_completes_and_stores_accuracy(example, tmp_path):
    from stepwell.client import Client
    from stepwell.enums import ExecutionStatus

    run = example.training_pipeline()

    assert run.status == ExecutionStatus.COMPLETED
    stored = Client().get_pipeline_run(run.name)
    assert stored.status == ExecutionStatus.COMPLETED
    assert set(stored.steps) == {"load_data", "split_data", "train_model", "evaluate_model"}
    accuracy = stored.steps["evaluate_model"].outputs["accuracy"][0].load()
    assert isinstance(accuracy, float)
    assert 0.5 < accuracy <= 1.0
    assert any(tmp_path.iterdir()), "the run wrote nothing under STEPWELL_HOME"
