"""Working in a notebook, where most users start: each test drives a real Jupyter kernel.

Cell code lives in the kernel's temporary files, outside any source root; classes defined
in cells have no source that `inspect` can find; the kernel restarts while runs go on.
"""

import time

SETUP = """
    from stepwell import pipeline, step
    from stepwell.client import Client
"""


def test_changing_a_helper_in_another_cell_reruns_the_step(notebook):
    notebook.run(SETUP)
    notebook.run(
        """
        def factor():
            return 2
        """
    )
    notebook.run(
        """
        @step
        def scaled(value: int = 10) -> int:
            return value * factor()

        @pipeline
        def scaling():
            scaled()
        """
    )
    run_cell = """
        run = scaling()
        print(run.steps["scaled"].status.value, run.steps["scaled"].output.load())
    """
    assert notebook.run(run_cell).strip().endswith("completed 20")
    assert notebook.run(run_cell).strip().endswith("cached 20")
    # The user edits the helper's cell and runs only that cell, then the run cell.
    notebook.run(
        """
        def factor():
            return 3
        """
    )
    assert notebook.run(run_cell).strip().endswith("completed 30")
    # "Run All" with nothing changed since: the result is reused again.
    assert notebook.rerun_all().strip().endswith("cached 30")


def test_a_class_defined_in_a_cell_can_be_used_by_a_step_and_as_a_materializer(notebook):
    notebook.run(SETUP)
    notebook.run(
        """
        import json
        from stepwell.materializers.base_materializer import BaseMaterializer

        class Point:
            def __init__(self, x, y):
                self.x, self.y = x, y

            def norm(self):
                return (self.x ** 2 + self.y ** 2) ** 0.5

        class PointMaterializer(BaseMaterializer):
            ASSOCIATED_TYPES = (Point,)

            def save(self, point):
                with self.artifact_store.open(self.uri + "/point.json", "w") as handle:
                    json.dump([point.x, point.y], handle)

            def load(self, data_type):
                with self.artifact_store.open(self.uri + "/point.json") as handle:
                    return Point(*json.load(handle))

        @step(output_materializers=PointMaterializer)
        def make_point() -> Point:
            return Point(3, 4)

        @step
        def measure(point: Point) -> float:
            return point.norm()

        @pipeline
        def geometry():
            measure(make_point())
        """
    )
    out = notebook.run(
        """
        run = geometry()
        print(run.status.value, run.steps["measure"].output.load())
        """
    )
    assert out.strip().endswith("completed 5.0")
    # Changing the class's method changes the key of the steps that use it.
    notebook.run(
        """
        class Point(Point):
            def norm(self):
                return abs(self.x) + abs(self.y)
        """
    )
    out = notebook.run(
        """
        run = geometry()
        print(run.steps["measure"].status.value, run.steps["measure"].output.load())
        """
    )
    assert out.strip().endswith("completed 7")


def test_restarting_the_kernel_while_a_background_run_goes_on(notebook, tmp_path):
    flag = tmp_path / "release"
    notebook.run(SETUP)
    notebook.run(
        f"""
        @step(enable_cache=False)
        def wait_for_flag() -> int:
            import os, time
            deadline = time.monotonic() + 120
            while not os.path.exists({str(flag)!r}) and time.monotonic() < deadline:
                time.sleep(0.05)
            return 1

        @pipeline(settings={{"orchestrator": {{"synchronous": False}}}})
        def slow():
            wait_for_flag()

        run = slow()
        print(run.name)
        """
    )
    notebook.restart()  # fails with "Address already in use" if the run kept our sockets
    assert notebook.run("print(1 + 1)").strip() == "2"
    flag.write_text("go")
    notebook.run(SETUP)
    out = notebook.run(
        """
        (run,) = Client().list_pipeline_runs()
        print(Client().wait_for_pipeline_run(run.id, timeout=120).status.value)
        """
    )
    assert out.strip().endswith("completed")


def test_prints_of_parallel_steps_arrive_as_whole_lines(notebook):
    notebook.run(SETUP)
    out = notebook.run(
        """
        @step(enable_cache=False)
        def chatty(tag: str) -> None:
            for index in range(200):
                print(tag, "line", index, "end")

        @pipeline
        def chatter():
            for tag in "abcd":
                chatty(tag, id=f"chatty_{tag}")

        run = chatter()
        """
    )
    lines = [line for line in out.splitlines() if " line " in line]
    assert len(lines) == 800
    for line in lines:
        tag, word, index, end = line.split(" ")
        assert tag in "abcd" and word == "line" and end == "end", line


def test_a_steps_warning_is_shown_and_verbosity_is_read_when_a_run_starts(notebook):
    notebook.run(SETUP)
    notebook.run(
        """
        import logging

        @step(enable_cache=False)
        def warns() -> None:
            logging.getLogger("user.code").warning("careful: %s", "check me")

        @pipeline
        def warning_pipeline():
            warns()
        """
    )
    out = notebook.run("run = warning_pipeline()")
    assert "careful: check me" in out
    assert "Pipeline run" in out  # stepwell's own INFO lines
    out = notebook.run(
        """
        import os
        os.environ["STEPWELL_LOGGING_VERBOSITY"] = "ERROR"
        run = warning_pipeline()
        """
    )
    assert "careful: check me" in out
    assert "Pipeline run" not in out


def test_finished_workers_are_reaped_and_reprs_are_short(notebook):
    notebook.run(SETUP)
    notebook.run(
        """
        @step
        def one(i: int) -> int:
            return i

        @pipeline
        def wide():
            for i in range(6):
                one(i, id=f"one_{i}")

        run = wide()
        """
    )
    time.sleep(0.2)
    out = notebook.run(
        """
        import os
        zombies = []
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    stat = open(f"/proc/{pid}/stat").read()
                except OSError:
                    continue
                fields = stat.rsplit(")", 1)[1].split()
                if fields[0] == "Z" and int(fields[1]) == os.getpid():
                    zombies.append(pid)
        print("zombies", len(zombies))
        print(repr(run))
        print(repr(run.steps["one_0"]))
        """
    )
    assert "zombies 0" in out
    run_line, step_line = out.strip().splitlines()[-2:]
    assert run_line.startswith("<PipelineRunResponse wide-") and "completed" in run_line
    assert len(run_line) < 200 and len(step_line) < 200
    html_cell = notebook._notebook.cells[-1]
    notebook.run("run")
    html = notebook.html(notebook._notebook.cells[-1])
    assert "<table>" in html and "one_5" in html and html_cell is not None


def test_spawned_workers_run_steps_defined_in_cells(notebook):
    notebook.run(SETUP)
    notebook.run(
        """
        def offset():
            return 100

        @step(enable_cache=False)
        def in_worker(x: int) -> str:
            import os
            cmdline = open(f"/proc/{os.getpid()}/cmdline", "rb").read().replace(b"\\0", b" ")
            return f"{x + offset()} {cmdline.decode()}"

        @pipeline(settings={"orchestrator": {"start_method": "spawn"}})
        def spawned_from_cells():
            in_worker(1)
        """
    )
    out = notebook.run(
        """
        run = spawned_from_cells()
        print("VALUE", run.steps["in_worker"].output.load())
        """
    )
    value = next(line for line in out.splitlines() if line.startswith("VALUE "))
    assert value.startswith("VALUE 101 ") and "multiprocessing.spawn" in value
