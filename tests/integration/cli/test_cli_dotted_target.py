"""`stepwell run` and `stepwell pipeline run` take ZenML's dotted `module.pipeline` source."""

import textwrap

import pytest

from stepwell.client import Client

PIPELINES = """
from stepwell import pipeline, step

@step
def one() -> int:
    return 1

@pipeline
def training_pipeline():
    one()

@pipeline
def other_pipeline():
    one()
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A folder with package `zen_pkg` holding module `zen_pkg.pipes`, as the cwd."""
    package = tmp_path / "zen_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "pipes.py").write_text(textwrap.dedent(PIPELINES))
    (tmp_path / "zen_flat.py").write_text(textwrap.dedent(PIPELINES))
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    import sys

    for name in ("zen_pkg", "zen_pkg.pipes", "zen_flat"):
        sys.modules.pop(name, None)


@pytest.mark.parametrize("command", [("run",), ("pipeline", "run")])
def test_dotted_module_pipeline_source_runs_that_pipeline(cli, project, command):
    result = cli(*command, "zen_flat.training_pipeline")
    assert result.exit_code == 0, result.output
    assert Client().list_pipeline_runs(pipeline_name="training_pipeline").total == 1


def test_dotted_source_inside_a_package_runs_that_pipeline(cli, project):
    result = cli("run", "zen_pkg.pipes.other_pipeline")
    assert result.exit_code == 0, result.output
    assert Client().list_pipeline_runs(pipeline_name="other_pipeline").total == 1


def test_dotted_name_of_a_module_is_still_a_module(cli, project):
    result = cli("run", "zen_pkg.pipes")  # a module with two pipelines: name one
    assert result.exit_code != 0
    assert "name one as zen_pkg.pipes:PIPELINE" in result.output


def test_dotted_source_that_names_nothing_says_to_use_module_colon_pipeline(cli, project):
    result = cli("run", "nowhere.training_pipeline")
    assert result.exit_code != 0
    assert "use MODULE:PIPELINE" in result.output
    assert "nowhere:training_pipeline" in result.output
