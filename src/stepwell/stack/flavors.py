"""Flavors: what kinds of stack component exist, how each is configured and built.

A flavor is named by (component type, flavor name), e.g. (alerter, webhook). It gives a
pydantic config model (frozen, `extra="forbid"`) that a component's stored configuration
must fit, and its implementation class as a `module:Class` source, imported only when a
component of that flavor is built. The registry holds stepwell's own flavors and, from the
first lookup that needs them, the flavors that installed packages declare in the
`stepwell.flavors` entry point group (each entry point loads a `Flavor` subclass).

In the define -> compile -> orchestrate -> launch -> store -> read flow, flavors are checked
when components are registered (before the store) and used when a stack is built for a run.
"""

from __future__ import annotations

import builtins
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError

from stepwell.config.base_settings import BaseSettings
from stepwell.enums import StackComponentType
from stepwell.exceptions import StackComponentConfigError, UnknownFlavorError
from stepwell.logger import get_logger
from stepwell.utils.fork_locks import fork_safe_lock
from stepwell.utils.redact import MASK
from stepwell.utils.sources import load_source

ENTRY_POINT_GROUP = "stepwell.flavors"
logger = get_logger(__name__)


class ComponentConfig(BaseModel):
    """Base of every flavor's configuration: frozen, and a misspelt key is an error.

    `SECRET_FIELDS` names the fields that may hold secrets (tokens, keys, URLs whose path is
    a credential): shown masked wherever a configuration is shown (`utils.redact`).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)
    SECRET_FIELDS: ClassVar[frozenset[str]] = frozenset()
    # Fields whose values came from `{{secret.key}}` references (`stack.secret_references`).
    _from_secrets: frozenset[str] = PrivateAttr(default=frozenset())

    def __repr_args__(self) -> Any:  # values from secrets never reach a repr or a log
        for name, value in super().__repr_args__():
            yield name, MASK if name in self._from_secrets else value


class Flavor:
    """A kind of stack component: its type, name, config model and implementation.

    Subclass it (in a plugin, then list the subclass in the `stepwell.flavors` entry point
    group) and set the four class attributes; override `implementation_kwargs` when the
    implementation's constructor does not take the config's fields as they are.
    """

    type: ClassVar[StackComponentType]
    name: ClassVar[str]
    config_class: ClassVar[builtins.type[ComponentConfig]] = ComponentConfig
    # What a run's `settings["<type>"]` / `settings["<type>.<flavor>"]` may hold for a
    # component of this flavor (checked before a run starts); none by default.
    settings_class: ClassVar[builtins.type[BaseSettings]] = BaseSettings
    implementation_source: ClassVar[str]

    @classmethod
    def validate_config(
        cls, configuration: dict[str, Any], component: str = "<unnamed>"
    ) -> ComponentConfig:
        """`configuration` as this flavor's config model, or a one-line error naming the key."""
        try:
            return cls.config_class.model_validate(configuration)
        except ValidationError as error:
            raise StackComponentConfigError(
                f"Invalid configuration for {cls.type.value.replace('_', ' ')} '{component}' "
                f"(flavor '{cls.name}'): {describe_errors(error, cls.config_class)}."
            ) from None

    @classmethod
    def implementation_kwargs(cls, config: ComponentConfig) -> dict[str, Any]:
        """The keyword arguments the implementation class is built with."""
        return {name: getattr(config, name) for name in type(config).model_fields}

    @classmethod
    def build(cls, config: ComponentConfig) -> Any:
        """An instance of the implementation class for `config`."""
        implementation = load_source(cls.implementation_source)
        return implementation(**cls.implementation_kwargs(config))


def describe_errors(error: ValidationError, model: type[BaseModel]) -> str:
    """pydantic's validation errors as one readable line: key, problem, value given."""
    allowed = ", ".join(sorted(model.model_fields)) or "none"
    problems = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "(configuration)"
        if item["type"] == "extra_forbidden":
            problems.append(f"unknown key '{key}' (allowed: {allowed})")
        elif item["type"] == "missing":
            problems.append(f"'{key}' is required")
        else:
            given = repr(item.get("input"))
            given = given if len(given) <= 60 else given[:57] + "..."
            problems.append(f"'{key}': {item['msg']} (got {given})")
    return "; ".join(problems)


class FlavorRegistry:
    """Flavors by (component type, name): built-ins, then entry-point plugins on demand."""

    def __init__(self, builtins: tuple[type[Flavor], ...] = ()) -> None:
        self._flavors: dict[tuple[StackComponentType, str], type[Flavor]] = {}
        self._lock = fork_safe_lock(self, "_lock")
        self._plugins_loaded = False
        self._plugin_failures: list[str] = []
        for flavor in builtins:
            self.register(flavor)

    def register(self, flavor: type[Flavor], override: bool = False) -> None:
        """Add a flavor; replacing one of the same type and name needs `override=True`."""
        if not (isinstance(flavor, type) and issubclass(flavor, Flavor)):
            raise TypeError(f"{flavor!r} is not a subclass of stepwell.stack.flavors.Flavor.")
        key = (StackComponentType(flavor.type), flavor.name)
        existing = self._flavors.get(key)
        if existing is not None and existing is not flavor and not override:
            raise ValueError(
                f"A {key[0].value} flavor named '{key[1]}' is already registered "
                f"({existing.__module__}.{existing.__qualname__}); pass override=True."
            )
        self._flavors[key] = flavor

    def get(self, component_type: StackComponentType | str, name: str) -> type[Flavor]:
        """The flavor `name` of `component_type`; UnknownFlavorError lists the known ones."""
        kind = StackComponentType(component_type)
        flavor = self._flavors.get((kind, name))
        if flavor is None and not self._plugins_loaded:
            self._load_plugins()
            flavor = self._flavors.get((kind, name))
        if flavor is None:
            known = ", ".join(sorted(f.name for f in self.list(kind))) or "none"
            failures = "".join(f" {failure}" for failure in self._plugin_failures)
            raise UnknownFlavorError(
                f"There is no {kind.value.replace('_', ' ')} flavor named '{name}'; "
                f"known flavors: {known}. Flavors from other packages are found through the "
                f"'{ENTRY_POINT_GROUP}' entry point group.{failures}"
            )
        return flavor

    def list(self, component_type: StackComponentType | str | None = None) -> list[type[Flavor]]:
        """Every known flavor (of one type), plugins included, by type and name."""
        self._load_plugins()
        kind = None if component_type is None else StackComponentType(component_type)
        found = [flavor for key, flavor in self._flavors.items() if kind in (None, key[0])]
        return sorted(found, key=lambda flavor: (flavor.type.value, flavor.name))

    def _load_plugins(self) -> None:
        with self._lock:
            if self._plugins_loaded:
                return
            self._plugins_loaded = True
            for name, loaded in load_entry_point_flavors():
                if isinstance(loaded, Exception):
                    self._plugin_failures.append(f"(Entry point '{name}' failed: {loaded}.)")
                    logger.warning("Cannot load stack component flavor '%s': %s", name, loaded)
                    continue
                try:
                    self.register(loaded)
                except (TypeError, ValueError) as error:
                    self._plugin_failures.append(f"(Entry point '{name}' skipped: {error})")
                    logger.warning("Skipping stack component flavor '%s': %s", name, error)


def load_entry_point_flavors() -> list[tuple[str, Any]]:
    """Each `stepwell.flavors` entry point's name and what it loads (or the load error)."""
    from importlib.metadata import entry_points

    loaded: list[tuple[str, Any]] = []
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            loaded.append((entry_point.name, entry_point.load()))
        except Exception as error:
            loaded.append((entry_point.name, error))
    return loaded


_registry: FlavorRegistry | None = None


def flavor_registry() -> FlavorRegistry:
    """The process-wide registry, with stepwell's own flavors."""
    global _registry
    if _registry is None:
        from stepwell.stack.builtin_flavors import BUILTIN_FLAVORS

        _registry = FlavorRegistry(BUILTIN_FLAVORS)
    return _registry


def register_flavor(flavor: type[Flavor], override: bool = False) -> None:
    """Add a flavor to the process-wide registry (what an entry point does for a plugin)."""
    flavor_registry().register(flavor, override=override)
