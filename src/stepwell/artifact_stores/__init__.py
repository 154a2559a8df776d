"""Where artifact bytes live: a local folder by default, any fsspec URL (S3, GCS, ...) by config.

Names are imported on first use: `import stepwell` installs a finder in `known` (which
imports nothing heavy), and must not load `base` and its imports with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stepwell.artifact_stores.base import BaseArtifactStore, artifact_store_for_uri

__all__ = ["BaseArtifactStore", "artifact_store_for_uri"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from stepwell.artifact_stores import base

        return getattr(base, name)
    raise AttributeError(f"module 'stepwell.artifact_stores' has no attribute '{name}'")
