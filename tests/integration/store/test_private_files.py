"""stepwell's files are private whatever the umask, and a planted project folder is ignored."""

import os
import stat
import subprocess
import sys
import textwrap

import pytest

PROBE = """
    import os, sys
    os.umask(0)  # the most permissive umask: nothing private by accident
    from stepwell import pipeline, step

    @step
    def one() -> int:
        print("output that goes to the step's log")
        return 1

    @pipeline
    def private():
        one()

    private()
"""


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_home_database_and_logs_are_private_whatever_the_umask(tmp_path):
    home = tmp_path / "home"
    script = tmp_path / "probe.py"
    script.write_text(textwrap.dedent(PROBE))
    env = {**os.environ, "STEPWELL_HOME": str(home)}
    subprocess.run([sys.executable, str(script)], env=env, check=True, timeout=120)
    assert _mode(home) == 0o700
    database = home / "stepwell.db"
    assert _mode(database) == 0o600
    for sidecar in (home / "stepwell.db-wal", home / "stepwell.db-shm"):
        if sidecar.exists():
            assert _mode(sidecar) == 0o600, sidecar
    artifact_files = [
        path
        for path in (home / "artifacts").rglob("*")
        if path.is_file() and "logs" not in path.parts
    ]
    assert artifact_files and all(_mode(path) == 0o600 for path in artifact_files)
    logs = list((home / "artifacts" / "logs").rglob("*.log"))
    assert logs, "the step printed, so it has a log"
    assert all(_mode(log) == 0o600 for log in logs)
    assert all(_mode(log.parent) == 0o700 for log in logs)


def test_stepwell_init_makes_a_private_project_folder(tmp_path):
    env = {**os.environ}
    env.pop("STEPWELL_HOME", None)
    command = (
        "import os, sys; os.umask(0); from stepwell.cli import main; "
        "sys.argv = ['stepwell', 'init']; main()"
    )
    subprocess.run([sys.executable, "-c", command], cwd=tmp_path, env=env, timeout=60)
    assert _mode(tmp_path / ".stepwell") == 0o700


def test_a_project_folder_others_may_write_to_is_ignored(tmp_path, monkeypatch, stepwell_logs):
    from stepwell.config import environment

    planted = tmp_path / "shared" / ".stepwell"
    planted.mkdir(parents=True)
    os.chmod(planted, 0o777)
    monkeypatch.chdir(tmp_path / "shared")
    assert environment.find_project_folder() is None
    assert "Ignoring the project folder" in stepwell_logs.text
    assert "others may write to it (mode 777)" in stepwell_logs.text
    os.chmod(planted, 0o700)
    assert environment.find_project_folder() == planted.resolve()


@pytest.mark.skipif(os.geteuid() != 0, reason="making a folder owned by another user needs root")
def test_a_project_folder_owned_by_another_user_is_ignored(tmp_path, monkeypatch):
    from stepwell.config import environment

    planted = tmp_path / "shared" / ".stepwell"
    planted.mkdir(parents=True, mode=0o755)
    os.chown(planted, 65534, 65534)
    monkeypatch.chdir(tmp_path / "shared")
    monkeypatch.delenv("STEPWELL_HOME")
    assert environment.find_project_folder() is None
    assert ".stepwell" not in str(environment.home_folder())


def test_a_snapshot_code_archive_is_private(user_module, stepwell_home):
    module = user_module(
        """
        from stepwell import pipeline, step

        @step
        def one() -> int:
            return 1

        @pipeline
        def archived():
            one()
        """,
        "archived_pipeline",
    )
    old = os.umask(0)
    try:
        snapshot = module.archived.create_snapshot(name="private")
    finally:
        os.umask(old)
    assert _mode(snapshot.code_uri) == 0o600
    assert _mode(os.path.dirname(snapshot.code_uri)) == 0o700
