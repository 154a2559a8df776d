"""ZenML 0.98 names the Client and its records also answer to: the deprecated metadata
helpers, `active_user`, `zen_store`, `list_flavors`, `create_run_metadata`,
`list_run_templates`, `version.artifact`, `version.download_files`, `run.code_reference`,
`step_run.source_code` / `.docstring` (SQLite store, real runs)."""

import zipfile
from typing import Annotated

import pytest

import stepwell
from stepwell import Model, pipeline, step
from stepwell.client import Client
from stepwell.enums import MetadataResourceTypes, StackComponentType
from stepwell.exceptions import MetadataError
from stepwell.models import FlavorResponse, RunMetadataResource


@step
def make_rows() -> Annotated[list, "rows"]:
    """Make three rows."""
    stepwell.log_artifact_metadata({"rows": 3})
    stepwell.log_step_metadata({"phase": "load"})
    return [1, 2, 3]


@pipeline(enable_cache=False)
def rows_pipeline():
    make_rows()


def test_deprecated_helpers_log_on_the_steps_output_and_step_run(stepwell_logs):
    run = rows_pipeline()
    step_run = run.steps["make_rows"]
    assert step_run.output.run_metadata["rows"] == 3
    assert step_run.run_metadata["phase"] == "load"


def test_deprecated_helpers_warn_that_log_metadata_replaces_them(stepwell_logs):
    run = rows_pipeline()
    stepwell.log_step_metadata({"k": 1}, step_name="make_rows", run_id=run.name)
    assert "log_step_metadata is deprecated" in stepwell_logs.text
    assert Client().get_pipeline_run(run.id).steps["make_rows"].run_metadata["k"] == 1


def test_log_artifact_metadata_outside_a_step_takes_the_named_or_newest_version():
    rows_pipeline()
    second = rows_pipeline().steps["make_rows"].output
    stepwell.log_artifact_metadata({"checked": True}, artifact_name="rows")
    stepwell.log_artifact_metadata({"first": True}, artifact_name="rows", artifact_version="1")
    client = Client()
    assert client.get_artifact_version(second.id).run_metadata["checked"] is True
    assert "checked" not in client.get_artifact_version("rows", "1").run_metadata
    assert client.get_artifact_version("rows", "1").run_metadata["first"] is True
    with pytest.raises(MetadataError, match="artifact_name"):
        stepwell.log_artifact_metadata({"x": 1})


def test_log_step_metadata_outside_a_step_uses_the_pipelines_newest_run():
    rows_pipeline()
    newest = rows_pipeline()
    stepwell.log_step_metadata(
        {"score": 0.5}, step_name="make_rows", pipeline_name_id_or_prefix="rows_pipeline"
    )
    assert newest.refresh().steps["make_rows"].run_metadata["score"] == 0.5
    with pytest.raises(MetadataError, match="run_id"):
        stepwell.log_step_metadata({"x": 1}, step_name="make_rows")


@step(model=Model(name="sizer"))
def train_sizer() -> int:
    stepwell.log_model_metadata({"accuracy": 0.9})
    return 1


@pipeline
def sizer_pipeline():
    train_sizer()


def test_log_model_metadata_infers_the_steps_model_or_takes_name_and_version():
    sizer_pipeline()
    stepwell.log_model_metadata({"owner": "ana"}, model_name="sizer", model_version=1)
    version = Client().get_model_version("sizer", 1)
    assert version.run_metadata["accuracy"] == 0.9
    assert version.run_metadata["owner"] == "ana"
    with pytest.raises(MetadataError, match="both"):
        stepwell.log_model_metadata({"x": 1}, model_name="sizer")


def test_active_user_on_the_local_store_is_the_default_admin():
    user = Client().active_user
    assert (user.name, user.role) == ("default", "admin")


def test_zen_store_is_the_store_with_its_get_and_list_methods():
    run = rows_pipeline()
    store = Client().zen_store
    assert store is Client().store or type(store) is type(Client().store)
    assert store.get_run(run.id).name == run.name
    assert [r.id for r in store.list_runs(size=5)] == [run.id]


def test_list_flavors_pages_the_registered_flavors_with_filters():
    client = Client()
    flavors = client.list_flavors(size=100)
    assert all(isinstance(flavor, FlavorResponse) for flavor in flavors)
    assert ("local", StackComponentType.ORCHESTRATOR) in {(f.name, f.type) for f in flavors}
    orchestrators = client.list_flavors(type="orchestrator", size=100)
    assert {f.type for f in orchestrators} == {StackComponentType.ORCHESTRATOR}
    (local,) = client.list_flavors(name="local", type="orchestrator").items
    assert local.integration is None and "properties" in local.config_schema
    first = client.list_flavors(size=1, sort_by="name")
    assert first.total == len(flavors) and first.total_pages == len(flavors)


def test_create_run_metadata_logs_on_each_resource_and_skips_bad_values(stepwell_logs):
    run = rows_pipeline()
    version = run.steps["make_rows"].output
    Client().create_run_metadata(
        metadata={"source": "csv", "bad": object()},
        resources=[
            RunMetadataResource(id=run.id, type=MetadataResourceTypes.PIPELINE_RUN),
            RunMetadataResource(id=version.id, type="artifact_version"),
        ],
    )
    assert run.refresh().run_metadata["source"] == "csv"
    assert Client().get_artifact_version(version.id).run_metadata["source"] == "csv"
    assert "bad" not in run.refresh().run_metadata
    assert "Skipping metadata 'bad'" in stepwell_logs.text
    with pytest.raises(ValueError, match="resource types are"):
        RunMetadataResource(id=run.id, type="stack")


def test_list_run_templates_lists_the_named_snapshots():
    client = Client()
    named = rows_pipeline.create_snapshot(name="nightly-rows")
    rows_pipeline()  # its run's unnamed snapshot is not a template
    templates = client.list_run_templates()
    assert [t.id for t in templates] == [named.id]
    assert [t.name for t in client.list_run_templates(name="nightly-rows")] == ["nightly-rows"]
    assert client.list_run_templates(name="other").total == 0


def test_artifact_version_knows_its_artifact_and_downloads_its_files(tmp_path):
    version = rows_pipeline().steps["make_rows"].output
    assert version.artifact.id == version.artifact_id
    assert version.artifact.name == "rows"
    target = tmp_path / "rows.zip"
    version.download_files(str(target))
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        assert names
        stored = sum(len(archive.read(name)) for name in names)
    assert stored == version.size or version.size is None
    with pytest.raises(FileExistsError, match="overwrite=True"):
        version.download_files(str(target))
    version.download_files(str(target), overwrite=True)
    with pytest.raises(ValueError, match=".zip"):
        version.download_files(str(tmp_path / "rows.tar"))


def test_step_run_shows_its_source_code_and_docstring_and_run_has_no_code_reference():
    run = rows_pipeline()
    step_run = run.steps["make_rows"]
    assert step_run.docstring == "Make three rows."
    assert step_run.source_code.startswith("@step\ndef make_rows()")
    assert run.code_reference is None


def test_step_source_code_is_none_once_the_code_changed(user_module):
    module = user_module(
        """
        from stepwell import pipeline, step

        @step
        def one() -> int:
            return 1

        @pipeline
        def p():
            one()
        """
    )
    run = module.p()
    assert "return 1" in run.steps["one"].source_code
    path = module.__file__
    with open(path) as handle:
        text = handle.read()
    with open(path, "w") as handle:
        handle.write(text.replace("return 1", "return 2"))
    import importlib

    importlib.reload(module)
    assert Client().get_pipeline_run(run.id).steps["one"].source_code is None
