"""Caching end to end: switches and their precedence, invalidation rules, policies, misses."""

import itertools
import os

import pytest

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.config.cache_policy import CachePolicy
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import CachePolicyError

CACHED, COMPLETED = ExecutionStatus.CACHED, ExecutionStatus.COMPLETED


@step
def number(value: int = 3) -> int:
    return value


@step
def double(x: int) -> int:
    return 2 * x


@pipeline
def simple(value: int = 3):
    double(number(value=value))


def statuses(run):
    return {name: step_run.status for name, step_run in run.steps.items()}


def test_second_identical_run_is_all_cached_and_links_the_original():
    first = simple()
    second = simple()
    assert set(statuses(second).values()) == {CACHED}
    original = first.steps["double"]
    reused = second.steps["double"]
    assert reused.original_step_run_id == original.id
    assert reused.outputs["output"][0].id == original.outputs["output"][0].id
    assert reused.cache_key == original.cache_key


def test_a_parameter_change_is_a_miss_and_downstream_reruns_only_if_content_changes():
    simple(value=3)
    run = simple(value=4)
    assert statuses(run) == {"number": COMPLETED, "double": COMPLETED}


@step(enable_cache=False)
def uncached_number() -> int:
    return 5


@pipeline
def upstream_reruns():
    double(uncached_number())


def test_identical_upstream_result_from_a_new_run_is_a_hit_downstream():
    upstream_reruns()
    run = upstream_reruns()
    assert statuses(run) == {"uncached_number": COMPLETED, "double": CACHED}


def test_environment_and_settings_changes_are_misses():
    simple()
    run = simple.with_options(environment={"SEED": "1"})()
    assert statuses(run)["double"] is COMPLETED
    run = simple.with_options(settings={"resources": {"cpu_count": 2}})()
    assert statuses(run)["double"] is COMPLETED


def test_a_different_artifact_store_is_a_miss(monkeypatch, tmp_path):
    simple()
    monkeypatch.setenv("STEPWELL_ARTIFACT_STORE_PATH", str(tmp_path / "other-artifacts"))
    assert statuses(simple())["double"] is COMPLETED


@pytest.mark.parametrize(
    ("step_setting", "pipeline_setting", "cached"),
    [
        (s, p, s if s is not None else (p if p is not None else True))
        for s, p in itertools.product((None, True, False), repeat=2)
    ],
)
def test_a_steps_own_setting_wins_over_the_pipelines(step_setting, pipeline_setting, cached):
    @step
    def leaf() -> int:
        return 1

    configured = leaf if step_setting is None else leaf.with_options(enable_cache=step_setting)

    @pipeline(name=f"precedence_{step_setting}_{pipeline_setting}")
    def p():
        configured()

    runnable = p if pipeline_setting is None else p.with_options(enable_cache=pipeline_setting)
    runnable()
    run = runnable()
    assert (run.steps["leaf"].status is CACHED) is cached


def test_configure_on_step_and_pipeline_switches_caching():
    @step
    def leaf2() -> int:
        return 1

    @pipeline
    def configured_pipeline():
        leaf2()

    configured_pipeline()
    configured_pipeline.configure(enable_cache=False)
    assert configured_pipeline().steps["leaf2"].status is COMPLETED
    leaf2.configure(enable_cache=True)  # the step's own setting wins again
    assert configured_pipeline().steps["leaf2"].status is CACHED


def test_missing_bytes_make_a_miss_not_a_crash():
    first = simple()
    uri = first.steps["double"].outputs["output"][0].uri
    import shutil

    shutil.rmtree(uri)
    run = simple()
    assert statuses(run) == {"number": CACHED, "double": COMPLETED}
    assert run.steps["double"].output.load() == 6


def record_success():
    with open(os.environ["STEPWELL_TEST_HOOK_LOG"], "a") as handle:
        handle.write("success\n")


@step(on_success=record_success)
def hooked() -> int:
    return 1


@pipeline
def hooked_pipeline():
    hooked()


def test_a_cache_hit_does_not_fire_hooks(tmp_path, monkeypatch):
    log = tmp_path / "hooks.log"
    monkeypatch.setenv("STEPWELL_TEST_HOOK_LOG", str(log))
    hooked_pipeline()
    assert statuses(hooked_pipeline())["hooked"] is CACHED
    assert log.read_text().splitlines() == ["success"]


def test_single_step_calls_use_the_cache():
    assert double(4) == 8
    assert double(4) == 8
    runs = Client().list_pipeline_runs(pipeline_name="double")
    assert [r.steps["double"].status for r in runs] == [CACHED, COMPLETED]


def test_the_client_explains_a_miss():
    first = simple(value=3)
    second = simple(value=4)
    reasons = Client().explain_cache_miss(first.steps["number"], second.steps["number"])
    assert reasons == ["parameter 'value': 3 -> 4"]
    reasons = Client().explain_cache_miss(first.steps["double"], second.steps["double"])
    assert reasons == ["input 'x': artifact 'simple::number::output' version 1 -> version 2"]


# -- cache policies ---------------------------------------------------------------------------


def test_policy_without_parameters_ignores_parameter_changes():
    @step(cache_policy=CachePolicy(include_step_parameters=False))
    def loose(value: int = 1) -> int:
        return value

    @pipeline
    def loose_pipeline(value: int = 1):
        loose(value=value)

    loose_pipeline(value=1)
    assert loose_pipeline(value=2).steps["loose"].status is CACHED


def test_ignored_inputs_do_not_count():
    @step(cache_policy=CachePolicy(ignored_inputs=["noise"]))
    def with_noise(x: int, noise: int = 0) -> int:
        return x

    @pipeline
    def noisy(noise: int = 0):
        with_noise(x=1, noise=noise)

    noisy(noise=1)
    assert noisy(noise=2).steps["with_noise"].status is CACHED


def test_include_artifact_ids_requires_the_same_artifact_versions():
    @step(cache_policy=CachePolicy(include_artifact_ids=True))
    def strict(x: int) -> int:
        return x

    @pipeline
    def strict_pipeline():
        strict(uncached_number())

    strict_pipeline()
    assert strict_pipeline().steps["strict"].status is COMPLETED


def test_file_dependencies_invalidate_when_the_file_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("STEPWELL_SOURCE_ROOT", str(tmp_path))
    (tmp_path / "labels.csv").write_text("a,b\n")

    @step(cache_policy=CachePolicy(file_dependencies=["labels.csv"]))
    def reads_file() -> int:
        return 1

    @pipeline
    def file_pipeline():
        reads_file()

    file_pipeline()
    assert file_pipeline().steps["reads_file"].status is CACHED
    (tmp_path / "labels.csv").write_text("a,b,c\n")
    assert file_pipeline().steps["reads_file"].status is COMPLETED


SALT = {"value": "one"}


def salt() -> str:
    return SALT["value"]


def test_cache_func_value_is_part_of_the_key():
    @step(cache_policy=CachePolicy(cache_func=salt))
    def salted() -> int:
        return 1

    @pipeline
    def salted_pipeline():
        salted()

    salted_pipeline()
    assert salted_pipeline().steps["salted"].status is CACHED
    SALT["value"] = "two"
    try:
        assert salted_pipeline().steps["salted"].status is COMPLETED
    finally:
        SALT["value"] = "one"


def test_expires_after_turns_old_results_into_misses():
    @step(cache_policy=CachePolicy(expires_after=0))
    def fleeting() -> int:
        return 1

    @step(cache_policy=CachePolicy(expires_after=3600))
    def lasting() -> int:
        return 1

    @pipeline
    def expiring():
        fleeting()
        lasting()

    expiring()
    run = expiring()
    assert statuses(run) == {"fleeting": COMPLETED, "lasting": CACHED}


def test_pipeline_level_policy_applies_to_steps():
    @step
    def plain(value: int = 1) -> int:
        return value

    @pipeline(cache_policy=CachePolicy(include_step_parameters=False))
    def policy_pipeline(value: int = 1):
        plain(value=value)

    policy_pipeline(value=1)
    assert policy_pipeline(value=5).steps["plain"].status is CACHED


# -- bad policies -----------------------------------------------------------------------------


def test_unknown_ignored_input_fails_at_definition():
    with pytest.raises(CachePolicyError, match=r"Step 's'.*unknown input.*'typo'"):

        @step(cache_policy=CachePolicy(ignored_inputs=["typo"]))
        def s(x: int) -> int:
            return x


def test_missing_or_outside_file_dependency_fails_at_definition(tmp_path, monkeypatch):
    monkeypatch.setenv("STEPWELL_SOURCE_ROOT", str(tmp_path))
    with pytest.raises(CachePolicyError, match="does not exist"):

        @step(cache_policy=CachePolicy(file_dependencies=["nope.txt"]))
        def s1() -> int:
            return 1

    with pytest.raises(CachePolicyError, match="outside the source root"):

        @step(cache_policy=CachePolicy(file_dependencies=["../../etc/passwd"]))
        def s2() -> int:
            return 1


def broken_cache_func() -> str:
    raise RuntimeError("no salt today")


def numeric_cache_func():
    return 42


@pytest.mark.parametrize(
    ("func", "message"),
    [
        (broken_cache_func, "raised RuntimeError: no salt today"),
        (numeric_cache_func, "must return a string"),
    ],
)
def test_a_bad_cache_func_fails_naming_the_step(func, message):
    @step(cache_policy=CachePolicy(cache_func=func))
    def guarded() -> int:
        return 1

    @pipeline
    def guarded_pipeline():
        guarded()

    with pytest.raises(CachePolicyError, match=f"Step 'guarded'.*{message}"):
        guarded_pipeline()
