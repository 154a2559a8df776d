"""`stack component describe` shows every configuration field in its table, mappings too
(compact JSON, secret values still masked)."""

from __future__ import annotations


def test_a_mapping_field_is_shown_in_the_table_with_its_values_masked(cli):
    registered = cli(
        "stack",
        "component",
        "register",
        "hook",
        "-t",
        "alerter",
        "-f",
        "webhook",
        "url=https://example.com/hook",
        'headers={"Authorization": "Bearer abc123"}',
    )
    assert registered.exit_code == 0, registered.output

    for command in (("stack", "component", "describe", "hook"), ("alerter", "describe", "hook")):
        shown = cli(*command)
        assert shown.exit_code == 0, shown.output
        line = next(x for x in shown.stdout.splitlines() if x.startswith("config headers"))
        assert line.split(None, 2)[2] == '{"Authorization": "****"}'
        assert "abc123" not in shown.stdout
