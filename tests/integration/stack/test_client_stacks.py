"""Stacks and stack components through the Client: register, activate, update, delete."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from stepwell.alerters.log_alerter import LogAlerter
from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.client import Client
from stepwell.enums import StackComponentType
from stepwell.exceptions import (
    EntityExistsError,
    EntityInUseError,
    EntityNotFoundError,
    StackComponentConfigError,
    StackValidationError,
    UnknownFlavorError,
)
from stepwell.orchestrators.inline import InlineOrchestrator
from stepwell.orchestrators.local import LocalOrchestrator
from stepwell.stack import active, flavors
from stepwell.stack.flavors import ComponentConfig, Flavor
from stepwell.store.sql import SqlStore

SRC = str(Path(__file__).resolve().parents[3] / "src")


@pytest.fixture
def client() -> Client:
    return Client()


def make_stack(client: Client, name: str, alerter: str | None = None, **orchestrator_config):
    """A stack with its own orchestrator (configured) and the default artifact store."""
    client.create_stack_component(f"{name}-orch", "local", "orchestrator", orchestrator_config)
    components = {"orchestrator": f"{name}-orch", "artifact_store": "default"}
    if alerter:
        components["alerter"] = alerter
    return client.create_stack(name, components)


# -- the default stack --------------------------------------------------------------------------
def test_default_stack_has_local_components(client, stepwell_home):
    stack = client.active_stack

    assert stack.name == "default"
    assert type(stack.orchestrator) is LocalOrchestrator
    assert isinstance(stack.artifact_store, BaseArtifactStore)
    assert stack.artifact_store.path == str(stepwell_home / "artifacts")
    assert stack.alerter is None
    components = {(c.type, c.name, c.flavor) for c in client.list_stack_components()}
    assert components == {
        (StackComponentType.ORCHESTRATOR, "default", "local"),
        (StackComponentType.ARTIFACT_STORE, "default", "local"),
    }


def test_default_stack_creation_is_race_safe(stepwell_home):
    url = f"sqlite:///{stepwell_home / 'stepwell.db'}"
    stores = [SqlStore(url) for _ in range(6)]
    barrier = threading.Barrier(len(stores))
    results, errors = [], []

    def create(store: SqlStore) -> None:
        barrier.wait()
        try:
            results.append(active.ensure_default_stack(store).id)
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=create, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert errors == []
        assert len(set(results)) == 1 and len(results) == len(stores)
        assert [stack.name for stack in stores[0].list_stacks()] == ["default"]
        assert len(stores[0].list_stack_components()) == 2
    finally:
        for store in stores:
            store.close()


# -- components ---------------------------------------------------------------------------------
def test_register_alerter_with_valid_config(client):
    component = client.create_stack_component(
        "ops", "webhook", "alerter", {"url": "https://x.io/h"}
    )

    assert component.type is StackComponentType.ALERTER
    assert component.configuration == {"url": "https://x.io/h"}
    fetched = client.get_stack_component("alerter", "ops")
    assert fetched.id == component.id


def test_unknown_config_key_names_component_flavor_and_key(client):
    with pytest.raises(StackComponentConfigError) as caught:
        client.create_stack_component(
            "ops", "webhook", "alerter", {"url": "https://x", "tmeout": 3}
        )

    message = str(caught.value)
    assert "alerter 'ops'" in message
    assert "flavor 'webhook'" in message
    assert "unknown key 'tmeout'" in message
    assert "backoff, headers, retries, timeout, url" in message
    assert client.list_stack_components(component_type="alerter") == []


def test_wrong_type_in_config_is_reported(client):
    with pytest.raises(StackComponentConfigError, match=r"'max_parallelism': .*got 'many'"):
        client.create_stack_component("o", "local", "orchestrator", {"max_parallelism": "many"})


def test_unknown_flavor_lists_known_flavors(client):
    with pytest.raises(UnknownFlavorError, match="known flavors: inline, local"):
        client.create_stack_component("o", "kubeflow", "orchestrator", {})


def test_swapped_flavor_and_type_get_a_hint(client):
    with pytest.raises(StackValidationError, match="Did you swap flavor and component_type"):
        client.create_stack_component("o", "orchestrator", "local", {})


def test_component_names_are_unique_per_type(client):
    client.create_stack_component("ops", "log", "alerter")
    client.create_stack_component("ops", "inline", "orchestrator")

    with pytest.raises(EntityExistsError, match="alerter named 'ops'"):
        client.create_stack_component("ops", "log", "alerter")


def test_update_component_merges_and_validates(client):
    client.create_stack_component("o", "local", "orchestrator", {"max_parallelism": 2})

    updated = client.update_stack_component(
        "o", "orchestrator", configuration={"reuse_processes": False}
    )

    assert updated.configuration == {"max_parallelism": 2, "reuse_processes": False}
    with pytest.raises(StackComponentConfigError, match="unknown key 'bogus'"):
        client.update_stack_component("o", "orchestrator", configuration={"bogus": 1})
    unset = client.update_stack_component(
        "o", "orchestrator", configuration={"max_parallelism": None}
    )
    assert unset.configuration == {"reuse_processes": False}


def test_unknown_component_lists_known_ones(client):
    client.create_stack_component("ops", "log", "alerter")

    with pytest.raises(EntityNotFoundError, match="Known alerters: ops"):
        client.get_stack_component("alerter", "nope")


# -- stacks ---------------------------------------------------------------------------------------
def test_stack_needs_orchestrator_and_artifact_store(client):
    client.create_stack_component("ops", "log", "alerter")

    with pytest.raises(StackValidationError, match="no orchestrator and no artifact store"):
        client.create_stack("bare", {"alerter": "ops"})
    with pytest.raises(StackValidationError, match="no artifact store"):
        client.create_stack("half", {"orchestrator": "default"})


def test_stack_with_unknown_component_lists_known(client):
    with pytest.raises(EntityNotFoundError, match="Known orchestrators: default"):
        client.create_stack("s", {"orchestrator": "missing", "artifact_store": "default"})


def test_activate_stack_with_alerter(client, stepwell_home):
    client.create_stack_component("ops", "log", "alerter", {"level": "WARNING"})
    make_stack(client, "prod", alerter="ops", max_parallelism=3)

    client.activate_stack("prod")

    stack = client.active_stack
    assert stack.name == "prod"
    assert stack.orchestrator.max_parallelism == 3
    assert isinstance(stack.alerter, LogAlerter)
    assert client.active_stack_model.components[StackComponentType.ALERTER].name == "ops"
    assert "active_stack: prod" in (stepwell_home / "config.yaml").read_text()


def test_activated_stack_holds_in_a_new_process(client, stepwell_home):
    make_stack(client, "prod")
    client.activate_stack("prod")
    probe = "from stepwell.client import Client; print(Client().active_stack.name)"
    env = {**os.environ, "PYTHONPATH": SRC, "STEPWELL_HOME": str(stepwell_home)}

    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)

    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "prod"


def test_unknown_stack_lists_known_stacks(client):
    make_stack(client, "prod")

    with pytest.raises(EntityNotFoundError, match="Known stacks: default, prod"):
        client.activate_stack("staging")
    assert client.active_stack.name == "default"


def test_env_var_chooses_the_stack(client, monkeypatch):
    make_stack(client, "prod")
    make_stack(client, "dev")
    client.activate_stack("dev")

    monkeypatch.setenv("STEPWELL_ACTIVE_STACK", "prod")

    assert client.active_stack.name == "prod"
    monkeypatch.setenv("STEPWELL_ACTIVE_STACK", "nope")
    with pytest.raises(
        EntityNotFoundError,
        match="STEPWELL_ACTIVE_STACK='nope' names no stack; the stacks are: default",
    ):
        client.active_stack


def test_configured_stack_missing_from_store_falls_back_to_default(
    client, stepwell_home, stepwell_logs
):
    stepwell_home.mkdir(parents=True, exist_ok=True)
    (stepwell_home / "config.yaml").write_text("active_stack: gone\n")
    name = client.active_stack.name

    assert name == "default"
    assert "The active stack 'gone'" in stepwell_logs.text


def test_update_stack_swaps_and_removes_components(client):
    client.create_stack_component("ops", "log", "alerter")
    client.create_stack_component("debug", "inline", "orchestrator")
    make_stack(client, "prod", alerter="ops")

    swapped = client.update_stack("prod", components={"orchestrator": "debug", "alerter": None})

    assert swapped.components[StackComponentType.ORCHESTRATOR].name == "debug"
    assert StackComponentType.ALERTER not in swapped.components
    client.activate_stack("prod")
    assert type(client.active_stack.orchestrator) is InlineOrchestrator
    with pytest.raises(StackValidationError, match="no orchestrator"):
        client.update_stack("prod", components={"orchestrator": None})


def test_component_of_another_type_is_refused(client):
    client.create_stack_component("ops", "log", "alerter")
    make_stack(client, "prod")
    ops = client.get_stack_component("alerter", "ops")

    with pytest.raises(EntityNotFoundError, match="Known orchestrators"):
        client.update_stack("prod", components={"orchestrator": str(ops.id)})


def test_delete_refusals_and_deletion(client):
    client.create_stack_component("ops", "log", "alerter")
    make_stack(client, "prod", alerter="ops")
    make_stack(client, "dev")
    client.activate_stack("prod")

    with pytest.raises(EntityInUseError, match="default stack cannot be deleted"):
        client.delete_stack("default")
    with pytest.raises(EntityInUseError, match="'prod' is the active stack"):
        client.delete_stack("prod")
    with pytest.raises(EntityInUseError, match="part of stack\\(s\\) prod"):
        client.delete_stack_component("ops", "alerter")

    client.delete_stack("dev")
    client.activate_stack("default")
    client.delete_stack("prod")
    client.delete_stack_component("ops", "alerter")

    assert [stack.name for stack in client.list_stacks()] == ["default"]
    assert client.list_stack_components(component_type="alerter") == []


def test_get_component_of_active_stack(client):
    component = client.get_stack_component("orchestrator")

    assert component.name == "default"
    with pytest.raises(StackValidationError, match="has no alerter"):
        client.get_stack_component("alerter")


def test_fsspec_url_artifact_store(client):
    client.create_stack_component("mem", "local", "artifact_store", {"path": "memory://bucket/art"})
    client.create_stack("mem", {"orchestrator": "default", "artifact_store": "mem"})
    client.activate_stack("mem")

    assert client.active_stack.artifact_store.path == "memory://bucket/art"


def test_relative_artifact_store_path_is_made_absolute(client, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    component = client.create_stack_component("here", "local", "artifact_store", {"path": "art"})

    assert component.configuration == {"path": str(tmp_path / "art")}


# -- the active stack as the orchestrator will ask for it -----------------------------------------
def test_active_stack_is_reused_until_it_changes(client):
    first = active.get_active_stack()

    assert active.get_active_stack() is first
    client.update_stack_component("default", "orchestrator", configuration={"max_parallelism": 2})
    changed = active.get_active_stack()
    assert changed is not first
    assert changed.orchestrator.max_parallelism == 2


def test_default_artifact_store_is_reused_and_follows_the_environment(
    client, tmp_path, monkeypatch
):
    stack = client.active_stack
    first = stack.artifact_store

    assert stack.artifact_store is first
    monkeypatch.setenv("STEPWELL_ARTIFACT_STORE_PATH", str(tmp_path / "elsewhere"))
    assert client.active_stack is stack
    assert stack.artifact_store.path == str(tmp_path / "elsewhere")


def test_using_stack_pins_the_active_stack(client):
    make_stack(client, "prod")
    prod = active.stack_from_model(client.store.url, client.get_stack("prod"))

    with active.using_stack(prod):
        assert client.active_stack is prod
        assert client.active_stack_model.name == "prod"
    assert client.active_stack.name == "default"


# -- flavors from other packages --------------------------------------------------------------------
class CarrierPigeonConfig(ComponentConfig):
    loft: str


class CarrierPigeonFlavor(Flavor):
    type = StackComponentType.ALERTER
    name = "pigeon"
    config_class = CarrierPigeonConfig
    implementation_source = "stepwell.alerters.log_alerter:LogAlerter"

    @classmethod
    def implementation_kwargs(cls, config):
        return {"level": "WARNING"}


def test_flavor_from_an_entry_point_can_be_registered_and_used(client, monkeypatch):
    monkeypatch.setattr(flavors, "_registry", None)  # a fresh process-wide registry
    monkeypatch.setattr(
        flavors, "load_entry_point_flavors", lambda: [("pigeon", CarrierPigeonFlavor)]
    )

    client.create_stack_component("coop", "pigeon", "alerter", {"loft": "roof"})
    client.update_stack("default", components={"alerter": "coop"})

    alerter = client.active_stack.alerter
    assert type(alerter) is LogAlerter
    assert alerter.level == logging.WARNING
    with pytest.raises(StackComponentConfigError, match="alerter 'coop2' \\(flavor 'pigeon'\\)"):
        client.create_stack_component("coop2", "pigeon", "alerter", {})


def test_stack_whose_alerter_flavor_is_gone_still_runs_its_orchestrator(client):
    client.active_stack  # creates the default stack
    gone = client.store.create_stack_component(
        name="old", type="alerter", flavor="uninstalled", configuration={}
    )
    client.store.update_stack(client.get_stack("default").id, components={"alerter": gone.id})

    stack = client.active_stack

    assert type(stack.orchestrator) is LocalOrchestrator
    with pytest.raises(UnknownFlavorError, match="no alerter flavor named 'uninstalled'"):
        stack.alerter
