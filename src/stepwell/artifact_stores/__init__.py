"""Where artifact bytes live: a local folder by default, any fsspec URL (S3, GCS, ...) by config."""

from stepwell.artifact_stores.base import BaseArtifactStore, artifact_store_for_uri

__all__ = ["BaseArtifactStore", "artifact_store_for_uri"]
