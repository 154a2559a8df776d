"""`stepwell stack ...`: list, describe, register, activate, show the active one and delete
stacks (read layer).

A stack names the components a run uses (an orchestrator, an artifact store, optionally an
alerter); `stack component ...` (`stepwell.cli.stack_components`) registers those. Every
rule (required components, the default and active stack staying) is the Client's.
"""

from __future__ import annotations

from typing import Any

import typer

from stepwell.cli import stack_components, stack_updates
from stepwell.cli.confirm import confirm_or_stop
from stepwell.cli.errors import hint
from stepwell.cli.output import OUTPUT_OPTION, OutputFormat, iso, say, show, show_record

app = typer.Typer(no_args_is_help=True)
app.add_typer(stack_components.app, name="component")
stack_updates.register(app, stack_components.app)

LIST_HINT = "See `stepwell stack list` for the stacks there are."
COMPONENT_HINT = "See `stepwell stack component list` for the registered components."


def stack_row(stack: Any, active_id: Any) -> dict[str, Any]:
    """A stack as JSON-ready fields: its components by type."""
    components = {kind.value: component.name for kind, component in stack.components.items()}
    return {
        "name": stack.name,
        "id": str(stack.id),
        "active": stack.id == active_id,
        "orchestrator": components.get("orchestrator"),
        "artifact_store": components.get("artifact_store"),
        "alerter": components.get("alerter"),
        "created": iso(stack.created),
        "updated": iso(stack.updated),
    }


@app.command("list")
def list_stacks(output: OutputFormat = OUTPUT_OPTION) -> None:
    """List stacks; the active one is marked."""
    from stepwell.client import Client

    client = Client()
    active_id = client.active_stack_model.id
    rows = [stack_row(stack, active_id) for stack in client.list_stacks()]
    if output is OutputFormat.table:
        for row in rows:
            row["active"] = "*" if row["active"] else ""
    show(rows, ["active", "name", "orchestrator", "artifact_store", "alerter"], output)


@app.command("describe")
def describe_stack(
    name: str | None = typer.Argument(None, help="Stack name or id (default: the active one)."),
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Show a stack and the flavor and configuration of each of its components."""
    from stepwell.client import Client

    client = Client()
    with hint(LIST_HINT):
        stack = client.get_stack(name)
    fields = stack_row(stack, client.active_stack_model.id)
    components = [
        stack_components.component_row(component) for component in stack.components.values()
    ]
    if output is OutputFormat.json:
        show_record({**fields, "components": components}, output)
        return
    show_record(fields, output, title=f"Stack {stack.name}")
    stack_components.show_components(components, output)


@app.command("register")
def register_stack(
    name: str = typer.Argument(..., help="Name of the new stack."),
    orchestrator: str = typer.Option(
        ..., "--orchestrator", "-o", help="Name or id of a registered orchestrator."
    ),
    artifact_store: str = typer.Option(
        ..., "--artifact-store", "-a", help="Name or id of a registered artifact store."
    ),
    alerter: str | None = typer.Option(
        None, "--alerter", "-al", help="Name or id of a registered alerter."
    ),
    set_active: bool = typer.Option(False, "--set", help="Make it the active stack too."),
) -> None:
    """Register a stack of registered components (see `stepwell stack component register`)."""
    from stepwell.client import Client

    client = Client()
    components: dict[str, Any] = {"orchestrator": orchestrator, "artifact_store": artifact_store}
    if alerter is not None:
        components["alerter"] = alerter
    with hint(COMPONENT_HINT):
        stack = client.create_stack(name, components=components)
    say(f"Registered stack '{stack.name}'.")
    if set_active:
        client.activate_stack(stack.id)
        say(f"Active stack: '{stack.name}'.")


@app.command("get")
def get_stack() -> None:
    """Show the name of the active stack (ZenML's `zenml stack get`)."""
    from stepwell.client import Client

    say(f"Active stack: '{Client().active_stack_model.name}'.")


@app.command("set")
def set_stack(name: str = typer.Argument(..., help="Stack name or id.")) -> None:
    """Make a stack the active one (remembered in the home folder's config.yaml)."""
    from stepwell.client import Client

    client = Client()
    with hint(LIST_HINT):
        client.activate_stack(name)
    say(f"Active stack: '{client.get_stack(name).name}'.")


@app.command("delete")
def delete_stack(
    name: str = typer.Argument(..., help="Stack name or id."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Don't ask for confirmation."),
) -> None:
    """Delete a stack (its components stay registered)."""
    from stepwell.client import Client

    client = Client()
    with hint(LIST_HINT):
        stack = client.get_stack(name)
    confirm_or_stop(f"Delete stack '{stack.name}'?", f"Deleting stack '{stack.name}'", yes=yes)
    client.delete_stack(stack.id)
    say(f"Deleted stack '{stack.name}'.")
