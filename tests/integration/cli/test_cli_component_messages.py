"""What the component commands say to people: types in words ("artifact store", while JSON
and `--type` keep `artifact_store`), and, when a stack still uses a component, the CLI
commands that free it (the Python error names the Client method instead)."""

import pytest

from stepwell.client import Client
from stepwell.exceptions import EntityInUseError


def test_messages_name_the_type_in_words_and_json_keeps_the_identifier(cli, cli_json):
    registered = cli("artifact-store", "register", "files", "-f", "local", "path=/tmp/files")
    assert registered.stdout.strip() == "Registered artifact store 'files' (flavor local)."
    assert cli_json("artifact-store", "describe", "files")["type"] == "artifact_store"

    updated = cli("stack", "component", "update", "files", "path=/tmp/other", "-n", "data")
    assert updated.stdout.strip() == (
        "Renamed artifact store 'files' to 'data'. Updated artifact store 'data': path."
    )
    assert cli("stack", "register", "lab", "-o", "default", "-a", "default").exit_code == 0
    swapped = cli("stack", "update", "lab", "-a", "data")
    assert swapped.stdout.strip() == "Updated stack 'lab': artifact store 'data'."
    assert cli("stack", "update", "lab", "-a", "default").exit_code == 0

    deleted = cli("artifact-store", "delete", "data", "-y")
    assert deleted.stdout.strip() == "Deleted artifact store 'data'."


def test_deleting_a_component_in_use_suggests_the_cli_commands_that_free_it(cli):
    assert cli("orchestrator", "register", "fast", "-f", "local").exit_code == 0
    assert cli("stack", "register", "lab", "-o", "fast", "-a", "default").exit_code == 0

    refused = cli("orchestrator", "delete", "fast", "-y")

    assert refused.exit_code == 1
    message = " ".join(refused.stderr.split())
    assert "update_stack" not in message
    assert (
        "The orchestrator 'fast' is part of stack(s) lab; take it out with "
        "`stepwell stack update lab -o OTHER` or delete the stack with "
        "`stepwell stack delete lab`, then delete the orchestrator again."
    ) in message
    # The suggested command, followed, frees the component.
    assert cli("stack", "update", "lab", "-o", "default").exit_code == 0
    assert cli("orchestrator", "delete", "fast", "-y").exit_code == 0


def test_an_alerter_in_use_by_several_stacks_is_removed_with_remove_alerter(cli):
    assert cli("alerter", "register", "chat", "-f", "log").exit_code == 0
    for stack in ("lab", "prod"):
        registered = cli("stack", "register", stack, "-o", "default", "-a", "default")
        assert registered.exit_code == 0
        assert cli("stack", "update", stack, "--alerter", "chat").exit_code == 0

    refused = cli("alerter", "delete", "chat", "-y")

    message = " ".join(refused.stderr.split())
    assert "part of stack(s) lab, prod" in message
    assert "`stepwell stack update STACK --remove-alerter`" in message
    assert "`stepwell stack delete STACK`" in message


def test_the_default_stack_is_not_suggested_for_deletion(cli):
    assert cli("alerter", "register", "chat", "-f", "log").exit_code == 0
    assert cli("stack", "update", "default", "--alerter", "chat").exit_code == 0

    message = " ".join(cli("alerter", "delete", "chat", "-y").stderr.split())

    assert "`stepwell stack update default --remove-alerter`" in message
    assert "stack delete" not in message


def test_the_python_error_still_names_the_client_method(cli):
    assert cli("orchestrator", "register", "fast", "-f", "local").exit_code == 0
    assert cli("stack", "register", "lab", "-o", "fast", "-a", "default").exit_code == 0

    with pytest.raises(EntityInUseError, match=r"part of stack\(s\) lab.*update_stack"):
        Client().delete_stack_component("fast", "orchestrator")
