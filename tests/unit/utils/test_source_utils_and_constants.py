"""`stepwell.utils.source_utils` and `stepwell.constants`: ZenML's import paths for them."""

import pytest

from stepwell import constants
from stepwell.exceptions import SourceError
from stepwell.materializers.base_materializer import BaseMaterializer
from stepwell.utils import source_utils


def test_resolve_and_load_round_trip_in_both_source_forms():
    source = source_utils.resolve(BaseMaterializer)
    assert source == "stepwell.materializers.base_materializer:BaseMaterializer"
    assert source.import_path == "stepwell.materializers.base_materializer.BaseMaterializer"
    assert source_utils.load(source) is BaseMaterializer
    assert source_utils.load(source.import_path) is BaseMaterializer


def test_load_and_validate_class_refuses_a_class_of_another_kind():
    source = "stepwell.materializers.base_materializer.BaseMaterializer"
    assert source_utils.load_and_validate_class(source, BaseMaterializer) is BaseMaterializer
    with pytest.raises(SourceError, match="not a subclass of int"):
        source_utils.load_and_validate_class(source, int)
    assert source_utils.validate_source_class(source, int) is False


def test_get_source_root_is_the_configured_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("STEPWELL_SOURCE_ROOT", str(tmp_path))
    assert source_utils.get_source_root() == str(tmp_path)


@pytest.mark.parametrize(
    ("value", "expected"), [("yes", True), ("TRUE", True), ("0", False), ("maybe", None)]
)
def test_handle_bool_env_var_reads_zenml_spellings_else_the_default(monkeypatch, value, expected):
    monkeypatch.setenv("SOME_FLAG", value)
    default = object()
    got = constants.handle_bool_env_var("SOME_FLAG", default=default)  # type: ignore[arg-type]
    assert got is (default if expected is None else expected)


def test_env_constants_name_the_variables_stepwell_reads(monkeypatch):
    from stepwell.config.environment import ENV_DEBUG

    assert constants.ENV_STEPWELL_DEBUG == ENV_DEBUG
    monkeypatch.setenv("N", "x")
    assert constants.handle_int_env_var("N", default=7) == 7
