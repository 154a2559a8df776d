"""A step run's code and a run's code reference, as ZenML's responses offer (layer: store).

Mixed into `StepRunResponse` (`.source_code`, `.docstring`) and `PipelineRunResponse`
(`.code_reference`). A step run records its step by source reference (`module:qualname`, in
its run's snapshot); the code is read from there on access, never while records are built.
The step's module is imported with pipeline calls held back, as for any code stepwell loads,
so this shows the step as its module defines it now: where it cannot be imported, or its
code no longer matches the fingerprint recorded when the step ran, the answer is None.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any
from uuid import UUID

if TYPE_CHECKING:
    from stepwell.store.base import Store


class StepCode:
    """`step_run.source_code` and `step_run.docstring`."""

    name: str
    pipeline_run_id: UUID

    if TYPE_CHECKING:

        def _require_store(self) -> Store: ...

    @property
    def source_code(self) -> str | None:
        """The source of the step function (with its decorator) that this step run ran."""
        function = self._step_function()
        if function is None:
            return None
        try:
            return inspect.getsource(function)
        except (OSError, TypeError):
            return None

    @property
    def docstring(self) -> str | None:
        """The docstring of the step function that this step run ran, if it has one."""
        function = self._step_function()
        return None if function is None else function.__doc__

    def _step_function(self) -> Any:
        from stepwell.exceptions import StepwellError
        from stepwell.utils.sources import load_source

        source = self._step_source()
        if source is None:
            return None
        try:
            step = load_source(source)
        except StepwellError:
            return None
        entrypoint = getattr(step, "entrypoint", step)
        recorded = getattr(self, "source_code_hash", None)
        if recorded and not _same_code(entrypoint, recorded):
            return None
        return inspect.unwrap(entrypoint)

    def _step_source(self) -> str | None:
        from stepwell.exceptions import EntityNotFoundError

        store = self._require_store()
        run = store.get_run(self.pipeline_run_id)
        if run.snapshot_id is None:
            return None
        try:
            spec = store.get_snapshot(run.snapshot_id).spec
        except EntityNotFoundError:
            return None
        for invocation in spec.get("invocations", ()):
            if invocation.get("id") == self.name:
                return str(invocation["step_source"])
        return None


def _same_code(function: Any, recorded: str) -> bool:
    """Whether `function`'s code fingerprint now is the one recorded when the step ran."""
    from stepwell.utils.code_hash import code_fingerprint
    from stepwell.utils.source_root import source_root

    try:
        return bool(code_fingerprint(function, source_root()) == recorded)
    except Exception:  # a fingerprint that cannot be made now says nothing either way
        return True


class RunCode:
    """`run.code_reference`."""

    @property
    def code_reference(self) -> None:
        """ZenML's link from a run to a commit of a registered code repository. stepwell
        has no code repositories (a snapshot carries its own code archive instead), so this
        is always None, as in ZenML for a run made outside a code repository."""
        return None
