"""Fixtures for materializer round trips through a real local artifact store."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.materializers import materializer_registry
from stepwell.materializers.loading import load_artifact, save_artifact
from stepwell.utils.sources import get_source


@pytest.fixture
def store(tmp_path) -> BaseArtifactStore:
    return BaseArtifactStore(str(tmp_path))


@pytest.fixture
def roundtrip(store) -> Callable[..., Any]:
    """Save a value the way a step output is saved, then load it the way the store does."""

    def _roundtrip(value: Any, annotation: Any = None, *, with_metadata: bool = False) -> Any:
        materializer_cls = materializer_registry.get_materializer_for_value(value, annotation)
        uri = store.new_artifact_uri("step", "output")
        metadata = save_artifact(value, uri, materializer_cls, store)
        loaded = load_artifact(uri, get_source(materializer_cls), get_source(type(value)))
        return (loaded, metadata, uri) if with_metadata else loaded

    return _roundtrip
