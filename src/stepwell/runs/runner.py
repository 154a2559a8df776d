"""The process that starts a triggered run from a snapshot (`python -m stepwell.runs.runner`).

It unpacks the snapshot's code archive, imports the pipeline from it (never from the caller's
live objects), lays the snapshot's and the trigger's run configurations over the snapshot's
configuration, compiles, records the run, reports the run's id (or the error) to the caller
over a pipe, and hands the run to a detached background process before exiting.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any

ENV_REQUEST = "STEPWELL_TRIGGER_REQUEST"


def _report(fd: int, message: dict[str, Any]) -> None:
    """One line of JSON: the run's background process inherited this pipe too, so the
    reader takes the first line rather than waiting for the pipe to close."""
    with os.fdopen(fd, "w") as pipe:
        pipe.write(json.dumps(message) + "\n")


def load_pipeline(code_dir: Path, metadata: dict[str, Any]) -> Any:
    """Import the snapshot's pipeline from the unpacked code."""
    from stepwell.utils.code_loading import preventing_execution
    from stepwell.utils.sources import MODULE_ALIASES, load_source

    sys.path.insert(0, str(code_dir))
    main_file = metadata.get("main_file")
    if main_file:
        alias = "__stepwell_main__"
        spec = importlib.util.spec_from_file_location(alias, code_dir / main_file)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {main_file} from the snapshot's code")
        module = importlib.util.module_from_spec(spec)
        sys.modules[alias] = module
        MODULE_ALIASES["__main__"] = alias
        with preventing_execution(f"stepwell is loading {main_file} to run a triggered snapshot"):
            spec.loader.exec_module(module)
    return load_source(metadata["pipeline_source"])


def start_run(request: dict[str, Any]) -> str:
    """Compile and record the triggered run; start it in the background; return its id."""
    from stepwell.config.environment import home_folder
    from stepwell.config.pipeline_config import PipelineConfig
    from stepwell.runs.submit import submit
    from stepwell.snapshots.archive_extract import digest_from_name, extract_archive
    from stepwell.snapshots.code_archive import read_metadata
    from stepwell.store.active import get_store

    store = get_store()
    snapshot = store.get_snapshot(request["snapshot_id"])
    if snapshot.code_uri is None:
        raise RuntimeError(f"Snapshot {snapshot.id} has no code archive.")
    local_zip = _local_copy(snapshot.code_uri)
    # The name is only a claim: extract_archive checks the content against it.
    digest = digest_from_name(snapshot.code_uri)
    code_dir = extract_archive(local_zip, home_folder() / "code_cache", digest)
    os.environ["STEPWELL_SOURCE_ROOT"] = str(code_dir)
    metadata = read_metadata(code_dir)
    pipeline = load_pipeline(code_dir, metadata)
    pipeline._config = PipelineConfig.model_validate(snapshot.config)
    layers = [metadata.get("run_configuration"), request.get("run_configuration")]
    for layer in layers:
        if layer:
            pipeline = pipeline.with_options(run_configuration=layer)
    spec, config = pipeline.compile()
    run = submit(
        spec,
        config,
        snapshot_id=snapshot.id,
        background=True,
        raise_on_failure=False,
        schedule_id=request.get("schedule_id"),
    )
    return str(run.id)


def _local_copy(code_uri: str) -> str:
    from stepwell.artifact_stores.base import artifact_store_for_uri

    store = artifact_store_for_uri(code_uri)
    if store.is_local:
        return code_uri
    import tempfile

    handle, path = tempfile.mkstemp(suffix=".zip")
    os.close(handle)
    store.get_local(code_uri, path)
    return path


def main() -> int:
    request = json.loads(os.environ.pop(ENV_REQUEST))
    fd = int(request["report_fd"])
    try:
        run_id = start_run(request)
    except BaseException as error:
        traceback.print_exc()
        _report(fd, {"error": f"{type(error).__name__}: {error}", "type": type(error).__name__})
        return 1
    _report(fd, {"run_id": run_id})
    return 0


if __name__ == "__main__":
    sys.exit(main())
