"""`stepwell run --param ... --config ...`: a parameter set both ways to different values."""

from cli_helpers import target

from stepwell.client import Client


def test_a_param_the_config_file_sets_otherwise_fails_before_any_run(cli, tmp_path):
    config = tmp_path / "run.yaml"
    config.write_text("parameters:\n  value: 2\n")
    result = cli("run", target("arithmetic"), "--param", "value=1", "--config", str(config))
    assert result.exit_code == 1
    error = result.stderr
    assert error.startswith("Error: ")
    assert "value" in error and str(config) in error and "one place" in error
    assert Client().list_pipeline_runs() == []
