"""A snapshot's code archive goes to the active stack's artifact store, where the nodes and
servers that run the stack's pipelines read it, not to the default artifact folder."""

from pathlib import Path

from stepwell.client import Client
from stepwell.enums import ExecutionStatus
from stepwell.store.artifact_roots import default_root

MODULE = """
    from stepwell import pipeline, step

    @step
    def triple(value: int = 2) -> int:
        return value * 3

    @pipeline
    def tripling_pipeline():
        triple()
"""


def test_the_code_archive_lands_in_the_active_stacks_artifact_store(user_module, tmp_path):
    module = user_module(MODULE, "stack_store_pipelines")
    shared = tmp_path / "shared-store"
    client = Client()
    client.create_stack_component("shared", "local", "artifact_store", {"path": str(shared)})
    client.create_stack("shared_stack", {"orchestrator": "default", "artifact_store": "shared"})
    client.activate_stack("shared_stack")

    snapshot = module.tripling_pipeline.create_snapshot(name="on-shared")

    archive = Path(snapshot.code_uri)
    assert archive.is_file()
    assert archive.resolve().is_relative_to(shared.resolve())
    assert not Path(default_root(), "code").exists() or not any(
        Path(default_root(), "code").iterdir()
    )
    run = client.trigger_pipeline(snapshot_name_or_id="on-shared", synchronous=True, timeout=120)
    assert run.status is ExecutionStatus.COMPLETED
    assert run.steps["triple"].output.load() == 6
