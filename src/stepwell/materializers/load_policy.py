"""How recorded artifact bytes may be read: the digest check, load options and pickling.

Role in the flow (store -> read, and step inputs at launch): anyone who can write to a shared
artifact store can replace an artifact's bytes, and unpickling bytes runs code their writer
chose. So before a recorded version is deserialised, `check_bytes` compares its bytes with
the digest recorded when they were written; how the bytes may be read (may they be
unpickled?) comes from the record's load options, set at save time, never from a file beside
the bytes; and the setting STEPWELL_ALLOW_PICKLE=false refuses every pickle-based load.

Versions recorded before digests existed (digest NULL) load as before, with one warning per
version and process. The digest protects against bytes changed behind the record's back;
whoever can also rewrite the record can rewrite the digest.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.config.environment import ENV_ALLOW_PICKLE, allow_pickle
from stepwell.exceptions import (
    ArtifactFilesMissingError,
    ArtifactIntegrityError,
    PickleRefusedError,
)
from stepwell.materializers.fingerprint import digest_matches
from stepwell.utils.fork_locks import fork_safe_lock

if TYPE_CHECKING:
    from stepwell.materializers.base_materializer import BaseMaterializer

logger = logging.getLogger(__name__)

ALLOW_PICKLE = "allow_pickle"
M = TypeVar("M", bound="BaseMaterializer")

_warned_versions: set[str] = set()
_warned_lock = fork_safe_lock(sys.modules[__name__], "_warned_lock")


@dataclass(frozen=True)
class LoadRecord:
    """What the store says about a version, for loading its bytes safely."""

    label: str  # names the artifact in errors: "artifact 'x' (version 3, id ...)"
    digest: str | None = None  # "<algorithm>:<hex>"; None: recorded before digests
    # None: nothing recorded (a version from before load options): read as before.
    load_options: dict[str, Any] | None = None
    version_id: str | None = None


def load_record(version: Any) -> LoadRecord:
    """The `LoadRecord` of a recorded artifact version (an `ArtifactVersionResponse`)."""
    digest = getattr(version, "digest", None)
    options = getattr(version, "load_options", None)
    if options is None and digest is not None:
        options = {}  # recorded with a digest: no options means none are allowed
    version_id = getattr(version, "id", None)
    if version_id is None:  # saved in the running step, recorded when it succeeds
        label = f"artifact '{version.name}' (saved in this step, not recorded yet)"
    else:
        label = f"artifact '{version.name}' (version {version.version}, id {version_id})"
    return LoadRecord(
        label=label,
        digest=digest,
        load_options=None if options is None else dict(options),
        version_id=None if version_id is None else str(version_id),
    )


def check_bytes(artifact_store: BaseArtifactStore, uri: str, record: LoadRecord) -> None:
    """Raise ArtifactIntegrityError unless the bytes at `uri` match the recorded digest."""
    if record.digest is None:
        _warn_unverified(record)
        return
    try:
        matches = digest_matches(artifact_store, uri, record.digest)
    except ArtifactFilesMissingError:
        raise ArtifactFilesMissingError(
            f"The files of {record.label} are gone from the artifact store ('{uri}'): they "
            "were deleted since it was saved. Nothing was loaded. Run the step that produced "
            "it again, with the cache off, to make a new version."
        ) from None  # the message says all that the hashing error did
    if not matches:
        raise ArtifactIntegrityError(
            f"The bytes of {record.label} at '{uri}' do not match the digest recorded when it "
            f"was saved ({record.digest}): they were changed or replaced since. Nothing was "
            "loaded. Find out who writes to this artifact store, and re-run the step that "
            "produced the artifact to make a new version."
        )


def record_allows_pickle(materializer: BaseMaterializer) -> bool:
    """Whether the record says these bytes were saved with pickle (True when nothing is
    recorded, as for versions saved before load options existed)."""
    options = materializer.load_options
    return options is None or bool(options.get(ALLOW_PICKLE))


def require_pickle(materializer: BaseMaterializer, what: str) -> None:
    """Raise PickleRefusedError unless `materializer` may unpickle `what` (e.g. "a
    cloudpickle file"): the record must allow it and STEPWELL_ALLOW_PICKLE must not forbid it."""
    label = artifact_label(materializer)
    if not allow_pickle():
        raise PickleRefusedError(
            f"Refusing to load {label}: it is {what}, and {ENV_ALLOW_PICKLE}=false refuses "
            "every pickle-based load (unpickling runs code chosen by whoever wrote the bytes). "
            f"Unset {ENV_ALLOW_PICKLE} if you trust every writer of this store, or save such "
            "values with a materializer that does not pickle."
        )
    if not record_allows_pickle(materializer):
        raise PickleRefusedError(
            f"Refusing to load {label}: it is {what}, but its record does not say it was "
            f"saved with pickled objects (load options {materializer.load_options!r}). The "
            "bytes or the record were changed after saving; nothing was unpickled."
        )


def artifact_label(materializer: BaseMaterializer) -> str:
    """How errors name the artifact a materializer reads."""
    return materializer.artifact_label or f"the artifact at '{materializer.uri}'"


def pickled_options() -> dict[str, Any]:
    """The load options a materializer records when it saved with pickle."""
    return {ALLOW_PICKLE: True}


def delegate(outer: BaseMaterializer, inner_cls: type[M]) -> M:
    """`inner_cls` on the same folder, reading under the same record as `outer`."""
    inner = inner_cls(outer.uri, outer.artifact_store)
    inner.load_options = outer.load_options
    inner.artifact_label = outer.artifact_label
    return inner


def _warn_unverified(record: LoadRecord) -> None:
    """Warn once per version and process that its bytes cannot be checked."""
    if record.version_id is None:
        return
    with _warned_lock:
        if record.version_id in _warned_versions:
            return
        _warned_versions.add(record.version_id)
    logger.warning(
        "%s was recorded without a digest (saved by an older release), so its bytes cannot "
        "be checked before loading; it loads as before. Re-run the step that produced it to "
        "get a version with a digest.",
        record.label[0].upper() + record.label[1:],
    )
