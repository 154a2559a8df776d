"""`stepwell user ...`, `stepwell service-account ...` and `stepwell api-key ...`: the
accounts of a stepwell server (read layer).

Users log in with a password; service accounts log in with API keys. On a server, these
commands need the `admin` role (the server refuses others). Every rule is the Client's
(`stepwell.client.accounts`); this module asks for passwords without echoing them, renders,
and prints a new API key exactly once.
"""

from __future__ import annotations

import sys
from typing import Any

import typer

from stepwell.cli.confirm import confirm_or_stop
from stepwell.cli.errors import CliError
from stepwell.cli.output import (
    OUTPUT_OPTION,
    OutputFormat,
    iso,
    note,
    print_json,
    say,
    show,
    show_record,
)
from stepwell.cli.paging import PAGE_OPTION, SIZE_OPTION, SORT_OPTION, empty_text

users = typer.Typer(no_args_is_help=True)
service_accounts = typer.Typer(no_args_is_help=True)
api_keys = typer.Typer(no_args_is_help=True)

ROLE_HELP = "viewer (reads), member (reads and writes) or admin (also manages accounts)."
ACCOUNT_COLUMNS = ["name", "role", "active", "created", "id"]


def account_row(account: Any) -> dict[str, Any]:
    """A user or service account as JSON-ready fields."""
    return {
        "name": account.name,
        "id": str(account.id),
        "role": account.role,
        "active": account.active,
        "is_service_account": account.is_service_account,
        "created": iso(account.created),
        "updated": iso(account.updated),
    }


def key_row(key: Any, account: str) -> dict[str, Any]:
    """An API key's fields; the key itself only where the answer carries it."""
    row = {
        "name": key.name,
        "id": str(key.id),
        "service_account": account,
        "active": key.active,
        "created": iso(key.created),
        "last_used": iso(key.last_used),
    }
    if key.key is not None:
        row["key"] = key.key
    return row


def _client() -> Any:
    from stepwell.client import Client

    return Client()


def _read_password(given: str | None, from_stdin: bool, confirm: bool) -> str:
    """The password from --password, the first line of stdin, or a prompt (not echoed)."""
    if given is not None and from_stdin:
        raise CliError("Give --password or --password-stdin, not both.")
    if given is not None:
        return given
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CliError("--password-stdin read no password (the first line of stdin).")
        return password
    if not sys.stdin.isatty():  # getpass would warn and read the password visibly
        raise CliError(
            "There is no terminal to ask for the password; give it with --password-stdin "
            "(the first line of stdin) or --password."
        )
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=confirm))


PASSWORD_OPTION = typer.Option(
    None,
    "--password",
    metavar="PASSWORD",
    help="The password (visible in shell history; prefer the prompt).",
)
PASSWORD_STDIN_OPTION = typer.Option(
    False, "--password-stdin", metavar="", help="Read the password from the first line of stdin."
)
YES_OPTION = typer.Option(False, "--yes", "-y", metavar="", help="Don't ask for confirmation.")
# Meaningful placeholders in help: NAME, ROLE, ... rather than the Python types (`<str>`).
ACCOUNT_ARGUMENT = typer.Argument(..., metavar="NAME", help="Name, id or id prefix.")
ROLE_OPTION = typer.Option("member", "--role", metavar="ROLE", help=ROLE_HELP)


def _refuse_taken_name(client: Any, name: str) -> None:
    """Fail as creating would, if a user or service account is already named `name`."""
    from stepwell.exceptions import EntityExistsError

    if client.store.list_users(name=name, size=1).total:
        raise EntityExistsError(f"An account named '{name}' already exists.")


# -- users ---------------------------------------------------------------------------------------
@users.command("create")
def create_user(
    name: str = typer.Argument(..., metavar="NAME", help="The user's name."),
    role: str = ROLE_OPTION,
    password: str | None = PASSWORD_OPTION,
    password_stdin: bool = PASSWORD_STDIN_OPTION,
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Create a user (asks for the password unless given)."""
    client = _client()
    if password is None and not password_stdin:
        _refuse_taken_name(client, name)  # before asking for a password twice
    secret = _read_password(password, password_stdin, confirm=True)
    user = client.create_user(name, password=secret, role=role)
    if output is OutputFormat.json:
        print_json(account_row(user))
        return
    say(f"Created user '{user.name}' ({user.role}).")


@users.command("list")
def list_users(
    role: str | None = typer.Option(
        None, "--role", metavar="ROLE", help="Only users of this role."
    ),
    limit: int = SIZE_OPTION,
    page: int = PAGE_OPTION,
    sort_by: str | None = SORT_OPTION,
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """List users."""
    filters = {} if role is None else {"role": role}
    found = _client().list_users(sort_by=sort_by or "created", page=page, size=limit, **filters)
    empty = empty_text("users", "No users.", role, page=found)
    show([account_row(u) for u in found], ACCOUNT_COLUMNS, output, empty=empty)


@users.command("describe")
def describe_user(
    name: str = ACCOUNT_ARGUMENT,
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Show a user."""
    user = _client().get_user(name)
    show_record(account_row(user), output, title=f"User {user.name}")


@users.command("update")
def update_user(
    name: str = ACCOUNT_ARGUMENT,
    role: str | None = typer.Option(None, "--role", metavar="ROLE", help=ROLE_HELP),
    active: bool | None = typer.Option(
        None, "--active/--inactive", metavar="", help="Let the user log in, or stop them."
    ),
    password: str | None = PASSWORD_OPTION,
    password_stdin: bool = PASSWORD_STDIN_OPTION,
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Change a user's role, password or whether they may log in."""
    secret = None
    if password is not None or password_stdin:
        secret = _read_password(password, password_stdin, confirm=False)
    if role is None and active is None and secret is None:
        raise CliError("Nothing to change: give --role, --active/--inactive or a password.")
    user = _client().update_user(name, updated_password=secret, active=active, role=role)
    if output is OutputFormat.json:
        print_json(account_row(user))
        return
    state = "active" if user.active else "inactive"
    say(f"Updated user '{user.name}': {user.role}, {state}.")


@users.command("delete")
def delete_user(name: str = ACCOUNT_ARGUMENT, yes: bool = YES_OPTION) -> None:
    """Delete a user."""
    client = _client()
    user = client.get_user(name)
    confirm_or_stop(f"Delete user '{user.name}'?", f"Deleting user '{user.name}'", yes=yes)
    client.delete_user(user.id)
    say(f"Deleted user '{user.name}'.")


# -- service accounts ----------------------------------------------------------------------------
@service_accounts.command("create")
def create_service_account(
    name: str = typer.Argument(..., metavar="NAME", help="The service account's name."),
    role: str = ROLE_OPTION,
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Create a service account; give it a key with `stepwell api-key create`."""
    account = _client().create_service_account(name, role=role)
    if output is OutputFormat.json:
        print_json(account_row(account))
        return
    say(f"Created service account '{account.name}' ({account.role}).")
    note(f"Give it an API key with: stepwell api-key create {account.name} KEY_NAME")


@service_accounts.command("list")
def list_service_accounts(
    limit: int = SIZE_OPTION,
    page: int = PAGE_OPTION,
    sort_by: str | None = SORT_OPTION,
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """List service accounts."""
    found = _client().list_service_accounts(sort_by=sort_by or "created", page=page, size=limit)
    show(
        [account_row(a) for a in found],
        ACCOUNT_COLUMNS,
        output,
        empty=empty_text(
            "service accounts",
            "No service accounts; make one with `stepwell service-account create NAME`.",
            page=found,
        ),
    )


@service_accounts.command("delete")
def delete_service_account(name: str = ACCOUNT_ARGUMENT, yes: bool = YES_OPTION) -> None:
    """Delete a service account and its API keys."""
    client = _client()
    account = client.get_service_account(name)
    confirm_or_stop(
        f"Delete service account '{account.name}' and its API keys?",
        f"Deleting service account '{account.name}'",
        yes=yes,
    )
    client.delete_service_account(account.id)
    say(f"Deleted service account '{account.name}'.")


# -- API keys ------------------------------------------------------------------------------------
SERVICE_ACCOUNT_ARGUMENT = typer.Argument(
    ..., metavar="SERVICE_ACCOUNT", help="The service account's name, id or id prefix."
)


@api_keys.command("create")
def create_api_key(
    service_account: str = SERVICE_ACCOUNT_ARGUMENT,
    name: str = typer.Argument(..., metavar="KEY_NAME", help="A name for the key, e.g. 'ci'."),
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Create an API key; it is shown once, now, and cannot be shown again."""
    client = _client()
    account = client.get_service_account(service_account)
    key = client.create_api_key(account.id, name)
    if output is OutputFormat.json:
        print_json(key_row(key, account.name))
        return
    say(f"Created API key '{key.name}' of '{account.name}':")
    say(str(key.key))
    note(
        "Copy it now: it cannot be shown again. Log in with "
        "`stepwell login URL --api-key KEY`, or set STEPWELL_SERVER_URL and STEPWELL_API_KEY."
    )


@api_keys.command("list")
def list_api_keys(
    service_account: str = SERVICE_ACCOUNT_ARGUMENT,
    limit: int = SIZE_OPTION,
    page: int = PAGE_OPTION,
    sort_by: str | None = SORT_OPTION,
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """List a service account's API keys (never the keys themselves)."""
    client = _client()
    account = client.get_service_account(service_account)
    found = client.list_api_keys(account.id, sort_by=sort_by or "created", page=page, size=limit)
    show(
        [key_row(k, account.name) for k in found],
        ["name", "active", "created", "last_used", "id"],
        output,
        empty=empty_text("API keys", f"'{account.name}' has no API keys.", page=found),
    )


@api_keys.command("revoke")
def revoke_api_key(
    service_account: str = SERVICE_ACCOUNT_ARGUMENT,
    key: str = typer.Argument(..., metavar="KEY_NAME", help="The key's name, id or id prefix."),
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Revoke an API key: no new logins with it (tokens it got expire within minutes)."""
    client = _client()
    account = client.get_service_account(service_account)
    revoked = client.revoke_api_key(account.id, key)
    if output is OutputFormat.json:
        print_json(key_row(revoked, account.name))
        return
    say(f"Revoked API key '{revoked.name}' of '{account.name}'.")
