"""Pipelines run once on the local store and once through a server, to compare what each
records: caching, a failing step, retries, tags, typed metadata, a model with promotion,
artifacts saved and loaded by name, and a dynamic pipeline."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated, Any

from stepwell import (
    ArtifactConfig,
    Model,
    StepRetryConfig,
    get_step_context,
    load_artifact,
    log_metadata,
    pipeline,
    save_artifact,
    step,
)
from stepwell.enums import ArtifactType, ModelStages
from stepwell.materializers.base_materializer import BaseMaterializer
from stepwell.metadata.metadata_types import DType, Path, StorageSize, Uri

TYPED_METADATA: dict[str, Any] = {
    "where": Uri("s3://bucket/data.csv"),
    "local": Path("/data/train.csv"),
    "dtype": DType("float32"),
    "bytes": StorageSize(2048),
    "shape": (3, 4),
    "labels": {"cat", "dog"},
    "plain": {"rows": 3, "ok": True, "ratio": 0.5, "names": ["a", "b"]},
    "nothing": None,
    "limit": float("inf"),
}


class Rows(list):
    """Rows of a data set: saved by a materializer that extracts typed metadata."""


class RowsMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES = (Rows,)
    ASSOCIATED_ARTIFACT_TYPE = ArtifactType.DATA

    def save(self, data: Rows) -> None:
        (FilePath(self.uri) / "rows.txt").write_text(",".join(map(str, data)))

    def load(self, data_type: type[Any]) -> Rows:
        text = (FilePath(self.uri) / "rows.txt").read_text()
        return Rows(int(value) for value in text.split(",") if value)

    def extract_metadata(self, data: Rows) -> dict[str, Any]:
        return {"storage_size": StorageSize(len(data) * 8), "dtype": DType("int64")}


@step
def load_rows(rows: int) -> Annotated[Rows, "rows"]:
    return Rows(range(rows))


@step(retry=StepRetryConfig(max_retries=2, delay=0, backoff=1), enable_cache=False)
def flaky_train(
    rows: list[int], marker_folder: str
) -> Annotated[int, ArtifactConfig(name="parity_clf", is_model_artifact=True)]:
    """Fails on its first attempt of each run (a marker file remembers the attempt)."""
    marker = FilePath(marker_folder) / f"{get_step_context().pipeline_run.name}.attempt"
    if not marker.exists():
        marker.write_text("1")
        raise RuntimeError("first attempt fails")
    log_metadata(TYPED_METADATA)
    log_metadata({"accuracy": 0.75 + len(rows) / 100}, infer_model=True)
    save_artifact({"rows": len(rows)}, name="parity_saved")
    return sum(rows)


@step(enable_cache=False)
def read_saved() -> int:
    return int(load_artifact("parity_saved")["rows"])


@step(enable_cache=False)
def promote() -> None:
    get_step_context().model.set_stage(ModelStages.PRODUCTION, force=True)


@pipeline(
    model=Model(name="parity_model", license="MIT", tags=["parity"]),
    tags=["parity", "train"],
)
def parity_training(rows: int, marker_folder: str):
    data = load_rows(rows)
    flaky_train(data, marker_folder)
    read_saved(after="flaky_train")
    promote(after="read_saved")


@step
def boom(rows: list[int]) -> int:
    raise ValueError(f"no good with {len(rows)} rows")


@step
def never(value: int) -> int:
    return value


@pipeline(enable_cache=False)
def parity_failing():
    never(boom(load_rows(2)))


@step
def square(x: int) -> int:
    return x * x


@step
def numbers(n: int) -> list[int]:
    return list(range(n))


@step
def total(values: list[int]) -> int:
    return sum(values)


@pipeline(dynamic=True, enable_cache=False)
def parity_dynamic(n: int = 3):
    result = total(square.map(x=numbers(n)))
    if result.load() > 1:
        square(x=result, id="big")
