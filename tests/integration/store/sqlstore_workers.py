"""Code run in child processes by the metadata store concurrency tests (importable by spawn)."""

from __future__ import annotations

import os
import traceback
from typing import Any

from stepwell.store.sql import SqlStore


def make_versions(url: str, name: str, count: int, barrier: Any, results: Any) -> None:
    """Open the store once all workers are ready, record `count` versions of `name`."""
    try:
        barrier.wait(timeout=60)
        store = SqlStore(url)
        try:
            made = [
                store.create_artifact_version(
                    name=name,
                    uri=f"memory://{os.getpid()}/{index}",
                    data_type="builtins.int",
                    materializer="stepwell.materializers.BuiltInMaterializer",
                ).version_number
                for index in range(count)
            ]
        finally:
            store.close()
        results.put(("ok", os.getpid(), made))
    except BaseException:
        results.put(("error", os.getpid(), traceback.format_exc()))
