"""The Ray task that runs one step attempt on a worker node (launch, on the cluster).

The task body is the local worker's: `run_attempt` runs user code and writes artifact
bytes, and the `AttemptResult` goes back to the orchestrating process, which records it
(workers write no metadata). What the task needs arrives once per run and is kept by the
worker process: the run's context and the user's code (`code_shipping`), both as object
references inside lists, so Ray does not fetch them again for every step. The step run
gets the node id, node address and worker pid as run metadata (`ray_node_id`,
`ray_node_ip`, `ray_worker_pid`), so everyone can see where each attempt ran.
"""

from __future__ import annotations

import os
import pickle
from collections import OrderedDict
from typing import Any

from stepwell.enums import ExecutionStatus, MetadataResourceTypes
from stepwell.exceptions import RunStoppedSignal, StepFailedError
from stepwell.execution.attempt import AttemptResult, run_attempt
from stepwell.orchestrators.code_shipping import install_code
from stepwell.orchestrators.workers import escaped_failure
from stepwell.steps.deferred_writes import DeferredMetadata

NODE_ID_KEY = "ray_node_id"
NODE_IP_KEY = "ray_node_ip"
WORKER_PID_KEY = "ray_worker_pid"
STOPPED_MESSAGE = "Stopped: the Ray task was cancelled."

# What this worker process was sent before, by run id and payload digest.
_contexts: OrderedDict[str, Any] = OrderedDict()
_installed: set[str] = set()
_KEEP_CONTEXTS = 4


def run_step(
    run_id: str, ctx_holder: list[Any], code_digest: str, code_holder: list[Any], task: bytes
) -> AttemptResult:
    """Run one step attempt; `task` is the pickled (LaunchPlan, StepRunResponse, last)."""
    import ray

    try:
        if code_digest not in _installed:
            install_code(ray.get(code_holder[0]))  # before the plan: it loads the step
            _installed.add(code_digest)
        ctx = _context(run_id, ctx_holder)
        plan, step_run, last = pickle.loads(task)
        try:
            result = run_attempt(ctx, plan, step_run, last_attempt=last)
        except (RunStoppedSignal, KeyboardInterrupt):  # a cancel that reached the step
            result = AttemptResult(ExecutionStatus.STOPPED, status_message=STOPPED_MESSAGE)
        result.deferred.append(_where(step_run.id))
    except BaseException as error:  # report it rather than fail the task
        result = escaped_failure(error)
    if result.error is not None:
        result.error = _picklable(result.error)
    return result


def _context(run_id: str, holder: list[Any]) -> Any:
    import ray

    ctx = _contexts.get(run_id)
    if ctx is None:
        ctx = _contexts[run_id] = ray.get(holder[0])
        while len(_contexts) > _KEEP_CONTEXTS:
            _contexts.popitem(last=False)
    return ctx


def _where(step_run_id: Any) -> DeferredMetadata:
    """Run metadata naming the node and process this attempt ran in."""
    import ray

    runtime = ray.get_runtime_context()
    node_id = runtime.get_node_id()
    return DeferredMetadata(
        resource_type=MetadataResourceTypes.STEP_RUN.value,
        resource_id=step_run_id,
        metadata={
            NODE_ID_KEY: node_id,
            NODE_IP_KEY: ray.util.get_node_ip_address(),
            WORKER_PID_KEY: os.getpid(),
        },
        publisher_step_run_id=step_run_id,
    )


def _picklable(error: BaseException) -> BaseException:
    import cloudpickle

    try:
        cloudpickle.loads(cloudpickle.dumps(error))
        return error
    except Exception:
        return StepFailedError(f"{type(error).__name__}: {error}")
