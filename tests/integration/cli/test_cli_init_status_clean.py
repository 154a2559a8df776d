"""`stepwell init`, `stepwell status` and `stepwell clean`."""

from cli_helpers import target

from stepwell.client import Client


def test_init_creates_a_project_folder_that_holds_the_store(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("STEPWELL_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "user-data"))
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    result = cli("init")
    assert result.exit_code == 0, result.output
    assert (project / ".stepwell").is_dir()
    assert (project / ".stepwell" / "stepwell.db").is_file()
    status = cli("status", "-o", "json")
    assert status.exit_code == 0, status.output
    import json

    fields = json.loads(status.stdout)
    assert fields["home"] == str(project / ".stepwell")
    assert fields["home_from"] == "project folder (stepwell init)"
    assert fields["store_url"] == f"sqlite:///{project / '.stepwell' / 'stepwell.db'}"
    assert not (tmp_path / "user-data").exists()


def test_init_twice_is_harmless(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("STEPWELL_HOME")
    monkeypatch.chdir(tmp_path)
    assert cli("init").exit_code == 0
    again = cli("init")
    assert again.exit_code == 0
    assert "already exists" in again.stderr


def test_init_warns_when_stepwell_home_wins(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("init")
    assert result.exit_code == 0
    assert (tmp_path / ".stepwell").is_dir()
    assert "STEPWELL_HOME is set" in result.stderr


def test_status_counts_pipelines_runs_and_artifacts(cli_json, finished_run, stepwell_home):
    fields = cli_json("status")
    assert fields["home"] == str(stepwell_home)
    assert fields["home_from"] == "STEPWELL_HOME"
    assert fields["active_stack"] == "default"
    assert fields["artifact_store"] == str(stepwell_home / "artifacts")
    assert (fields["pipelines"], fields["runs"], fields["artifacts"]) == (1, 1, 2)


def test_status_table(cli, stepwell_home):
    result = cli("status")
    assert result.exit_code == 0, result.output
    assert "active stack" in result.stdout and "default" in result.stdout
    assert str(stepwell_home) in result.stdout


def test_clean_with_yes_deletes_store_and_artifacts(cli, cli_json, finished_run, stepwell_home):
    assert (stepwell_home / "artifacts").is_dir()
    result = cli("clean", "--yes")
    assert result.exit_code == 0, result.output
    assert not (stepwell_home / "stepwell.db").exists()
    assert not (stepwell_home / "artifacts").exists()
    assert cli_json("status")["runs"] == 0


def test_clean_without_a_terminal_needs_yes_and_keeps_everything(cli, finished_run, stepwell_home):
    result = cli("clean", input="y\n")
    assert result.exit_code == 1
    assert "needs confirmation; pass -y (--yes)" in result.stderr
    assert (stepwell_home / "stepwell.db").exists()
    assert [run.name for run in Client().list_pipeline_runs()] == [finished_run]


def test_clean_refuses_a_store_outside_the_home(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("STEPWELL_STORE_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    result = cli("clean", "--yes")
    assert result.exit_code == 1
    assert "STEPWELL_STORE_URL" in result.stderr


def test_a_run_after_clean_starts_a_fresh_store(cli, cli_json, finished_run):
    assert cli("clean", "--yes").exit_code == 0
    assert cli("run", target("arithmetic")).exit_code == 0
    assert cli_json("status")["runs"] == 1
