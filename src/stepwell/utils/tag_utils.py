"""`add_tags` and `remove_tags`: tag runs, pipelines, artifacts, versions and snapshots.

The same targets and inference as ZenML's `zenml.utils.tag_utils`:

    add_tags(tags=[...])                                  # in a step: its pipeline run
    add_tags(tags=[...], run=...)  /  pipeline=...  /  snapshot=...  /  artifact=...
    add_tags(tags=[...], artifact_version_id=...)
    add_tags(tags=[...], artifact_name=..., artifact_version=...)
    add_tags(tags=[...], infer_artifact=True)             # in a step: its single output
    add_tags(tags=[...], artifact_name=..., infer_artifact=True)   # one of its outputs

`remove_tags` takes the same keywords and ignores tags that are not there. Outside a step the
change is written at once; inside a step it is checked at once and written by the
orchestrating process with the step's outputs (workers never write to the store).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from stepwell.config.tags import Tag, tag_name
from stepwell.exceptions import EntityNotFoundError, TagError

_USAGE = """Ways to call add_tags / remove_tags:
    add_tags(tags=[...])  # inside a step: on its pipeline run
    add_tags(tags=[...], run=...)
    add_tags(tags=[...], pipeline=...)
    add_tags(tags=[...], snapshot=...)
    add_tags(tags=[...], artifact=...)
    add_tags(tags=[...], artifact_version_id=...)
    add_tags(tags=[...], artifact_name=..., artifact_version=...)
    add_tags(tags=[...], infer_artifact=True)  # inside a step with one output
    add_tags(tags=[...], artifact_name=..., infer_artifact=True)  # one of its outputs"""

# Keyword sets that name one target, and the resource type each names.
_TARGETS: dict[frozenset[str], str] = {
    frozenset({"pipeline"}): "pipeline",
    frozenset({"run"}): "pipeline_run",
    frozenset({"snapshot"}): "pipeline_snapshot",
    frozenset({"artifact"}): "artifact",
    frozenset({"artifact_version_id"}): "artifact_version",
    frozenset({"artifact_name", "artifact_version"}): "artifact_version",
}


def add_tags(
    tags: str | Tag | list[str | Tag],
    pipeline: UUID | str | None = None,
    run: UUID | str | None = None,
    run_template: UUID | str | None = None,
    snapshot: UUID | str | None = None,
    deployment: UUID | str | None = None,
    artifact: UUID | str | None = None,
    artifact_version_id: UUID | None = None,
    artifact_name: str | None = None,
    artifact_version: str | None = None,
    infer_artifact: bool | None = None,
) -> None:
    """Put tags (names or `Tag`s, created on first use) on the resource the keywords name."""
    listed: list[str | Tag] = [tags] if isinstance(tags, (str, Tag)) else list(tags)
    _change(listed, False, locals())


def remove_tags(
    tags: str | list[str],
    pipeline: UUID | str | None = None,
    run: UUID | str | None = None,
    run_template: UUID | str | None = None,
    snapshot: UUID | str | None = None,
    deployment: UUID | str | None = None,
    artifact: UUID | str | None = None,
    artifact_version_id: UUID | None = None,
    artifact_name: str | None = None,
    artifact_version: str | None = None,
    infer_artifact: bool | None = None,
) -> None:
    """Take tags off the resource the keywords name; tags not on it are ignored."""
    listed: list[str | Tag] = [tags] if isinstance(tags, (str, Tag)) else list(tags)
    _change(listed, True, locals())


def _change(tags: list[str | Tag], remove: bool, arguments: dict[str, Any]) -> None:
    given = {
        key: value
        for key, value in arguments.items()
        if key not in ("tags", "listed") and value is not None
    }
    if given == {"infer_artifact": False}:  # "do not infer" is the same as not saying
        given = {}
    for unsupported in ("run_template", "deployment"):
        if unsupported in given:
            raise TagError(
                f"stepwell has no {unsupported.replace('_', ' ')}s to tag; tag the snapshot "
                "(snapshot=...) or the pipeline (pipeline=...) instead."
            )
    from stepwell.steps.step_context import _CURRENT

    context = _CURRENT.get()
    if given.get("infer_artifact") is True and set(given) <= {"infer_artifact", "artifact_name"}:
        _on_output(context, tags, remove, given.get("artifact_name"))
        return
    if not given:
        if context is None:
            verb = "remove_tags" if remove else "add_tags"
            raise TagError(
                f"You are calling {verb}() outside of a step, so it cannot tell what to tag; "
                "name the resource with one of the keywords below.\n" + _USAGE
            )
        resource_type, resource_id = "pipeline_run", context.pipeline_run.id
    else:
        resource_type = _TARGETS.get(frozenset(given), "")
        if not resource_type:
            raise TagError(f"Unsupported combination of keywords: {sorted(given)}.\n" + _USAGE)
        resource_id = _resolve(resource_type, given)
    store = _store()
    if context is None:
        change = store.remove_tags if remove else store.add_tags
        change(tags, resource_type=resource_type, resource_id=resource_id)
        return
    if not remove:
        _check_now(store, tags, resource_type)
    from stepwell.steps.deferred_writes import DeferredTags

    context.deferred_writes.append(DeferredTags(resource_type, resource_id, list(tags), remove))


def _on_output(context: Any, tags: list[str | Tag], remove: bool, name: str | None) -> None:
    """Tag (or untag) an output of the running step when its version is recorded."""
    if context is None:
        raise TagError(
            "infer_artifact=True works only inside a step with outputs; elsewhere pass "
            "artifact_version_id=... or artifact_name=... with artifact_version=...."
        )
    from stepwell.utils.metadata_utils import _inferred_output

    try:
        output = _inferred_output(context, name)
    except ValueError as error:
        raise TagError(str(error)) from None
    names = [tag_name(tag) for tag in tags]
    if remove:
        context.remove_output_tags(names, output)
    else:
        context.add_output_tags(names, output)


def _resolve(resource_type: str, given: dict[str, Any]) -> UUID:
    """The id of the resource the keywords name (looked up, so it must exist)."""
    store = _store()
    if resource_type == "pipeline":
        return UUID(str(store.get_pipeline(given["pipeline"]).id))
    if resource_type == "pipeline_run":
        return UUID(str(store.get_run(given["run"]).id))
    if resource_type == "pipeline_snapshot":
        return UUID(str(store.get_snapshot(given["snapshot"]).id))
    if resource_type == "artifact":
        return UUID(str(store.get_artifact(given["artifact"]).id))
    if "artifact_version_id" in given:
        return UUID(str(store.get_artifact_version(UUID(str(given["artifact_version_id"]))).id))
    version = store.get_artifact_version(given["artifact_name"], given["artifact_version"])
    return UUID(str(version.id))


def _check_now(store: Any, tags: list[str | Tag], resource_type: str) -> None:
    """Fail in the step, not at the later write, on a tag that cannot go on the resource."""
    from stepwell.store.tag_rules import check_tag

    for tag in tags:
        try:
            stored: bool | None = bool(store.get_tag(tag_name(tag)).exclusive)
        except EntityNotFoundError:
            stored = None
        check_tag(tag, stored, resource_type)


def _store() -> Any:
    from stepwell.store.active import get_store

    return get_store()


__all__ = ["Tag", "add_tags", "remove_tags"]
