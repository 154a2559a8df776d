"""Pipelines with models for the `stepwell model ...` tests, run with `stepwell run`.

Each run of `training` makes a new version of the model `classifier` and logs its metrics
on it; `f1` is logged only when given, so versions can differ in their metadata keys.
"""

from typing import Annotated

from stepwell import ArtifactConfig, Model, log_metadata, pipeline, step


@step(enable_cache=False)
def prepare(size: int = 10) -> Annotated[list[int], "dataset"]:
    return list(range(size))


@step(enable_cache=False)
def train(
    dataset: list[int], rate: float = 0.1, f1: float = 0.0
) -> Annotated[float, ArtifactConfig(name="weights", is_model_artifact=True)]:
    metrics = {"accuracy": round(0.8 + rate, 4), "rows": len(dataset)}
    if f1:
        metrics["f1"] = f1
    log_metadata(metrics, infer_model=True)
    return rate * len(dataset)


@pipeline(model=Model(name="classifier", license="MIT", description="sorts things", tags=["cv"]))
def training(rate: float = 0.1, f1: float = 0.0):
    train(prepare(), rate=rate, f1=f1)


@step(enable_cache=False)
def rank() -> int:
    log_metadata({"ndcg": 0.5}, infer_model=True)
    return 1


@pipeline(model=Model(name="ranker", tags=["search"]))
def ranking():
    rank()
