"""`DockerSettings`: how an image for a pipeline's steps would be built (the `docker` key).

Given as `settings={"docker": DockerSettings(requirements=["pandas"])}` (or the same as a
dict, or under `settings: docker:` in a YAML run configuration), on a pipeline or a step.
Field names, types and defaults are ZenML's (`zenml.config.DockerSettings`), so a ZenML
script runs unchanged. stepwell's orchestrators run steps in the current Python environment
and build no image: the settings are checked and recorded with the run's configuration (a
future container-based orchestrator can use them), and each run that has any says so once
in its log. Unlike ZenML, a misspelt field is an error, not silently ignored.
"""

from __future__ import annotations

import difflib
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from stepwell.config.base_settings import BaseSettings
from stepwell.config.settings import DOCKER_KEY

SETTINGS_KEY = DOCKER_KEY


class PythonPackageInstaller(Enum):
    """The tool that would install Python packages in the image."""

    PIP = "pip"
    UV = "uv"


class PythonEnvironmentExportMethod(Enum):
    """How the local Python environment would be exported for the image."""

    PIP_FREEZE = "pip_freeze"
    UV_FREEZE = "uv_freeze"
    POETRY_EXPORT = "poetry_export"


class DockerBuildConfig(BaseModel):
    """Options of one image build: `build_options` passed to the build as they are, and a
    `dockerignore` file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    build_options: dict[str, Any] = Field(default_factory=dict)
    dockerignore: str | None = None


class DockerSettings(BaseSettings):
    """What an image for the steps would contain and how it would be built.

    The fields most scripts set: `parent_image` (the base image), `dockerfile` and
    `build_context_root` (build from a Dockerfile instead), `requirements` (a requirements
    file path or a list of packages), `required_integrations`, `apt_packages`,
    `environment` (variables set in the image), `python_package_installer` ("uv" or "pip"),
    `replicate_local_python_environment`, `install_stack_requirements`, `skip_build` (run
    `parent_image` as it is; needs one).
    """

    parent_image: str | None = None
    image_tag: str | None = None
    dockerfile: str | None = None
    build_context_root: str | None = None
    parent_image_build_config: DockerBuildConfig | None = None
    skip_build: bool = False
    prevent_build_reuse: bool = False
    target_repository: str | None = None
    python_package_installer: PythonPackageInstaller = PythonPackageInstaller.UV
    python_package_installer_cache_mount: str | None = None
    python_package_installer_args: dict[str, Any] = Field(default_factory=dict)
    disable_automatic_requirements_detection: bool = True
    replicate_local_python_environment: list[str] | PythonEnvironmentExportMethod | bool | None = (
        Field(default=None, union_mode="left_to_right")
    )
    pyproject_path: str | None = None
    pyproject_export_command: list[str] | None = None
    requirements: str | list[str] | None = Field(default=None, union_mode="left_to_right")
    required_integrations: list[str] = Field(default_factory=list)
    install_stack_requirements: bool = True
    install_deployment_requirements: bool = True
    local_project_install_command: str | None = None
    apt_packages: list[str] = Field(default_factory=list)
    environment: dict[str, Any] = Field(default_factory=dict)
    runtime_environment: dict[str, Any] = Field(default_factory=dict)
    user: str | None = None
    build_config: DockerBuildConfig | None = None
    allow_including_files_in_images: bool = True
    allow_download_from_code_repository: bool = True
    allow_download_from_artifact_store: bool = True
    # Older ZenML names, still accepted so that older scripts run; recorded like the rest.
    build_options: dict[str, Any] = Field(default_factory=dict)
    dockerignore: str | None = None
    copy_files: bool = True
    copy_global_config: bool = True
    source_files: str | None = None
    required_hub_plugins: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _known_fields_only(cls, data: Any) -> Any:
        """Name a misspelt field, the closest known one and all of them, wherever the
        settings come from (the constructor, a dict, a YAML file)."""
        if isinstance(data, dict):
            for name in data:
                if name not in cls.model_fields:
                    close = difflib.get_close_matches(str(name), cls.model_fields, n=1)
                    hint = f"; did you mean '{close[0]}'?" if close else ""
                    known = ", ".join(sorted(cls.model_fields))
                    raise ValueError(
                        f"unknown docker setting '{name}'{hint} Known settings: {known}"
                    )
        return data

    @field_validator("requirements", mode="before")
    @classmethod
    def _requirements_shape(cls, value: Any) -> Any:
        if value is None or isinstance(value, str) or _is_list_of_strings(value):
            return value
        raise ValueError(
            "requirements must be the path of a requirements file or a list of packages, "
            "such as ['pandas>=2', 'scikit-learn']"
        )

    @field_validator("replicate_local_python_environment", mode="before")
    @classmethod
    def _replicate_shape(cls, value: Any) -> Any:
        methods = [method.value for method in PythonEnvironmentExportMethod]
        if value is None or isinstance(value, bool) or _is_list_of_strings(value):
            return value
        if isinstance(value, PythonEnvironmentExportMethod) or value in methods:
            return value
        raise ValueError(
            "replicate_local_python_environment must be True or False, one of "
            f"{', '.join(repr(m) for m in methods)}, or a command as a list of strings"
        )

    @model_validator(mode="after")
    def _skip_build_needs_parent_image(self) -> DockerSettings:
        if self.skip_build and not self.parent_image:
            raise ValueError(
                "skip_build=True runs the steps in parent_image as it is, so it needs a "
                "parent_image; set one, or drop skip_build"
            )
        return self


def _is_list_of_strings(value: Any) -> bool:
    return isinstance(value, list | tuple) and all(isinstance(item, str) for item in value)
