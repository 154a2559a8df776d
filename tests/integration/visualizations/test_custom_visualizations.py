"""A user's materializer can add visualizations; a broken one never fails the step.

Warnings are read from the step's own log file (captured in the worker process that ran
the step), which is where a user looks for them.
"""

import os
from typing import Any

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.enums import ExecutionStatus, VisualizationType
from stepwell.materializers.base_materializer import BaseMaterializer
from stepwell.utils.visualization_utils import load_artifact_visualization


class Forecast:
    def __init__(self, temperatures: list[float]) -> None:
        self.temperatures = temperatures


class ForecastMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES = (Forecast,)

    def save(self, data: Forecast) -> None:
        with self.artifact_store.open(os.path.join(self.uri, "data.txt"), "w") as f:
            f.write(",".join(str(t) for t in data.temperatures))

    def load(self, data_type: type) -> Any:
        with self.artifact_store.open(os.path.join(self.uri, "data.txt"), "r") as f:
            return Forecast([float(t) for t in f.read().split(",")])

    def save_visualizations(self, data: Forecast) -> dict[str, VisualizationType]:
        page = os.path.join(self.uri, "forecast.html")
        with self.artifact_store.open(page, "w") as f:
            f.write(f"<p>{len(data.temperatures)} days</p>")
        with self.artifact_store.open(os.path.join(self.uri, "forecast.md"), "w") as f:
            f.write("**warm**")
        # An absolute path and one relative to the artifact folder are both accepted.
        return {page: VisualizationType.HTML, "forecast.md": "markdown"}


class Broken:
    pass


class BrokenVisualizationMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES = (Broken,)

    def save(self, data: Broken) -> None:
        with self.artifact_store.open(os.path.join(self.uri, "data.txt"), "w") as f:
            f.write("broken")

    def load(self, data_type: type) -> Any:
        return Broken()

    def save_visualizations(self, data: Broken) -> dict[str, VisualizationType]:
        raise RuntimeError("the chart library is missing")


class Misreported:
    pass


class MisreportingMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES = (Misreported,)

    def save(self, data: Misreported) -> None:
        with self.artifact_store.open(os.path.join(self.uri, "data.txt"), "w") as f:
            f.write("ok")
        with self.artifact_store.open(os.path.join(self.uri, "ok.csv"), "w") as f:
            f.write("a\n1\n")

    def load(self, data_type: type) -> Any:
        return Misreported()

    def save_visualizations(self, data: Misreported) -> dict[str, VisualizationType]:
        return {
            os.path.join(self.uri, "ok.csv"): VisualizationType.CSV,
            os.path.join(self.uri, "never-written.html"): VisualizationType.HTML,
            os.path.join(self.uri, "data.txt"): "spreadsheet",
        }


@step
def forecast() -> Forecast:
    return Forecast([21.0, 23.5])


@step
def broken() -> Broken:
    return Broken()


@step
def misreported() -> Misreported:
    return Misreported()


@pipeline(enable_cache=False)
def weather():
    forecast()


@pipeline(enable_cache=False)
def fragile():
    broken()


@pipeline(enable_cache=False)
def sloppy():
    misreported()


def step_log(run, invocation_id):
    step_run = Client().get_pipeline_run(run.id).steps[invocation_id]
    with open(step_run.logs_uri, encoding="utf-8") as f:
        return f.read()


def test_a_custom_materializers_visualizations_are_recorded_at_their_published_place():
    run = weather()
    version = Client().get_pipeline_run(run.id).steps["forecast"].output
    assert [(os.path.basename(v.uri), v.type) for v in version.visualizations] == [
        ("forecast.html", VisualizationType.HTML),
        ("forecast.md", VisualizationType.MARKDOWN),
    ]
    assert all(os.path.dirname(v.uri) == version.uri for v in version.visualizations)
    assert load_artifact_visualization(version, 0).value == "<p>2 days</p>"
    assert load_artifact_visualization(version, 1).value == "**warm**"
    assert version.load().temperatures == [21.0, 23.5]


def test_a_failing_save_visualizations_warns_naming_the_artifact_and_the_step_completes():
    run = fragile()
    step_run = Client().get_pipeline_run(run.id).steps["broken"]
    assert step_run.status is ExecutionStatus.COMPLETED
    assert step_run.output.visualizations == []
    assert isinstance(step_run.output.load(), Broken)
    log = step_log(run, "broken")
    assert "visualizations of artifact 'fragile::broken::output'" in log
    assert "the chart library is missing" in log


def test_reported_files_that_are_missing_or_of_an_unknown_type_are_skipped_with_a_warning():
    run = sloppy()
    version = Client().get_pipeline_run(run.id).steps["misreported"].output
    assert [(os.path.basename(v.uri), v.type) for v in version.visualizations] == [
        ("ok.csv", VisualizationType.CSV)
    ]
    log = step_log(run, "misreported")
    assert "never-written.html' was reported but no file was written there" in log
    assert "'spreadsheet'" in log and "is not one of: csv, html, image, markdown, json" in log
