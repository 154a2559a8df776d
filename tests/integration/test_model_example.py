"""The model example (train twice, promote, batch inference) runs end to end on the defaults.

Evidence comes from the store the example wrote to (a fresh STEPWELL_HOME): which versions the
training runs made, which one holds `production`, and which artifact version the inference
run's `predict` step read. The documented command is also run as a user would, in a fresh
process.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "model_promotion.py"
MODULE_NAME = "stepwell_example_model_promotion"
MODEL = "breast_cancer_classifier"


@pytest.fixture
def example():
    spec = importlib.util.spec_from_file_location(MODULE_NAME, EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[MODULE_NAME] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(MODULE_NAME, None)


@pytest.mark.timeout(300)
def test_example_trains_two_versions_promotes_one_and_infers_with_it(example, capsys):
    from stepwell.client import Client
    from stepwell.enums import ArtifactType, ExecutionStatus

    example.main()

    client = Client()
    training_runs = client.list_pipeline_runs(pipeline_name="training", sort_by="asc:created")
    assert [run.status for run in training_runs] == [ExecutionStatus.COMPLETED] * 2
    assert [run.model_version.number for run in training_runs] == [1, 2]

    versions = client.list_model_versions(MODEL)
    assert [v.number for v in versions] == [1, 2]
    in_production = [v for v in versions if v.stage == "production"]
    assert len(in_production) == 1
    production = in_production[0]
    # The bigger forest scores higher, so it took production and the first became archived.
    assert production.number == 2
    assert versions[0].stage == "archived"
    assert production.run_metadata["accuracy"] > versions[0].run_metadata["accuracy"]

    (inference_run,) = client.list_pipeline_runs(pipeline_name="inference")
    assert inference_run.status == ExecutionStatus.COMPLETED
    assert inference_run.model_version.id == production.id

    classifier = production.get_model_artifact("sklearn_classifier")
    assert classifier is not None and classifier.type == ArtifactType.MODEL
    (read,) = inference_run.steps["predict"].inputs["classifier"]
    assert read.id == classifier.id
    assert read.id != versions[0].get_artifact("sklearn_classifier").id

    printed = capsys.readouterr().out
    assert re.search(r"^  version 1  archived    accuracy 0\.\d{3}$", printed, re.M)
    assert re.search(r"^  version 2  production  accuracy 0\.\d{3}$", printed, re.M)
    assert f"Inference run {inference_run.name} used version 2 (production)" in printed


@pytest.mark.timeout(300)
def test_documented_command_runs_the_example_in_a_fresh_process(stepwell_home):
    from stepwell.client import Client

    env = dict(os.environ)
    env["STEPWELL_HOME"] = str(stepwell_home)
    for name in ("STEPWELL_STORE_URL", "STEPWELL_ARTIFACT_STORE_PATH", "STEPWELL_SOURCE_ROOT"):
        env.pop(name, None)
    source = str(ROOT / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (source, env.get("PYTHONPATH")) if p)

    done = subprocess.run(
        [sys.executable, "examples/model_promotion.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )

    assert done.returncode == 0, done.stderr[-4000:]
    lines = done.stdout.splitlines()
    assert f"Model {MODEL}:" in lines
    assert any(re.fullmatch(r"  version 2  production  accuracy 0\.\d{3}", line) for line in lines)
    versions = Client().list_model_versions(MODEL)
    assert [(v.number, v.stage) for v in versions] == [(1, "archived"), (2, "production")]
    (inference_run,) = Client().list_pipeline_runs(pipeline_name="inference")
    assert inference_run.model_version.number == 2
