"""`stepwell orchestrator ...`, `stepwell artifact-store ...`, `stepwell alerter ...`: one
command group per stack component type, as ZenML users know them (read layer).

Each group is a thin front over the commands of `stepwell stack component ...`
(`stack_components`, `stack_updates`) with the type fixed: register, list, describe, update,
rename, delete and `flavor list`. Configuration is given the way ZenML takes it
(`--path=s3://bucket/x`, also `--path s3://bucket/x`) or stepwell's way (`path=s3://...`);
both become the same `key=value` pairs, checked against the flavor by the Client, so an
unknown field fails naming it and the fields the flavor has. A name may be left out of
`describe` and `update`: the active stack's component of that type is meant.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import partial

import typer

from stepwell.cli import stack_components, stack_updates
from stepwell.cli.errors import CliError
from stepwell.cli.lazy_groups import add_lazy_group
from stepwell.cli.output import OUTPUT_OPTION, OutputFormat
from stepwell.enums import StackComponentType

CONFIGURATION_METAVAR = "[--KEY=VALUE|KEY=VALUE]..."
# Click hands options it does not know to the command's arguments, where they are read as
# configuration.
PASS_UNKNOWN_OPTIONS = {"ignore_unknown_options": True}
_ASSIGNMENT = re.compile(r"[A-Za-z_][\w-]*=")


def group_name(kind: StackComponentType) -> str:
    """The group's command name: `orchestrator`, `artifact-store`, `alerter`."""
    return kind.value.replace("_", "-")


def group_help(kind: StackComponentType) -> str:
    """The group's one-line help."""
    return f"{kind.plural.capitalize()}: `stack component ...` for this type alone."


def split_arguments(tokens: Sequence[str], group: str) -> tuple[str | None, list[str]]:
    """The component name (the first token that is not configuration; None if there is
    none) and the configuration as `key=value` strings, from `--key=value`, `--key value`
    and `key=value` tokens. Dashes in option names stand for underscores
    (`--max-parallelism` is `max_parallelism`)."""
    name: str | None = None
    assignments: list[str] = []
    fix = (
        f"give configuration as --KEY=VALUE or KEY=VALUE (`stepwell {group} flavor list` "
        "shows each flavor's fields)"
    )
    position = 0
    while position < len(tokens):
        token = tokens[position]
        position += 1
        if token.startswith("--") and len(token) > 2:
            option, sep, value = token[2:].partition("=")
            if not sep:
                if position == len(tokens) or tokens[position].startswith("-"):
                    raise CliError(f"Option --{option} needs a value; write --{option}=VALUE.")
                value = tokens[position]
                position += 1
            key = option.replace("-", "_")
            if not key.isidentifier():
                raise CliError(f"Option --{option} is not a configuration field name; {fix}.")
            assignments.append(f"{key}={value}")
        elif token.startswith("-") and len(token) > 1:
            raise CliError(f"No such option: {token}; {fix}.")
        elif _ASSIGNMENT.match(token):
            key, _, value = token.partition("=")
            assignments.append(f"{key.replace('-', '_')}={value}")
        elif name is None:
            name = token
        else:
            raise CliError(f"Unexpected argument {token!r} after the name {name!r}; {fix}.")
    return name, assignments


def make_group(kind: StackComponentType) -> typer.Typer:
    """The `stepwell <type> ...` group for components of type `kind`."""
    group = group_name(kind)
    label = kind.value.replace("_", " ")
    a_label = f"{'an' if label[0] in 'aeiou' else 'a'} {label}"
    # Plain Click help, as the root command has (see `stepwell.cli.app`).
    app = typer.Typer(help=group_help(kind), no_args_is_help=True, rich_markup_mode=None)
    flavors = typer.Typer(
        help=f"Flavors of {label}: the kinds there are to register.", no_args_is_help=True
    )
    app.add_typer(flavors, name="flavor")

    @app.command(
        "register",
        help=f"Register {a_label}; its configuration is checked against the flavor "
        f"(`stepwell {group} flavor list` shows the fields).",
        context_settings=PASS_UNKNOWN_OPTIONS,
    )
    def register(
        name: str = typer.Argument(..., help=f"Name of the new {label}."),
        flavor: str = typer.Option(..., "--flavor", "-f", help="Flavor, e.g. local."),
        configuration: list[str] = typer.Argument(
            None,
            metavar=CONFIGURATION_METAVAR,
            help="Configuration fields, as --KEY=VALUE or KEY=VALUE (values read as YAML).",
        ),
    ) -> None:
        found, assignments = split_arguments([name, *(configuration or [])], group)
        if found is None:
            raise CliError(
                f"Give the new {label}'s name: stepwell {group} register NAME -f FLAVOR."
            )
        stack_components.register_component(found, kind, flavor, assignments)

    @app.command("list", help=f"List the registered {kind.plural} by name.")
    def list_(
        flavor: str | None = typer.Option(None, "--flavor", "-f", help="Only this flavor."),
        output: OutputFormat = OUTPUT_OPTION,
    ) -> None:
        stack_components.list_components(kind, flavor, output)

    @app.command("describe", help=f"Show {a_label}: flavor and configuration.")
    def describe(
        name: str | None = typer.Argument(None, help="Name or id (default: the active stack's)."),
        output: OutputFormat = OUTPUT_OPTION,
    ) -> None:
        stack_components.describe_component(name, kind, output)

    @app.command(
        "update",
        help=f"Change configuration fields of {a_label} (checked against its flavor).",
        context_settings=PASS_UNKNOWN_OPTIONS,
    )
    def update(
        name: str | None = typer.Argument(None, help="Name or id (default: the active stack's)."),
        configuration: list[str] = typer.Argument(
            None,
            metavar=CONFIGURATION_METAVAR,
            help="Fields to set, as --KEY=VALUE or KEY=VALUE (values read as YAML).",
        ),
    ) -> None:
        tokens = [name, *(configuration or [])] if name is not None else configuration or []
        found, assignments = split_arguments(tokens, group)
        if not assignments:
            raise CliError(
                f"Nothing to change; give fields as --KEY=VALUE or KEY=VALUE (rename with "
                f"`stepwell {group} rename NAME NEW_NAME`)."
            )
        stack_updates.update_component(found, assignments, kind, None)

    @app.command("rename", help=f"Rename {a_label}.")
    def rename(
        name: str = typer.Argument(..., help="Name or id."),
        new_name: str = typer.Argument(..., help="The new name."),
    ) -> None:
        stack_updates.update_component(name, [], kind, new_name)

    @app.command("delete", help=f"Delete {a_label} that no stack uses.")
    def delete(
        name: str = typer.Argument(..., help="Name or id."),
        yes: bool = typer.Option(False, "--yes", "-y", help="Don't ask for confirmation."),
    ) -> None:
        stack_components.delete_component(name, kind, yes)

    @flavors.command("list", help=f"List the {label} flavors there are and their fields.")
    def list_flavors(output: OutputFormat = OUTPUT_OPTION) -> None:
        stack_updates.list_flavors(kind, output)

    return app


def register(root: typer.Typer) -> None:
    """Add one group per component type to the root command (built on first use)."""
    for kind in StackComponentType:
        add_lazy_group(root, group_name(kind), group_help(kind), partial(make_group, kind))
