"""`Model` as configuration: validation, how versions read, and how it travels in configs.

No store is involved: a fake model plane stands in for it where a method is called.
"""

from __future__ import annotations

from types import SimpleNamespace
from uuid import uuid4

import pytest
from pydantic import ValidationError

from stepwell.config.pipeline_config import PipelineConfig
from stepwell.config.run_config import PipelineRunConfiguration
from stepwell.enums import ModelStages
from stepwell.exceptions import ModelError, UnknownModelStageError
from stepwell.model.lazy import ModelArtifactReference
from stepwell.model.model import Model
from stepwell.model.plane import using_plane
from stepwell.model.stages import is_number, is_stage, stage_value


def test_stage_names_become_stages_and_other_text_stays_a_name():
    assert Model(name="m", version="Production").version is ModelStages.PRODUCTION
    assert Model(name="m", version="latest").version is ModelStages.LATEST
    assert Model(name="m", version="v1").version == "v1"
    assert Model(name="m", version=3).version_text == "3"
    assert Model(name="m", version="  ").version is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": " "}, "needs a name"),
        ({"name": "m", "version": True}, "not a bool"),
        ({"name": "m", "licence": "MIT"}, "licence"),
    ],
)
def test_bad_model_configuration_is_refused_naming_the_field(kwargs, message):
    with pytest.raises(ValidationError, match=message):
        Model(**kwargs)


def test_a_model_survives_a_pipeline_config_s_json_round_trip():
    config = PipelineConfig(name="p", model=Model(name="m", version="v{date}", tags=["x"]))
    again = PipelineConfig.model_validate(config.model_dump(mode="json"))
    assert again.model == config.model
    assert again.model.tags == ["x"]


def test_a_yaml_model_key_with_a_typo_is_an_error_naming_it():
    with pytest.raises(ValidationError, match="lisence"):
        PipelineRunConfiguration.model_validate({"model": {"name": "m", "lisence": "MIT"}})


def test_stage_values_are_checked_and_listed():
    assert stage_value("STAGING") == "staging"
    assert stage_value(ModelStages.LATEST, for_lookup=True) == "latest"
    with pytest.raises(UnknownModelStageError, match="archived, none, production, staging"):
        stage_value("prod")
    with pytest.raises(UnknownModelStageError):
        stage_value("latest")  # only for lookups
    assert is_stage("production") and not is_stage("v1")
    assert is_number(3) and is_number("12") and not is_number(True) and not is_number("v1")


class _DefiningPlane:
    """A plane that says a pipeline function is being compiled."""

    def defining_pipeline(self) -> bool:
        return True


def test_get_artifact_while_a_pipeline_is_defined_is_a_lazy_reference():
    with using_plane(_DefiningPlane()):  # type: ignore[arg-type]
        reference = Model(name="m", version="production").get_model_artifact("clf")
        with pytest.raises(ModelError, match="made when the run starts"):
            Model(name="m").number
    assert reference == ModelArtifactReference("m", "production", "clf", None, "model")


def test_a_model_bound_to_a_version_reads_its_number_without_the_store():
    record = SimpleNamespace(
        id=uuid4(), name="4", number=4, model_id=uuid4(), stage=None, model_name="m",
        description=None,
    )  # fmt: skip
    model = Model.for_version(record)
    assert (model.number, model.version, model.model_version_id) == (4, "4", record.id)
    assert model == Model(name="m", version="4")
    assert repr(model) == "Model(name='m', version='4')"


def test_a_bad_stage_fails_before_any_version_is_looked_up_or_made():
    class _NoStore:
        def defining_pipeline(self) -> bool:
            return False

        def version_of(self, model):  # pragma: no cover - must not be reached
            raise AssertionError("a version was looked up for a bad stage")

    with using_plane(_NoStore()):  # type: ignore[arg-type]
        with pytest.raises(UnknownModelStageError, match="'prod' is not a model stage"):
            Model(name="y").set_stage("prod")
