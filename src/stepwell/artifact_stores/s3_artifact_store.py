"""The artifact store of the `s3` flavor: artifact bytes in an S3 (or S3-compatible) bucket.

Store layer, under materializers (launch -> materializer -> artifact store). The file
operations and atomic publication are `BaseArtifactStore`'s over fsspec; this class turns
the flavor's configuration (ZenML's field names) into s3fs options, checks that s3fs is
installed, and keeps credentials out of every repr. Credentials left unset come from the
environment where the filesystem is made (AWS_* variables, the shared credentials file, an
instance role: boto's default chain).

Workers get the store in memory (pickled into a forked or spawned worker, or a distributed
task's payload) with the options it was built with, already resolved from any
`{{secret.key}}` reference; nothing is written to disk.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from stepwell.artifact_stores import known
from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.exceptions import StackComponentConfigError

INSTALL_HINT = "pip install 'stepwell[s3]'"


def check_s3fs_installed(component: str = "The s3 artifact store") -> None:
    """Raise a StackComponentConfigError saying how to install s3fs, if it is missing."""
    if importlib.util.find_spec("s3fs") is None:
        raise StackComponentConfigError(
            f"{component} needs the s3fs package, which is not installed here; "
            f"install it with: {INSTALL_HINT}"
        )


def s3_storage_options(
    *,
    key: str | None = None,
    secret: str | None = None,
    token: str | None = None,
    endpoint_url: str | None = None,
    client_kwargs: dict[str, Any] | None = None,
    config_kwargs: dict[str, Any] | None = None,
    s3_additional_kwargs: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The s3fs keyword arguments for these settings (unset ones left to s3fs's defaults);
    `endpoint_url` goes into `client_kwargs`, where boto expects it."""
    options: dict[str, Any] = {
        name: value
        for name, value in (("key", key), ("secret", secret), ("token", token))
        if value is not None
    }
    client = dict(client_kwargs or {})
    if endpoint_url is not None:
        client["endpoint_url"] = endpoint_url
    if client:
        options["client_kwargs"] = client
    if config_kwargs:
        options["config_kwargs"] = dict(config_kwargs)
    if s3_additional_kwargs:
        options["s3_additional_kwargs"] = dict(s3_additional_kwargs)
    return options


class S3ArtifactStore(BaseArtifactStore):
    """Artifact bytes under `path` (`s3://bucket/prefix`), through s3fs."""

    def __init__(
        self,
        path: str,
        key: str | None = None,
        secret: str | None = None,
        token: str | None = None,
        endpoint_url: str | None = None,
        client_kwargs: dict[str, Any] | None = None,
        config_kwargs: dict[str, Any] | None = None,
        s3_additional_kwargs: dict[str, Any] | None = None,
    ) -> None:
        if not path.startswith("s3://") or not path[len("s3://") :].strip("/"):
            raise StackComponentConfigError(
                f"The s3 artifact store's path must be an s3://bucket[/prefix] URL; got {path!r}."
            )
        check_s3fs_installed()
        super().__init__(
            path,
            **s3_storage_options(
                key=key,
                secret=secret,
                token=token,
                endpoint_url=endpoint_url,
                client_kwargs=client_kwargs,
                config_kwargs=config_kwargs,
                s3_additional_kwargs=s3_additional_kwargs,
            ),
        )

    def _remember(self) -> None:
        # Even without options: a bare URI under this root is then read by this class.
        known.remember(self)

    @property
    def is_remote_reachable(self) -> bool:
        """Always: a bucket is reached over the network (given credentials there)."""
        return True
