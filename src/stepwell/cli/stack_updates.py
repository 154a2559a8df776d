"""`stepwell stack update`, `stack component update` and `stack component flavor list`
(read layer).

Changing what exists rather than registering anew: a stack's components are swapped one type
at a time, a component's configuration keys are changed (and checked against its flavor by
the Client, as at registration), and `flavor list` shows which flavors there are to
register, stepwell's own and those of installed packages (the `stepwell.flavors` entry
point group), each with its configuration fields.
"""

from __future__ import annotations

from typing import Any

import typer

from stepwell.cli.errors import CliError, hint
from stepwell.cli.output import OUTPUT_OPTION, OutputFormat, say, show
from stepwell.enums import StackComponentType

flavors = typer.Typer(
    help="Flavors: the kinds of stack component there are to register.", no_args_is_help=True
)

STACK_HINT = "See `stepwell stack list` for the stacks there are."
COMPONENT_HINT = "See `stepwell stack component list` for the registered components."


def register(stack_app: typer.Typer, component_app: typer.Typer) -> None:
    """Add `update` to `stack` and `stack component`, and `flavor` to `stack component`."""
    stack_app.command("update")(update_stack)
    component_app.command("update")(update_component)
    component_app.add_typer(flavors, name="flavor")


def update_stack(
    name: str | None = typer.Argument(None, help="Stack name or id (default: the active one)."),
    orchestrator: str | None = typer.Option(
        None, "--orchestrator", "-o", help="Name or id of the orchestrator to use instead."
    ),
    artifact_store: str | None = typer.Option(
        None, "--artifact-store", "-a", help="Name or id of the artifact store to use instead."
    ),
    alerter: str | None = typer.Option(
        None, "--alerter", "-al", help="Name or id of the alerter to use instead."
    ),
    remove_alerter: bool = typer.Option(
        False, "--remove-alerter", help="Run without an alerter from now on."
    ),
) -> None:
    """Swap components of a stack (the ones not named stay)."""
    from stepwell.client import Client

    changes: dict[str, Any] = {}
    for kind, value in (
        ("orchestrator", orchestrator),
        ("artifact_store", artifact_store),
        ("alerter", alerter),
    ):
        if value is not None:
            changes[kind] = value
    if remove_alerter:
        if alerter is not None:
            raise CliError("Give either --alerter or --remove-alerter, not both.")
        changes["alerter"] = None
    if not changes:
        raise CliError(
            "Nothing to change; give --orchestrator, --artifact-store, --alerter or "
            "--remove-alerter."
        )
    client = Client()
    with hint(STACK_HINT):
        stack = client.get_stack(name)
    with hint(COMPONENT_HINT):
        updated = client.update_stack(stack.id, components=changes)
    swapped = ", ".join(
        f"{kind.replace('_', ' ')} {'removed' if value is None else repr(value)}"
        for kind, value in changes.items()
    )
    say(f"Updated stack '{updated.name}': {swapped}.")


def update_component(
    name: str | None = typer.Argument(..., help="Component name or id."),
    configuration: list[str] = typer.Argument(
        None, metavar="[KEY=VALUE]...", help="Configuration keys to set (values read as YAML)."
    ),
    kind: StackComponentType | None = typer.Option(
        None, "--type", "-t", help="Component type (needed when two types share the name)."
    ),
    new_name: str | None = typer.Option(
        None, "--name", "-n", metavar="NEW_NAME", help="Rename the component."
    ),
) -> None:
    """Change a component's configuration keys (checked against its flavor) or its name."""
    from stepwell.cli.run_cmd import parse_assignments
    from stepwell.cli.stack_components import find_component
    from stepwell.client import Client

    values = parse_assignments(configuration or [], "configuration")
    if not values and new_name is None:
        raise CliError("Nothing to change; give KEY=VALUE pairs or --name NEW_NAME.")
    client = Client()
    component = find_component(client, name, kind)
    updated = client.update_stack_component(
        component.id, component.type, name=new_name, configuration=values or None
    )
    kind_name = updated.type.label
    parts = []
    if new_name and new_name != component.name:
        parts.append(f"Renamed {kind_name} '{component.name}' to '{updated.name}'.")
    if values:
        keys = ", ".join(sorted(values))
        parts.append(f"Updated {kind_name} '{updated.name}': {keys}.")
    say(" ".join(parts) or f"{kind_name.capitalize()} '{updated.name}' is unchanged.")


def _type_text(annotation: Any) -> str:
    """`int`, `str | None`, `Literal['INFO', 'DEBUG']`, `dict[str, float]`: a field's type
    as a user writes it (constraints from `Annotated` left out)."""
    import types
    import typing

    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation is type(None):
        return "None"
    if origin is typing.Annotated:
        return _type_text(args[0])
    if origin in (typing.Union, types.UnionType):
        # In words, not `|`: the CLI's tables draw their borders with `|` off a terminal.
        named = [_type_text(arg) for arg in args if arg is not type(None)]
        text = " or ".join(named)
        return f"{text} (optional)" if len(named) < len(args) else text
    if origin is typing.Literal:
        return f"Literal[{', '.join(repr(arg) for arg in args)}]"
    if origin is not None:
        name = getattr(origin, "__name__", str(origin))
        return f"{name}[{', '.join(_type_text(arg) for arg in args)}]" if args else name
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


def _default(field: Any) -> Any:
    return None if field.is_required() else field.get_default(call_default_factory=True)


def _field_text(name: str, field: Any, secret: frozenset[str]) -> str:
    """`name: type = default` (or `(required)`), `secret` marked."""
    text = f"{name}: {_type_text(field.annotation)}"
    if field.is_required():
        text += " (required)"
    elif _default(field) is not None:
        text += f" = {_default(field)!r}"
    return text + (" [secret]" if name in secret else "")


def flavor_row(flavor: Any) -> dict[str, Any]:
    """A flavor as JSON-ready fields, with its configuration fields."""
    config = flavor.config_class
    secret = frozenset(getattr(config, "SECRET_FIELDS", frozenset()))
    module = flavor.__module__
    return {
        "type": flavor.type.value,
        "flavor": flavor.name,
        "source": "built-in" if module.startswith("stepwell.") else module.partition(".")[0],
        "implementation": flavor.implementation_source,
        "fields": [
            {
                "name": name,
                "type": _type_text(field.annotation),
                "required": field.is_required(),
                "default": _default(field),
                "secret": name in secret,
                "description": field.description,
            }
            for name, field in config.model_fields.items()
        ],
        "configuration": "\n".join(  # one field a line: the cell stays narrow
            _field_text(name, field, secret) for name, field in config.model_fields.items()
        ),
    }


@flavors.command("list")
def list_flavors(
    kind: StackComponentType | None = typer.Option(None, "--type", "-t", help="Only this type."),
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """List the flavors there are (stepwell's own and those of installed packages) and the
    configuration each takes."""
    from stepwell.stack.flavors import flavor_registry

    rows = [flavor_row(flavor) for flavor in flavor_registry().list(kind)]
    if output is OutputFormat.json:
        for row in rows:
            del row["configuration"]
    show(rows, ["type", "flavor", "source", "configuration"], output, empty="No flavors.")
