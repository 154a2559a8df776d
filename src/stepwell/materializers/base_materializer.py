"""BaseMaterializer: the interface between a step's values and the artifact store.

Role in the flow (launch -> materializer -> artifact store): the launcher picks a materializer
class for each step output, instantiates it on a fresh artifact folder (`uri`) and calls
`save`; a later step (or `ArtifactVersionResponse.load()`) instantiates the recorded class on
the same folder and calls `load`. Materializers only use `self.artifact_store`, so they work
unchanged on a local folder or a remote fsspec store.

Defining a subclass with `ASSOCIATED_TYPES` registers it in `materializer_registry`
automatically; a subclass that inherits its types without declaring them is validated but
not registered (pass it explicitly where it should be used).
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from stepwell.artifact_stores.base import BaseArtifactStore, artifact_store_for_uri
from stepwell.enums import ArtifactType, VisualizationType
from stepwell.exceptions import MaterializerError
from stepwell.materializers.registry import materializer_registry, normalize_type
from stepwell.utils.cleanup import register_cleanup

_BUILT_IN_PREFIX = "stepwell.materializers."


class BaseMaterializer:
    """Saves values of `ASSOCIATED_TYPES` as files under `uri` and loads them back."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = ()
    ASSOCIATED_ARTIFACT_TYPE: ClassVar[ArtifactType] = ArtifactType.BASE
    # Set in an abstract intermediate class body to skip validation and registration.
    SKIP_REGISTRATION: ClassVar[bool] = False
    # How the bytes may be read, kept in the store's record (never in a file beside them).
    # `save` sets what the record must say (e.g. {"allow_pickle": True}); before `load` the
    # loader sets what the record says. None at load: nothing is recorded (a version saved
    # before load options existed, or a materializer used by hand).
    load_options: dict[str, Any] | None = None
    # Names the artifact in errors ("artifact 'x' (version 3, id ...)"); set by the loader.
    artifact_label: str | None = None

    def __init__(self, uri: str, artifact_store: BaseArtifactStore | None = None) -> None:
        self.uri = uri
        self.artifact_store = artifact_store or artifact_store_for_uri(uri)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("SKIP_REGISTRATION", False):
            return
        declared = "ASSOCIATED_TYPES" in cls.__dict__
        cls._validate_definition()
        if declared:
            built_in = cls.__module__.startswith(_BUILT_IN_PREFIX)
            materializer_registry.register(cls, cls.ASSOCIATED_TYPES, override=not built_in)

    @classmethod
    def _validate_definition(cls) -> None:
        """Fail at class definition, with a fix, when the class attributes are unusable."""
        associated = cls.ASSOCIATED_TYPES
        if isinstance(associated, type):
            raise MaterializerError(
                f"Materializer '{cls.__qualname__}': ASSOCIATED_TYPES must be a tuple of "
                f"classes; write ASSOCIATED_TYPES = ({associated.__name__},) with a comma."
            )
        if not isinstance(associated, (tuple, list)) or not associated:
            raise MaterializerError(
                f"Materializer '{cls.__qualname__}' has no ASSOCIATED_TYPES. Declare the "
                "classes it saves and loads, e.g. ASSOCIATED_TYPES = (MyClass,), or set "
                "SKIP_REGISTRATION = True on an abstract base materializer."
            )
        for data_type in associated:
            if not isinstance(data_type, type):
                raise MaterializerError(
                    f"Materializer '{cls.__qualname__}': ASSOCIATED_TYPES holds {data_type!r}, "
                    "which is not a class. List plain classes (e.g. `list`, not `List[int]`)."
                )
        if "ASSOCIATED_TYPES" in cls.__dict__:
            cls.ASSOCIATED_TYPES = tuple(associated)
        try:
            cls.ASSOCIATED_ARTIFACT_TYPE = ArtifactType(cls.ASSOCIATED_ARTIFACT_TYPE)
        except ValueError as error:
            allowed = ", ".join(f"ArtifactType.{member.name}" for member in ArtifactType)
            raise MaterializerError(
                f"Materializer '{cls.__qualname__}': ASSOCIATED_ARTIFACT_TYPE "
                f"{cls.ASSOCIATED_ARTIFACT_TYPE!r} is not an artifact type; use one of "
                f"{allowed}."
            ) from error

    # -- the interface subclasses implement -----------------------------------------------
    def load(self, data_type: type[Any]) -> Any:
        """Read the value stored under `self.uri`; `data_type` is the type that was saved."""
        raise NotImplementedError(f"{type(self).__qualname__} does not implement load().")

    def save(self, data: Any) -> None:
        """Write `data` as files under `self.uri`."""
        raise NotImplementedError(f"{type(self).__qualname__} does not implement save().")

    def extract_metadata(self, data: Any) -> dict[str, Any]:
        """Small JSON-able facts about `data` (shape, dtype, length...) for the store."""
        return {}

    def save_visualizations(self, data: Any) -> dict[str, VisualizationType]:
        """Write files that show `data` under `self.uri`; return {file uri: how to show it}.

        Called after `save`, unless the step turns visualizations off. The files sit beside
        the artifact's own and are recorded with its version; none by default.
        """
        return {}

    # -- type checks ----------------------------------------------------------------------
    @classmethod
    def can_handle_type(cls, data_type: Any) -> bool:
        """Whether this materializer can save and load values of `data_type`."""
        try:
            target = normalize_type(data_type)
        except MaterializerError:
            return False
        if target is None:
            return False
        members = target if isinstance(target, tuple) else (target,)
        return all(issubclass(member, cls.ASSOCIATED_TYPES) for member in members)

    can_save_type = can_handle_type
    can_load_type = can_handle_type

    def validate_type_compatibility(self, data_type: Any) -> None:
        """Raise MaterializerError when this materializer cannot handle `data_type`."""
        if not self.can_handle_type(data_type):
            names = ", ".join(t.__qualname__ for t in self.ASSOCIATED_TYPES) or "nothing"
            raise MaterializerError(
                f"{type(self).__qualname__} cannot handle {data_type!r}; it handles: {names}."
            )

    validate_save_type_compatibility = validate_type_compatibility
    validate_load_type_compatibility = validate_type_compatibility

    # -- helpers for subclasses -----------------------------------------------------------
    @contextmanager
    def get_temporary_directory(
        self, delete_at_exit: bool, delete_after_step_execution: bool = True
    ) -> Iterator[str]:
        """A fresh local folder, e.g. to stage files a library can only write or read locally.

        `delete_at_exit=True` removes it when the `with` block ends. Otherwise, with
        `delete_after_step_execution=True` (the default) it is removed when the running
        step ends (after its outputs are saved and its hooks ran), so a loaded value may
        keep reading from it; outside a step, or with both False, the caller removes it.
        """
        directory = tempfile.mkdtemp(prefix="stepwell-")
        if delete_after_step_execution and not delete_at_exit:
            register_cleanup(functools.partial(shutil.rmtree, directory, ignore_errors=True))
        try:
            yield directory
        finally:
            if delete_at_exit:
                shutil.rmtree(directory, ignore_errors=True)

    def _path(self, *parts: str) -> str:
        """A path inside this artifact's folder."""
        return self.artifact_store.join(self.uri, *parts)
