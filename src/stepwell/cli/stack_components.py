"""`stepwell stack component ...`: register, list, describe and delete stack components.

A component is a flavor (e.g. the `webhook` alerter) with a configuration given as
`key=value` arguments (values read as YAML, so `timeout=5` is a number). The Client checks
the configuration against the flavor's config model before anything is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import typer

from stepwell.cli.confirm import confirm_or_stop
from stepwell.cli.errors import CliError, hint
from stepwell.cli.output import OUTPUT_OPTION, OutputFormat, iso, say, show, show_record
from stepwell.enums import StackComponentType

app = typer.Typer(
    help="Stack components: orchestrators, artifact stores, alerters.", no_args_is_help=True
)

LIST_HINT = "See `stepwell stack component list` for the registered components."
TYPE_OPTION_HELP = "Component type (needed when two types have a component of this name)."


def shown_configuration(component: Any) -> dict[str, Any]:
    """The component's configuration with its flavor's secret fields masked (references
    to secrets shown as written; see `stack.shown_configuration`)."""
    from stepwell.stack.shown_configuration import shown_configuration as shown

    return shown(component)


def component_row(component: Any) -> dict[str, Any]:
    """A component as JSON-ready fields."""
    return {
        "name": component.name,
        "id": str(component.id),
        "type": component.type.value,
        "flavor": component.flavor,
        "configuration": shown_configuration(component),
        "created": iso(component.created),
        "updated": iso(component.updated),
    }


def show_components(rows: Sequence[dict[str, Any]], output: OutputFormat) -> None:
    """Components as a table, their configuration as `key=value` pairs."""
    if output is OutputFormat.table:
        rows = [
            {
                **row,
                "configuration": " ".join(f"{k}={v}" for k, v in row["configuration"].items()),
            }
            for row in rows
        ]
    show(rows, ["type", "name", "flavor", "configuration"], output, empty="No components.")


def find_component(client: Any, name: str | None, kind: StackComponentType | None) -> Any:
    """The component `name` (of type `kind`, or of whichever type has one so named); with
    no name, the active stack's component of type `kind`."""
    from stepwell.exceptions import EntityNotFoundError

    if kind is not None:
        with hint(LIST_HINT):
            return client.get_stack_component(kind, name)
    found = []
    for candidate in StackComponentType:
        try:
            found.append(client.get_stack_component(candidate, name))
        except EntityNotFoundError:
            continue
    if not found:
        raise CliError(f"No stack component named '{name}' exists. {LIST_HINT}")
    if len(found) > 1:
        kinds = ", ".join(component.type.value for component in found)
        raise CliError(f"Several components are named '{name}' ({kinds}); pick one with --type.")
    return found[0]


@app.command("list")
def list_components(
    kind: StackComponentType | None = typer.Option(None, "--type", "-t", help="Only this type."),
    flavor: str | None = typer.Option(None, "--flavor", "-f", help="Only this flavor."),
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """List registered components, by type then name."""
    from stepwell.client import Client

    components = Client().list_stack_components(component_type=kind, flavor=flavor)
    show_components([component_row(component) for component in components], output)


@app.command("register")
def register_component(
    name: str = typer.Argument(..., help="Name of the new component."),
    kind: StackComponentType = typer.Option(..., "--type", "-t", help="Component type."),
    flavor: str = typer.Option(..., "--flavor", "-f", help="Flavor, e.g. local or webhook."),
    configuration: list[str] = typer.Argument(
        None, metavar="[KEY=VALUE]...", help="Configuration of the flavor (values read as YAML)."
    ),
) -> None:
    """Register a component; its configuration is checked against the flavor."""
    from stepwell.cli.run_cmd import parse_assignments
    from stepwell.client import Client

    values = parse_assignments(configuration or [], "configuration")
    component = Client().create_stack_component(
        name, flavor=flavor, component_type=kind, configuration=values
    )
    say(f"Registered {component.type.label} '{component.name}' (flavor {component.flavor}).")


@app.command("describe")
def describe_component(
    name: str | None = typer.Argument(..., help="Component name or id."),
    kind: StackComponentType | None = typer.Option(None, "--type", "-t", help=TYPE_OPTION_HELP),
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Show a component: type, flavor and configuration."""
    from stepwell.client import Client

    row = component_row(find_component(Client(), name, kind))
    if output is OutputFormat.table:
        # A mapping or list value (`headers`, `client_kwargs`) shown as compact JSON: the
        # record view leaves nested values out.
        fields = {f"config {k}": _flat(v) for k, v in row["configuration"].items()}
        row = {**row, **fields}
    show_record(row, output, title=f"Component {row['name']}")


def _flat(value: Any) -> Any:
    """A configuration value as one table cell."""
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, sort_keys=True, default=str)
    return value


@app.command("delete")
def delete_component(
    name: str = typer.Argument(..., help="Component name or id."),
    kind: StackComponentType | None = typer.Option(None, "--type", "-t", help=TYPE_OPTION_HELP),
    yes: bool = typer.Option(False, "--yes", "-y", help="Don't ask for confirmation."),
) -> None:
    """Delete a component that no stack uses."""
    from stepwell.client import Client
    from stepwell.exceptions import EntityInUseError

    client = Client()
    component = find_component(client, name, kind)
    label = f"{component.type.label} '{component.name}'"
    confirm_or_stop(f"Delete {label}?", f"Deleting {label}", yes=yes)
    try:
        client.delete_stack_component(component.id, component.type)
    except EntityInUseError as error:
        stacks = [stack.name for stack in client.list_stacks(component_id=component.id, size=100)]
        if not stacks:  # freed in the meantime, or used in a way the CLI cannot undo
            raise
        raise CliError(in_use_message(label, component.type, stacks)) from error
    say(f"Deleted {label}.")


def in_use_message(label: str, kind: StackComponentType, stacks: Sequence[str]) -> str:
    """Why a component cannot be deleted, and the commands that free it: take it out of the
    stacks that use it, or delete those (the default stack cannot be deleted)."""
    from stepwell.stack.active import DEFAULT_STACK

    stack = stacks[0] if len(stacks) == 1 else "STACK"
    change = {
        StackComponentType.ORCHESTRATOR: "-o OTHER",
        StackComponentType.ARTIFACT_STORE: "-a OTHER",
        StackComponentType.ALERTER: "--remove-alerter",
    }[kind]
    fixes = f"take it out with `stepwell stack update {stack} {change}`"
    if DEFAULT_STACK not in stacks:
        fixes += f" or delete the stack with `stepwell stack delete {stack}`"
    return (
        f"The {label} is part of stack(s) {', '.join(stacks)}; {fixes}, "
        f"then delete the {kind.label} again."
    )
