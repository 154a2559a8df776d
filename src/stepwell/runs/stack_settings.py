"""Settings checked against the active stack's flavors before a run starts (runs layer).

Which keys `settings["orchestrator"]` may hold depends on which orchestrator runs, so this
part of the check waits until the stack is known (the shape, the section names,
`resources` and `docker` are checked where settings are defined: `config/settings.py`). A
section is checked against a flavor's `settings_class`:

- `<type>`: the stack's component of that type (nothing if the stack has none);
- `<type>.<flavor>` naming the stack's component's flavor (for orchestrators also the
  stack's name): that flavor;
- `<type>.<flavor>` of another flavor: that flavor's model if it is known here (the settings
  are ignored on this stack, with a warning, but a mistake in them is still a mistake);
  an unknown flavor (a plugin not installed here) cannot be checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from stepwell.config.settings import SECTION_KEYS, first_problem, section_parts
from stepwell.enums import StackComponentType
from stepwell.exceptions import ConfigurationError, UnknownFlavorError
from stepwell.stack.flavors import Flavor, flavor_registry


def check_settings_on_stack(
    settings: Mapping[str, Any], owner: str, stack: Any, path: str = "settings"
) -> None:
    """Raise `<owner>: <path>.<section>.<key>: <problem>` for the first setting that its
    flavor's settings model refuses."""
    for key, section in settings.items():
        if key in SECTION_KEYS or not isinstance(section, Mapping):
            continue
        flavor = flavor_for(key, stack)
        if flavor is None:
            continue
        model = flavor.settings_class
        try:
            model.model_validate(dict(section))
        except ValidationError as error:
            problem = first_problem(error, key, model)
            kind = flavor.type.value.replace("_", " ")
            raise ConfigurationError(
                f"{owner}: {path}.{problem.key}: {problem.problem} (settings of the "
                f"'{flavor.name}' {kind} flavor)"
            ) from None


def flavor_for(key: str, stack: Any) -> type[Flavor] | None:
    """The flavor whose settings model a settings section is checked against, if known."""
    kind_name, selector = section_parts(key)
    kind = StackComponentType(kind_name)
    component = stack.components.get(kind)
    own_names = set()
    if component is not None:
        own_names.add(component.model.flavor)
        if kind is StackComponentType.ORCHESTRATOR:
            own_names.add(stack.name)
    try:
        if selector is None or selector in own_names:
            return None if component is None else component.flavor  # type: ignore[no-any-return]
        return flavor_registry().get(kind, selector)
    except UnknownFlavorError:
        return None


def check_run_configuration_settings(run_config: Any, source: str, stack: Any) -> None:
    """A run configuration's settings (run-level and each step's), with errors naming
    `source` (its file, or `run_configuration` for a trigger)."""
    check_settings_on_stack(run_config.settings, source, stack)
    for step_id, step in run_config.steps.items():
        check_settings_on_stack(step.settings, source, stack, f"steps.{step_id}.settings")
