"""What the function of a dynamic pipeline holds while its steps run (runs layer).

`StepHandle` (an output: pass it on, or `.load()` it), `StepFuture` (a step started with
`submit`, or one element of a `map`), `MapResult` (a map's futures, usable as one list
input downstream) and `unmapped` (an input every mapped step gets whole). They wait through
the engine of `runs.dynamic`, which pumps the run loop.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from stepwell.compiler.placeholders import StepOutput


class Engine(Protocol):
    """What a handle needs of the dynamic engine: wait for a step, read its outputs."""

    def wait_for(self, invocation_id: str) -> None: ...

    def output_versions(self, invocation_id: str, output_name: str) -> list[Any]: ...


class Unmapped:
    """Marks an input of `map`/`product` that every mapped step gets whole."""

    def __init__(self, value: Any) -> None:
        self.value = value


def unmapped(value: Any) -> Unmapped:
    """Pass `value` whole to every step of a `map` or `product`."""
    return Unmapped(value)


class StepHandle(StepOutput):
    """An output of a step of a dynamic run: pass it on, or `.load()` its value."""

    __slots__ = ("_engine", "element_hash", "index")

    def __init__(
        self,
        engine: Engine,
        invocation_id: str,
        output_name: str,
        annotation: Any,
        index: int | None = None,
        element_hash: str | None = None,
    ) -> None:
        super().__init__(invocation_id, output_name, annotation)
        self._engine = engine
        self.index = index
        self.element_hash = element_hash

    def load(self) -> Any:
        """Wait for the step, then read this output back from the artifact store."""
        self._engine.wait_for(self.invocation_id)
        value = self._engine.output_versions(self.invocation_id, self.output_name)[0].load()
        return value[self.index] if self.index is not None else value

    def __len__(self) -> int:
        return len(self.load())

    def __getitem__(self, index: int) -> StepHandle:
        """One element of a sequence output, as an input of another step."""
        return StepHandle(self._engine, self.invocation_id, self.output_name, Any, index)


class StepFuture:
    """A step started with `submit` or `map`; its outputs once it has finished."""

    def __init__(self, engine: Engine, invocation_id: str, handles: list[StepHandle]):
        self._engine = engine
        self.invocation_id = invocation_id
        self.handles = handles

    def wait(self) -> StepFuture:
        self._engine.wait_for(self.invocation_id)
        return self

    def result(self) -> Any:
        """The step's output handles (one, or a tuple for several), once it has finished."""
        self.wait()
        return self.handles[0] if len(self.handles) == 1 else tuple(self.handles)

    def load(self) -> Any:
        """The step's output value(s), once it has finished."""
        self.wait()
        values = [handle.load() for handle in self.handles]
        return values[0] if len(values) == 1 else tuple(values)

    def __repr__(self) -> str:
        return f"<future {self.invocation_id}>"


class MapResult(Sequence[StepFuture]):
    """The futures of a `map`/`product`, in element order; a list input downstream."""

    def __init__(self, futures: list[StepFuture]) -> None:
        self.futures = futures

    def __getitem__(self, index: Any) -> Any:
        return self.futures[index]

    def __len__(self) -> int:
        return len(self.futures)

    def __iter__(self) -> Iterator[StepFuture]:
        return iter(self.futures)

    def wait(self) -> MapResult:
        for future in self.futures:
            future.wait()
        return self

    def load(self) -> list[Any]:
        return [future.load() for future in self.futures]


__all__ = ["MapResult", "StepFuture", "StepHandle", "Unmapped", "unmapped"]
