"""`ArtifactConfig` in output annotations, and dynamic artifact names (no store, no runs)."""

from datetime import datetime, timezone
from typing import Annotated, Tuple

import pytest

from stepwell.artifacts.artifact_config import ArtifactConfig
from stepwell.artifacts.names import missing_placeholders, resolve_artifact_name
from stepwell.enums import ArtifactType
from stepwell.exceptions import OutputAnnotationError
from stepwell.steps.signature import parse_outputs


def test_artifact_config_name_names_the_output():
    def f() -> Annotated[int, ArtifactConfig(name="model", version="v2", tags=["a"])]:
        return 1

    outputs = parse_outputs(f)
    assert list(outputs) == ["model"]
    assert outputs["model"].has_custom_name
    assert outputs["model"].annotation is int
    assert outputs["model"].artifact_config.version_text == "v2"


def test_artifact_config_without_a_name_keeps_the_default_output_name():
    def f() -> Annotated[int, ArtifactConfig(version=3)]:
        return 1

    outputs = parse_outputs(f)
    assert list(outputs) == ["output"]
    assert not outputs["output"].has_custom_name
    assert outputs["output"].artifact_config.version_text == "3"


def test_each_tuple_element_can_have_its_own_artifact_config():
    def f() -> Tuple[Annotated[int, ArtifactConfig(name="a_{date}")], Annotated[str, "b_{time}"]]:
        return 1, "x"

    assert list(parse_outputs(f)) == ["a_{date}", "b_{time}"]


def test_an_output_name_with_bad_characters_is_refused():
    def f() -> Annotated[int, "no spaces {date}"]:
        return 1

    with pytest.raises(OutputAnnotationError, match="letters, digits"):
        parse_outputs(f)


def test_legacy_flags_set_the_artifact_type():
    assert ArtifactConfig(is_model_artifact=True).artifact_type is ArtifactType.MODEL
    assert ArtifactConfig(is_deployment_artifact=True).artifact_type is ArtifactType.SERVICE
    with pytest.raises(ValueError, match="not both"):
        ArtifactConfig(is_model_artifact=True, is_deployment_artifact=True)


def test_dynamic_names_take_date_time_and_substitutions_from_the_run():
    start = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=timezone.utc)
    name = resolve_artifact_name("scores_{date}_{time}_{env}", start, {"env": "prod"})
    assert name == "scores_2024_05_06_07_08_09_123456_prod"
    assert resolve_artifact_name("plain", start) == "plain"


def test_missing_placeholders_are_listed():
    assert missing_placeholders("m_{date}_{env}_{region}", {"env": "x"}) == ["region"]
