"""Create a named snapshot of a pipeline: its compiled spec, configuration and code archive.

Behind `pipeline.create_snapshot(name=..., description=...)`. Names are unique per pipeline:
asking for a taken name is an error, unless `replace=True`, which keeps the older snapshot
(renamed `<name>@<its creation time>`, still runnable by id) and gives the name to the new one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.exceptions import ConfigurationError, EntityExistsError
from stepwell.snapshots.code_archive import build_archive
from stepwell.store.active import default_artifact_store, get_store
from stepwell.store.models import SnapshotResponse
from stepwell.utils.private_files import private_file, private_folder
from stepwell.utils.source_root import source_root


def create_snapshot(
    pipeline: Any,
    name: str,
    description: str | None = None,
    replace: bool = False,
    artifact_store: BaseArtifactStore | None = None,
) -> SnapshotResponse:
    """Compile `pipeline` and store it as a snapshot named `name`.

    The code archive goes to `artifact_store`: the active stack's, so that the nodes and
    servers that run the stack's pipelines (an S3 store with a Ray cluster) can read it;
    without one, to the default artifact store."""
    if not name or not isinstance(name, str):
        raise ConfigurationError("A snapshot needs a non-empty name.")
    spec, config = pipeline.compile()
    store = get_store()
    artifact_store = artifact_store or default_artifact_store()
    # The cheap check first: a taken name fails before the code is archived and uploaded.
    record = store.get_or_create_pipeline(config.name)
    named = store.list_snapshots(pipeline=record.id, named_only=True, size=10_000)
    existing = [s for s in named if s.name == name]
    if existing and not replace:
        raise EntityExistsError(
            f"Pipeline '{config.name}' already has a snapshot named '{name}'. Pick another "
            "name, delete the old one, or pass replace=True to keep it under a versioned name."
        )
    root = source_root()
    metadata = {
        "main_file": _main_file(spec, root),
        "run_configuration": (
            pipeline.run_configuration.model_dump(mode="json", exclude_unset=True)
            if pipeline.run_configuration is not None
            else None
        ),
        "pipeline_source": spec.source,
    }
    archive, digest = build_archive(root, metadata)
    code_uri = artifact_store.join(artifact_store.path, "code", f"{digest}.zip")
    if not artifact_store.exists(code_uri):
        if artifact_store.is_local:  # the code may hold secrets: owner only
            private_folder(os.path.dirname(code_uri))
            private_file(code_uri)
        with artifact_store.open(code_uri, "wb") as handle:
            handle.write(archive)
    for old in existing:
        store.update_snapshot(old.id, name=f"{name}@{old.created.strftime('%Y_%m_%d-%H_%M_%S_%f')}")
    return store.create_snapshot(
        pipeline_id=record.id,
        spec=spec.model_dump(mode="json"),
        config=config.model_dump(mode="json"),
        name=name,
        description=description,
        source_root=str(root),
        code_uri=code_uri,
    )


def _main_file(spec: Any, root: Path) -> str | None:
    """The script that defines `__main__` steps, relative to the source root, if any."""
    sources = [spec.source or ""] + [inv.step_source for inv in spec.invocations]
    if not any(source.startswith("__main__:") for source in sources):
        return None
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    if not main_file:
        raise ConfigurationError(
            "This pipeline's steps are defined in an interactive session; a snapshot must be "
            "able to import them later. Move them into a .py file under your source root."
        )
    path = Path(main_file).resolve()
    try:
        return os.fspath(path.relative_to(root))
    except ValueError:
        raise ConfigurationError(
            f"The script {path} that defines this pipeline is outside the source root {root}; "
            "set STEPWELL_SOURCE_ROOT to a folder that contains it."
        ) from None
