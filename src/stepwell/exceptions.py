"""Every error stepwell raises, rooted at `StepwellError`.

    StepwellError
    ├── ConfigurationError           (also ValueError)
    │   ├── EnvironmentConfigError
    │   ├── RunNameError
    │   ├── CachePolicyError
    │   ├── UnknownFlavorError
    │   ├── StackComponentConfigError
    │   ├── StackValidationError
    │   └── ResourceSettingsError
    ├── StepInterfaceError
    │   └── StepDefinitionError      (also TypeError)
    │       ├── OutputAnnotationError
    │       ├── MissingAnnotationError
    │       └── HookValidationException
    │           └── HookSignatureError
    ├── PipelineDefinitionError      (also ValueError)
    │   ├── DuplicateInvocationIdError
    │   ├── UnknownAfterTargetError
    │   ├── CycleError
    │   ├── ParameterNotSerializableError
    │   ├── MissingInputError        (also StepInterfaceError)
    │   └── InputTypeError           (also TypeError)
    │       └── ParameterTypeError   (also RuntimeError)
    ├── SourceError                  (also ImportError)
    ├── MaterializerError
    │   ├── ArtifactIntegrityError
    │   └── PickleRefusedError
    ├── ArtifactStoreError           (also OSError)
    ├── StoreError
    │   ├── EntityExistsError
    │   │   └── DuplicateRunNameError
    │   ├── EntityNotFoundError      (also KeyError)
    │   │   └── ModelVersionNotFoundError
    │   ├── EntityInUseError         (also IllegalOperationError)
    │   ├── DeferredWriteError
    │   ├── QueryError               (also ValueError)
    │   └── ServerUnreachableError
    ├── AlerterError
    │   ├── AlerterDeliveryError
    │   └── AlerterNotSupportedError (also NotImplementedError)
    ├── StepContextError             (also RuntimeError)
    ├── PipelineContextError         (also RuntimeError)
    ├── IllegalOperationError
    ├── MetadataError                (also ValueError)
    │   └── MetadataTypeError        (also TypeError)
    ├── TagError                     (also ValueError)
    ├── ModelError                   (also RuntimeError)
    │   ├── ModelStageError
    │   ├── UnknownModelStageError   (also ValueError)
    │   └── ModelArtifactNotFoundError (also ValueError)
    ├── OutputTypeError              (also TypeError)
    ├── TriggerError                 (also RuntimeError)
    │   └── UnsafeArchiveError
    ├── StepFailedError              (also RuntimeError)
    └── PipelineRunFailedError       (also RuntimeError)
    RunStoppedSignal                 (BaseException: a step's `except Exception` cannot swallow it)

Every class pickles: exceptions cross process boundaries when steps run in child processes.
ZenML's names that users catch are here too, as the class above that means the same (an
alias) or as a base of ours: `ValidationError` is `ConfigurationError`,
`DoesNotExistException` is `EntityNotFoundError`, `MaterializerInterfaceError` is
`MaterializerError`.
"""

from __future__ import annotations

from typing import Any


class StepwellError(Exception):
    """Raised for any problem stepwell detects; the root of the tree above."""

    def __init__(self, message: str = "", **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self.details))

    def __str__(self) -> str:
        return self.message


def _rebuild(cls: type[StepwellError], message: str, details: dict[str, Any]) -> StepwellError:
    error = cls.__new__(cls)
    StepwellError.__init__(error, message, **details)
    return error


class ConfigurationError(StepwellError, ValueError):
    """Raised when a configuration value, file or setting is invalid."""


class EnvironmentConfigError(ConfigurationError):
    """Raised when a STEPWELL_* environment variable holds a value that cannot be used."""


class RunNameError(ConfigurationError):
    """Raised when a run name template uses a placeholder with no substitution."""


class CachePolicyError(ConfigurationError):
    """Raised when a step's cache policy names unknown inputs, missing files or a bad cache_func."""


class UnknownFlavorError(ConfigurationError):
    """Raised when a stack component names a flavor no registry or plugin provides."""


class StackComponentConfigError(ConfigurationError):
    """Raised when a stack component's configuration does not fit its flavor's config model."""


class StackValidationError(ConfigurationError):
    """Raised when a stack lacks a required component or is given one of the wrong type."""


class ResourceSettingsError(ConfigurationError):
    """Raised when a step's `resources` settings are invalid or ask for more than the
    machine its orchestrator runs steps on has."""


class StepInterfaceError(StepwellError):
    """Raised when a step is defined or called in a way its interface does not allow
    (ZenML's name: code that catches it catches the errors below it)."""


class StepDefinitionError(StepInterfaceError, TypeError):
    """Raised at decoration time when a step function cannot be a step."""


class OutputAnnotationError(StepDefinitionError):
    """Raised when a step's return annotation cannot be turned into outputs."""


class MissingAnnotationError(StepDefinitionError):
    """Raised when STEPWELL_ENFORCE_TYPE_ANNOTATIONS is on and an annotation is missing."""


class HookValidationException(StepDefinitionError):
    """Raised when a hook given to a step or pipeline cannot be used (ZenML's name)."""


class HookSignatureError(HookValidationException):
    """Raised when a success or failure hook has a signature stepwell cannot call."""


class PipelineDefinitionError(StepwellError, ValueError):
    """Raised at compile time when a pipeline's steps do not form a valid DAG."""


class DuplicateInvocationIdError(PipelineDefinitionError):
    """Raised when two step invocations in one pipeline share an id."""


class UnknownAfterTargetError(PipelineDefinitionError):
    """Raised when `after=` names an invocation that does not exist."""


class CycleError(PipelineDefinitionError):
    """Raised when the step invocations depend on each other in a cycle."""


class ParameterNotSerializableError(PipelineDefinitionError):
    """Raised when a step parameter is not a JSON-serialisable value."""


class MissingInputError(PipelineDefinitionError, StepInterfaceError):
    """Raised when a step invocation gets no value for an input that has no default."""


class InputTypeError(PipelineDefinitionError, TypeError):
    """Raised when a value given to a step input does not match its annotation."""


class ParameterTypeError(InputTypeError, RuntimeError):
    """Raised when a step parameter cannot be coerced to its annotation (ZenML raises a
    RuntimeError there, so this is one too)."""


class SourceError(StepwellError, ImportError):
    """Raised when a `module:qualname` source reference cannot be made or loaded."""


class MaterializerError(StepwellError):
    """Raised when no materializer fits a type, or a materializer is misdefined."""


class ArtifactIntegrityError(MaterializerError):
    """Raised before loading when an artifact's bytes no longer match its recorded digest."""


class ArtifactFilesMissingError(MaterializerError, FileNotFoundError):
    """Raised when nothing is stored where an artifact's files should be (deleted since)."""


class PickleRefusedError(MaterializerError):
    """Raised instead of unpickling an artifact that must not be unpickled (the setting
    STEPWELL_ALLOW_PICKLE=false, or a record that does not say the bytes were pickled)."""


class ArtifactStoreError(StepwellError, OSError):
    """Raised when an output's bytes cannot be written to the artifact store (disk full, a
    failing or unreachable store); nothing of that output is recorded or left visible."""


class StoreError(StepwellError):
    """Raised when the metadata store cannot do what was asked."""


class EntityExistsError(StoreError):
    """Raised when creating something whose unique name is already taken."""


class DuplicateRunNameError(EntityExistsError):
    """Raised before a run starts when its name is already used by another run."""


class EntityNotFoundError(StoreError, KeyError):
    """Raised when a run, step, artifact or pipeline asked for does not exist."""

    def __str__(self) -> str:
        return self.message


class ModelVersionNotFoundError(EntityNotFoundError):
    """Raised when a model has no version of the name, number or stage asked for."""


class IllegalOperationError(StepwellError):
    """Raised when an operation is not allowed in the current state (ZenML's name)."""


class EntityInUseError(StoreError, IllegalOperationError):
    """Raised when deleting something still in use: a component of a stack, a needed stack."""


class DeferredWriteError(StoreError):
    """Raised when something a step logged (metadata, tags, a model link, a stage move) can
    no longer be recorded with its outputs; none of it, nor the outputs, is recorded."""


class QueryError(StoreError, ValueError):
    """Raised when a list call's filter, sort or page cannot be used; names the valid ones."""


class ServerUnreachableError(StoreError):
    """Raised when the stepwell server cannot be reached (refused, timed out, dropped)."""


class AlerterError(StepwellError):
    """Raised when an alerter cannot do what was asked."""


class AlerterDeliveryError(AlerterError):
    """Raised when an alerter's message does not arrive (HTTP error, unreachable endpoint)."""


class AlerterNotSupportedError(AlerterError, NotImplementedError):
    """Raised when an alerter flavor is asked for something it cannot do (e.g. `ask`)."""


class StepContextError(StepwellError, RuntimeError):
    """Raised when the step context is asked for outside a running step."""


class PipelineContextError(StepwellError, RuntimeError):
    """Raised when the pipeline context is asked for outside a pipeline being compiled."""


class MetadataError(StepwellError, ValueError):
    """Raised when `log_metadata` has no target (outside a step) or an unsupported mix of them."""


class MetadataTypeError(MetadataError, TypeError):
    """Raised when a metadata value is of a type that cannot be stored; names the key."""


class TagError(StepwellError, ValueError):
    """Raised when a tag cannot be added or removed as asked (target, exclusive, cascade)."""


class ModelError(StepwellError, RuntimeError):
    """Raised when a model or model version cannot be used or changed as asked."""


class ModelStageError(ModelError):
    """Raised when a stage another version holds is asked for without `force=True`."""


class UnknownModelStageError(ModelError, ValueError):
    """Raised for a stage that is not one of `ModelStages`; lists the valid ones."""


class ModelArtifactNotFoundError(ModelError, ValueError):
    """Raised when a model version has no linked artifact of the name asked for."""


class OutputTypeError(StepwellError, TypeError):
    """Raised when a step returns values that do not match its declared outputs."""


class TriggerError(StepwellError, RuntimeError):
    """Raised when a triggered run could not be started from its snapshot's code."""


class UnsafeArchiveError(TriggerError):
    """Raised when a snapshot's code archive is not what its name says, or would unpack
    outside its folder or beyond the size and file-count caps."""


class StepFailedError(StepwellError, RuntimeError):
    """Raised when a step's user code failed; carries the step's name and traceback."""


class PipelineRunFailedError(StepwellError, RuntimeError):
    """Raised to the caller when a pipeline run ends failed."""


class RunStartError(StepwellError, RuntimeError):
    """A run could not be started (its background process failed to start); it is recorded
    as failed."""


class RunStoppedSignal(BaseException):
    """Raised inside a step when its run is being stopped; not an `Exception` on purpose."""


# ZenML's names for errors stepwell has under another name (see the module docstring).
ValidationError = ConfigurationError
DoesNotExistException = EntityNotFoundError
MaterializerInterfaceError = MaterializerError
