"""The CLI's list commands page and sort through the Client's list calls."""

from cli_helpers import target


def test_runs_list_pages_and_sorts(cli, cli_json):
    for value in ("1", "2", "3"):
        result = cli("run", target("arithmetic"), "--param", f"value={value}")
        assert result.exit_code == 0, result.output

    newest_first = [row["name"] for row in cli_json("pipeline", "runs", "list")]
    assert len(newest_first) == 3
    oldest = cli_json("pipeline", "runs", "list", "--sort-by", "asc:created", "--size", "1")
    assert [row["name"] for row in oldest] == [newest_first[-1]]
    second = cli_json("pipeline", "runs", "list", "--size", "1", "--page", "2")
    assert [row["name"] for row in second] == [newest_first[1]]


def test_a_bad_sort_field_exits_1_naming_the_valid_ones(cli, finished_run):
    result = cli("pipeline", "runs", "list", "--sort_by", "desc:speed")
    assert result.exit_code == 1
    assert "Cannot sort by 'speed'; sort by one of: created, duration" in result.stderr
    assert "is_unlisted" not in result.stderr  # a filter behind include_unlisted only


def test_pipelines_and_artifacts_lists_take_the_same_options(cli_json, finished_run):
    assert [row["name"] for row in cli_json("pipeline", "list", "--sort-by", "desc:name")] == [
        "arithmetic"
    ]
    artifacts = cli_json("artifact", "list", "--sort-by", "desc:name", "--size", "1")
    assert [row["name"] for row in artifacts] == ["arithmetic::scale::output"]
    assert artifacts[0]["versions"] == 1
