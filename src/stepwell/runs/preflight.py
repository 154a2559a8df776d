"""Checks a run must pass before it starts: the stack has what steps need (runs layer).

Run by `submit` once the stack and orchestrator are known and before any record is made,
so a run that could not succeed fails at once with an error naming the step:

- a step's `experiment_tracker=` / `step_operator=` names a component the active stack
  must have (True: any of that type), as ZenML checks;
- a step's `settings["resources"]` must fit the orchestrator's capacity on their own (the
  scheduler keeps steps that fit from overcommitting it together);
- the orchestrator's own checks (`BaseOrchestrator.check_before_run`: the ray one refuses
  a local-folder artifact store its nodes on other hosts cannot reach);
- every settings section must fit the settings model of the flavor it is for
  (`runs/stack_settings.py`): checked before the orchestrator is built from them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from stepwell.exceptions import StackValidationError
from stepwell.execution.resources import check_fits, demands_of
from stepwell.runs.resolve import stack_artifact_store
from stepwell.runs.stack_settings import (
    check_run_configuration_settings,
    check_settings_on_stack,
)

# Step options that name a stack component, and the component type each needs.
COMPONENT_OPTIONS = {"experiment_tracker": "experiment tracker", "step_operator": "step operator"}


def check_before_run(invocations: Iterable[Any], stack: Any, orchestrator: Any) -> None:
    """Raise if any of these step invocations cannot run on this stack and orchestrator."""
    invocations = list(invocations)
    for invocation in invocations:
        check_step_components(invocation.id, invocation.config, stack)
    check_fits(demands_of(invocations), getattr(orchestrator, "capacity", None))
    orchestrator_check = getattr(orchestrator, "check_before_run", None)
    if orchestrator_check is not None:  # the orchestrator's own (e.g. what its workers reach)
        orchestrator_check(invocations, stack_artifact_store(stack))


def check_settings_before_run(
    invocations: Iterable[Any],
    config: Any,
    stack: Any,
    run_config: Any = None,
    run_config_source: str = "run configuration",
) -> None:
    """Every settings section must fit its flavor's settings model on this stack: the run
    configuration's first (errors name its file), then the pipeline's and each step's."""
    if run_config is not None:
        check_run_configuration_settings(run_config, run_config_source, stack)
    check_settings_on_stack(config.settings, f"pipeline '{config.name}'", stack)
    for invocation in invocations:
        check_settings_on_stack(invocation.config.settings, f"step '{invocation.id}'", stack)


def check_step_components(step_id: str, config: Any, stack: Any) -> None:
    """The components a step's configuration names must be in `stack`."""
    present = {
        getattr(kind, "value", kind): component for kind, component in stack.components.items()
    }
    for option, label in COMPONENT_OPTIONS.items():
        wanted = getattr(config, option, None)
        if wanted is None or wanted is False:
            continue
        component = present.get(option)
        if component is not None and (wanted is True or component.name == wanted):
            continue
        have = ", ".join(
            f"{str(kind).replace('_', ' ')} '{item.name}'" for kind, item in present.items()
        )
        article = "an" if label[0] in "aeiou" else "a"
        required = f"{article} {label}" if wanted is True else f"{label} '{wanted}'"
        raise StackValidationError(
            f"Step '{step_id}' requires {required}, which is not in the active stack "
            f"'{stack.name}' (it has: {have}). {_how_to_add(option, label, wanted, stack)}"
        )


def _how_to_add(option: str, label: str, wanted: Any, stack: Any) -> str:
    from stepwell.enums import StackComponentType

    if option in {kind.value for kind in StackComponentType}:
        name = "<name>" if wanted is True else wanted
        return (
            f"Register the {label} and add it to the stack: Client().update_stack("
            f"'{stack.name}', components={{'{option}': '{name}'}})."
        )
    return (
        f"stepwell has no {label} flavors yet: remove `{option}=` from the step (or from the "
        f"run configuration's steps.<id>), or run on a stack that has one."
    )
