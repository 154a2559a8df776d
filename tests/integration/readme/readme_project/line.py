"""The `fit_line` pipeline of the README's Models section, saved as a file, so that the
README's `stepwell model ...` session can run it (`stepwell run line.py:fit_line`)."""

from typing import Annotated

from stepwell import ArtifactConfig, Model, log_metadata, pipeline, step
from stepwell.enums import ArtifactType


@step
def line_points() -> Annotated[list, "points"]:
    return [(0.5, 1.0), (1.0, 2.0), (1.5, 3.0), (2.0, 4.0)]


@step
def fit_slope(
    points: list, epochs: int = 1
) -> Annotated[float, ArtifactConfig(name="slope", artifact_type=ArtifactType.MODEL)]:
    slope = 0.0
    for _ in range(epochs):  # gradient steps towards y = 2x
        slope += 0.5 * sum((y - slope * x) * x for x, y in points) / len(points)
    error = max(abs(y - slope * x) for x, y in points)
    log_metadata(metadata={"error": round(error, 2), "epochs": epochs}, infer_model=True)
    return slope


@pipeline(model=Model(name="line", license="MIT", description="y = slope * x", tags=["demo"]))
def fit_line(epochs: int = 1):
    fit_slope(line_points(), epochs=epochs)
