"""What a plain run imports: not the CLI, not the server, not what only some runs use."""

import json
import subprocess
import sys
import textwrap

# Modules a 1-step run with default settings must not load: each is either for another
# entry point (the CLI, the server), or only for runs that ask for it.
NOT_ON_THE_RUN_PATH = [
    "typer",
    "rich",
    "fastapi",
    "httpx",
    "alembic",
    "stepwell.cli",
    "stepwell.server",
    "stepwell.config.docker_settings",
    "stepwell.orchestrators.ray_orchestrator",
    "difflib",
]

SCRIPT = """
    import json, sys
    from stepwell import pipeline, step

    @step
    def one() -> int:
        return 1

    @pipeline(enable_cache=False)
    def single():
        one()

    if __name__ == "__main__":
        assert single().status.value == "completed"
        print(json.dumps(sorted(m for m in {names!r} if m in sys.modules)))
"""


def test_a_plain_run_loads_neither_the_cli_nor_the_server_nor_optional_parts(tmp_path):
    script = tmp_path / "single.py"
    script.write_text(textwrap.dedent(SCRIPT.format(names=NOT_ON_THE_RUN_PATH)))
    loaded = []
    for _ in range(2):  # the first run creates the store (a migration: alembic); the second
        done = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path
        )
        assert done.returncode == 0, done.stderr
        loaded.append(json.loads(done.stdout.strip().splitlines()[-1]))
    assert loaded == [["alembic"], []]  # a warm store checks its version without alembic
