"""`GET /api/v1/masked-stacks`: stacks and components as people may see them (server).

The REST API's `/stacks` and `/components` return configurations as stored, because the
clients that build components from them need the real values. A page that only shows them
must not carry those values at all: this route answers every stack (with its component
ids per type) and every component with its configuration masked the way the CLI shows it
(`stack.shown_configuration`: secret settings masked, `{{secret.key}}` references kept as
written). A viewer may call it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool

from stepwell.server.responses import ERROR_RESPONSES
from stepwell.store.rest.endpoints import API_PREFIX, VIEWER

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


def masked_stacks(store: Any) -> dict[str, Any]:
    """Every stack (components by type, as ids) and every component, masked."""
    from stepwell.stack.shown_configuration import shown_configuration

    components = _every(store.list_stack_components)
    stacks = _every(store.list_stacks)
    return {
        "stacks": [
            {
                "id": str(stack.id),
                "name": stack.name,
                "created": stack.created.isoformat(),
                "components": {
                    str(getattr(kind, "value", kind)): str(component.id)
                    for kind, component in stack.components.items()
                },
            }
            for stack in stacks
        ],
        "components": [
            {
                "id": str(component.id),
                "name": component.name,
                "type": str(getattr(component.type, "value", component.type)),
                "flavor": component.flavor,
                "configuration": shown_configuration(component),
                "created": component.created.isoformat(),
            }
            for component in components
        ],
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

    return router
