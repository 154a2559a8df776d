"""The flavor registry: built-in flavors, config validation, and plugins from entry points."""

from __future__ import annotations

import textwrap

import pytest
from pydantic import ValidationError

from stepwell.alerters.webhook_alerter import WebhookAlerter
from stepwell.enums import StackComponentType
from stepwell.exceptions import StackComponentConfigError, UnknownFlavorError
from stepwell.orchestrators.local import LocalOrchestrator
from stepwell.stack import flavors
from stepwell.stack.builtin_flavors import (
    BUILTIN_FLAVORS,
    LocalArtifactStoreFlavor,
    LocalOrchestratorFlavor,
    WebhookAlerterFlavor,
)
from stepwell.stack.flavors import ComponentConfig, Flavor, FlavorRegistry


@pytest.fixture
def no_plugins(monkeypatch):
    monkeypatch.setattr(flavors, "load_entry_point_flavors", lambda: [])


def names(registry: FlavorRegistry, kind: str) -> list[str]:
    return [flavor.name for flavor in registry.list(kind)]


def test_builtin_flavors_by_type(no_plugins):
    registry = FlavorRegistry(BUILTIN_FLAVORS)

    assert names(registry, "orchestrator") == ["inline", "local", "ray"]
    assert names(registry, "artifact_store") == ["local", "s3"]
    assert names(registry, "alerter") == ["log", "webhook"]


def test_unknown_flavor_lists_the_known_ones(no_plugins):
    registry = FlavorRegistry(BUILTIN_FLAVORS)

    with pytest.raises(
        UnknownFlavorError, match="no alerter flavor named 'slack'; known flavors: log, webhook"
    ):
        registry.get(StackComponentType.ALERTER, "slack")


def test_unknown_key_error_is_one_line_naming_component_flavor_and_key():
    with pytest.raises(StackComponentConfigError) as caught:
        WebhookAlerterFlavor.validate_config({"url": "https://x", "retry_count": 3}, "ops")

    assert str(caught.value) == (
        "Invalid configuration for alerter 'ops' (flavor 'webhook'): unknown key 'retry_count' "
        "(allowed: backoff, headers, retries, timeout, url)."
    )


def test_missing_and_mistyped_values_are_named():
    with pytest.raises(StackComponentConfigError) as caught:
        WebhookAlerterFlavor.validate_config({"timeout": -1}, "ops")

    message = str(caught.value)
    assert "'url' is required" in message
    assert "'timeout': Input should be greater than 0 (got -1)" in message
    assert "\n" not in message


def test_webhook_url_must_be_http():
    with pytest.raises(StackComponentConfigError, match="'url': Value error, must be an http"):
        WebhookAlerterFlavor.validate_config({"url": "ftp://example.com"}, "ops")


def test_configs_are_frozen():
    config = LocalOrchestratorFlavor.validate_config({"max_parallelism": 2})

    with pytest.raises(ValidationError):
        config.max_parallelism = 3  # type: ignore[misc]


def test_flavors_build_their_implementation(tmp_path):
    orchestrator = LocalOrchestratorFlavor.build(
        LocalOrchestratorFlavor.validate_config({"max_parallelism": 2, "reuse_processes": False})
    )
    alerter = WebhookAlerterFlavor.build(
        WebhookAlerterFlavor.validate_config({"url": "https://x.io/h", "timeout": 2})
    )
    store = LocalArtifactStoreFlavor.build(
        LocalArtifactStoreFlavor.validate_config({"path": str(tmp_path)})
    )

    assert type(orchestrator) is LocalOrchestrator
    assert (orchestrator.max_parallelism, orchestrator.reuse_processes) == (2, False)
    assert type(alerter) is WebhookAlerter
    assert (alerter.url, alerter.timeout) == ("https://x.io/h", 2.0)
    assert store.path == str(tmp_path)


def test_default_artifact_store_follows_the_home_folder(stepwell_home):
    store = LocalArtifactStoreFlavor.build(LocalArtifactStoreFlavor.validate_config({}))

    assert store.path == str(stepwell_home / "artifacts")


class PigeonConfig(ComponentConfig):
    loft: str


class PigeonFlavor(Flavor):
    type = StackComponentType.ALERTER
    name = "pigeon"
    config_class = PigeonConfig
    implementation_source = "stepwell.alerters.log_alerter:LogAlerter"


def test_registering_a_flavor_twice_needs_override(no_plugins):
    registry = FlavorRegistry(BUILTIN_FLAVORS)
    registry.register(PigeonFlavor)

    class OtherPigeon(PigeonFlavor):
        pass

    with pytest.raises(ValueError, match="alerter flavor named 'pigeon' is already registered"):
        registry.register(OtherPigeon)
    registry.register(OtherPigeon, override=True)
    assert registry.get("alerter", "pigeon") is OtherPigeon


def test_entry_point_loader_results_are_registered(monkeypatch):
    broken = ImportError("No module named 'carrier'")
    monkeypatch.setattr(
        flavors, "load_entry_point_flavors", lambda: [("pigeon", PigeonFlavor), ("owl", broken)]
    )
    registry = FlavorRegistry(BUILTIN_FLAVORS)

    assert registry.get("alerter", "pigeon") is PigeonFlavor
    with pytest.raises(
        UnknownFlavorError, match="Entry point 'owl' failed: No module named 'carrier'"
    ):
        registry.get("alerter", "owl")


def test_flavor_from_an_installed_distribution(tmp_path, monkeypatch):
    """A package that declares a `stepwell.flavors` entry point, found on sys.path."""
    package = tmp_path / "stepwell_pigeon"
    package.mkdir()
    (package / "__init__.py").write_text(
        textwrap.dedent(
            """
            from stepwell.enums import StackComponentType
            from stepwell.stack.flavors import ComponentConfig, Flavor

            class PigeonConfig(ComponentConfig):
                loft: str

            class PigeonFlavor(Flavor):
                type = StackComponentType.ALERTER
                name = "pigeon"
                config_class = PigeonConfig
                implementation_source = "stepwell.alerters.log_alerter:LogAlerter"
            """
        )
    )
    info = tmp_path / "stepwell_pigeon-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: stepwell-pigeon\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[stepwell.flavors]\npigeon = stepwell_pigeon:PigeonFlavor\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))

    flavor = FlavorRegistry(BUILTIN_FLAVORS).get("alerter", "pigeon")

    assert flavor.__module__ == "stepwell_pigeon"
    with pytest.raises(StackComponentConfigError, match="'loft' is required"):
        flavor.validate_config({}, "coop")
