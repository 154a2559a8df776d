"""Compiling steps whose inputs are annotated `UnmaterializedArtifact`: any upstream output
fits them, and a plain value does not."""

from typing import Annotated

import pytest

from stepwell import pipeline, step
from stepwell.artifacts.unmaterialized_artifact import UnmaterializedArtifact
from stepwell.exceptions import InputTypeError, ParameterTypeError
from stepwell.steps.type_checks import is_unmaterialized, type_fits
from stepwell.store.models import ArtifactVersionResponse


class RawFiles(UnmaterializedArtifact):
    """A user's subclass, still an unmaterialized input."""


@step
def text() -> str:
    return "a"


@step
def number() -> int:
    return 1


@step
def read_raw(artifact: UnmaterializedArtifact) -> None:
    pass


@step
def read_raw_subclass(artifact: Annotated[RawFiles, "raw"]) -> None:
    pass


@step
def read_many(artifacts: list[UnmaterializedArtifact]) -> None:
    pass


def test_an_unmaterialized_input_accepts_any_upstream_type():
    @pipeline
    def p():
        read_raw(text())
        read_raw_subclass(number())
        read_many([text(), number()])

    spec, _ = p.compile()
    bindings = {inv.id: inv.inputs for inv in spec.invocations}
    assert bindings["read_raw"]["artifact"].kind == "artifact"
    assert bindings["read_raw_subclass"]["artifact"].kind == "artifact"
    assert bindings["read_many"]["artifacts"].kind == "artifact_list"
    assert len(bindings["read_many"]["artifacts"].artifacts) == 2


def test_a_plain_value_for_an_unmaterialized_input_is_an_error():
    @pipeline
    def p():
        read_raw(artifact="s3://bucket/file")

    with pytest.raises(ParameterTypeError, match="Input 'artifact' of step invocation 'read_raw'"):
        p.compile()


def test_the_record_type_itself_is_still_checked_as_a_type():
    @step
    def wants_record(artifact: ArtifactVersionResponse) -> None:
        pass

    @pipeline
    def p():
        wants_record(text())

    with pytest.raises(InputTypeError, match="Input 'artifact'"):
        p.compile()


def test_unmaterialized_annotations_are_recognised_by_name():
    assert is_unmaterialized(UnmaterializedArtifact)
    assert is_unmaterialized(RawFiles)
    assert is_unmaterialized(Annotated[UnmaterializedArtifact, "x"])
    assert not is_unmaterialized(ArtifactVersionResponse)
    assert not is_unmaterialized(list[UnmaterializedArtifact])
    assert not is_unmaterialized("UnmaterializedArtifact")


def test_type_fits_lets_any_output_feed_an_unmaterialized_input():
    assert type_fits(str, UnmaterializedArtifact)
    assert type_fits(dict[str, int], RawFiles)
    assert not type_fits(str, int)
