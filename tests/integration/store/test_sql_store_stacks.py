"""Stacks and stack components in the SQL store, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3

import pytest
from alembic import command

import stepwell.store.sql.migrate as migrate
from stepwell.enums import StackComponentType
from stepwell.exceptions import EntityExistsError, EntityInUseError, EntityNotFoundError, StoreError
from stepwell.store.sql import SqlStore

ORCHESTRATOR, ARTIFACT_STORE, ALERTER = (
    StackComponentType.ORCHESTRATOR,
    StackComponentType.ARTIFACT_STORE,
    StackComponentType.ALERTER,
)


def components(store):
    orchestrator = store.create_stack_component(
        name="local", type="orchestrator", flavor="local", configuration={"max_parallelism": 2}
    )
    artifacts = store.create_stack_component(
        name="local", type=ARTIFACT_STORE, flavor="local", configuration={}
    )
    return {ORCHESTRATOR: orchestrator.id, ARTIFACT_STORE: artifacts.id}


def test_component_round_trip(store):
    created = store.create_stack_component(
        name="ops",
        type="alerter",
        flavor="webhook",
        configuration={"url": "https://x", "timeout": 2.5},
    )

    fetched = store.get_stack_component(ALERTER, "ops")

    assert fetched.id == created.id
    assert fetched.type is ALERTER
    assert fetched.flavor == "webhook"
    assert fetched.configuration == {"url": "https://x", "timeout": 2.5}
    assert store.get_stack_component("alerter", str(created.id)[:8]).id == created.id
    assert [c.name for c in store.list_stack_components(type="alerter")] == ["ops"]


def test_component_names_are_unique_per_type(store):
    store.create_stack_component(name="x", type="alerter", flavor="log", configuration={})
    store.create_stack_component(name="x", type="orchestrator", flavor="local", configuration={})

    with pytest.raises(EntityExistsError, match="alerter named 'x' already exists"):
        store.create_stack_component(name="x", type="alerter", flavor="log", configuration={})
    assert len(store.list_stack_components(name="x")) == 2


def test_component_lookup_is_scoped_to_its_type(store):
    alerter = store.create_stack_component(name="x", type="alerter", flavor="log", configuration={})

    with pytest.raises(EntityNotFoundError, match="Known orchestrators: none yet"):
        store.get_stack_component("orchestrator", alerter.id)


def test_unknown_component_type_is_an_error(store):
    with pytest.raises(StoreError, match="Unknown stack component type 'secrets_manager'"):
        store.create_stack_component(name="x", type="secrets_manager", flavor="a", configuration={})


def test_stack_round_trip(store):
    parts = components(store)

    created = store.create_stack(name="prod", components=parts)

    fetched = store.get_stack("prod")
    assert fetched.id == created.id
    assert list(fetched.components) == [ORCHESTRATOR, ARTIFACT_STORE]
    assert fetched.components[ORCHESTRATOR].configuration == {"max_parallelism": 2}
    assert [stack.name for stack in store.list_stacks(component_id=parts[ORCHESTRATOR])] == ["prod"]
    with pytest.raises(EntityExistsError, match="stack named 'prod'"):
        store.create_stack(name="prod", components=parts)


def test_unknown_stack_lists_known_stacks(store):
    store.create_stack(name="prod", components=components(store))

    with pytest.raises(
        EntityNotFoundError, match="No stack with name or id 'dev'.*Known stacks: prod"
    ):
        store.get_stack("dev")


def test_stack_refuses_a_component_of_another_type(store):
    parts = components(store)

    with pytest.raises(StoreError, match="type orchestrator, not alerter"):
        store.create_stack(name="s", components={**parts, ALERTER: parts[ORCHESTRATOR]})
    assert store.list_stacks() == []


def test_update_stack_adds_and_removes(store):
    stack = store.create_stack(name="prod", components=components(store))
    alerter = store.create_stack_component(
        name="ops", type="alerter", flavor="log", configuration={}
    )

    added = store.update_stack(stack.id, components={ALERTER: alerter.id})
    removed = store.update_stack(stack.id, components={"alerter": None})

    assert added.components[ALERTER].id == alerter.id
    assert added.updated > stack.updated
    assert ALERTER not in removed.components
    assert set(store.get_stack(stack.id).components) == {ORCHESTRATOR, ARTIFACT_STORE}


def test_changing_a_component_counts_as_changing_its_stacks(store):
    parts = components(store)
    stack = store.create_stack(name="prod", components=parts)

    component = store.update_stack_component(parts[ORCHESTRATOR], configuration={})

    assert component.configuration == {}
    assert store.get_stack("prod").updated > stack.updated


def test_component_in_use_cannot_be_deleted(store):
    parts = components(store)
    stack = store.create_stack(name="prod", components=parts)
    store.create_stack(name="dev", components=parts)

    with pytest.raises(EntityInUseError, match="part of stack\\(s\\) dev, prod") as caught:
        store.delete_stack_component(parts[ORCHESTRATOR])
    assert caught.value.details["stacks"] == ["dev", "prod"]

    store.delete_stack(stack.id)
    store.delete_stack(store.get_stack("dev").id)
    store.delete_stack_component(parts[ORCHESTRATOR])
    assert store.list_stack_components(type="orchestrator") == []


def test_runs_record_their_stack_and_forget_a_deleted_one(store, make_run):
    stack = store.create_stack(name="prod", components=components(store))
    run = make_run(store, stack_id=stack.id)

    assert store.get_run(run.id).stack_id == stack.id
    assert run.stack.name == "prod"
    store.delete_stack(stack.id)
    assert store.get_run(run.id).stack_id is None
    assert store.get_run(run.id).stack is None


def test_upgrade_from_0001_keeps_runs_and_steps(sqlite_url, make_run, make_step):
    store = SqlStore(sqlite_url)
    run = make_run(store, name="before-stacks")
    make_step(store, run.id, "trainer")
    store.close()
    command.downgrade(migrate.alembic_config(sqlite_url), "0001")
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(pipeline_runs)")]
    connection.close()
    assert "stack_id" not in columns

    upgraded = SqlStore(sqlite_url)
    try:
        again = upgraded.get_run("before-stacks")
        assert again.stack_id is None
        assert list(again.steps) == ["trainer"]
        assert migrate.current_revisions(upgraded._db) == [migrate.HEAD_REVISION]
    finally:
        upgraded.close()
