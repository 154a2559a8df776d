"""Trigger a run of a stored snapshot, from any process (a script, a step, the CLI, a server).

The run's configuration is checked against the snapshot before anything starts (unknown
keys, steps or parameters fail here, and no run is created). A fresh process then imports
the snapshot's code and records the run; the caller gets the run at once, or the finished
run with `synchronous=True`.

With a stepwell server configured (the store is a `RestStore`, a `RemoteTrigger`), the
trigger is a request to the server instead: the server runs this same function on its own
store, so the checks and the runner process happen on the server's host. `synchronous`
then waits here, by polling the server.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from typing import Any
from uuid import UUID

from stepwell.config.environment import (
    ENV_MAX_TRIGGER_DEPTH,
    ENV_TRIGGER_DEPTH,
    artifact_store_path,
    home_folder,
    max_trigger_depth,
    store_url,
    trigger_depth,
)
from stepwell.config.run_config import PipelineRunConfiguration
from stepwell.config.yaml_loader import parse_run_configuration
from stepwell.exceptions import ConfigurationError, EntityNotFoundError, TriggerError
from stepwell.logger import get_logger
from stepwell.runs.resolve import run_stack
from stepwell.runs.runner import ENV_REQUEST
from stepwell.runs.stack_settings import check_run_configuration_settings
from stepwell.store.base import Store
from stepwell.store.liveness import wait_for_run
from stepwell.store.models import PipelineRunResponse, SnapshotResponse
from stepwell.store.trigger_protocol import RemoteTrigger
from stepwell.utils.code_loading import execution_prevented
from stepwell.utils.private_files import private_file, private_folder

logger = get_logger(__name__)


def find_snapshot(
    store: Store, snapshot_name_or_id: str | UUID | None, pipeline_name_or_id: str | UUID | None
) -> SnapshotResponse:
    """The snapshot to run: given directly, or the newest named one of a pipeline."""
    if snapshot_name_or_id is not None:
        return store.get_snapshot(snapshot_name_or_id)
    if pipeline_name_or_id is None:
        raise ConfigurationError(
            "Pass snapshot_name_or_id or pipeline_name_or_id to trigger a run."
        )
    pipeline = store.get_pipeline(pipeline_name_or_id)
    snapshots = store.list_snapshots(pipeline=pipeline.id, named_only=True, size=1)
    if not snapshots:
        raise EntityNotFoundError(
            f"Pipeline '{pipeline.name}' has no snapshot to trigger; create one with "
            f"`{pipeline.name}.create_snapshot(name=...)`."
        )
    return snapshots[0]


# Keys whose values name code to import and run (`module:function`): a trigger carries data.
_CODE_KEYS = ("on_success", "on_failure", "output_materializers")
_CODE_POLICY_KEYS = ("cache_func", "source_dependencies")


def check_no_code_references(run_config: PipelineRunConfiguration, source: str) -> None:
    """A trigger's run configuration sets parameters and options, never code to run: hooks,
    materializers and cache functions named there are refused (whoever may trigger a
    snapshot, through the CLI, a server or a schedule, could otherwise make it run any
    importable function, such as `os.abort`). Set them in the pipeline's code and create a
    new snapshot instead."""
    layers = [("", run_config)] + [
        (f"steps.{step_id}.", step) for step_id, step in run_config.steps.items()
    ]
    for prefix, layer in layers:
        given = layer.model_fields_set
        for key in _CODE_KEYS:
            if key in given and getattr(layer, key):
                _refuse_code(source, f"{prefix}{key}")
        policy = getattr(layer, "cache_policy", None)
        if policy is not None:
            for key in _CODE_POLICY_KEYS:
                if getattr(policy, key, None):
                    _refuse_code(source, f"{prefix}cache_policy.{key}")


def _refuse_code(source: str, key: str) -> None:
    raise ConfigurationError(
        f"{source}: {key}: a trigger's run configuration may not name code to run (hooks, "
        "materializers, cache functions); set it in the pipeline's code and create a new "
        "snapshot."
    )


def check_against_snapshot(
    snapshot: SnapshotResponse, run_config: PipelineRunConfiguration
) -> None:
    """Fail before starting anything if the run configuration names what the snapshot lacks."""
    source = "run_configuration"
    check_no_code_references(run_config, source)
    invocations = {inv["id"]: inv for inv in snapshot.spec.get("invocations", [])}
    pipeline_parameters = set(snapshot.config.get("parameters", {}))
    for name in run_config.parameters:
        if name not in pipeline_parameters:
            raise ConfigurationError(
                f"{source}: parameters.{name}: pipeline '{snapshot.pipeline_name}' takes no "
                f"parameter '{name}'; its parameters are {sorted(pipeline_parameters)}."
            )
    for step_id, step_config in run_config.steps.items():
        invocation = invocations.get(step_id)
        if invocation is None:
            raise ConfigurationError(
                f"{source}: steps.{step_id}: snapshot '{snapshot.name}' has no step invocation "
                f"'{step_id}'; its invocations are {sorted(invocations)}."
            )
        known = set(invocation.get("inputs", {}))
        for name in step_config.parameters:
            if name not in known:
                raise ConfigurationError(
                    f"{source}: steps.{step_id}.parameters.{name}: step '{step_id}' takes no "
                    f"parameter '{name}'; its inputs are {sorted(known)}."
                )


def trigger(
    store: Store,
    snapshot: SnapshotResponse,
    run_configuration: dict[str, Any] | PipelineRunConfiguration | None,
    synchronous: bool = False,
    timeout: float | None = None,
    schedule_id: UUID | None = None,
) -> PipelineRunResponse | None:
    """Start a run of `snapshot` in a fresh process; return it (finished if synchronous).

    `schedule_id`: the schedule this run is due for (the server's scheduler passes it; the
    run records it).

    While stepwell imports user code to run it, a trigger at module level does nothing and
    returns None (see `utils.code_loading`).
    """
    reason = execution_prevented()
    if reason is not None:
        logger.info("Not triggering snapshot '%s': %s.", snapshot.name or snapshot.id, reason)
        return None
    depth = trigger_depth()
    if depth >= max_trigger_depth():
        raise TriggerError(
            f"Not triggering snapshot '{snapshot.name or snapshot.id}': this run is the "
            f"{depth}th of a chain of triggered runs, each started from within the last, and "
            f"{ENV_MAX_TRIGGER_DEPTH}={max_trigger_depth()} caps the chain. A pipeline that "
            "triggers itself never ends; trigger from outside the run, or raise the cap."
        )
    if snapshot.code_uri is None:
        raise ConfigurationError(
            f"Snapshot '{snapshot.name or snapshot.id}' has no code archive and cannot be "
            "triggered; create one with `pipeline.create_snapshot(name=...)`."
        )
    run_config = run_configuration_of(run_configuration)
    if isinstance(store, RemoteTrigger):
        if schedule_id is not None:
            raise TriggerError("Only a server's own scheduler records a run's schedule.")
        # The server checks the configuration and starts the runner on its host.
        data = run_config.model_dump(mode="json", exclude_unset=True)
        run = store.trigger_snapshot(snapshot.id, data)
    else:
        check_against_snapshot(snapshot, run_config)
        # The runner runs on the same active stack: its flavors' settings models apply now.
        check_run_configuration_settings(run_config, "run_configuration", run_stack())
        check_code_reachable(snapshot)
        run = store.get_run(_start_runner(snapshot, run_config, schedule_id))
    if synchronous:
        return wait_for_run(store, run.id, timeout)
    return run


def run_configuration_of(
    run_configuration: dict[str, Any] | PipelineRunConfiguration | None,
) -> PipelineRunConfiguration:
    """A trigger's run configuration, parsed (a misspelt key or a wrong type fails here)."""
    if run_configuration is None:
        return PipelineRunConfiguration()
    if isinstance(run_configuration, PipelineRunConfiguration):
        return run_configuration
    if isinstance(run_configuration, dict):
        return parse_run_configuration(dict(run_configuration), source="run_configuration")
    raise ConfigurationError(
        f"run_configuration must be a dict (or a PipelineRunConfiguration), not a "
        f"{type(run_configuration).__name__}: {run_configuration!r:.60}. To use a YAML "
        "file, load it first: yaml.safe_load(open(path)) or "
        "stepwell.config.yaml_loader.load_run_configuration(path)."
    )


def check_code_reachable(snapshot: SnapshotResponse) -> None:
    """Fail before starting a runner if this host cannot read the snapshot's code archive
    (on a server: the archive sits in a folder only the snapshot's creator can see)."""
    from stepwell.artifact_stores.base import artifact_store_for_uri

    uri = str(snapshot.code_uri)
    try:
        found = artifact_store_for_uri(uri).exists(uri)
    except Exception as error:  # credentials or network of a remote artifact store
        found, why = False, f" ({type(error).__name__}: {error})"
    else:
        why = ""
    if not found:
        raise ConfigurationError(
            f"Snapshot '{snapshot.name or snapshot.id}': its code archive {uri} cannot be read "
            f"on host '{socket.gethostname()}', where the run would start{why}. A server runs "
            "triggered snapshots on its own host: create the snapshot with an artifact store "
            "the server can reach too (STEPWELL_ARTIFACT_STORE_PATH on a shared folder, or "
            "an object store), then trigger it again."
        )


def _start_runner(
    snapshot: SnapshotResponse,
    run_config: PipelineRunConfiguration,
    schedule_id: UUID | None = None,
) -> str:
    read_end, write_end = os.pipe()
    logs = home_folder() / "logs" / "triggers"
    private_folder(logs)
    log_path = logs / f"{uuid.uuid4().hex}.log"
    request = {
        "snapshot_id": str(snapshot.id),
        "run_configuration": run_config.model_dump(mode="json", exclude_unset=True),
        "report_fd": write_end,
        "schedule_id": None if schedule_id is None else str(schedule_id),
    }
    env = {
        **os.environ,
        ENV_REQUEST: json.dumps(request),
        "STEPWELL_STORE_URL": store_url(),
        "STEPWELL_ARTIFACT_STORE_PATH": artifact_store_path(),
        "STEPWELL_HOME": str(home_folder()),
        ENV_TRIGGER_DEPTH: str(trigger_depth() + 1),
    }
    # A fresh interpreter per trigger: let it keep compiled bytecode, so the next is quick.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with open(private_file(log_path), "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "stepwell.runs.runner"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            pass_fds=(write_end,),
            start_new_session=True,
        )
    os.close(write_end)
    with os.fdopen(read_end) as reader:
        # The first line, not the whole stream: the run goes on in a background process
        # that inherited the pipe's write end and holds it until the run ends.
        text = reader.readline()
    process.wait()
    message = json.loads(text) if text else {}
    if "run_id" in message:
        return str(message["run_id"])
    tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
    error = message.get("error", f"the runner exited with code {process.returncode}")
    if message.get("type") in ("ConfigurationError", "PipelineDefinitionError", "InputTypeError"):
        raise ConfigurationError(f"Cannot trigger snapshot '{snapshot.name}': {error}")
    raise TriggerError(
        f"Cannot start a run of snapshot '{snapshot.name or snapshot.id}': {error}. "
        f"Runner output ({log_path}):\n{tail}"
    )
