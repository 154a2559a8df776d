"""Models in dynamic pipelines, spawned workers and single steps.

A dynamic pipeline adds steps as it runs, so a step with a model of its own resolves its
version when it is first launched; spawned workers get the run's versions with their
context. Each step reports what its own process saw.
"""

from __future__ import annotations

import os
from typing import Annotated

from stepwell import Model, get_step_context, pipeline, step
from stepwell.client import Client


@step(enable_cache=False)
def number_and_pid(label: str) -> Annotated[dict, "seen"]:
    model = get_step_context().model
    return {"label": label, "model": model.name, "number": model.number, "pid": os.getpid()}


@pipeline(dynamic=True, model=Model(name="dyn"))
def dynamic_training():
    for label in ("a", "b"):
        number_and_pid(label)
    number_and_pid.with_options(model=Model(name="dyn_side"))("side")


def test_a_dynamic_pipeline_s_steps_use_the_run_s_versions():
    run = Client().get_pipeline_run(dynamic_training().id)
    seen = sorted(
        (step.output.load() for step in run.steps.values()), key=lambda item: item["label"]
    )
    assert [(s["label"], s["model"], s["number"]) for s in seen] == [
        ("a", "dyn", 1),
        ("b", "dyn", 1),
        ("side", "dyn_side", 1),
    ]
    assert all(s["pid"] != os.getpid() for s in seen)  # they ran in workers
    assert run.model_version.model_name == "dyn"
    side = Client().get_model_version("dyn_side", 1)
    assert [
        link.pipeline_run.id
        for link in Client().list_model_version_pipeline_run_links(model_version_id=side.id)
    ] == [run.id]
    assert len(Client().get_model_version("dyn", 1).data_artifacts["seen"]) == 2


@pipeline(model=Model(name="spawned"), settings={"orchestrator": {"start_method": "spawn"}})
def spawned_training():
    number_and_pid("spawned")


def test_spawned_workers_see_the_run_s_model_version():
    first = Client().get_pipeline_run(spawned_training().id)
    second = Client().get_pipeline_run(spawned_training().id)
    for run, number in ((first, 1), (second, 2)):
        seen = run.steps["number_and_pid"].output.load()
        assert (seen["model"], seen["number"]) == ("spawned", number)
        assert seen["pid"] != os.getpid()


@step(model=Model(name="alone"), enable_cache=False)
def single() -> int:
    return get_step_context().model.number


def test_a_single_step_call_with_a_model_makes_a_version():
    assert single() == 1
    assert single() == 2
    assert [v.number for v in Client().list_model_versions("alone")] == [1, 2]
