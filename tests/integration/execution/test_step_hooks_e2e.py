"""Success and failure hooks end to end: they run in the step's worker process, so they
report by appending lines to the file named in $HOOK_LOG."""

import os
from pathlib import Path

import pytest

from stepwell import get_step_context, pipeline, step
from stepwell.client import Client
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import HookSignatureError, PipelineRunFailedError


@pytest.fixture
def hook_log(tmp_path, monkeypatch):
    path = tmp_path / "hooks.log"
    monkeypatch.setenv("HOOK_LOG", str(path))
    return path


def record(line: str) -> None:
    with Path(os.environ["HOOK_LOG"]).open("a") as handle:
        handle.write(line + "\n")


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


# -- hooks ------------------------------------------------------------------------------------
def step_success_hook():
    context = get_step_context()
    record(f"step success {context.step_run.name} in {context.pipeline_run.name}")


def step_failure_hook(exception: BaseException):
    context = get_step_context()
    record(
        f"step failure {context.step_run.name} {context.step_run.config.parameters} "
        f"{type(exception).__name__}: {exception} in {context.pipeline_run.name}"
    )


def failure_hook_without_argument():
    record(f"bare failure {get_step_context().step_run.name}")


def pipeline_success_hook():
    record(f"pipeline success {get_step_context().step_run.name}")


def pipeline_failure_hook(exception: BaseException):
    record(f"pipeline failure {get_step_context().step_run.name} {exception}")


def hook_by_name():
    record(f"named hook {get_step_context().step_run.name}")


def failure_hook_with_optional_keyword(*, note: str = "no exception passed"):
    record(f"keyword hook {note}")


def broken_hook(*args):
    record("broken hook ran")
    raise RuntimeError("the hook itself broke")


# -- steps and pipelines ----------------------------------------------------------------------
@step(enable_cache=False, on_success=step_success_hook, on_failure=step_failure_hook)
def hooked(some_parameter: int = 1, fail: bool = False) -> int:
    if fail:
        raise ValueError("My exception")
    return some_parameter


@step(enable_cache=False, on_failure=failure_hook_without_argument)
def fails_with_bare_hook() -> int:
    raise ValueError("bare")


@step(enable_cache=False, on_failure=failure_hook_with_optional_keyword)
def fails_with_keyword_hook() -> int:
    raise ValueError("keyword")


@pipeline
def keyword_hook_pipeline():
    fails_with_keyword_hook()


@step(enable_cache=False)
def plain(fail: bool = False) -> int:
    if fail:
        raise ValueError("plain failed")
    return 0


@pipeline
def hooked_pipeline(fail: bool = False):
    hooked(fail=fail)


@pipeline
def bare_hook_pipeline():
    fails_with_bare_hook()


@pipeline(on_success=pipeline_success_hook, on_failure=pipeline_failure_hook)
def pipeline_with_hooks(fail_plain: bool = False):
    plain(fail=fail_plain)
    plain(id="plain_ok")
    hooked(some_parameter=5)


@pipeline(enable_cache=True)
def cached_hook_pipeline():
    step_with_cache()


@step(on_success=step_success_hook)
def step_with_cache() -> int:
    return 3


@step(enable_cache=False, on_success=f"{__name__}.hook_by_name")
def step_with_named_hook() -> int:
    return 4


@pipeline
def named_hook_pipeline():
    step_with_named_hook()


@step(enable_cache=False, on_success=broken_hook, on_failure=broken_hook)
def step_with_broken_hook(fail: bool = False) -> int:
    if fail:
        raise ValueError("the step failed")
    return 6


@pipeline
def broken_hook_pipeline(fail: bool = False):
    step_with_broken_hook(fail=fail)


# -- tests ------------------------------------------------------------------------------------
def test_success_hook_runs_once_with_the_step_context(hook_log):
    run = hooked_pipeline()
    assert lines(hook_log) == [f"step success hooked in {run.name}"]


def test_failure_hook_gets_the_exception_and_the_step_context(hook_log):
    with pytest.raises(PipelineRunFailedError):
        hooked_pipeline(fail=True)
    run = Client().list_pipeline_runs(pipeline_name="hooked_pipeline")[0]
    assert lines(hook_log) == [
        "step failure hooked {'some_parameter': 1, 'fail': True} "
        f"ValueError: My exception in {run.name}"
    ]


def test_a_failure_hook_may_take_no_argument(hook_log):
    with pytest.raises(PipelineRunFailedError):
        bare_hook_pipeline()
    assert lines(hook_log) == ["bare failure fails_with_bare_hook"]


def test_a_failure_hook_with_only_optional_keywords_is_called_without_the_exception(hook_log):
    with pytest.raises(PipelineRunFailedError):
        keyword_hook_pipeline()
    assert lines(hook_log) == ["keyword hook no exception passed"]


def test_pipeline_hooks_apply_to_every_step_and_step_hooks_take_precedence(hook_log):
    with pytest.raises(PipelineRunFailedError):
        pipeline_with_hooks(fail_plain=True)
    assert sorted(lines(hook_log)) == [
        "pipeline failure plain plain failed",
        "pipeline success plain_ok",
        "step success hooked in " + Client().list_pipeline_runs()[0].name,
    ]


def test_a_hook_given_as_a_module_function_string_runs(hook_log):
    named_hook_pipeline()
    assert lines(hook_log) == ["named hook step_with_named_hook"]


def test_a_success_hook_that_raises_is_logged_and_the_step_still_completes(hook_log):
    run = broken_hook_pipeline()
    step_run = run.steps["step_with_broken_hook"]
    assert step_run.status is ExecutionStatus.COMPLETED
    assert lines(hook_log) == ["broken hook ran"]
    assert "the hook itself broke" in step_run.logs


def test_a_failure_hook_that_raises_leaves_the_step_failed_with_its_own_error(hook_log):
    with pytest.raises(PipelineRunFailedError):
        broken_hook_pipeline(fail=True)
    run = Client().list_pipeline_runs(pipeline_name="broken_hook_pipeline")[0]
    step_run = run.steps["step_with_broken_hook"]
    assert step_run.status is ExecutionStatus.FAILED
    assert "the step failed" in step_run.exception
    assert "the hook itself broke" not in step_run.exception
    assert lines(hook_log) == ["broken hook ran"]


def test_cached_steps_do_not_fire_hooks(hook_log):
    cached_hook_pipeline()
    second = cached_hook_pipeline()
    assert second.steps["step_with_cache"].status is ExecutionStatus.CACHED
    assert len(lines(hook_log)) == 1


# -- bad hooks fail at definition -------------------------------------------------------------
def success_hook_with_argument(value):
    pass


def failure_hook_with_two_arguments(exception: BaseException, extra):
    pass


def failure_hook_with_wrong_type(exception: int):
    pass


def failure_hook_with_keyword_only_exception(*, exception: BaseException):
    pass


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"on_success": success_hook_with_argument}, "must take no arguments; it takes value"),
        (
            {"on_failure": failure_hook_with_two_arguments},
            "may take at most one argument .* exception, extra",
        ),
        ({"on_failure": failure_hook_with_wrong_type}, "must be typed BaseException"),
        ({"on_failure": failure_hook_with_keyword_only_exception}, "keyword-only"),
        ({"on_success": "no_such_module_xyz.hook"}, "cannot be imported"),
        ({"on_success": 42}, "must be a function or a 'module.function' string"),
    ],
)
def test_bad_hooks_fail_at_step_definition(options, message):
    with pytest.raises(HookSignatureError, match=message):
        step(**options)(plain.entrypoint)


@pytest.mark.parametrize(
    "options",
    [{"on_success": success_hook_with_argument}, {"on_failure": failure_hook_with_wrong_type}],
)
def test_bad_pipeline_hooks_fail_before_any_run(options):
    with pytest.raises(HookSignatureError, match="pipeline 'hooked_pipeline'"):
        hooked_pipeline.with_options(**options)()
    with pytest.raises(HookSignatureError):
        pipeline(**options)(hooked_pipeline.entrypoint)
    assert Client().list_pipeline_runs() == []


@step(enable_cache=False, on_failure=step_failure_hook)
def exits_with_hook() -> int:
    raise SystemExit(4)


@pipeline
def exit_hook_pipeline():
    exits_with_hook()


def test_failure_hook_fires_when_a_step_calls_sys_exit(hook_log):
    with pytest.raises(PipelineRunFailedError):
        exit_hook_pipeline()
    assert len(lines(hook_log)) == 1
    assert "SystemExit: 4" in lines(hook_log)[0]
