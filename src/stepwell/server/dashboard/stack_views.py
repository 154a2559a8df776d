"""`GET /api/v1/masked-stacks`: stacks and components as people may see them (server).

The REST API's `/stacks` and `/components` return configurations as stored to members,
because the clients that build components from them need the real values (a viewer gets
them masked, see `server/masked_reads`). A page that only shows them
must not carry those values at all: this route answers every stack (with its component
ids per type) and every component with its configuration masked the way the CLI shows it
(`stack.shown_configuration`: secret settings masked, `{{secret.key}}` references kept as
written); `/masked-stacks/{name_or_id}` answers one stack the same way (a run's page shows
its stack's name). A viewer may call them.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from stepwell.server.responses import ERROR_RESPONSES
from stepwell.store.rest.endpoints import API_PREFIX, VIEWER
from stepwell.store.rest.wire import error_body, status_of

MAX_ITEMS = 10_000


def _every(list_call: Any) -> list[Any]:
    items: list[Any] = []
    page = 1
    while len(items) < MAX_ITEMS:
        answer = list_call(page=page, size=500, sort_by="name")
        items.extend(answer.items)
        if page >= answer.total_pages:
            break
        page += 1
    return items


def _stack(stack: Any) -> dict[str, Any]:
    """A stack as the pages show it: its components by type, as ids."""
    return {
        "id": str(stack.id),
        "name": stack.name,
        "created": stack.created.isoformat(),
        "components": {
            str(getattr(kind, "value", kind)): str(component.id)
            for kind, component in stack.components.items()
        },
    }


def _component(component: Any) -> dict[str, Any]:
    """A component with its secret settings masked."""
    from stepwell.stack.shown_configuration import shown_configuration

    return {
        "id": str(component.id),
        "name": component.name,
        "type": str(getattr(component.type, "value", component.type)),
        "flavor": component.flavor,
        "configuration": shown_configuration(component),
        "created": component.created.isoformat(),
    }


def masked_stacks(store: Any) -> dict[str, Any]:
    """Every stack (components by type, as ids) and every component, masked."""
    components = _every(store.list_stack_components)
    stacks = _every(store.list_stacks)
    return {
        "stacks": [_stack(stack) for stack in stacks],
        "components": [_component(component) for component in components],
    }


def masked_stack(store: Any, name_or_id: str) -> dict[str, Any]:
    """One stack (components by type, as ids) and its components, masked."""
    stack = store.get_stack(name_or_id)
    return {
        **_stack(stack),
        "component_details": [_component(item) for item in stack.components.values()],
    }


def build_stack_view_router(store: Any, require: Any) -> APIRouter:
    """The masked stacks route over `store`; `require(role)` authenticates."""
    router = APIRouter(prefix=API_PREFIX, tags=["dashboard"])

    @router.get(
        "/masked-stacks",
        dependencies=[Depends(require(VIEWER))],
        responses=ERROR_RESPONSES,
        operation_id="masked_stacks",
    )
    async def stacks_masked() -> dict[str, Any]:
        """Every stack and component, secret settings masked (`{{secret.key}}` references
        shown as written)."""
        return await run_in_threadpool(masked_stacks, store)

    @router.get(
        "/masked-stacks/{name_or_id}",
        dependencies=[Depends(require(VIEWER))],
        responses=ERROR_RESPONSES,
        operation_id="masked_stack",
    )
    async def stack_masked(name_or_id: str) -> Any:
        """One stack and its components, secret settings masked (what a page showing a
        run's stack needs; `/stacks/{name_or_id}` carries stored values to members)."""
        try:
            return await run_in_threadpool(masked_stack, store, name_or_id)
        except Exception as error:  # a missing stack is a 404 with the usual error body
            return JSONResponse(error_body(error), status_of(error))

    return router
