"""`stepwell secret ...`: values go in by options, JSON or a file, and come out only when asked."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from stepwell.cli.app import app
from stepwell.client import Client

VALUE = "pa55-CLI-VALUE"


@pytest.fixture
def cli():
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke


def test_create_from_options_then_list_and_get_show_keys_and_masks(cli):
    created = cli("secret", "create", "db", "--user=ann", f"--password={VALUE}")
    listed = cli("secret", "list")
    got = cli("secret", "get", "db")
    got_json = cli("secret", "get", "db", "-o", "json")

    assert created.exit_code == 0, created.output
    assert "Created secret 'db' with key(s): password, user." in created.stdout
    assert "password, user" in listed.stdout
    assert "****" in got.stdout
    assert json.loads(got_json.stdout)["keys"] == ["password", "user"]
    assert "values" not in json.loads(got_json.stdout)
    for result in (created, listed, got, got_json):
        assert VALUE not in result.output


def test_show_values_prints_them_in_the_table_and_in_json(cli):
    Client().create_secret("db", {"password": VALUE})

    table = cli("secret", "get", "db", "--show-values")
    data = json.loads(cli("secret", "get", "db", "--show-values", "-o", "json").stdout)

    assert VALUE in table.stdout
    assert data["values"] == {"password": VALUE}


def test_values_from_a_json_file_and_from_standard_input(cli, tmp_path):
    path = tmp_path / "values.json"
    path.write_text(json.dumps({"token": VALUE}))

    from_file = cli("secret", "create", "from-file", f"--values=@{path}")
    from_stdin = cli("secret", "create", "from-stdin", "--values", "@-", input='{"token": "x"}')

    assert from_file.exit_code == 0 and from_stdin.exit_code == 0
    assert Client().get_secret("from-file").secret_values == {"token": VALUE}
    assert Client().get_secret("from-stdin").secret_values == {"token": "x"}


def test_update_rename_and_delete(cli):
    Client().create_secret("db", {"user": "ann", "port": "5432"})

    updated = cli("secret", "update", "db", f"--password={VALUE}", "-r", "port")
    renamed = cli("secret", "rename", "db", "database")
    deleted = cli("secret", "delete", "database", "-y")

    assert "its key(s): password, user" in updated.stdout
    assert VALUE not in updated.output
    assert "Renamed secret to 'database'" in renamed.stdout
    assert "Deleted secret 'database'" in deleted.stdout
    assert Client().list_secrets().total == 0


def test_bad_input_is_refused_without_repeating_the_values(cli, tmp_path):
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"token": "' + VALUE)

    positional = cli("secret", "create", "db", f"password={VALUE}")
    broken = cli("secret", "create", "db", f"--values=@{bad_json}")
    empty = cli("secret", "create", "db")

    assert positional.exit_code == 1
    assert "not of the form --key=value" in positional.output
    assert broken.exit_code == 1
    assert "is not valid JSON (line 1" in broken.output
    assert "at least one value" in empty.output
    for result in (positional, broken):
        assert VALUE not in result.output
    assert Client().list_secrets().total == 0
