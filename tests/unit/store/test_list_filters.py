"""The list-call query parser: operators, typed values, sort specs and their errors (no database)."""

from datetime import datetime, timezone
from uuid import UUID

import pytest

from stepwell.enums import ExecutionStatus, GenericFilterOps
from stepwell.exceptions import QueryError, StoreError
from stepwell.store.filters import (
    Condition,
    FieldKind,
    FieldSpec,
    SortSpec,
    check_page,
    match_any,
    parse_condition,
    parse_conditions,
    parse_sort,
    parse_tag_conditions,
    split_operator,
)

Op = GenericFilterOps
NAME = FieldSpec("name", FieldKind.STRING)
CREATED = FieldSpec("created", FieldKind.DATETIME)
ID = FieldSpec("id", FieldKind.UUID)
NUMBER = FieldSpec("version_number", FieldKind.INT)
UNLISTED = FieldSpec("is_unlisted", FieldKind.BOOL)
STATUS = FieldSpec.enum("status", ExecutionStatus)
FIELDS = {spec.name: spec for spec in (NAME, CREATED, ID, NUMBER, UNLISTED, STATUS)}
JAN_1 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_a_value_without_operator_means_equals():
    assert parse_condition(NAME, "train") == Condition("name", Op.EQUALS, "train")


@pytest.mark.parametrize(
    ("raw", "op", "value"),
    [
        ("contains:train", Op.CONTAINS, "train"),
        ("startswith:tr", Op.STARTSWITH, "tr"),
        ("endswith:ing", Op.ENDSWITH, "ing"),
        ("notcontains:x", Op.NOT_CONTAINS, "x"),
        ("equals:a:b", Op.EQUALS, "a:b"),
        ('oneof:["a","b"]', Op.ONEOF, ("a", "b")),
        ("oneof:a, b", Op.ONEOF, ("a", "b")),
        ("in:a,b", Op.IN, ("a", "b")),
        ("isnull:", Op.IS_NULL, None),
    ],
)
def test_string_operators(raw, op, value):
    assert parse_condition(NAME, raw) == Condition("name", op, value)


def test_double_colons_of_artifact_names_are_part_of_the_value():
    assert split_operator("training::trainer::output") == (Op.EQUALS, "training::trainer::output")


def test_a_misspelt_operator_is_an_error_naming_the_valid_ones():
    with pytest.raises(QueryError, match="Unknown filter operator 'contian'.*contains") as raised:
        parse_condition(NAME, "contian:train")
    assert "equals:contian:train" in str(raised.value)
    assert isinstance(raised.value, StoreError) and isinstance(raised.value, ValueError)


def test_datetimes_in_zenml_format_are_utc():
    condition = parse_condition(CREATED, "gt:2026-01-01 00:00:00")
    assert condition == Condition("created", Op.GT, JAN_1)


def test_datetimes_keep_their_offset_as_the_same_instant():
    condition = parse_condition(CREATED, "lte:2026-01-01T09:00:00+09:00")
    assert condition.value == JAN_1


def test_a_datetime_object_is_an_equality():
    assert parse_condition(CREATED, JAN_1) == Condition("created", Op.EQUALS, JAN_1)


def test_datetime_in_is_a_range():
    condition = parse_condition(CREATED, "in:2026-01-01 00:00:00,2026-02-01 00:00:00")
    assert condition.value == (JAN_1, datetime(2026, 2, 1, tzinfo=timezone.utc))


def test_a_bad_datetime_says_which_format():
    with pytest.raises(QueryError, match="%Y-%m-%d %H:%M:%S"):
        parse_condition(CREATED, "gt:yesterday")


def test_an_operator_that_does_not_fit_the_field_lists_those_that_do():
    with pytest.raises(QueryError, match="'contains' does not apply to created.*gte"):
        parse_condition(CREATED, "contains:2026")


def test_uuids_are_parsed_and_prefixes_are_hex():
    some = UUID("12345678-1234-5678-1234-567812345678")
    assert parse_condition(ID, str(some)).value == some
    assert parse_condition(ID, "startswith:1234-56").value == "123456"
    with pytest.raises(QueryError, match="not an id"):
        parse_condition(ID, "abc")
    with pytest.raises(QueryError, match="hexadecimal"):
        parse_condition(ID, "startswith:xyz")


def test_ints_and_bools_are_typed():
    assert parse_condition(NUMBER, "gte:3") == Condition("version_number", Op.GTE, 3)
    assert parse_condition(NUMBER, "oneof:1,2").value == (1, 2)
    assert parse_condition(UNLISTED, "false").value is False
    assert parse_condition(UNLISTED, True).value is True
    with pytest.raises(QueryError, match="whole number"):
        parse_condition(NUMBER, "gt:three")
    with pytest.raises(QueryError, match="true or false"):
        parse_condition(UNLISTED, "maybe")


def test_enum_values_are_checked_and_listed():
    assert parse_condition(STATUS, "in:failed,Stopped").value == ("failed", "stopped")
    assert parse_condition(STATUS, ExecutionStatus.FAILED).value == "failed"
    with pytest.raises(QueryError, match="Unknown status 'finished'.*completed"):
        parse_condition(STATUS, "finished")


def test_unknown_fields_list_the_known_ones_and_none_is_no_filter():
    assert parse_conditions(FIELDS, {"name": None}) == []
    with pytest.raises(QueryError, match="Cannot filter by 'colour'; filter by one of: created"):
        parse_conditions(FIELDS, {"colour": "red"})


def test_a_list_gives_one_condition_per_item():
    conditions = parse_conditions(FIELDS, {"created": ["gt:2026-01-01 00:00:00", "lt:2027-01-01"]})
    assert [condition.op for condition in conditions] == [Op.GT, Op.LT]


def test_tags_take_operators_on_names():
    assert parse_tag_conditions("prod") == [Condition("tags", Op.EQUALS, "prod")]
    assert [c.op for c in parse_tag_conditions(["a", "startswith:b"])] == [Op.EQUALS, Op.STARTSWITH]
    assert parse_tag_conditions(None) == []


@pytest.mark.parametrize(
    ("sort_by", "descending", "expected"),
    [
        ("created", None, SortSpec("created", False)),
        ("desc:created", None, SortSpec("created", True)),
        ("asc:name", True, SortSpec("name", False)),
        ("name", True, SortSpec("name", True)),
    ],
)
def test_sort_specs(sort_by, descending, expected):
    assert parse_sort(sort_by, FIELDS, descending) == expected


def test_bad_sorts_name_the_valid_fields_and_directions():
    with pytest.raises(QueryError, match="Cannot sort by 'duration'; sort by one of: created"):
        parse_sort("desc:duration", FIELDS)
    with pytest.raises(QueryError, match="use 'asc:' or 'desc:'"):
        parse_sort("down:created", FIELDS)


def test_logical_operator_and_pages():
    assert match_any("or") is True and match_any("AND") is False
    with pytest.raises(QueryError, match="'and' or 'or'"):
        match_any("xor")
    assert check_page(3, 20) == 40
    with pytest.raises(QueryError, match="page must be >= 1"):
        check_page(0, 20)
