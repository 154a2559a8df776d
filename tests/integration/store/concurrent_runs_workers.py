"""A pipeline and the process bodies of the concurrent runs test (importable by its children).

Each submitter process starts several background runs of `versioned_pipeline` at once; each
run writes a new version of the same three artifacts, so that every run's steps compete for
the next version numbers. A deleter process removes older runs meanwhile.

Each process registers a faulthandler dump of all its threads on SIGUSR1, written to a file
of the test's; the background run processes a submitter forks inherit it. So the test can
show where a process that never ended is stuck, before it fails.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import time
import traceback
from typing import Any

from stepwell import pipeline, step

RUN_SETTINGS = {"orchestrator": {"synchronous": False, "debug": True}}


@step
def load(seed: int) -> list[int]:
    return list(range(seed, seed + 5))


@step
def scale(values: list[int]) -> list[int]:
    return [value * 2 for value in values]


@step
def total(values: list[int]) -> int:
    return sum(values)


@pipeline(enable_cache=False, settings=RUN_SETTINGS)
def versioned_pipeline(seed: int) -> None:
    total(scale(load(seed)))


DUMP_SIGNAL = signal.SIGUSR1

_dump_file: Any = None  # kept open for the life of the process (and its forks)


def dump_stacks_on_signal(path: str) -> None:
    """On DUMP_SIGNAL, write every thread's stack to `path` (appended), in this process and
    in the processes it forks later (its background runs)."""
    global _dump_file
    _dump_file = open(path, "a")  # noqa: SIM115
    faulthandler.register(DUMP_SIGNAL, file=_dump_file, all_threads=True)


def _use_store(url: str) -> None:
    """Point this (forked) process at `url`, forgetting the store its parent had open."""
    os.environ["STEPWELL_STORE_URL"] = url
    from stepwell.store.active import reset_store

    reset_store()


def submit_runs(
    url: str, label: str, count: int, barrier: Any, results: Any, dump_path: str
) -> None:
    """Once every submitter is ready, start `count` background runs at once; report them."""
    try:
        dump_stacks_on_signal(dump_path)
        _use_store(url)
        barrier.wait(timeout=60)
        names = []
        for index in range(count):
            run = versioned_pipeline.with_options(run_name=f"{label}-{index}")(seed=index)
            names.append(run.name)
        results.put(("ok", os.getpid(), names))
    except BaseException:
        results.put(("error", os.getpid(), traceback.format_exc()))


def delete_runs(url: str, names: list[str], barrier: Any, results: Any, dump_path: str) -> None:
    """Once the submitters start, delete the runs `names` one by one; report how many went."""
    try:
        dump_stacks_on_signal(dump_path)
        _use_store(url)
        from stepwell.client import Client

        barrier.wait(timeout=60)
        client = Client()
        for name in names:
            client.delete_pipeline_run(name)
            time.sleep(0.01)  # spread the deletes over the round's writes
        results.put(("ok", os.getpid(), len(names)))
    except BaseException:
        results.put(("error", os.getpid(), traceback.format_exc()))
