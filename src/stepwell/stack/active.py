"""The active stack: which stack runs run on, found cheaply before each run is orchestrated.

In order: the stack pinned in this context (`using_stack`, set while a run is orchestrated so
its steps and hooks see the stack they run on); the stack STEPWELL_ACTIVE_STACK names; the
one `activate_stack` wrote to the home folder's config.yaml; the `default` stack (a local
orchestrator and a local artifact store), which is created in the store on first use.

`get_active_stack()` costs one store lookup: the `Stack` object (with the components it has
built) is reused for as long as the stored stack's `updated` time does not change.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from uuid import UUID

from stepwell.config.environment import ENV_ACTIVE_STACK, active_stack_override
from stepwell.config.home_config import home_config_path, read_home_config, write_home_config_value
from stepwell.enums import StackComponentType
from stepwell.exceptions import EntityExistsError, EntityNotFoundError
from stepwell.logger import get_logger
from stepwell.stack.stack import Stack
from stepwell.store.base import Store
from stepwell.store.models import StackResponse
from stepwell.utils.fork_locks import fork_safe_lock
from stepwell.utils.redact import masked_url

DEFAULT_STACK = "default"
DEFAULT_COMPONENTS = (
    (StackComponentType.ORCHESTRATOR, "local"),
    (StackComponentType.ARTIFACT_STORE, "local"),
)
CONFIG_KEY = "active_stack"

logger = get_logger(__name__)
_pinned: ContextVar[Stack | None] = ContextVar("stepwell_pinned_stack", default=None)
_lock = fork_safe_lock(sys.modules[__name__], "_lock")
_stacks: dict[tuple[str, UUID], tuple[datetime, Stack]] = {}
_warned: set[tuple[str, str]] = set()


def _default_store(store: Store | None) -> Store:
    if store is not None:
        return store
    from stepwell.store.active import get_store

    return get_store()


def active_stack_reference() -> tuple[str, str]:
    """The active stack's name (or id) and where it was chosen: `env`, `config` or `default`."""
    override = active_stack_override()
    if override is not None:
        return override, "env"
    configured = read_home_config().get(CONFIG_KEY)
    if configured:
        return str(configured), "config"
    return DEFAULT_STACK, "default"


def ensure_default_stack(store: Store | None = None) -> StackResponse:
    """The `default` stack, created with its `default` components if missing (race-safe)."""
    store = _default_store(store)
    try:
        return store.get_stack(DEFAULT_STACK)
    except EntityNotFoundError:
        pass
    ids: dict[StackComponentType | str, UUID] = {}
    for kind, flavor in DEFAULT_COMPONENTS:
        try:
            component = store.create_stack_component(
                name=DEFAULT_STACK, type=kind, flavor=flavor, configuration={}
            )
        except EntityExistsError:  # made by another process meanwhile, or by the user
            component = store.get_stack_component(kind, DEFAULT_STACK)
        ids[kind] = component.id
    try:
        return store.create_stack(name=DEFAULT_STACK, components=ids)
    except EntityExistsError:
        return store.get_stack(DEFAULT_STACK)


def find_stack(store: Store, name_or_id: str | UUID) -> StackResponse:
    """A stack by name, id or id prefix; `default` is created if it does not exist yet."""
    try:
        return store.get_stack(name_or_id)
    except EntityNotFoundError:
        if name_or_id != DEFAULT_STACK:
            raise
    return ensure_default_stack(store)


def active_stack_model(store: Store | None = None) -> StackResponse:
    """The stored record of the active stack (EntityNotFoundError lists the known stacks)."""
    pinned = _pinned.get()
    if pinned is not None:
        return pinned.model
    store = _default_store(store)
    reference, origin = active_stack_reference()
    try:
        return find_stack(store, reference)
    except EntityNotFoundError as error:
        if origin == "env":
            ensure_default_stack(store)  # so that the stacks listed include `default`
            known = ", ".join(sorted(stack.name for stack in store.list_stacks()))
            raise EntityNotFoundError(
                f"{ENV_ACTIVE_STACK}={reference!r} names no stack; the stacks are: {known}. "
                "Set it to one of them, or unset it to use the activated stack."
            ) from error
        if (store.url, reference) not in _warned:  # config.yaml may be from another store
            _warned.add((store.url, reference))
            logger.warning(
                "The active stack '%s' (from %s) is not in the store at %s; using '%s'.",
                reference,
                home_config_path(),
                masked_url(store.url),
                DEFAULT_STACK,
            )
        return ensure_default_stack(store)


def stack_from_model(url: str, model: StackResponse) -> Stack:
    """The `Stack` for a stored stack, reused while its `updated` time stays the same."""
    key = (url, model.id)
    cached = _stacks.get(key)
    if cached is not None and cached[0] == model.updated:
        return cached[1]
    stack = Stack(model)
    with _lock:
        _stacks[key] = (model.updated, stack)
    return stack


def get_active_stack(store: Store | None = None) -> Stack:
    """The stack to run on now (see the module docstring for how it is chosen)."""
    pinned = _pinned.get()
    if pinned is not None:
        return pinned
    store = _default_store(store)
    return stack_from_model(store.url, active_stack_model(store))


def activate_stack(name_or_id: str | UUID, store: Store | None = None) -> StackResponse:
    """Make a stack the active one for later processes too (written to config.yaml)."""
    model = find_stack(_default_store(store), name_or_id)
    write_home_config_value(CONFIG_KEY, model.name)
    override = active_stack_override()
    if override is not None and override not in (model.name, str(model.id)):
        logger.warning(
            "Stack '%s' is now active, but %s=%s still wins while it is set.",
            model.name,
            ENV_ACTIVE_STACK,
            override,
        )
    return model


@contextmanager
def using_stack(stack: Stack) -> Iterator[Stack]:
    """Within the block (and processes forked in it), `stack` is the active stack."""
    token = _pinned.set(stack)
    try:
        yield stack
    finally:
        _pinned.reset(token)
