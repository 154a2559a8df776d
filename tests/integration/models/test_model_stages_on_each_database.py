"""Moving model versions between stages, on SQLite and on PostgreSQL.

`staging` and `production` are held by one version of a model at a time. Taking a held
stage needs `force=True`, which archives the holder in the same transaction; without it the
move is refused and nothing changes. The evidence is the `model_versions` rows themselves.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, select, update
from sqlalchemy.exc import IntegrityError

from stepwell import Model
from stepwell.client import Client
from stepwell.enums import ModelStages
from stepwell.exceptions import ModelStageError, TagError
from stepwell.store.sql.model_tables import MODEL_VERSIONS, MODELS


def _rows(url: str, model: str = "alpha") -> dict[int, tuple[Any, ...]]:
    """Number -> (stage, updated) of every version of `model`, read from the database."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(MODEL_VERSIONS.c.number, MODEL_VERSIONS.c.stage, MODEL_VERSIONS.c.updated)
                .join(MODELS, MODELS.c.id == MODEL_VERSIONS.c.model_id)
                .where(MODELS.c.name == model)
            ).all()
    finally:
        engine.dispose()
    return {row.number: (row.stage, row.updated) for row in rows}


def _stages(url: str, model: str = "alpha") -> dict[int, str | None]:
    return {number: stage for number, (stage, _) in _rows(url, model).items()}


@pytest.fixture
def promoted(client: Client) -> Client:
    """Model `alpha` with versions 1 (production), 2 (staging) and 3 (no stage)."""
    client.create_model("alpha")
    for _ in range(3):
        client.create_model_version("alpha")
    client.update_model_version("alpha", 1, stage="production")
    client.update_model_version("alpha", 2, stage="staging")
    return client


def test_taking_a_held_stage_without_force_is_refused_and_changes_nothing(promoted, store_url):
    before = _rows(store_url)
    attempts = [
        lambda: promoted.get_model_version("alpha", 3).set_stage(ModelStages.PRODUCTION),
        lambda: promoted.update_model_version("alpha", 3, stage="production"),
        lambda: Model(name="alpha", version=3).set_stage("production"),
        lambda: promoted.update_model_version("alpha", 1, stage="staging"),
    ]
    for attempt in attempts:
        with pytest.raises(ModelStageError, match="force=True"):
            attempt()
    assert _rows(store_url) == before
    assert _stages(store_url) == {1: "production", 2: "staging", 3: None}


def test_the_refusal_names_the_holder_and_the_fix(promoted):
    with pytest.raises(ModelStageError) as err:
        promoted.update_model_version("alpha", 3, stage=ModelStages.PRODUCTION)
    message = str(err.value)
    assert "Version 1 of model 'alpha' is in production" in message
    assert "version 1 becomes archived" in message


def test_with_force_the_previous_holder_becomes_archived(promoted, store_url):
    promoted.get_model_version("alpha", 3).set_stage("production", force=True)
    rows = _rows(store_url)
    assert _stages(store_url) == {1: "archived", 2: "staging", 3: "production"}
    assert rows[1][1] == rows[3][1], "both rows are written at the same moment"
    assert promoted.get_model_version("alpha", "production").number == 3


def test_a_forced_move_is_one_transaction_that_fails_as_a_whole(promoted, store_url):
    """The move and its archiving share a transaction with the tags of the same call: a tag
    that cannot go on a model version undoes the archiving as well."""
    promoted.create_tag("champion", exclusive=True)
    before = _rows(store_url)
    with pytest.raises(TagError, match="champion"):
        promoted.update_model_version(
            "alpha", 3, stage="production", force=True, add_tags=["champion"]
        )
    assert _rows(store_url) == before


def test_moving_a_version_to_the_stage_it_holds_needs_no_force(promoted, store_url):
    promoted.update_model_version("alpha", 1, stage="production")
    assert _stages(store_url) == {1: "production", 2: "staging", 3: None}


def test_staging_and_production_are_held_independently(promoted, store_url):
    promoted.update_model_version("alpha", 2, stage="production", force=True)
    assert _stages(store_url) == {1: "archived", 2: "production", 3: None}
    promoted.update_model_version("alpha", 3, stage="staging")
    assert _stages(store_url) == {1: "archived", 2: "production", 3: "staging"}


def test_archived_is_held_by_many_versions(promoted, store_url):
    for number in (1, 2, 3):
        promoted.update_model_version("alpha", number, stage=ModelStages.ARCHIVED)
    assert _stages(store_url) == {1: "archived", 2: "archived", 3: "archived"}


def test_the_stage_none_clears_a_stage(promoted, store_url):
    promoted.update_model_version("alpha", 1, stage="none")
    Model(name="alpha", version=2).set_stage(ModelStages.NONE)
    assert _stages(store_url) == {1: None, 2: None, 3: None}
    promoted.update_model_version("alpha", 3, stage="production")  # free again: no force
    assert _stages(store_url) == {1: None, 2: None, 3: "production"}


def test_one_model_s_stages_leave_another_model_s_alone(promoted, store_url):
    promoted.create_model("beta")
    promoted.create_model_version("beta")
    promoted.update_model_version("beta", 1, stage="production")
    assert _stages(store_url, "beta") == {1: "production"}
    assert _stages(store_url) == {1: "production", 2: "staging", 3: None}


def test_the_database_itself_refuses_a_second_production_version(promoted, store_url):
    """The guard concurrent promotions rely on: a partial unique index, not only the code."""
    engine = create_engine(store_url)
    try:
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                update(MODEL_VERSIONS)
                .where(MODEL_VERSIONS.c.number == 3)
                .values(stage=ModelStages.PRODUCTION.value)
            )
    finally:
        engine.dispose()
    assert _stages(store_url) == {1: "production", 2: "staging", 3: None}
