"""What deleting runs, artifact versions, model versions and models does to the model
control plane, on SQLite and on PostgreSQL.

Links go with either side; a deleted model version leaves the runs, step runs and artifact
versions that used it (their `model_version` becomes None); a deleted model takes its
versions with it, and the tag links and metadata rows of both. Evidence comes from the
Client and from the database rows.
"""

from __future__ import annotations

from typing import Annotated

import pytest
from sqlalchemy import create_engine, func, select

from stepwell import (
    ArtifactConfig,
    Model,
    get_step_context,
    link_artifact_to_model,
    log_metadata,
    pipeline,
    save_artifact,
    step,
)
from stepwell.client import Client
from stepwell.enums import ArtifactType
from stepwell.exceptions import EntityNotFoundError, ModelVersionNotFoundError
from stepwell.store.sql.model_tables import (
    MODEL_VERSION_ARTIFACTS,
    MODEL_VERSION_RUNS,
    MODEL_VERSIONS,
)
from stepwell.store.sql.tables import RUN_METADATA, TAG_RESOURCES

MODEL = "doomed"


@step
def load() -> Annotated[int, "dataset"]:
    return 3


@step
def train(x: int) -> Annotated[int, ArtifactConfig(name="clf", artifact_type=ArtifactType.MODEL)]:
    log_metadata({"accuracy": 0.5 + get_step_context().model.number / 10}, infer_model=True)
    return x * 10


@pipeline(
    model=Model(name=MODEL, tags=["model-tag"]),
    enable_cache=False,
    settings={"orchestrator": {"debug": True}},
)
def training():
    train(load())


def _count(url: str, table, *where) -> int:  # type: ignore[no-untyped-def]
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(table).where(*where)))
    finally:
        engine.dispose()


def _artifact_names(client: Client, version_id, **filters) -> list[str]:  # type: ignore[no-untyped-def]
    links = client.list_model_version_artifact_links(
        model_version_id=version_id, sort_by="asc:artifact_name", **filters
    )
    return [link.artifact_version.name for link in links]


def _run_ids(client: Client, version_id) -> list:  # type: ignore[no-untyped-def]
    links = client.list_model_version_pipeline_run_links(model_version_id=version_id)
    return [link.pipeline_run_id for link in links]


def test_a_run_s_links_list_by_version_name_and_kind(client):
    run = training()
    version = client.get_model_version(MODEL, 1)
    assert _artifact_names(client, version.id) == ["clf", "dataset"]
    assert _artifact_names(client, version.id, only_model_artifacts=True) == ["clf"]
    assert _artifact_names(client, version.id, only_data_artifacts=True) == ["dataset"]
    assert _artifact_names(client, version.id, artifact_name="contains:clf") == ["clf"]
    paged = client.list_model_version_artifact_links(model_version_id=version.id, size=1, page=2)
    assert (paged.total, paged.total_pages, len(paged.items)) == (2, 2, 1)
    assert _run_ids(client, version.id) == [run.id]
    named = client.list_model_version_pipeline_run_links(pipeline_run_name=run.name)
    assert [link.model_version_id for link in named] == [version.id]


def test_deleting_a_run_removes_its_run_links_and_keeps_the_version(client, store_url):
    first, second = training(), training()
    one = client.get_model_version(MODEL, 1)
    client.delete_pipeline_run(first.id)
    assert client.get_model_version(MODEL, 1).id == one.id
    assert _run_ids(client, one.id) == []
    assert (
        _count(store_url, MODEL_VERSION_RUNS, MODEL_VERSION_RUNS.c.model_version_id == one.id) == 0
    )
    # The run's own outputs went with it (nothing else used them), and their links too.
    assert _artifact_names(client, one.id) == []
    assert _run_ids(client, client.get_model_version(MODEL, 2).id) == [second.id]
    assert _artifact_names(client, client.get_model_version(MODEL, 2).id) == ["clf", "dataset"]


def test_deleting_an_artifact_version_removes_its_link(client, store_url):
    client.create_model(MODEL)
    version = client.create_model_version(MODEL)
    kept = save_artifact({"rows": 1}, name="kept")
    dropped = save_artifact({"rows": 2}, name="dropped")
    for artifact in (kept, dropped):
        link_artifact_to_model(artifact, Model(name=MODEL, version=version.number))
    assert _artifact_names(client, version.id) == ["dropped", "kept"]
    client.delete_artifact_version(dropped.id)
    assert _artifact_names(client, version.id) == ["kept"]
    gone = MODEL_VERSION_ARTIFACTS.c.artifact_version_id == dropped.id
    assert _count(store_url, MODEL_VERSION_ARTIFACTS, gone) == 0
    assert client.get_model_version(MODEL, version.number).id == version.id


def test_deleting_a_link_keeps_the_artifact_version(client):
    training()
    version = client.get_model_version(MODEL, 1)
    clf = version.get_model_artifact("clf")
    client.delete_model_version_artifact_link(version.id, clf.id)
    assert _artifact_names(client, version.id) == ["dataset"]
    assert client.get_artifact_version(clf.id).load() == 30
    client.delete_all_model_version_artifact_links(version.id)
    assert _artifact_names(client, version.id) == []
    assert client.get_artifact_version("dataset").load() == 3


def test_deleting_a_model_version_clears_the_runs_and_steps_that_used_it(client, store_url):
    run = training()
    version = client.get_model_version(MODEL, 1)
    before = client.get_pipeline_run(run.id)
    assert before.model_version.id == version.id
    assert before.steps["train"].model_version.id == version.id
    client.delete_model_version(version.id)
    after = client.get_pipeline_run(run.id)
    assert after.model_version is None
    assert all(step_run.model_version is None for step_run in after.steps.values())
    assert after.steps["train"].outputs["clf"][0].load() == 30
    assert client.get_artifact_version("dataset").load() == 3
    for table in (MODEL_VERSION_ARTIFACTS, MODEL_VERSION_RUNS):
        assert _count(store_url, table, table.c.model_version_id == version.id) == 0
    with pytest.raises(ModelVersionNotFoundError):
        client.get_model_version(MODEL, 1)
    assert client.get_model(MODEL).latest_version_name is None


def test_deleting_a_model_removes_its_versions_their_tags_and_metadata(client, store_url):
    first, _second = training(), training()
    model = client.get_model(MODEL)
    ids = [v.id for v in client.list_model_versions(MODEL)]
    Model(name=MODEL, version=1).log_metadata({"note": "from outside a run"})
    assert client.get_model_version(MODEL, 1).run_metadata["note"] == "from outside a run"
    client.create_model("survivor", tags=["model-tag"])
    client.create_model_version("survivor", tags=["model-tag"])
    owned = {
        table: table.c.resource_id.in_([model.id, *ids]) for table in (TAG_RESOURCES, RUN_METADATA)
    }
    # The model's tag, each version's tag; two accuracies and the note.
    assert {table.name: _count(store_url, table, where) for table, where in owned.items()} == {
        "tag_resources": 3,
        "run_metadata": 3,
    }

    client.delete_model(MODEL)

    with pytest.raises(EntityNotFoundError):
        client.get_model(MODEL)
    assert _count(store_url, MODEL_VERSIONS, MODEL_VERSIONS.c.model_id == model.id) == 0
    for table, where in owned.items():
        assert _count(store_url, table, where) == 0
    assert [m.name for m in client.list_models(tags=["model-tag"])] == ["survivor"]
    assert client.list_model_versions(tags=["model-tag"]).total == 1
    assert client.get_pipeline_run(first.id).model_version is None
    assert client.get_artifact_version("clf", 1).load() == 30
