"""The guard that keeps user code from starting runs while stepwell imports it.

When stepwell imports a user's module to run something from it (a triggered snapshot's
pipeline, a step loaded by its source reference in a fresh worker, a hook or a
materializer), module-level code of that module runs too. A script without an
`if __name__ == "__main__":` guard would then run its pipelines, create its snapshots and
trigger them again, once per level: a triggered snapshot re-executing itself without end.
While this guard is on, those calls do nothing but log a line (as ZenML's entrypoints do).

A context variable, so it holds for the importing thread only; it has no dependencies, so
that every layer may set it (`steps.runtime` re-exports it for the define layer).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

_PREVENTING: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "stepwell_preventing_execution", default=None
)


@contextmanager
def preventing_execution(reason: str = "stepwell is importing your code") -> Iterator[None]:
    """Pipeline calls, single-step calls, snapshot creation and triggers do nothing here."""
    token = _PREVENTING.set(reason)
    try:
        yield
    finally:
        _PREVENTING.reset(token)


def execution_prevented() -> str | None:
    """Why runs may not start here now (see `preventing_execution`), or None."""
    return _PREVENTING.get()
