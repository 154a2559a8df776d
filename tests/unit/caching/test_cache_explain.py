"""The cache verdict on one step run, from the step run and the one it could have reused."""

from datetime import datetime, timezone
from uuid import uuid4

from stepwell.config.cache_policy import CachePolicy
from stepwell.config.step_config import StepConfig
from stepwell.enums import ExecutionStatus
from stepwell.execution.cache_explain import explain_step_run
from stepwell.store.models import StepRunResponse

S = ExecutionStatus
NOW = datetime.now(timezone.utc)


def step_run(status=S.COMPLETED, key="k1", components=None, **fields):
    return StepRunResponse(
        id=uuid4(),
        name="train",
        step_name="train",
        pipeline_run_id=uuid4(),
        status=status,
        created=NOW,
        updated=NOW,
        cache_key=key,
        cache_components=components if components is not None else {"code": "a", "x": "1"},
        **fields,
    )


def test_a_cached_step_run_points_at_the_run_it_reused():
    original = step_run()
    reused = step_run(S.CACHED, original_step_run_id=original.id)
    verdict = explain_step_run(reused, original)
    assert verdict.status is S.CACHED
    assert verdict.compared_with is original
    assert verdict.changed == []
    assert "Reused" in verdict.reason


def test_changed_key_parts_are_named():
    before = step_run(components={"code": "a", "parameter:lr": "1", "input:data": "x"})
    after = step_run(
        key="k2", components={"code": "b", "parameter:lr": "1", "input:data": "y", "env": "e"}
    )
    verdict = explain_step_run(after, before)
    assert verdict.changed == ["code", "env", "input:data"]
    assert verdict.compared_with is before
    assert verdict.details == ["code", "env changed", "input 'data': changed"]  # no links
    assert verdict.reason == "Its cache key changed: code; env changed; input 'data': changed."


def test_caching_off_nothing_to_compare_skipped_and_no_key():
    off = step_run(config=StepConfig(enable_cache=False))
    assert "off" in explain_step_run(off, step_run()).reason
    assert "No earlier successful run" in explain_step_run(step_run(), None).reason
    skipped = explain_step_run(step_run(S.SKIPPED), step_run())
    assert skipped.status is S.SKIPPED and "never ran" in skipped.reason
    assert "No cache key" in explain_step_run(step_run(key=None), step_run()).reason


def test_same_key_yet_a_miss_means_missing_bytes():
    before, after = step_run(key="same"), step_run(key="same")
    verdict = explain_step_run(after, before)
    assert verdict.changed == []
    assert verdict.compared_with is before
    assert "bytes were gone" in verdict.reason
    assert "expired" not in verdict.reason  # the step has no `expires_after`


def test_same_key_yet_a_miss_with_an_expiry_means_expired_or_missing_bytes():
    config = StepConfig(cache_policy=CachePolicy(expires_after=60))
    before = step_run(key="same", config=config)
    after = step_run(key="same", config=config)
    verdict = explain_step_run(after, before)
    assert "expired (`expires_after`)" in verdict.reason and "bytes" in verdict.reason
