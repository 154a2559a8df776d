"""Workers started by spawn (a fresh interpreter, as on systems without fork).

Forced here on Linux with the orchestrator setting `start_method: spawn`. Each test takes its
evidence from the worker itself: its command line shows multiprocessing's spawn entry point.
"""

import os
import subprocess
import sys
import textwrap

from stepwell.client import Client
from stepwell.enums import ExecutionStatus

SCRIPT = """
    import json
    import os
    from pathlib import Path

    from stepwell import pipeline, step, unmapped
    from stepwell.materializers.base_materializer import BaseMaterializer

    # No `if __name__ == "__main__":` guard: a spawned worker must not run this file again.
    with open("imports.log", "a") as log:
        log.write(f"{os.getpid()}\\n")
    print("PID", os.getpid(), flush=True)


    class Pair:
        def __init__(self, a, b):
            self.a, self.b = a, b


    class PairMaterializer(BaseMaterializer):
        ASSOCIATED_TYPES = (Pair,)

        def save(self, pair):
            with self.artifact_store.open(self.uri + "/pair.json", "w") as handle:
                json.dump([pair.a, pair.b], handle)

        def load(self, data_type):
            with self.artifact_store.open(self.uri + "/pair.json") as handle:
                return Pair(*json.load(handle))


    def record_success():
        Path("hook.log").write_text(str(os.getpid()))


    def scale(value):
        return value * 3


    @step(on_success=record_success)
    def make_pair() -> Pair:
        return Pair(2, 5)


    @step
    def describe(pair: Pair) -> dict:
        cmdline = Path(f"/proc/{os.getpid()}/cmdline").read_bytes().replace(b"\\0", b" ")
        return {"sum": scale(pair.a + pair.b), "pid": os.getpid(), "cmdline": cmdline.decode()}


    @pipeline(settings={"orchestrator": {"start_method": "spawn"}}, enable_cache=False)
    def spawned():
        describe(make_pair())


    @step
    def square(x: int, offset: int) -> int:
        return x * x + offset


    @pipeline(
        dynamic=True, settings={"orchestrator": {"start_method": "spawn"}}, enable_cache=False
    )
    def spawned_map():
        square.map(x=[1, 2, 3], offset=unmapped(1))


    run = spawned()
    print("RESULT", json.dumps(run.steps["describe"].output.load()))
    mapped = spawned_map()
    print("MAPPED", sorted(s.output.load() for s in mapped.steps.values()))
"""


def test_spawned_workers_run_steps_hooks_and_materializers_from_a_script(stepwell_home, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "flow.py").write_text(textwrap.dedent(SCRIPT))
    env = {**os.environ, "STEPWELL_HOME": str(stepwell_home)}
    result = subprocess.run(
        [sys.executable, "flow.py"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("RESULT "))
    import json

    value = json.loads(line.removeprefix("RESULT "))
    assert value["sum"] == 21  # Pair and scale() reached the worker, by value
    assert "multiprocessing.spawn" in value["cmdline"]  # a fresh interpreter, not a fork
    # The script ran once, in its own process: never again in a worker.
    assert (project / "imports.log").read_text().split() == [str(result_pid(result))]
    hook_pid = int((project / "hook.log").read_text())
    assert hook_pid != result_pid(result)  # the hook ran in the spawned worker, by value
    assert "MAPPED [2, 5, 10]" in result.stdout
    runs = Client().list_pipeline_runs(size=10)
    assert sorted(r.pipeline_name for r in runs) == ["spawned", "spawned_map"]
    assert all(r.status is ExecutionStatus.COMPLETED for r in runs)


def result_pid(result) -> int:
    """The script's own pid, as it printed it."""
    for line in result.stdout.splitlines():
        if line.startswith("PID "):
            return int(line.split()[1])
    raise AssertionError("the script did not print its pid")


MODULE = """
    import os

    from stepwell import pipeline, step

    @step
    def where() -> str:
        return open(f"/proc/{os.getpid()}/cmdline", "rb").read().replace(b"\\0", b" ").decode()

    @pipeline(settings={"orchestrator": {"start_method": "spawn"}}, enable_cache=False)
    def importable():
        where()

    # A pipeline call at module level: loading this module in a worker must not run it.
    importable()
"""


def test_spawned_workers_import_steps_by_reference_without_running_the_module(user_module):
    module = user_module(MODULE, "spawn_module")  # importing it runs one pipeline, here
    run = module.importable()
    assert "multiprocessing.spawn" in run.steps["where"].output.load()
    # Two runs: the import's and the explicit call's. The worker's import ran none.
    assert len(Client().list_pipeline_runs(size=10)) == 2
