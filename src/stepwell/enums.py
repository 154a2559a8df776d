"""Enumerations shared by every layer: run statuses, execution modes, stack component types.

Values match ZenML's so that stored data and user code read the same.
"""

from __future__ import annotations

from enum import Enum


class StrEnum(str, Enum):
    """A string-valued enum whose `str()` is its value."""

    def __str__(self) -> str:
        return str(self.value)


class ExecutionStatus(StrEnum):
    """Status of a pipeline run or a step run; statuses only move forward."""

    INITIALIZING = "initializing"
    PROVISIONING = "provisioning"
    QUEUED = "queued"
    RUNNING = "running"
    RETRYING = "retrying"
    COMPLETED = "completed"
    CACHED = "cached"
    FAILED = "failed"
    RETRIED = "retried"
    SKIPPED = "skipped"
    STOPPING = "stopping"
    STOPPED = "stopped"

    @property
    def is_finished(self) -> bool:
        """True once nothing more will happen to this run or step."""
        return self in _FINISHED

    @property
    def is_successful(self) -> bool:
        """True for a run or step that produced its outputs."""
        return self in (ExecutionStatus.COMPLETED, ExecutionStatus.CACHED)

    @property
    def is_failed(self) -> bool:
        return self in (ExecutionStatus.FAILED, ExecutionStatus.STOPPED)


_FINISHED = frozenset(
    {
        ExecutionStatus.COMPLETED,
        ExecutionStatus.CACHED,
        ExecutionStatus.FAILED,
        ExecutionStatus.RETRIED,
        ExecutionStatus.SKIPPED,
        ExecutionStatus.STOPPED,
    }
)


class ExecutionMode(StrEnum):
    """What the orchestrator does with the rest of a run once a step fails."""

    FAIL_FAST = "fail_fast"
    STOP_ON_FAILURE = "stop_on_failure"
    CONTINUE_ON_FAILURE = "continue_on_failure"

    @classmethod
    def _missing_(cls, value: object) -> ExecutionMode | None:
        if isinstance(value, str):
            normalised = value.strip().lower()
            if normalised == "continue_on_error":
                return cls.CONTINUE_ON_FAILURE
            for member in cls:
                if member.value == normalised:
                    return member
        return None


# The spec's own example spells it CONTINUE_ON_ERROR; accept it as an alias.
ExecutionMode.CONTINUE_ON_ERROR = ExecutionMode.CONTINUE_ON_FAILURE  # type: ignore[attr-defined]


class ArtifactType(StrEnum):
    """What kind of thing an artifact holds, for display and filtering."""

    DATA = "DataArtifact"
    MODEL = "ModelArtifact"
    DATA_ANALYSIS = "DataAnalysisArtifact"
    SCHEMA = "SchemaArtifact"
    STATISTICS = "StatisticsArtifact"
    SERVICE = "ServiceArtifact"
    BASE = "BaseArtifact"


class VisualizationType(StrEnum):
    """How a saved visualization file is shown: the kinds a notebook and the dashboard render."""

    CSV = "csv"
    HTML = "html"
    IMAGE = "image"
    MARKDOWN = "markdown"
    JSON = "json"


class StackComponentType(StrEnum):
    """The kinds of stack component a stack is made of (values as in ZenML)."""

    ORCHESTRATOR = "orchestrator"
    ARTIFACT_STORE = "artifact_store"
    ALERTER = "alerter"

    @property
    def label(self) -> str:
        """The type's name for messages: 'orchestrator', 'artifact store', 'alerter'."""
        return self.value.replace("_", " ")

    @property
    def plural(self) -> str:
        """The type's name for messages: 'orchestrators', 'artifact stores', 'alerters'."""
        return self.label + "s"


class GenericFilterOps(StrEnum):
    """Operators a list call's field filter can start with (`"contains:train"`), as in ZenML."""

    EQUALS = "equals"
    NOT_EQUALS = "notequals"
    CONTAINS = "contains"
    NOT_CONTAINS = "notcontains"
    STARTSWITH = "startswith"
    ENDSWITH = "endswith"
    ONEOF = "oneof"
    NOT_ONEOF = "notoneof"
    IN = "in"
    IS_NULL = "isnull"
    IS_NOT_NULL = "isnotnull"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"


class SorterOps(StrEnum):
    """The direction prefix of a list call's `sort_by` (`"desc:created"`)."""

    ASCENDING = "asc"
    DESCENDING = "desc"


class LogicalOperators(StrEnum):
    """How a list call combines its field filters: all must hold (`and`) or any (`or`)."""

    OR = "or"
    AND = "and"


class TaggableResourceTypes(StrEnum):
    """What a tag can be on; the `resource_type` of a tag link, as in ZenML."""

    ARTIFACT = "artifact"
    ARTIFACT_VERSION = "artifact_version"
    PIPELINE = "pipeline"
    PIPELINE_RUN = "pipeline_run"
    PIPELINE_SNAPSHOT = "pipeline_snapshot"
    MODEL = "model"
    MODEL_VERSION = "model_version"


class MetadataResourceTypes(StrEnum):
    """What metadata can be logged on; the `resource_type` of a metadata row, as in ZenML."""

    PIPELINE_RUN = "pipeline_run"
    STEP_RUN = "step_run"
    ARTIFACT_VERSION = "artifact_version"
    MODEL_VERSION = "model_version"


class ModelStages(StrEnum):
    """The stages a model version can be in, as in ZenML; `latest` is for lookups only.

    At most one version of a model is in `staging` and one in `production` at a time; a
    version that gives up its stage to another (`set_stage(..., force=True)`) is `archived`.
    """

    NONE = "none"
    STAGING = "staging"
    PRODUCTION = "production"
    ARCHIVED = "archived"
    LATEST = "latest"

    @classmethod
    def values(cls) -> list[str]:
        """Every stage's value."""
        return [stage.value for stage in cls]


class ColorVariants(StrEnum):
    """The colors a tag can have (shown by the dashboard)."""

    GREY = "grey"
    PURPLE = "purple"
    RED = "red"
    GREEN = "green"
    YELLOW = "yellow"
    ORANGE = "orange"
    LIME = "lime"
    TEAL = "teal"
    TURQUOISE = "turquoise"
    MAGENTA = "magenta"
    BLUE = "blue"
