"""`stepwell model version list --compare`: the table's cells and the comparison's shape."""

from types import SimpleNamespace
from uuid import uuid4

import pytest

from stepwell.cli.model_compare import column_labels, comparison, format_value


def version(model: str, name: str, metadata: dict, model_id=None) -> SimpleNamespace:
    return SimpleNamespace(
        model_name=model,
        model_id=model_id or model,
        name=name,
        number=int(name) if name.isdigit() else 0,
        stage=None,
        id=uuid4(),
        run_metadata=metadata,
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0.9500000000000001, "0.95"),
        (1.0, "1.0"),
        (0.0, "0.0"),
        (1e-9, "1e-09"),
        (float("nan"), "nan"),
        (10, "10"),
        ("yes", "yes"),
        ({"b": 1, "a": [1, 2]}, '{"a": [1, 2], "b": 1}'),
    ],
)
def test_format_value_keeps_floats_short_and_containers_as_json(value, shown):
    assert format_value(value) == shown


def test_comparison_has_a_row_per_key_with_none_where_a_version_has_no_value():
    compared = comparison(
        [version("m", "1", {"loss": 0.5}), version("m", "2", {"loss": 0.4, "f1": 0.7})]
    )
    assert compared["rows"] == [
        {"key": "f1", "values": [None, 0.7]},
        {"key": "loss", "values": [0.5, 0.4]},
    ]
    assert [v["name"] for v in compared["versions"]] == ["1", "2"]


def test_column_labels_name_the_model_only_when_several_are_compared():
    one = [version("m", "1", {}), version("m", "v2", {})]
    assert column_labels(one) == ["1", "v2"]
    two = [version("m", "1", {}), version("n", "1", {})]
    assert column_labels(two) == ["m:1", "n:1"]
