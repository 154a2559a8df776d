"""`UnmaterializedArtifact`: a step input annotation that asks for the artifact version
itself instead of its loaded value.

A step whose input is annotated `UnmaterializedArtifact` (or `list[UnmaterializedArtifact]`
for a list of upstream outputs) receives the stored artifact version record: its `uri`,
`materializer`, `data_type`, `id` and the rest, with `.load()` still there when the value is
wanted after all. No bytes are read before the step starts, so a step can hand the files to
a tool that wants paths. The launcher builds the instance from the store's record
(`execution/inputs.py`); compile-time checks accept any upstream output for such an input
and recognise the class by name (`steps/type_checks.py`), so the define layer never imports
this module. Caching is unchanged: the cache key still hashes the artifact's content.
"""

from __future__ import annotations

from stepwell.store.models import ArtifactVersionResponse


class UnmaterializedArtifact(ArtifactVersionResponse):
    """An artifact version handed to a step as is: annotate an input with this type to get
    the record (`.uri`, `.materializer`, `.load()`, ...) instead of the loaded value."""

    @classmethod
    def from_version(cls, version: ArtifactVersionResponse) -> UnmaterializedArtifact:
        """The same record as this class, keeping the store it is bound to (so lazy
        properties such as `.producer_step_run` still work)."""
        if isinstance(version, cls):
            return version
        fields = {name: getattr(version, name) for name in type(version).model_fields}
        artifact = cls.model_construct(_fields_set=set(version.model_fields_set), **fields)
        private = version.__pydantic_private__
        if private:
            artifact.__pydantic_private__ = dict(private)
        return artifact


__all__ = ["UnmaterializedArtifact"]
