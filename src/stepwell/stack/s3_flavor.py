"""The `s3` artifact store flavor: artifact bytes in an S3 or S3-compatible bucket.

ZenML's flavor name and configuration fields (`path`, `key`, `secret`, `token`,
`client_kwargs`, `config_kwargs`, `s3_additional_kwargs`), plus a top-level `endpoint_url`
for S3-compatible servers (MinIO, Ceph, moto). Checked when the component is registered,
before anything is stored: the path must be an `s3://bucket[/prefix]` URL, keys are known,
and s3fs must be installed. `key`, `secret` and `token` may be `{{secret.key}}` references
(resolved where the store is built, see `stack.secret_references`); left unset, credentials
come from the environment where the store is used (boto's default chain).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import field_validator, model_validator

from stepwell.artifact_stores.s3_artifact_store import check_s3fs_installed
from stepwell.enums import StackComponentType
from stepwell.stack.flavors import ComponentConfig, Flavor
from stepwell.stack.secret_references import is_secret_reference


class S3ArtifactStoreConfig(ComponentConfig):
    """Where in S3 artifact bytes go and how s3fs reaches the bucket."""

    SECRET_FIELDS: ClassVar[frozenset[str]] = frozenset({"key", "secret", "token"})

    path: str
    key: str | None = None
    secret: str | None = None
    token: str | None = None
    # The S3 API's address, for S3-compatible servers (same as client_kwargs.endpoint_url).
    endpoint_url: str | None = None
    # Passed on as s3fs's arguments of the same names (boto client, botocore config, and
    # extra arguments of every S3 request, e.g. ServerSideEncryption).
    client_kwargs: dict[str, Any] | None = None
    config_kwargs: dict[str, Any] | None = None
    s3_additional_kwargs: dict[str, Any] | None = None

    @field_validator("path")
    @classmethod
    def _s3_url(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith("s3://") or not value[len("s3://") :].strip("/"):
            raise ValueError("must be an s3://bucket[/prefix] URL")
        return value.rstrip("/")

    @field_validator("endpoint_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or is_secret_reference(value):
            return value
        if not value.startswith(("http://", "https://")) or len(value) <= len("https://"):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @model_validator(mode="after")
    def _one_endpoint(self) -> S3ArtifactStoreConfig:
        inner = (self.client_kwargs or {}).get("endpoint_url")
        if self.endpoint_url is not None and inner is not None and inner != self.endpoint_url:
            raise ValueError(
                "endpoint_url and client_kwargs.endpoint_url differ; give the endpoint once"
            )
        return self


class S3ArtifactStoreFlavor(Flavor):
    type = StackComponentType.ARTIFACT_STORE
    name = "s3"
    config_class = S3ArtifactStoreConfig
    implementation_source = "stepwell.artifact_stores.s3_artifact_store:S3ArtifactStore"

    @classmethod
    def validate_config(
        cls, configuration: dict[str, Any], component: str = "<unnamed>"
    ) -> ComponentConfig:
        """The configuration checked, and s3fs installed (else how to install it)."""
        config = super().validate_config(configuration, component)
        check_s3fs_installed(f"The artifact store '{component}' (flavor 's3')")
        return config
