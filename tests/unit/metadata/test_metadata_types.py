"""Metadata values: which are accepted, how each is stored and read back, which value wins."""

from datetime import datetime, timedelta, timezone
from enum import Enum

import pytest

from stepwell.exceptions import MetadataTypeError
from stepwell.metadata.metadata_types import (
    DType,
    Path,
    StorageSize,
    Uri,
    decode_value,
    encode_metadata,
    encode_value,
    resolve_metadata,
)


def _round_trip(value):
    encoded = encode_value("key", value)
    return decode_value(encoded.value, encoded.type)


@pytest.mark.parametrize(
    "value",
    [Uri("s3://b"), Path("/p"), DType("int8"), StorageSize(3), (1, 2), {1, 2}, True, None, 1.5],
)
def test_values_come_back_with_the_type_they_were_logged_as(value):
    back = _round_trip(value)
    assert back == value and type(back) is type(value)


def test_subclasses_of_builtins_are_stored_as_the_builtin():
    class Color(str, Enum):
        RED = "red"

    encoded = encode_value("color", Color.RED)
    assert (encoded.value, encoded.type) == ("red", "str")


def test_an_unsupported_value_is_refused_naming_its_key():
    with pytest.raises(MetadataTypeError, match="'model'.*object"):
        encode_metadata({"fine": 1, "model": object()})


def test_a_container_with_something_that_is_not_json_is_refused_naming_its_key():
    with pytest.raises(MetadataTypeError, match="'rows'"):
        encode_value("rows", [1, object()])


def test_keys_must_be_strings():
    with pytest.raises(MetadataTypeError):
        encode_value(3, "x")


def test_the_newest_value_wins_and_dicts_of_one_key_merge():
    now = datetime.now(timezone.utc)
    later = now + timedelta(seconds=1)
    entries = [("a", 2, later), ("a", 1, now), ("d", {"x": 1}, now), ("d", {"y": 2}, later)]
    assert resolve_metadata(entries) == {"a": 2, "d": {"x": 1, "y": 2}}
