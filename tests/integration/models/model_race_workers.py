"""A pipeline with a model and the process bodies of the model race tests (importable by
their forked children).

Each process connects, waits at a barrier, then does one thing at the same moment as the
others: run `racing_training` (which makes the next version of model `racing`), run
`shared_version_training` (which makes or finds version `shared`), ask for version
`shared` with `Model(...)` outside a run, or promote one version of `racing` to production
with `force=True`. It reports what it saw on a queue.
"""

from __future__ import annotations

import os
import traceback
from typing import Annotated, Any

from stepwell import Model, get_step_context, pipeline, step

MODEL = "racing"


@step(enable_cache=False)
def seen_number() -> Annotated[int, "seen_number"]:
    return get_step_context().model.number


@pipeline(model=Model(name=MODEL), settings={"orchestrator": {"debug": True}})
def racing_training() -> None:
    seen_number()


@pipeline(model=Model(name=MODEL, version="shared"), settings={"orchestrator": {"debug": True}})
def shared_version_training() -> None:
    seen_number()


def _use_store(url: str) -> None:
    """Point this (forked) process at `url`, forgetting the store its parent had open, and
    connect now, so that the processes meet at the database together after the barrier."""
    os.environ["STEPWELL_STORE_URL"] = url
    from stepwell.store.active import get_store, reset_store

    reset_store()
    get_store().list_models(size=1)


def run_training(url: str, named: bool, barrier: Any, results: Any) -> None:
    """Once every process is ready, run a pipeline (the one that names version `shared` if
    `named`); report the run's id."""
    try:
        _use_store(url)
        barrier.wait(timeout=60)
        run = shared_version_training() if named else racing_training()
        results.put(("ok", os.getpid(), str(run.id)))
    except BaseException:
        results.put(("error", os.getpid(), traceback.format_exc()))


def resolve_shared(url: str, barrier: Any, results: Any) -> None:
    """Once every process is ready, ask for version `shared` outside a run (made on first
    use); report its id."""
    try:
        _use_store(url)
        wanted = Model(name=MODEL, version="shared")
        barrier.wait(timeout=60)
        results.put(("ok", os.getpid(), str(wanted.id)))
    except BaseException:
        results.put(("error", os.getpid(), traceback.format_exc()))


def promote(url: str, number: int, barrier: Any, results: Any) -> None:
    """Once every process is ready, force version `number` into production."""
    try:
        _use_store(url)
        from stepwell.client import Client

        client = Client()
        barrier.wait(timeout=60)
        client.update_model_version(MODEL, number, stage="production", force=True)
        results.put(("ok", os.getpid(), number))
    except BaseException:
        results.put(("error", os.getpid(), traceback.format_exc()))
