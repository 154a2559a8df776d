"""The runtime: what calling a pipeline or a step outside a trace does (runs layer).

`stepwell/__init__.py` installs a loader that makes a `LocalRuntime` on the first call (see
`steps.runtime`, the seam the define layer calls through). While stepwell imports user code
to run it (`preventing_execution`), module-level pipeline calls, single-step calls and
snapshot creation do nothing but log one line, as ZenML's entrypoints do: a script without a
`__main__` guard never re-runs itself when its snapshot is triggered or its steps are loaded.
"""

from __future__ import annotations

from typing import Any

from stepwell.logger import get_logger
from stepwell.steps.runtime import execution_prevented

logger = get_logger(__name__)


class LocalRuntime:
    """Runs pipelines and steps from this process, against the configured stores."""

    def run_pipeline(self, pipeline: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if _prevented(f"pipeline '{pipeline.name}'"):
            return None
        from stepwell.compiler.externals import resolving_externals
        from stepwell.runs.externals import resolve_external
        from stepwell.runs.submit import run_pipeline

        with resolving_externals(resolve_external):  # ExternalArtifact(value=...) is saved
            return run_pipeline(pipeline, args, kwargs)

    def run_single_step(self, step: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if _prevented(f"step '{step.name}'"):
            return None
        from stepwell.compiler.externals import resolving_externals
        from stepwell.runs.externals import resolve_external
        from stepwell.runs.single_step import run_single_step

        with resolving_externals(resolve_external):
            return run_single_step(step, args, kwargs)

    def create_snapshot(
        self, pipeline: Any, name: str, description: str | None, replace: bool
    ) -> Any:
        if _prevented(f"snapshot '{name}' of pipeline '{pipeline.name}'", verb="creating"):
            return None
        from stepwell.runs.resolve import run_stack, stack_artifact_store
        from stepwell.snapshots.create import create_snapshot

        code_store = stack_artifact_store(run_stack())  # where the stack's runners can read
        return create_snapshot(pipeline, name, description, replace, artifact_store=code_store)

    def stored_pipeline(self, name: str) -> Any:
        """The pipeline record named `name` in the store the `Client` reads (the same
        lookup as `Client().get_pipeline`, by exact name: never by an id prefix)."""
        from stepwell.exceptions import EntityNotFoundError
        from stepwell.store.active import get_store

        found = get_store().list_pipelines(name=f"equals:{name}", size=1).items
        if not found:
            raise EntityNotFoundError(
                f"Pipeline '{name}' has never run, so the store holds no record of it yet. "
                "Run it once (call the pipeline), then read `.model.last_run`."
            )
        return found[0]


def _prevented(what: str, verb: str = "running") -> bool:
    reason = execution_prevented()
    if reason is None:
        return False
    logger.info("Not %s %s: %s (calls at module level do nothing then).", verb, what, reason)
    return True
