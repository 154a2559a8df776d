"""The ray orchestrator: each step attempt is one Ray task on a Ray cluster.

Only *how* steps launch differs from the local orchestrator: the run loop, the scheduler,
planning, caching and recording stay in this process, the run's only metadata writer. A
launched attempt becomes a task asking for the step's resources (`ResourceSettings` ->
`num_cpus`, `num_gpus`, `memory`, plus custom resources from the orchestrator's settings),
so Ray places it on a node with room and queues it while the cluster is full: parallelism
is bounded by the cluster, and by `max_parallelism` if set. Waiting is `ray.wait` on the
running tasks' references; stopping a step (FAIL_FAST, Ctrl-C) cancels its task, killing
its worker process, and records it `stopped`. Ray never retries a task itself: a failed
attempt, a crashed worker or a lost node ("node lost") go to the step's retry policy,
whose retries wait on a timer here. A step no node could ever run fails at once, and a
local-folder artifact store with nodes on several hosts is refused before the run starts.
Ray is imported only when this orchestrator is built.
"""

from __future__ import annotations

import pickle
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

import xxhash

from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import ResourceSettingsError, StackValidationError, StepFailedError
from stepwell.execution.attempt import AttemptResult
from stepwell.execution.launcher import (
    LaunchPlan,
    StepOutcome,
    finish_attempt,
    plan_step,
    start_attempt,
    step_object,
    try_cached,
)
from stepwell.execution.resources import demand_of
from stepwell.execution.run_context import RunContext
from stepwell.logger import get_logger
from stepwell.orchestrators import ray_cluster
from stepwell.orchestrators.base import BaseOrchestrator
from stepwell.orchestrators.code_shipping import code_payload, shipped_sources, user_modules
from stepwell.orchestrators.events import step_started
from stepwell.orchestrators.ray_tasks import run_step
from stepwell.orchestrators.retry_timers import RetryTimers
from stepwell.store.models import StepRunResponse
from stepwell.utils.sources import is_importable

logger = get_logger(__name__)
WAIT_SECONDS = 1.0  # longest a wait blocks at once: Ctrl-C and heartbeats are checked between


@dataclass
class _Running:
    plan: LaunchPlan
    step_run: StepRunResponse
    attempt: int
    ref: Any


class RayOrchestrator(BaseOrchestrator):
    """Steps run as Ray tasks on a Ray cluster."""

    def __init__(
        self,
        address: str | None = None,
        runtime_env: dict[str, Any] | None = None,
        init_options: dict[str, Any] | None = None,
        custom_resources: dict[str, float] | None = None,
        ship_code: bool = True,
        max_parallelism: int | None = None,
    ) -> None:
        import ray

        self._ray = ray
        self.address = address
        self.runtime_env = runtime_env
        self.init_options = dict(init_options or {})
        self.custom_resources = dict(custom_resources or {})
        self.ship_code = ship_code
        self.max_parallelism = max_parallelism
        self.capacity = None  # Ray places tasks on nodes; `unsatisfiable` checks each step
        self._remote = _remote_run_step()
        self._running: dict[str, _Running] = {}
        self._done: deque[StepOutcome] = deque()
        self._retries = RetryTimers()
        self._stopping: set[str] = set()
        self._nodes: list[ray_cluster.RayNode] = []
        self._ctx_holder: list[Any] = []
        self._code_holder: list[Any] = []
        self._code_digest = ""
        self._shipped: set[str] = set()

    # -- before the run -----------------------------------------------------------------------
    def check_before_run(self, invocations: list[Any], artifact_store: BaseArtifactStore) -> None:
        """Refuse a run its workers could not carry out, before anything is recorded: an
        artifact store in a local folder with nodes on several hosts, or a step that asks
        for more than any node has."""
        ray_cluster.connect(self.address, self.runtime_env, self.init_options)
        self._nodes = ray_cluster.alive_nodes()
        hosts = ray_cluster.hosts(self._nodes)
        if artifact_store.is_local and len(hosts) > 1:
            raise StackValidationError(
                f"The artifact store is the local folder {artifact_store.path}, which the Ray "
                f"cluster's workers cannot reach: its nodes are on {len(hosts)} hosts "
                f"({', '.join(sorted(hosts))}). Use an artifact store they all reach, such as "
                "an 's3' one (or STEPWELL_ARTIFACT_STORE_PATH=s3://bucket/prefix)."
            )
        for invocation in invocations:
            problem = self._problem(invocation)
            if problem is not None:
                raise ResourceSettingsError(problem)

    def prepare(self, ctx: RunContext) -> None:
        """Connect, load the steps once here, and send the run's context and the user's
        code to the cluster once for all its tasks."""
        ray_cluster.connect(self.address, self.runtime_env, self.init_options)
        self._nodes = ray_cluster.alive_nodes()
        for invocation in ctx.spec.invocations:
            step_object(ctx, invocation)
        self._ctx_holder = [self._ray.put(ctx)]
        self._ship_code()

    def _ship_code(self) -> None:
        payload = code_payload(user_modules() if self.ship_code else ())
        self._code_digest = xxhash.xxh3_128_hexdigest(payload)
        self._code_holder = [self._ray.put(payload)]
        self._shipped = shipped_sources(payload)

    def _problem(self, invocation: Any) -> str | None:
        reason = ray_cluster.unsatisfiable(self._request(invocation), self._nodes)
        if reason is None:
            return None
        return (
            f"Step '{invocation.id}' can never run on this Ray cluster: {reason}. Lower its "
            "settings['resources'] or its custom_resources, or add a node that has them."
        )

    def _request(self, invocation: Any) -> dict[str, Any]:
        settings = invocation.config.settings
        custom = self.custom_resources
        for key in ("orchestrator", "orchestrator.ray"):
            section = settings.get(key)
            if isinstance(section, dict) and section.get("custom_resources") is not None:
                custom = section["custom_resources"]
        demand = demand_of(settings, f"step '{invocation.id}'")
        return ray_cluster.ray_request(demand, custom)

    # -- launching ----------------------------------------------------------------------------
    def launch(self, ctx: RunContext, invocation_id: str) -> None:
        plan = plan_step(ctx, invocation_id)
        cached = try_cached(ctx, plan)
        if cached is not None:
            self._done.append(cached)
            return
        problem = self._problem(plan.invocation)
        if problem is not None:  # it would pend forever: fail it now, with no retry
            step_started(invocation_id)
            step_run = start_attempt(ctx, plan, 1)
            failure = AttemptResult(
                ExecutionStatus.FAILED,
                error=ResourceSettingsError(problem),
                traceback=problem,
                status_message=problem,
            )
            logger.error(problem)
            self._done.append(finish_attempt(ctx, plan, step_run, failure, final=True))
            return
        source = plan.invocation.step_source
        if source not in self._shipped and not is_importable(source):
            self._ship_code()  # defined after the run started (a dynamic pipeline's scope)
        self._start(ctx, plan, attempt=1)

    def _start(self, ctx: RunContext, plan: LaunchPlan, attempt: int) -> None:
        if attempt == 1:
            step_started(plan.invocation.id)
        step_run = start_attempt(ctx, plan, attempt)
        task = pickle.dumps((plan, step_run, attempt >= plan.max_attempts))
        options = self._request(plan.invocation)
        options["name"] = f"stepwell:{ctx.run.name}:{plan.invocation.id}"
        if self._running:
            # Several steps at once: spread them over the nodes that can hold them. Ray's
            # default packs tasks onto the submitting node and spills over late, leaving the
            # others idle for a while (32 sleeps of 0.5 s on 2 CPUs: 8.9 s, spread 8.2 s).
            # A lone step keeps the default, which reuses the warm worker nearby (a chain
            # spread over the nodes costs three times as much per step).
            options["scheduling_strategy"] = "SPREAD"
        ref = self._remote.options(**options).remote(
            str(ctx.run.id), self._ctx_holder, self._code_digest, self._code_holder, task
        )
        self._running[plan.invocation.id] = _Running(plan, step_run, attempt, ref)

    # -- waiting ------------------------------------------------------------------------------
    def would_block(self) -> bool:
        return not self._done

    def wait(self, ctx: RunContext) -> StepOutcome:
        while True:
            if self._done:
                return self._done.popleft()
            self._start_due_retries(ctx)
            if not self._running and not self._retries:
                raise RuntimeError("wait() was called with no step running or due to retry.")
            if not self._running:
                with self.interrupts.deliverable():
                    time.sleep(self._retries.seconds_to_next(WAIT_SECONDS))
                continue
            timeout = self._retries.seconds_to_next(min(WAIT_SECONDS, ctx.beat_interval))
            by_ref = {
                running.ref: invocation_id for invocation_id, running in self._running.items()
            }
            with self.interrupts.deliverable():
                ready, _ = self._ray.wait(list(by_ref), num_returns=1, timeout=timeout)
            ctx.beat()
            if not ready:
                continue
            outcome = self._collect(ctx, self._running.pop(by_ref[ready[0]]))
            if outcome is not None:
                return outcome

    def _collect(self, ctx: RunContext, running: _Running) -> StepOutcome | None:
        invocation_id = running.plan.invocation.id
        was_stopped = invocation_id in self._stopping
        self._stopping.discard(invocation_id)
        result = self._result(invocation_id, running.ref, was_stopped)
        final = running.attempt >= running.plan.max_attempts
        outcome = finish_attempt(ctx, running.plan, running.step_run, result, final=final)
        if outcome.status is ExecutionStatus.RETRIED:
            self._retries.schedule(running.plan, running.attempt)
            return None
        return outcome

    def _result(self, invocation_id: str, ref: Any, was_stopped: bool) -> AttemptResult:
        """The attempt's result, or what Ray says went wrong with its task."""
        exceptions = self._ray.exceptions
        try:
            result: AttemptResult = self._ray.get(ref)
        except Exception as error:
            if was_stopped or isinstance(error, exceptions.TaskCancelledError):
                text = f"Step '{invocation_id}' was stopped: its Ray task was cancelled."
                return AttemptResult(ExecutionStatus.STOPPED, status_message=text)
            return _task_failure(invocation_id, error, exceptions)
        if was_stopped and result.status is ExecutionStatus.FAILED:
            result.status = ExecutionStatus.STOPPED
        return result

    def _start_due_retries(self, ctx: RunContext) -> None:
        for plan, attempt in self._retries.due():
            self._nodes = ray_cluster.alive_nodes()  # a node may have gone since
            self._start(ctx, plan, attempt)

    # -- stopping -----------------------------------------------------------------------------
    def stop(self, ctx: RunContext, invocation_id: str) -> None:
        running = self._running.get(invocation_id)
        if running is not None:
            # Force: a polite cancel cannot interrupt a step blocked in a call, so it would
            # run to its end. The bytes it wrote are removed when its end is recorded.
            if invocation_id not in self._stopping:
                self._stopping.add(invocation_id)
                self._ray.cancel(running.ref, force=True)
            return
        stopped = self._retries.cancel(ctx, invocation_id)  # a retry was pending
        if stopped is not None:
            self._done.append(stopped)

    def shutdown(self) -> None:
        """Cancel what still runs; the connection to Ray stays for the process's next run."""
        for running in self._running.values():
            try:
                self._ray.cancel(running.ref, force=True)
            except Exception as error:  # already finished, or the cluster is gone
                logger.debug("Cannot cancel a Ray task: %s", error)
        self._running.clear()
        self._retries.clear()
        self._stopping.clear()
        self._ctx_holder = []
        self._code_holder = []


_REMOTE: Any = None


def _remote_run_step() -> Any:
    """`run_step` as a Ray remote function, made once per process. Ray never retries it:
    the step's own retry policy decides."""
    global _REMOTE
    if _REMOTE is None:
        import ray

        _REMOTE = ray.remote(max_retries=0, retry_exceptions=False)(run_step)
    return _REMOTE


def _task_failure(invocation_id: str, error: Exception, exceptions: Any) -> AttemptResult:
    """A failed attempt for a task that ended without a result (its node or worker died)."""
    if isinstance(error, exceptions.NodeDiedError):
        text = f"Step '{invocation_id}' failed: node lost (the Ray node running it died). {error}"
    elif isinstance(error, exceptions.WorkerCrashedError):
        text = f"Step '{invocation_id}' failed: its Ray worker process died. {error}"
    else:
        text = (
            f"Step '{invocation_id}' failed: Ray could not run it ({type(error).__name__}: {error})"
        )
    return AttemptResult(
        ExecutionStatus.FAILED, error=StepFailedError(text), traceback=text, status_message=text
    )
