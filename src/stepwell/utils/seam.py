"""A lazily made implementation that a lower layer uses and a higher one provides (any layer).

The define layer runs pipelines (`steps/runtime.py`) and `Model` reads model versions
(`model/plane.py`) without importing the layers that do it: each keeps one `Seam`, into which
`stepwell/__init__.py` installs a loader that imports the implementation on first use. Tests
(or a caller that wants another implementation for a while) use `using` for one block.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")


class Seam(Generic[T]):
    """One implementation of `what`, made by the installed loader when first asked for."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._loader: Callable[[], T] | None = None
        self._made: T | None = None
        self._override: contextvars.ContextVar[T | None] = contextvars.ContextVar(
            f"stepwell_{what.replace(' ', '_')}", default=None
        )

    def set_loader(self, loader: Callable[[], T]) -> None:
        """Install the function that makes the implementation (forgetting one made before)."""
        self._loader = loader
        self._made = None

    def get(self) -> T:
        """The implementation in use here: an override, else the one the loader made."""
        override = self._override.get()
        if override is not None:
            return override
        if self._made is None:
            if self._loader is None:  # pragma: no cover - stepwell/__init__.py installs one
                raise RuntimeError(f"No {self.what} is installed; import stepwell first.")
            self._made = self._loader()
        return self._made

    @contextmanager
    def using(self, implementation: T) -> Iterator[T]:
        """Use `implementation` for the duration of the block."""
        token = self._override.set(implementation)
        try:
            yield implementation
        finally:
            self._override.reset(token)
