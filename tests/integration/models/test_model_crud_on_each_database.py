"""Models and model versions through `Client()`, on SQLite and on PostgreSQL.

Create, read, list (paging, sorting, filters), update and delete, as ZenML's Client names
them; version lookups by number, name, stage, `latest` and id; and the errors a user meets
for an unknown stage, a missing version or model, and a version name that would read as a
number or a stage.
"""

from __future__ import annotations

import pytest

from stepwell.client import Client
from stepwell.enums import ModelStages
from stepwell.exceptions import (
    EntityExistsError,
    EntityNotFoundError,
    ModelError,
    ModelVersionNotFoundError,
    QueryError,
    UnknownModelStageError,
)


def _numbers(page) -> list[int]:
    return [version.number for version in page]


@pytest.fixture
def four_versions(client: Client) -> Client:
    """Model `alpha` with versions 1, 2, 3 and a named 4th (`v-four`); 2 is in staging,
    3 in production; 1 and 3 are tagged `even-ish`."""
    client.create_model("alpha", license="MIT", tags=["team-a"])
    for number in (1, 2, 3):
        client.create_model_version("alpha", tags=["even-ish"] if number != 2 else None)
    client.create_model_version("alpha", name="v-four", description="the named one")
    client.update_model_version("alpha", 2, stage=ModelStages.STAGING)
    client.update_model_version("alpha", "3", stage="production")
    return client


def test_a_model_keeps_its_card_and_is_found_by_name_id_and_id_prefix(client):
    made = client.create_model(
        "churn", license="MIT", description="predicts churn", audience="ops", tags=["t1", "t2"]
    )
    for key in ("churn", made.id, str(made.id), made.id.hex[:8]):
        found = client.get_model(key)
        assert (found.id, found.name, found.license, found.audience) == (
            made.id,
            "churn",
            "MIT",
            "ops",
        )
    assert sorted(tag.name for tag in client.get_model("churn").tags) == ["t1", "t2"]
    assert client.get_model("churn").latest_version_name is None


def test_a_model_name_is_taken_once(client):
    client.create_model("churn")
    with pytest.raises(EntityExistsError, match="churn"):
        client.create_model("churn")


def test_a_missing_model_is_named_in_the_error(client):
    with pytest.raises(EntityNotFoundError, match="nope"):
        client.get_model("nope")
    with pytest.raises(EntityNotFoundError, match="nope"):
        client.get_model_version("nope", 1)
    with pytest.raises(EntityNotFoundError, match="nope"):
        client.list_model_versions("nope")


def test_models_list_in_pages_sorted_and_filtered_by_name_and_tags(client):
    for name, tags in [("alpha", ["cv"]), ("beta", ["nlp"]), ("gamma", ["cv"]), ("delta", [])]:
        client.create_model(name, tags=tags)
    first = client.list_models(sort_by="asc:name", size=3)
    second = client.list_models(sort_by="asc:name", size=3, page=2)
    assert (first.total, first.total_pages, first.max_size) == (4, 2, 3)
    assert [m.name for m in first] + [m.name for m in second] == [
        "alpha",
        "beta",
        "delta",
        "gamma",
    ]
    assert [m.name for m in client.list_models(sort_by="desc:name")] == [
        "gamma",
        "delta",
        "beta",
        "alpha",
    ]
    assert [m.name for m in client.list_models(name="contains:MM")] == ["gamma"]
    assert [m.name for m in client.list_models(name="startswith:b")] == ["beta"]
    assert sorted(m.name for m in client.list_models(tags=["cv"])) == ["alpha", "gamma"]


def test_update_model_renames_it_and_changes_its_card_and_tags(client):
    client.create_model("old", license="MIT", tags=["keep", "drop"])
    client.create_model("taken")
    updated = client.update_model(
        "old", name="new", description="now described", add_tags=["added"], remove_tags=["drop"]
    )
    assert (updated.name, updated.license, updated.description) == ("new", "MIT", "now described")
    assert sorted(tag.name for tag in client.get_model("new").tags) == ["added", "keep"]
    with pytest.raises(EntityNotFoundError):
        client.get_model("old")
    with pytest.raises(EntityExistsError, match="taken"):
        client.update_model("new", name="taken")


def test_versions_are_numbered_in_order_and_named_after_their_number(four_versions):
    versions = list(four_versions.list_model_versions("alpha"))
    assert [(v.number, v.name) for v in versions] == [(1, "1"), (2, "2"), (3, "3"), (4, "v-four")]
    assert {v.model_name for v in versions} == {"alpha"}
    assert four_versions.get_model("alpha").latest_version_name == "v-four"


def test_versions_list_in_pages_and_sorted(four_versions):
    first = four_versions.list_model_versions("alpha", sort_by="desc:number", size=3)
    second = four_versions.list_model_versions("alpha", sort_by="desc:number", size=3, page=2)
    assert (first.total, first.total_pages, first.index) == (4, 2, 1)
    assert _numbers(first) == [4, 3, 2]
    assert _numbers(second) == [1]


def test_versions_filter_by_number_stage_name_and_tags(four_versions):
    client = four_versions
    client.create_model("other")
    client.create_model_version("other")  # must never show up in alpha's lists
    assert _numbers(client.list_model_versions("alpha", number="gte:2")) == [2, 3, 4]
    assert _numbers(client.list_model_versions("alpha", stage="production")) == [3]
    assert _numbers(client.list_model_versions("alpha", stage=ModelStages.STAGING)) == [2]
    assert _numbers(client.list_model_versions("alpha", name="contains:four")) == [4]
    assert _numbers(client.list_model_versions("alpha", tags=["even-ish"])) == [1, 3]
    assert _numbers(client.list_model_versions(model_name_or_id="alpha", number="lt:2")) == [1]
    assert client.list_model_versions(number=1).total == 2  # no model: every model's


def test_the_stage_filter_none_lists_versions_without_a_stage(four_versions):
    """As `get_model_version(model, "none")` finds them: no stage is the stage `none`."""
    assert _numbers(four_versions.list_model_versions("alpha", stage="none")) == [1, 4]
    assert _numbers(four_versions.list_model_versions("alpha", stage=ModelStages.NONE)) == [1, 4]


def test_an_unknown_stage_filter_lists_the_valid_ones(four_versions):
    with pytest.raises(QueryError, match="production"):
        four_versions.list_model_versions("alpha", stage="prod")


def test_a_version_is_found_by_number_name_stage_latest_and_id(four_versions):
    client = four_versions
    named = client.get_model_version("alpha", "v-four")
    assert named.number == 4
    assert client.get_model_version("alpha", 2).number == 2
    assert client.get_model_version("alpha", "2").number == 2
    assert client.get_model_version("alpha", "production").number == 3
    assert client.get_model_version("alpha", ModelStages.STAGING).number == 2
    assert client.get_model_version("alpha", ModelStages.LATEST).number == 4
    assert client.get_model_version("alpha", "latest").number == 4
    assert client.get_model_version("alpha").number == 4
    assert client.get_model_version("alpha", named.id).name == "v-four"
    assert client.get_model_version("alpha", str(named.id)).name == "v-four"
    assert client.get_model_version(None, named.id).model_name == "alpha"
    assert client.get_model_version("alpha", "none").number == 4  # the newest without a stage


def test_a_missing_version_is_named_with_the_versions_that_exist(four_versions):
    with pytest.raises(ModelVersionNotFoundError, match=r"no version '9'.*v-four, 3 \(production"):
        four_versions.get_model_version("alpha", 9)
    with pytest.raises(ModelVersionNotFoundError, match="no version 'v-five'"):
        four_versions.get_model_version("alpha", "v-five")


def test_a_stage_no_version_holds_says_how_to_promote_one(four_versions):
    four_versions.update_model_version("alpha", 3, stage="archived")
    with pytest.raises(ModelVersionNotFoundError, match="no version in stage 'production'") as err:
        four_versions.get_model_version("alpha", ModelStages.PRODUCTION)
    assert "--stage production" in str(err.value)


def test_a_model_without_versions_says_so(client):
    client.create_model("empty")
    with pytest.raises(ModelVersionNotFoundError, match="'empty' has no versions yet"):
        client.get_model_version("empty")


def test_moving_a_version_to_an_unknown_stage_lists_the_stages(four_versions):
    with pytest.raises(UnknownModelStageError, match="archived, none, production, staging"):
        four_versions.update_model_version("alpha", 1, stage="prod")
    with pytest.raises(UnknownModelStageError):
        four_versions.update_model_version("alpha", 1, stage="latest")
    assert four_versions.get_model_version("alpha", 1).stage is None


@pytest.mark.parametrize("name", ["7", "4", " 12 ", "production", "Latest", "none"])
def test_a_version_cannot_be_named_like_a_number_or_a_stage(four_versions, name):
    with pytest.raises(ModelError, match="numbers and stage names look up") as err:
        four_versions.create_model_version("alpha", name=name)
    assert "has no version" not in str(err.value)  # version 4 does exist
    with pytest.raises(ModelError, match="numbers and stage names look up"):
        four_versions.update_model_version("alpha", 1, name=name)
    assert four_versions.list_model_versions("alpha").total == 4
    assert four_versions.get_model_version("alpha", 1).name == "1"


def test_a_version_name_is_taken_once_per_model(four_versions):
    with pytest.raises(EntityExistsError, match="v-four"):
        four_versions.create_model_version("alpha", name="v-four")
    four_versions.create_model("beta")
    assert four_versions.create_model_version("beta", name="v-four").number == 1


def test_update_model_version_renames_describes_and_tags_it(four_versions):
    updated = four_versions.update_model_version(
        "alpha",
        1,
        name="v-one",
        description="first",
        add_tags=["gold"],
        remove_tags=["even-ish"],
    )
    assert (updated.name, updated.number, updated.description) == ("v-one", 1, "first")
    found = four_versions.get_model_version("alpha", "v-one")
    assert [tag.name for tag in found.tags] == ["gold"]
    assert _numbers(four_versions.list_model_versions("alpha", tags=["even-ish"])) == [3]


def test_a_deleted_version_is_gone_from_lookups_and_lists(four_versions):
    client = four_versions
    client.delete_model_version(client.get_model_version("alpha", "v-four").id)
    with pytest.raises(ModelVersionNotFoundError):
        client.get_model_version("alpha", "v-four")
    assert _numbers(client.list_model_versions("alpha")) == [1, 2, 3]
    assert client.get_model("alpha").latest_version_name == "3"


def test_a_deleted_model_is_gone_with_its_versions(four_versions):
    client = four_versions
    version_id = client.get_model_version("alpha", 1).id
    client.delete_model("alpha")
    with pytest.raises(EntityNotFoundError):
        client.get_model("alpha")
    with pytest.raises(EntityNotFoundError):
        client.get_model_version(None, version_id)
    assert client.list_model_versions().total == 0
    assert client.list_models().total == 0
