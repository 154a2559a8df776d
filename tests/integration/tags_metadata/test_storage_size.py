"""`storage_size`: every saved artifact version records the bytes it stores in its run
metadata (as ZenML does), from the same pass that fingerprints them; real runs."""

from typing import Annotated, Any

from stepwell import get_step_context, pipeline, register_artifact, save_artifact, step
from stepwell.artifacts.utils import active_artifact_store
from stepwell.client import Client
from stepwell.enums import ExecutionStatus
from stepwell.metadata.metadata_types import StorageSize

TEXT = "x" * 1000


@step
def produce(text: str = TEXT) -> Annotated[str, "text"]:
    return text


@step
def claims_a_size() -> Annotated[str, "claimed"]:
    get_step_context().add_output_metadata({"storage_size": StorageSize(7)})
    return "abc"


@pipeline
def sizes(text: str = TEXT):
    produce(text=text)
    claims_a_size()


def _size(version: Any) -> Any:
    return version.run_metadata["storage_size"]


def test_an_output_records_the_bytes_it_stores_as_a_storage_size():
    run = sizes()
    version = run.steps["produce"].output
    stored = _size(Client().get_artifact_version(version.id))
    assert type(stored) is StorageSize
    assert stored == version.size == len(f'"{TEXT}"')  # the JSON file the value is in


def test_a_storage_size_the_user_set_is_kept():
    version = sizes().steps["claims_a_size"].output
    assert _size(version) == 7 and version.size != 7


def test_a_cached_output_keeps_its_storage_size_and_the_size_is_not_in_the_cache_key():
    first = sizes()
    second = sizes()
    assert second.steps["produce"].status is ExecutionStatus.CACHED
    assert second.steps["produce"].output.id == first.steps["produce"].output.id
    assert _size(second.steps["produce"].output) == _size(first.steps["produce"].output)
    # A user's storage_size differs from the real one; a rerun is still a cache hit.
    assert second.steps["claims_a_size"].status is ExecutionStatus.CACHED


def test_the_same_size_in_new_bytes_is_no_cache_hit():
    first = sizes(text="a" * 10).steps["produce"]
    second = sizes(text="b" * 10).steps["produce"]
    assert second.status is ExecutionStatus.COMPLETED
    assert _size(first.output) == _size(second.output)


def test_saved_and_registered_artifacts_record_their_storage_size(tmp_path):
    saved = save_artifact([1, 2, 3], name="saved_list")
    assert _size(saved) == saved.size > 0
    bare = save_artifact("abc", name="bare", extract_metadata=False, user_metadata={"a": 1})
    assert bare.run_metadata == {"storage_size": bare.size, "a": 1}
    store = active_artifact_store()
    folder = store.join(store.path, "external", "data")
    store.makedirs(folder)
    with store.open(store.join(folder, "part.bin"), "wb") as handle:
        handle.write(b"12345")
    registered = register_artifact(folder, name="registered")
    assert _size(registered) == 5
