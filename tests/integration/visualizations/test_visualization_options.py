"""`enable_artifact_visualization` turns visualizations off: step, pipeline and YAML level.

Evidence is what the store recorded and what the artifact folder holds after a real run.
"""

import os

import pandas as pd

from stepwell import pipeline, step
from stepwell.client import Client


def frame_value() -> pd.DataFrame:
    return pd.DataFrame({"x": [1, 2, 3]})


@step
def shown() -> pd.DataFrame:
    return frame_value()


@step(enable_artifact_visualization=False)
def hidden() -> pd.DataFrame:
    return frame_value()


@step(enable_artifact_visualization=True)
def insists() -> pd.DataFrame:
    return frame_value()


@pipeline
def mixed():
    shown()
    hidden()


@pipeline(enable_artifact_visualization=False)
def quiet():
    shown()
    insists()


def recorded(run, invocation_id):
    """(visualization types, files in the artifact folder) as the store and disk have them."""
    version = Client().get_pipeline_run(run.id).steps[invocation_id].output
    return [v.type.value for v in version.visualizations], sorted(os.listdir(version.uri))


def test_the_step_option_turns_off_only_that_steps_visualizations():
    run = mixed.with_options(enable_cache=False)()
    assert recorded(run, "shown") == (
        ["html"],
        ["data.parquet", "metadata.json", "visualization.html"],
    )
    assert recorded(run, "hidden") == ([], ["data.parquet", "metadata.json"])


def test_the_pipeline_option_applies_to_steps_that_do_not_set_their_own():
    run = quiet.with_options(enable_cache=False)()
    assert recorded(run, "shown")[0] == []
    assert recorded(run, "insists")[0] == ["html"]


def test_with_options_on_a_step_and_configure_on_a_pipeline_turn_them_off():
    @pipeline(enable_cache=False)
    def configured():
        shown.with_options(enable_artifact_visualization=False)(id="off")
        shown(id="on")

    assert recorded(configured(), "off")[0] == []
    assert recorded(configured(), "on")[0] == ["html"]

    configured.configure(enable_artifact_visualization=False)
    assert recorded(configured(), "on")[0] == []


def test_yaml_turns_them_off_for_the_run_or_for_one_step(tmp_path):
    run_level = tmp_path / "run.yaml"
    run_level.write_text("enable_cache: false\nenable_artifact_visualization: false\n")
    run = mixed.with_options(config_path=str(run_level))()
    assert recorded(run, "shown")[0] == []

    one_step = tmp_path / "step.yaml"
    one_step.write_text(
        "enable_cache: false\nsteps:\n  shown:\n    enable_artifact_visualization: false\n"
    )
    run = quiet.with_options(config_path=str(one_step))()
    assert recorded(run, "shown")[0] == []
    assert recorded(run, "insists")[0] == ["html"]


def test_turning_visualizations_off_leaves_the_content_hash_unchanged():
    run = mixed.with_options(enable_cache=False)()
    on = Client().get_pipeline_run(run.id).steps["shown"].output
    off = Client().get_pipeline_run(run.id).steps["hidden"].output
    assert on.visualizations and not off.visualizations
    assert on.content_hash == off.content_hash
    assert on.size == off.size
