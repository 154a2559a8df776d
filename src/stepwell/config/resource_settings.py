"""`ResourceSettings`: the CPUs, GPUs and memory a step needs (the `resources` settings key).

Given as `settings={"resources": ResourceSettings(cpu_count=2, memory="4GB")}` (or the same
as a dict, or under `settings: resources:` in a YAML run configuration). The local
orchestrator uses them to decide how many steps run at once, and refuses a step that asks
for more than the machine has before the run starts. Field names, units and checks are
ZenML's (`zenml.config.ResourceSettings`); unlike ZenML, a misspelt field is an error, not
silently ignored.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, Field, NonNegativeInt, PositiveFloat

from stepwell.config.base_settings import BaseSettings
from stepwell.exceptions import ResourceSettingsError

MEMORY_REGEX = r"^[0-9]+(B|KB|KiB|MB|MiB|GB|GiB|TB|TiB|PB|PiB)$"
SETTINGS_KEY = "resources"


class ByteUnit(Enum):
    """Units a memory amount may be written in (KB = 1000 bytes, KiB = 1024 bytes)."""

    B = "B"
    KB = "KB"
    KIB = "KiB"
    MB = "MB"
    MIB = "MiB"
    GB = "GB"
    GIB = "GiB"
    TB = "TB"
    TIB = "TiB"
    PB = "PB"
    PIB = "PiB"

    @property
    def byte_value(self) -> int:
        """How many bytes one of this unit is."""
        power = "BKMGTP".index(self.value[0])
        return (1 << (10 * power)) if self.value.endswith("iB") else 10 ** (3 * power)


class ResourceSettings(BaseSettings):
    """Hardware a step needs: `cpu_count` (cores, may be fractional), `gpu_count` and
    `memory` (a string such as "512MiB" or "4GB")."""

    # Finite: `.inf` CPUs in a YAML file is a mistake, not a request.
    cpu_count: Annotated[PositiveFloat, Field(allow_inf_nan=False)] | None = None
    gpu_count: NonNegativeInt | None = None
    memory: str | None = Field(default=None, pattern=MEMORY_REGEX)

    @property
    def empty(self) -> bool:
        """Whether no resource is asked for."""
        return not self.model_dump(exclude_none=True)

    def get_memory(self, unit: str | ByteUnit = ByteUnit.GB) -> float | None:
        """The memory asked for, in `unit` (None if none is)."""
        if not self.memory:
            return None
        unit = ByteUnit(unit) if isinstance(unit, str) else unit
        return self.memory_bytes() / unit.byte_value  # type: ignore[operator]

    def memory_bytes(self) -> int | None:
        """The memory asked for, in bytes (None if none is)."""
        if not self.memory:
            return None
        for member in sorted(ByteUnit, key=lambda u: len(u.value), reverse=True):
            if self.memory.endswith(member.value):
                return int(self.memory[: -len(member.value)]) * member.byte_value
        raise ValueError(f"Unable to parse the memory unit of {self.memory!r}.")


def parse_resource_settings(value: Any, owner: str) -> ResourceSettings:
    """A `resources` settings value (model or dict) as `ResourceSettings`; an invalid one is
    a `ResourceSettingsError` naming `owner` (a step or pipeline) and each bad field."""
    if isinstance(value, ResourceSettings):
        return value
    if isinstance(value, BaseModel):  # e.g. ZenML's own class, given by mistake or on purpose
        value = value.model_dump(exclude_unset=True)
    if not isinstance(value, dict):
        raise ResourceSettingsError(
            f"settings['resources'] of {owner} must be ResourceSettings(...) or a dict such as "
            f"{{'cpu_count': 2, 'memory': '4GB'}}, not {type(value).__name__}."
        )
    from pydantic import ValidationError

    try:
        return ResourceSettings.model_validate(value)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in problem['loc']) or '(top level)'}: "
            + (
                "unknown field (use cpu_count, gpu_count or memory)"
                if problem["type"] == "extra_forbidden"
                else problem["msg"]
            )
            for problem in error.errors()
        )
        raise ResourceSettingsError(
            f"settings['resources'] of {owner} is invalid: {problems}. Memory is written like "
            "'512MiB' or '4GB'."
        ) from None
