"""How much content hashing adds to saving a large artifact (issue: under 15%).

Saves a 200 MB numpy array through the numpy materializer into a staged folder, with and
without computing the content hash that stepwell records for cache keys, and reports the
medians and the overhead. Run: `.venv/bin/python benchmarks/bench_hashing.py [--mb 200]`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from typing import Any


def measure(megabytes: int, repeats: int) -> dict[str, Any]:
    import numpy as np

    from stepwell.artifact_stores.base import BaseArtifactStore
    from stepwell.materializers.loading import content_hash
    from stepwell.materializers.numpy_materializer import NumpyMaterializer

    data = np.random.default_rng(0).random(megabytes * 2**20 // 8)
    root = tempfile.mkdtemp(prefix="stepwell-hash-bench-")
    store = BaseArtifactStore(root)
    save_times, hash_times = [], []
    try:
        for index in range(repeats):
            uri = os.path.join(root, f"a{index}")
            start = time.perf_counter()
            with store.staged_directory(uri) as staging:
                NumpyMaterializer(staging, store).save(data)
            saved = time.perf_counter()
            content_hash(store, uri)
            hashed = time.perf_counter()
            save_times.append(saved - start)
            hash_times.append(hashed - saved)
            shutil.rmtree(uri)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    save, digest = statistics.median(save_times), statistics.median(hash_times)
    return {
        "megabytes": megabytes,
        "save_s": round(save, 4),
        "hash_s": round(digest, 4),
        "overhead_pct": round(100 * digest / save, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(measure(args.mb, args.repeats)))


if __name__ == "__main__":
    main()
