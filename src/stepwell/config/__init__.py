"""Configuration models: frozen pydantic values for steps, pipelines and retries.

The bottom layer of the package: everything else may import it, it imports nothing of ours
but `enums` and `exceptions`.
"""
