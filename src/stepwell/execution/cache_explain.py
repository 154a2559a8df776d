"""Why a step run was, or was not, a cache hit: a pure verdict from two step runs.

The step run is compared with another one, which the caller finds: for a cache hit, the
step run it reused; otherwise the same step's newest successful run in an earlier run of
the same pipeline, the result it could have reused. Each step run records the digest of
every part of its cache key, so the parts that changed can be named (`code`,
`parameter:lr`, `input:data`, ...), and said how they changed where the store keeps the
values (`parameter 'lr': 0.1 -> 0.01`; see `cache_changes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stepwell.enums import ExecutionStatus
from stepwell.execution.cache import explain_difference
from stepwell.execution.cache_changes import describe_changes
from stepwell.store.models import StepRunResponse


@dataclass(frozen=True)
class CacheExplanation:
    """The cache verdict on one step run, in words and as data."""

    step: str
    status: ExecutionStatus
    reason: str
    changed: list[str] = field(default_factory=list)  # key parts that differ
    details: list[str] = field(default_factory=list)  # how each changed, old -> new
    compared_with: StepRunResponse | None = None  # the step run compared with (or reused)

    def __repr__(self) -> str:
        compared = f" compared_with={self.compared_with.id}" if self.compared_with else ""
        return f"<CacheExplanation {self.step} {self.status.value}: {self.reason}{compared}>"


def explain_step_run(
    step_run: StepRunResponse, previous: StepRunResponse | None
) -> CacheExplanation:
    """Explain `step_run`'s cache outcome against `previous` (see the module docstring)."""
    name, status = step_run.name, step_run.status
    if status is ExecutionStatus.CACHED:
        return CacheExplanation(
            name,
            status,
            "Reused an earlier result with the same cache key.",
            compared_with=previous,
        )
    if status is ExecutionStatus.SKIPPED:
        return CacheExplanation(name, status, "Skipped: it never ran, so the cache was not asked.")
    if step_run.config.enable_cache is False:
        return CacheExplanation(name, status, "Caching is off for this step.")
    if not step_run.cache_key:
        return CacheExplanation(name, status, "No cache key was recorded for this step run.")
    if previous is None:
        return CacheExplanation(
            name,
            status,
            "No earlier successful run of this step in this pipeline: nothing to reuse yet.",
        )
    if previous.cache_key == step_run.cache_key:
        policy = step_run.config.cache_policy
        could_expire = policy is not None and policy.expires_after is not None
        why = (
            "it had expired (`expires_after`) or its artifacts' bytes were gone"
            if could_expire
            else "its artifacts' bytes were gone from the artifact store"
        )
        return CacheExplanation(
            name,
            status,
            f"Same cache key as the earlier run, but its result could not be reused: {why}.",
            compared_with=previous,
        )
    # Part names (`code`, `parameter:lr`); how each changed is in `details`.
    changed = explain_difference(previous.cache_components, step_run.cache_components)
    details = describe_changes(previous, step_run)
    said = "; ".join(details) or "its parts were not recorded, so which is unknown"
    return CacheExplanation(
        name,
        status,
        "Its cache key changed: " + said + ("" if said.endswith(".") else "."),
        changed=changed,
        details=details,
        compared_with=previous,
    )
