"""`stepwell secret ...`: create, list, get, update, rename and delete secrets (read).

Values are given as `--key=value` options after the name, or as a JSON object with
`--values '{"key": "value"}'`, `--values @file.json` or `--values @-` (standard input, which
keeps them out of the shell history and the process list). They are printed only by
`stepwell secret get NAME --show-values`: unlike ZenML's `secret get`, which shows values,
stepwell masks them unless asked, in tables and in `-o json` alike (the JSON then lists the
keys only). Every rule is the Client's; this module parses and renders.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from stepwell.cli.confirm import confirm_or_stop
from stepwell.cli.errors import CliError
from stepwell.cli.output import OUTPUT_OPTION, OutputFormat, iso, print_json, say, show, show_record
from stepwell.cli.paging import PAGE_OPTION, SIZE_OPTION, SORT_OPTION, empty_text
from stepwell.utils.redact import MASK

app = typer.Typer(no_args_is_help=True)

_EXTRA = {"allow_extra_args": True, "ignore_unknown_options": True}
NAME_ARGUMENT = typer.Argument(..., help="The secret's name (or id, or id prefix).")
VALUES_OPTION = typer.Option(
    None,
    "--values",
    "-v",
    help="A JSON object of values, or @FILE with one, or @- to read it from standard input.",
)


def _values_from_json(given: str | None) -> dict[str, Any]:
    if given is None:
        return {}
    if given.startswith("@"):
        source = given[1:]
        text = sys.stdin.read() if source == "-" else Path(source).expanduser().read_text()
        where = "standard input" if source == "-" else source
    else:
        text, where = given, "--values"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:  # the message names the place, not the text
        raise CliError(
            f"{where} is not valid JSON (line {error.lineno}, column {error.colno})."
        ) from None
    if not isinstance(data, dict):
        raise CliError(f"{where} must hold a JSON object of keys and values.")
    return data


def _values_from_options(arguments: list[str]) -> dict[str, str]:
    """`--key=value` options as a mapping; errors never repeat what was given."""
    values: dict[str, str] = {}
    for position, argument in enumerate(arguments, start=1):
        key, sign, value = argument.partition("=")
        if not key.startswith("--") or not sign or len(key) <= 2:
            raise CliError(
                f"Extra argument {position} is not of the form --key=value; give values as "
                "--key=value or with --values."
            )
        values[key[2:]] = value
    return values


def _collect(ctx: typer.Context, given: str | None) -> dict[str, Any]:
    values = _values_from_json(given)
    for key, value in _values_from_options(list(ctx.args)).items():
        if key in values:
            raise CliError(f"Key '{key}' is given twice.")
        values[key] = value
    return values


def secret_row(secret: Any, show_values: bool = False) -> dict[str, Any]:
    """A secret as JSON-ready fields; values only when asked for."""
    row: dict[str, Any] = {"name": secret.name, "id": str(secret.id), "keys": secret.keys}
    if show_values:
        row["values"] = secret.secret_values
    row["created"] = iso(secret.created)
    row["updated"] = iso(secret.updated)
    return row


@app.command("create", context_settings=_EXTRA)
def create_secret(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The new secret's name."),
    values: str | None = VALUES_OPTION,
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Create a secret: `stepwell secret create NAME --key=value ...` (or --values)."""
    from stepwell.client import Client

    collected = _collect(ctx, values)
    if not collected:
        raise CliError("Give the secret at least one value: --key=value or --values.")
    secret = Client().create_secret(name, collected)
    if output is OutputFormat.json:
        print_json(secret_row(secret))
        return
    say(f"Created secret '{secret.name}' with key(s): {', '.join(secret.keys)}.")


@app.command("list")
def list_secrets(
    name: str | None = typer.Option(
        None, "--name", help="Only secrets of this name (or e.g. 'contains:aws')."
    ),
    limit: int = SIZE_OPTION,
    page: int = PAGE_OPTION,
    sort_by: str | None = SORT_OPTION,
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """List secrets with their keys (never their values)."""
    from stepwell.client import Client

    secrets = Client().list_secrets(sort_by=sort_by or "created", page=page, size=limit, name=name)
    rows = [secret_row(secret) for secret in secrets]
    if output is OutputFormat.table:
        for row in rows:
            row["keys"] = ", ".join(row["keys"])
    show(
        rows,
        ["name", "keys", "id", "created"],
        output,
        page=secrets,
        empty=empty_text(
            "secrets",
            "No secrets yet; create one with `stepwell secret create NAME --key=value`.",
            name,
            page=secrets,
        ),
    )


@app.command("get")
def get_secret(
    name: str = NAME_ARGUMENT,
    show_values: bool = typer.Option(
        False, "--show-values", help="Print the values in the clear (they are masked otherwise)."
    ),
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Show a secret's keys; its values only with --show-values."""
    from stepwell.client import Client

    secret = Client().get_secret(name, allow_partial_name_match=False)
    if output is OutputFormat.json:
        print_json(secret_row(secret, show_values))
        return
    show_record(
        {k: v for k, v in secret_row(secret).items() if k != "keys"},
        output,
        f"Secret {secret.name}",
    )
    shown = secret.secret_values if show_values else dict.fromkeys(secret.keys, MASK)
    show([{"key": k, "value": v} for k, v in sorted(shown.items())], ["key", "value"], output)


@app.command("update", context_settings=_EXTRA)
def update_secret(
    ctx: typer.Context,
    name: str = NAME_ARGUMENT,
    values: str | None = VALUES_OPTION,
    remove_keys: list[str] = typer.Option([], "--remove-keys", "-r", help="A key to remove."),
    new_name: str | None = typer.Option(None, "--new-name", help="Rename the secret."),
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Add or change values (--key=value, --values), remove keys (-r KEY), rename."""
    from stepwell.client import Client

    collected = _collect(ctx, values)
    if not (collected or remove_keys or new_name):
        raise CliError("Nothing to change: give --key=value, --values, -r KEY or --new-name.")
    secret = Client().update_secret(
        name,
        new_name=new_name,
        add_or_update_values=collected or None,
        remove_values=remove_keys or None,
    )
    if output is OutputFormat.json:
        print_json(secret_row(secret))
        return
    say(f"Updated secret '{secret.name}'; its key(s): {', '.join(secret.keys) or 'none'}.")


@app.command("rename")
def rename_secret(
    name: str = NAME_ARGUMENT,
    new_name: str = typer.Argument(..., help="The new name."),
) -> None:
    """Rename a secret (components that reference the old name stop resolving)."""
    from stepwell.client import Client

    secret = Client().update_secret(name, new_name=new_name)
    say(f"Renamed secret to '{secret.name}'.")


@app.command("delete")
def delete_secret(
    name: str = NAME_ARGUMENT,
    yes: bool = typer.Option(False, "--yes", "-y", help="Don't ask for confirmation."),
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Delete a secret."""
    from stepwell.client import Client

    client = Client()
    secret = client.get_secret(name, allow_partial_name_match=False, hydrate=False)
    confirm_or_stop(f"Delete secret '{secret.name}'?", f"Deleting secret '{secret.name}'", yes=yes)
    client.delete_secret(secret.id)
    if output is OutputFormat.json:
        print_json({"deleted": "secret", "name": secret.name, "id": str(secret.id)})
        return
    say(f"Deleted secret '{secret.name}'.")
