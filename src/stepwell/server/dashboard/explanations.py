"""Why each step of a run re-ran or came from the cache, for the run page (server).

`GET /api/v1/runs/{run_id}/cache-explanations` answers, for each step of the run (its latest
attempt), the verdict of `Client.explain_cache`: the same words and data as
`stepwell pipeline runs explain`, so the browser shows what the CLI says and no second
implementation of the rules exists. It is not a `Store` method (the explanation is the
Client's, above the store), so it is a route of its own, like the file reads in `reads`.

Each step costs one or two indexed lookups (the earlier step run it is compared with); the
run page asks for it only when its "why did this re-run" panel is open.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from stepwell.server.responses import ERROR_RESPONSES
from stepwell.store.rest.endpoints import API_PREFIX, VIEWER
from stepwell.store.rest.wire import error_body, status_of


def explain_run(store: Any, run_id: UUID, only: str | None = None) -> list[dict[str, Any]]:
    """One verdict per step of the run (or only step `only`), as JSON-able rows."""
    from stepwell.client import Client

    client = Client(store)
    steps = store.get_run_steps(run_id)
    run_names: dict[UUID, str] = {}
    rows = []
    for name, step_run in steps.items():
        if only is not None and name != only:
            continue
        verdict = client.explain_cache(step_run)
        compared = verdict.compared_with
        row: dict[str, Any] = {
            "step": name,
            "status": verdict.status.value,
            "reason": verdict.reason,
            "changed": verdict.changed,
            "details": verdict.details,
            "compared_with": None,
        }
        if compared is not None:
            if compared.pipeline_run_id not in run_names:
                run_names[compared.pipeline_run_id] = store.get_run(compared.pipeline_run_id).name
            row["compared_with"] = {
                "step_run_id": str(compared.id),
                "run_id": str(compared.pipeline_run_id),
                "run_name": run_names[compared.pipeline_run_id],
            }
        rows.append(row)
    return rows


def build_explanation_router(store: Any, require: Any) -> APIRouter:
    """The cache-explanation route over `store`; `require(role)` authenticates."""
    router = APIRouter(prefix=API_PREFIX, tags=["dashboard"])

    @router.get(
        "/runs/{run_id}/cache-explanations",
        dependencies=[Depends(require(VIEWER))],
        responses=ERROR_RESPONSES,
    )
    async def cache_explanations(
        run_id: UUID, step: str | None = Query(None, description="Only this step.")
    ) -> JSONResponse:
        """Why each step of the run was a cache hit, or why not (see `Client.explain_cache`)."""
        try:
            rows = await run_in_threadpool(explain_run, store, run_id, step)
        except Exception as error:
            return JSONResponse(error_body(error), status_of(error))
        return JSONResponse({"run_id": str(run_id), "steps": rows})

    return router
