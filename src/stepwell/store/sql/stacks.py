"""Stacks and stack components in the SQL metadata store (layer: store).

Stacks say where the orchestrate, launch and store stages of the define -> compile ->
orchestrate -> launch -> store -> read flow happen: a stack is a name plus at most one stack
component (orchestrator, artifact store, alerter, ...) of each type. The store keeps
components as type, flavor and configuration JSON, and checks only what it can see: names,
types and references. Whether a configuration fits its flavor is checked above, in
`stepwell.stack`, before anything reaches the store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Connection, Table, bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError

from stepwell.enums import StackComponentType
from stepwell.exceptions import EntityExistsError, EntityInUseError, EntityNotFoundError, StoreError
from stepwell.store.models import StackComponentResponse, StackResponse
from stepwell.store.row_conversions import Row, as_uuid, component_response, stack_response
from stepwell.store.sql.common import SqlStoreBase, integrity_error, is_unique_violation
from stepwell.store.sql.queries import by_id, resolve
from stepwell.store.sql.tables import RUNS, STACK_COMPONENTS, STACK_COMPOSITION, STACKS, utc_now

_KNOWN_LIMIT = 20
_COMPONENT_TAKEN = select(STACK_COMPONENTS.c.id).where(
    STACK_COMPONENTS.c.type == bindparam("type"), STACK_COMPONENTS.c.name == bindparam("name")
)
_STACK_TAKEN = select(STACKS.c.id).where(STACKS.c.name == bindparam("name"))
_COMPONENTS_OF = (
    select(STACK_COMPOSITION.c.stack_id.label("stack_id"), *STACK_COMPONENTS.c)
    .join(STACK_COMPONENTS, STACK_COMPONENTS.c.id == STACK_COMPOSITION.c.component_id)
    .where(STACK_COMPOSITION.c.stack_id.in_(bindparam("ids", expanding=True)))
)
_USERS_OF = (
    select(STACKS.c.name)
    .join(STACK_COMPOSITION, STACK_COMPOSITION.c.stack_id == STACKS.c.id)
    .where(STACK_COMPOSITION.c.component_id == bindparam("component_id"))
    .order_by(STACKS.c.name)
)


def component_type(value: StackComponentType | str) -> StackComponentType:
    """`value` as a StackComponentType; an unknown type raises StoreError listing the known."""
    try:
        return StackComponentType(value)
    except ValueError:
        known = ", ".join(member.value for member in StackComponentType)
        raise StoreError(f"Unknown stack component type {value!r}; use one of: {known}.") from None


def _label(kind: StackComponentType) -> str:
    return kind.value.replace("_", " ")


def _check_name(name: str, what: str) -> str:
    cleaned = name.strip() if isinstance(name, str) else ""
    if not cleaned or len(cleaned) > 255:
        raise StoreError(f"A {what} needs a name of 1 to 255 characters, got {name!r}.")
    return cleaned


def _known(connection: Connection, table: Table, condition: Any = None) -> str:
    """The names in `table` (matching `condition`), for 'not found' messages."""
    statement = select(table.c.name).order_by(table.c.name).limit(_KNOWN_LIMIT + 1)
    if condition is not None:
        statement = statement.where(condition)
    names = list(connection.scalars(statement))
    listed = ", ".join(names[:_KNOWN_LIMIT]) + (", ..." if len(names) > _KNOWN_LIMIT else "")
    return listed or "none yet"


def _find_component(
    connection: Connection, kind: StackComponentType, name_or_id: str | UUID
) -> Row:
    scope = STACK_COMPONENTS.c.type == kind.value
    try:
        return resolve(connection, STACK_COMPONENTS, name_or_id, _label(kind), scope=scope)
    except EntityNotFoundError as error:
        known = _known(connection, STACK_COMPONENTS, scope)
        raise EntityNotFoundError(f"{error.message} Known {kind.plural}: {known}.") from None


def _find_stack(connection: Connection, name_or_id: str | UUID) -> Row:
    try:
        return resolve(connection, STACKS, name_or_id, "stack")
    except EntityNotFoundError as error:
        known = _known(connection, STACKS)
        raise EntityNotFoundError(f"{error.message} Known stacks: {known}.") from None


def _component_for(connection: Connection, kind: StackComponentType, component_id: UUID) -> Row:
    """The component `component_id`, which must be of type `kind`."""
    row = by_id(connection, STACK_COMPONENTS, as_uuid(component_id), "stack component")
    if row["type"] != kind.value:
        raise StoreError(
            f"Component '{row['name']}' is of type {row['type']}, not {kind.value}; "
            f"it cannot be the stack's {_label(kind)}."
        )
    return row


class StackMethods(SqlStoreBase):
    """The stack half of `SqlStore`."""

    def _stacks(self, connection: Connection, rows: Sequence[Row]) -> list[StackResponse]:
        """Responses for stack rows, with their components loaded in one query."""
        if not rows:
            return []
        parts: dict[UUID, list[StackComponentResponse]] = {row["id"]: [] for row in rows}
        for part in connection.execute(_COMPONENTS_OF, {"ids": list(parts)}):
            parts[part.stack_id].append(component_response(part._mapping, self._store()))
        return [stack_response(row, parts[row["id"]], self._store()) for row in rows]

    # -- components --------------------------------------------------------------------------
    def create_stack_component(
        self,
        *,
        name: str,
        type: StackComponentType | str,
        flavor: str,
        configuration: Mapping[str, Any],
    ) -> StackComponentResponse:
        """Record a component; its name must be unused among components of its type."""
        kind = component_type(type)
        now = utc_now()
        values = {
            "id": uuid4(),
            "name": _check_name(name, _label(kind)),
            "type": kind.value,
            "flavor": flavor,
            "configuration": dict(configuration),
            "created": now,
            "updated": now,
        }
        taken = EntityExistsError(f"A {_label(kind)} named '{values['name']}' already exists.")

        def work(connection: Connection) -> None:
            if connection.scalar(_COMPONENT_TAKEN, values) is not None:
                raise taken
            connection.execute(STACK_COMPONENTS.insert(), values)

        try:
            self._db.write(work)
        except IntegrityError as error:
            if is_unique_violation(error):
                raise taken from error
            raise integrity_error(f"create {_label(kind)} '{name}'", error) from error
        return component_response(values, self._store())

    def get_stack_component(
        self, type: StackComponentType | str, name_or_id: str | UUID
    ) -> StackComponentResponse:
        """A component of type `type` by name, id or unique id prefix."""
        kind = component_type(type)
        with self._db.read() as connection:
            return component_response(_find_component(connection, kind, name_or_id), self._store())

    def update_stack_component(
        self,
        component_id: UUID,
        *,
        name: str | None = None,
        configuration: Mapping[str, Any] | None = None,
    ) -> StackComponentResponse:
        """Rename a component or replace its configuration; its stacks' `updated` moves too."""

        def work(connection: Connection) -> Row:
            row = by_id(
                connection, STACK_COMPONENTS, as_uuid(component_id), "stack component", lock=True
            )
            values: dict[str, Any] = {"updated": utc_now()}
            if name is not None:
                values["name"] = _check_name(name, _label(component_type(row["type"])))
                if values["name"] != row["name"] and connection.scalar(
                    _COMPONENT_TAKEN, {"type": row["type"], "name": values["name"]}
                ):
                    raise EntityExistsError(
                        f"A {_label(component_type(row['type']))} named '{name}' already exists."
                    )
            if configuration is not None:
                values["configuration"] = dict(configuration)
            connection.execute(
                update(STACK_COMPONENTS).where(STACK_COMPONENTS.c.id == row["id"]).values(values)
            )
            users = select(STACK_COMPOSITION.c.stack_id).where(
                STACK_COMPOSITION.c.component_id == row["id"]
            )
            connection.execute(
                update(STACKS).where(STACKS.c.id.in_(users)).values(updated=values["updated"])
            )
            return {**row, **values}

        try:
            return component_response(self._db.write(work), self._store())
        except IntegrityError as error:
            if is_unique_violation(error):
                raise EntityExistsError(
                    f"A stack component named '{name}' already exists."
                ) from error
            raise integrity_error(f"update stack component {component_id}", error) from error

    def delete_stack_component(self, component_id: UUID) -> None:
        """Delete a component that no stack uses (EntityInUseError names the stacks that do)."""

        def work(connection: Connection) -> None:
            row = by_id(connection, STACK_COMPONENTS, as_uuid(component_id), "stack component")
            users = list(connection.scalars(_USERS_OF, {"component_id": row["id"]}))
            if users:
                kind = _label(component_type(row["type"]))
                raise EntityInUseError(
                    f"The {kind} '{row['name']}' is part of stack(s) {', '.join(users)}; "
                    "remove it from them (update_stack) or delete them first.",
                    stacks=users,
                )
            connection.execute(delete(STACK_COMPONENTS).where(STACK_COMPONENTS.c.id == row["id"]))

        self._db.write(work)

    # -- stacks ------------------------------------------------------------------------------
    def create_stack(
        self, *, name: str, components: Mapping[StackComponentType | str, UUID]
    ) -> StackResponse:
        """Record a stack made of these components (type -> component id), one per type."""
        parts = {component_type(kind): as_uuid(item) for kind, item in components.items()}
        now = utc_now()
        values = {"id": uuid4(), "name": _check_name(name, "stack"), "created": now}
        values["updated"] = now
        taken = EntityExistsError(f"A stack named '{values['name']}' already exists.")

        def work(connection: Connection) -> StackResponse:
            if connection.scalar(_STACK_TAKEN, values) is not None:
                raise taken
            rows = [_component_for(connection, kind, item) for kind, item in parts.items()]
            connection.execute(STACKS.insert(), values)
            links = [{"stack_id": values["id"], "component_id": row["id"]} for row in rows]
            if links:
                connection.execute(STACK_COMPOSITION.insert(), links)
            responses = [component_response(row, self._store()) for row in rows]
            return stack_response(values, responses, self._store())

        try:
            return self._db.write(work)
        except IntegrityError as error:
            if is_unique_violation(error):
                raise taken from error
            raise integrity_error(f"create stack '{name}'", error) from error

    def get_stack(self, name_or_id: str | UUID) -> StackResponse:
        """A stack by name, id or unique id prefix, with its components."""
        with self._db.read() as connection:
            (response,) = self._stacks(connection, [_find_stack(connection, name_or_id)])
        return response

    def update_stack(
        self, stack_id: UUID, *, components: Mapping[StackComponentType | str, UUID | None]
    ) -> StackResponse:
        """Replace the stack's component of each given type; None removes that type."""
        changes = {
            component_type(kind): None if item is None else as_uuid(item)
            for kind, item in components.items()
        }

        def work(connection: Connection) -> StackResponse:
            row = by_id(connection, STACKS, as_uuid(stack_id), "stack", lock=True)
            current = connection.execute(_COMPONENTS_OF, {"ids": [row["id"]]}).all()
            dropped = [part.id for part in current if component_type(part.type) in changes]
            if dropped:
                connection.execute(
                    delete(STACK_COMPOSITION).where(
                        STACK_COMPOSITION.c.stack_id == row["id"],
                        STACK_COMPOSITION.c.component_id.in_(dropped),
                    )
                )
            added = [
                _component_for(connection, kind, item)["id"]
                for kind, item in changes.items()
                if item is not None
            ]
            if added:
                connection.execute(
                    STACK_COMPOSITION.insert(),
                    [{"stack_id": row["id"], "component_id": item} for item in added],
                )
            now = utc_now()
            connection.execute(update(STACKS).where(STACKS.c.id == row["id"]).values(updated=now))
            (response,) = self._stacks(connection, [{**row, "updated": now}])
            return response

        return self._db.write(work)

    def delete_stack(self, stack_id: UUID) -> None:
        """Delete a stack (not its components); runs that ran on it forget it."""

        def work(connection: Connection) -> None:
            row = by_id(connection, STACKS, as_uuid(stack_id), "stack")
            connection.execute(
                update(RUNS).where(RUNS.c.stack_id == row["id"]).values(stack_id=None)
            )
            connection.execute(
                delete(STACK_COMPOSITION).where(STACK_COMPOSITION.c.stack_id == row["id"])
            )
            connection.execute(delete(STACKS).where(STACKS.c.id == row["id"]))

        self._db.write(work)
