"""Placeholders a pipeline function sees while it is traced: step outputs and handles (compile)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from stepwell.exceptions import StepDefinitionError


class StepOutput:
    """Placeholder for an output of a step invocation, while the pipeline is compiled."""

    __slots__ = ("annotation", "invocation_id", "output_name")

    def __init__(self, invocation_id: str, output_name: str, annotation: Any) -> None:
        self.invocation_id = invocation_id
        self.output_name = output_name
        self.annotation = annotation

    def __iter__(self) -> Iterator[Any]:
        raise StepDefinitionError(
            f"Output '{self.output_name}' of '{self.invocation_id}' is one artifact and cannot be "
            "unpacked while the pipeline is compiled. To get several outputs, annotate the step "
            "`-> Tuple[A, B]` and `return a, b` (a tuple literal)."
        )

    def load(self) -> Any:
        """Not available while a pipeline is compiled: nothing has run yet."""
        raise StepDefinitionError(
            f"Output '{self.output_name}' of '{self.invocation_id}' has no value yet: a pipeline "
            "function only wires steps together, and its steps run after it returns. Pass the "
            "output to another step, or use @pipeline(dynamic=True) to run steps as the "
            "function goes and `.load()` their results."
        )

    def __repr__(self) -> str:
        return f"<output {self.invocation_id}.{self.output_name}>"


class InvocationHandle:
    """What calling a step without outputs returns: usable in `after=`."""

    __slots__ = ("invocation_id",)

    def __init__(self, invocation_id: str) -> None:
        self.invocation_id = invocation_id

    def __repr__(self) -> str:
        return f"<invocation {self.invocation_id}>"


class ExternalArtifact:
    """A value saved as an artifact before the run (single-step calls with real objects)."""

    __slots__ = ("artifact_version_id",)

    def __init__(self, artifact_version_id: str) -> None:
        self.artifact_version_id = artifact_version_id
