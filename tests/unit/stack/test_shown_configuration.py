"""What a component's configuration shows: secret settings masked, references to secrets
shown as written (they name a secret, they are not one), unknown flavors fully masked."""

from types import SimpleNamespace

from stepwell.enums import StackComponentType
from stepwell.stack.shown_configuration import shown_configuration


def component(flavor: str, configuration: dict) -> SimpleNamespace:
    return SimpleNamespace(
        type=StackComponentType.ALERTER, flavor=flavor, configuration=configuration
    )


def test_secret_settings_are_masked_and_references_kept():
    shown = shown_configuration(
        component(
            "webhook",
            {
                "url": "https://hooks.example.com/services/T0/SECRET",
                "headers": {"Authorization": "{{hook.token}}", "X-Key": "plain-secret"},
                "timeout": 5,
            },
        )
    )
    assert shown == {
        "url": "https://hooks.example.com/...",
        "headers": {"Authorization": "{{hook.token}}", "X-Key": "****"},
        "timeout": 5,
    }


def test_a_secret_setting_that_is_a_reference_is_shown_as_written():
    shown = shown_configuration(component("webhook", {"url": "{{ hook.url }}"}))
    assert shown == {"url": "{{ hook.url }}"}


def test_a_component_of_an_unknown_flavor_has_every_value_masked():
    shown = shown_configuration(
        component("not-installed", {"token": "abc", "nested": ["x", "{{s.k}}"], "empty": ""})
    )
    assert shown == {"token": "****", "nested": ["****", "{{s.k}}"], "empty": ""}
