"""Running steps: the pure scheduler, cache keys, retries, and the launcher (execution layer)."""
