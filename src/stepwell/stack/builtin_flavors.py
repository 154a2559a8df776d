"""stepwell's own stack component flavors and their configuration models.

Orchestrators `local` (steps in parallel processes), `inline` (one by one in the calling
process, for debugging) and `ray` (steps as Ray tasks on a cluster: `stack/ray_flavor.py`);
artifact stores `local` (a folder, or any fsspec URL) and `s3` (`stack/s3_flavor.py`);
alerters `log` and `webhook`. Implementations are named by source and imported only when a
stack builds them, so reading or validating a configuration imports no orchestrator or HTTP
code.
"""

from __future__ import annotations

import os
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, PositiveFloat, field_validator

from stepwell.config.environment import artifact_store_path
from stepwell.enums import StackComponentType
from stepwell.stack.flavors import ComponentConfig, Flavor
from stepwell.stack.orchestrator_settings import LocalOrchestratorSettings, OrchestratorSettings
from stepwell.stack.ray_flavor import RayOrchestratorFlavor
from stepwell.stack.s3_flavor import S3ArtifactStoreFlavor
from stepwell.stack.secret_references import is_secret_reference


class LocalOrchestratorConfig(ComponentConfig):
    """How the local orchestrator runs steps (its settings in a run's config win)."""

    # Strict: "2" or True is a mistake in a config file, not a number of processes.
    max_parallelism: Annotated[int, Field(ge=1, strict=True)] | None = None
    reuse_processes: Annotated[bool, Field(strict=True)] = True
    synchronous: Annotated[bool, Field(strict=True)] = True
    # How workers start: "fork" (the default where the OS has it) or "spawn" (a fresh
    # interpreter: the default on Windows; what the distributed engine's workers get too).
    start_method: Literal["fork", "spawn"] | None = None


class LocalOrchestratorFlavor(Flavor):
    type = StackComponentType.ORCHESTRATOR
    name = "local"
    config_class = LocalOrchestratorConfig
    settings_class = LocalOrchestratorSettings
    implementation_source = "stepwell.orchestrators.local:LocalOrchestrator"

    @classmethod
    def implementation_kwargs(cls, config: Any) -> dict[str, Any]:
        # `synchronous` is about how a run is submitted, not how the orchestrator launches.
        return {
            "max_parallelism": config.max_parallelism,
            "reuse_processes": config.reuse_processes,
            "start_method": config.start_method,
        }


class InlineOrchestratorFlavor(Flavor):
    type = StackComponentType.ORCHESTRATOR
    name = "inline"
    settings_class = OrchestratorSettings
    implementation_source = "stepwell.orchestrators.inline:InlineOrchestrator"


class LocalArtifactStoreConfig(ComponentConfig):
    """Where artifact bytes go: a folder or any fsspec URL (default: the home folder's)."""

    path: str | None = None

    @field_validator("path")
    @classmethod
    def _absolute(cls, value: str | None) -> str | None:
        # A relative folder means the one relative to where the component was registered.
        if value is None or "://" in value:
            return value
        if not value.strip():
            raise ValueError("must not be empty; leave it out for the default folder")
        return os.path.abspath(os.path.expanduser(value))


class LocalArtifactStoreFlavor(Flavor):
    type = StackComponentType.ARTIFACT_STORE
    name = "local"
    config_class = LocalArtifactStoreConfig
    implementation_source = "stepwell.artifact_stores.base:BaseArtifactStore"

    @classmethod
    def implementation_kwargs(cls, config: Any) -> dict[str, Any]:
        # Unset, the default folder is found at build time (it follows STEPWELL_HOME).
        return {"path": config.path or artifact_store_path()}


class LogAlerterConfig(ComponentConfig):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class LogAlerterFlavor(Flavor):
    type = StackComponentType.ALERTER
    name = "log"
    config_class = LogAlerterConfig
    implementation_source = "stepwell.alerters.log_alerter:LogAlerter"


class WebhookAlerterConfig(ComponentConfig):
    """Where the webhook alerter posts; `headers` may carry an authorization token."""

    # A webhook URL carries its secret in the path; headers may hold a token.
    SECRET_FIELDS: ClassVar[frozenset[str]] = frozenset({"url", "headers"})

    url: str
    headers: dict[str, str] = Field(default_factory=dict)
    timeout: PositiveFloat = 10.0
    # Sent again after a connection error, a time-out, HTTP 429 or 5xx: this many more times,
    # waiting `backoff`, 2 x `backoff`, ... seconds.
    retries: Annotated[int, Field(ge=0, le=10, strict=True)] = 3
    backoff: Annotated[float, Field(ge=0, le=60)] = 0.5

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if is_secret_reference(value):
            return value  # `{{secret.key}}`: checked once resolved, where the alerter is built
        if not value.startswith(("http://", "https://")) or len(value) <= len("https://"):
            raise ValueError("must be an http:// or https:// URL")
        return value


class WebhookAlerterFlavor(Flavor):
    type = StackComponentType.ALERTER
    name = "webhook"
    config_class = WebhookAlerterConfig
    implementation_source = "stepwell.alerters.webhook_alerter:WebhookAlerter"


BUILTIN_FLAVORS: tuple[type[Flavor], ...] = (
    LocalOrchestratorFlavor,
    InlineOrchestratorFlavor,
    RayOrchestratorFlavor,
    LocalArtifactStoreFlavor,
    S3ArtifactStoreFlavor,
    LogAlerterFlavor,
    WebhookAlerterFlavor,
)
