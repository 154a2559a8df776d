"""The seam between defining and running (define layer).

Calling a step or a pipeline is where a user's code meets the engine, but the define layer
sits below everything that runs. So it owns two small things and imports nothing above it:

- the tracing context variable: set by the compiler while it traces a pipeline function; a
  step called under it records an invocation in the trace instead of running;
- a typed `Runtime` protocol (run a pipeline, run a single step, create a snapshot, read a
  pipeline's stored record) and the one runtime of this process, made on first use by a
  loader that `stepwell/__init__.py` installs (it imports `stepwell.runs` only when the
  first run starts, so `import stepwell` stays light). Tests may install a fake runtime
  with `using_runtime`.

It re-exports the guard that keeps user code from running pipelines while stepwell imports
that code to run it (`preventing_execution`, from `utils.code_loading`, where every layer
can reach it).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol, runtime_checkable

from stepwell.utils.code_loading import execution_prevented, preventing_execution
from stepwell.utils.seam import Seam


@runtime_checkable
class StepCallRecorder(Protocol):
    """What a step call talks to while a pipeline function is traced (`compiler.tracing`)."""

    def add_invocation(
        self,
        step: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        custom_id: str | None,
        after: Any,
    ) -> Any:
        """Record one call of `step`; return placeholders (or handles) for its outputs."""


class Runtime(Protocol):
    """What calling a step or a pipeline outside a trace asks of the engine."""

    def run_pipeline(self, pipeline: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Compile and run `pipeline` with these arguments; return its run record."""

    def run_single_step(self, step: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Run one step outside a pipeline; return its output value(s)."""

    def create_snapshot(
        self, pipeline: Any, name: str, description: str | None, replace: bool
    ) -> Any:
        """Store `pipeline` as a named snapshot that can be triggered later."""

    def stored_pipeline(self, name: str) -> Any:
        """The stored record of the pipeline named `name` (its runs); raises if it never ran."""


# -- tracing -----------------------------------------------------------------------------------
_TRACE: contextvars.ContextVar[StepCallRecorder | None] = contextvars.ContextVar(
    "stepwell_trace", default=None
)


def current_trace() -> StepCallRecorder | None:
    """The trace of the pipeline being compiled (or driven, if dynamic) here, if any."""
    return _TRACE.get()


@contextmanager
def tracing(trace: StepCallRecorder) -> Iterator[StepCallRecorder]:
    """Record step calls into `trace` for the duration of the block."""
    token = _TRACE.set(trace)
    try:
        yield trace
    finally:
        _TRACE.reset(token)


# -- the runtime -------------------------------------------------------------------------------
_SEAM: Seam[Runtime] = Seam("stepwell runtime")


def set_runtime_loader(loader: Callable[[], Runtime]) -> None:
    """Install the function that makes this process's runtime on first use."""
    _SEAM.set_loader(loader)


def get_runtime() -> Runtime:
    """The runtime that runs pipelines and steps called from user code."""
    return _SEAM.get()


def using_runtime(runtime: Runtime) -> AbstractContextManager[Runtime]:
    """Use `runtime` for pipeline and step calls in this block (tests use a fake one)."""
    return _SEAM.using(runtime)


__all__ = [
    "Runtime",
    "StepCallRecorder",
    "current_trace",
    "execution_prevented",
    "get_runtime",
    "preventing_execution",
    "set_runtime_loader",
    "tracing",
    "using_runtime",
]
