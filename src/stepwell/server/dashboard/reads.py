"""Routes that return files rather than records: step logs and visualizations (server).

- `GET /api/v1/step-runs/{step_run_id}/logs?offset=N`: the step run's captured output from
  byte `offset` on, as text; `X-Log-Size` says where the next call should start, so a page
  following a running step asks only for what is new.
- `GET /api/v1/artifact-versions/{version_id}/visualizations/{index}`: one visualization
  as a document for a sandboxed frame (see `previews`): the answer itself says
  `Content-Security-Policy: sandbox`, so even opened on its own it runs in an opaque origin,
  never in the dashboard's.

Both need a viewer (bearer token or login cookie) and read only inside the known artifact
stores (see `confined`).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from stepwell.exceptions import EntityNotFoundError
from stepwell.server.dashboard.confined import OutsideArtifactStoreError, read_inside
from stepwell.server.dashboard.previews import PREVIEW_HEADERS, preview
from stepwell.server.responses import ERROR_RESPONSES
from stepwell.store.rest.endpoints import API_PREFIX, VIEWER
from stepwell.store.rest.wire import error_body, status_of

_TEXT: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/plain": {"schema": {"type": "string"}}}}
}
_DOCUMENT: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {"schema": {"type": "string"}}}}
}


def _refusal(error: Exception) -> JSONResponse:
    if isinstance(error, OutsideArtifactStoreError):
        return JSONResponse({"error": "AuthorizationError", "message": str(error)}, 403)
    if isinstance(error, ValueError):
        return JSONResponse({"error": "QueryError", "message": str(error)}, 400)
    return JSONResponse(error_body(error), status_of(error))


def build_read_router(store: Any, require: Any) -> APIRouter:
    """The file-reading routes over `store`; `require(role)` authenticates (`server/auth`)."""
    router = APIRouter(prefix=API_PREFIX, tags=["dashboard"])

    @router.get(
        "/step-runs/{step_run_id}/logs",
        dependencies=[Depends(require(VIEWER))],
        response_class=Response,
        responses={**ERROR_RESPONSES, **_TEXT},
    )
    async def step_run_logs(step_run_id: UUID, offset: int = Query(0, ge=0)) -> Response:
        """A step run's captured output from byte `offset` on (`X-Log-Size`: the size
        read up to, the offset of the next call)."""
        try:
            step_run = await run_in_threadpool(store.get_step_run, step_run_id)
            content = b""
            if step_run.logs_uri:
                content = await run_in_threadpool(
                    read_inside, store, step_run.logs_uri, logs=True, offset=offset
                )
        except Exception as error:
            return _refusal(error)
        return Response(
            content,
            media_type="text/plain; charset=utf-8",
            headers={
                "X-Log-Size": str(offset + len(content)),
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "no-store",
            },
        )

    @router.get(
        "/artifact-versions/{version_id}/visualizations/{index}",
        dependencies=[Depends(require(VIEWER))],
        response_class=Response,
        responses={**ERROR_RESPONSES, **_DOCUMENT},
    )
    async def artifact_visualization(version_id: UUID, index: int) -> Response:
        """Visualization number `index` of an artifact version, as a sandboxed document."""
        try:
            version = await run_in_threadpool(store.get_artifact_version, version_id)
            if not 0 <= index < len(version.visualizations):
                raise EntityNotFoundError(
                    f"Artifact version {version_id} has {len(version.visualizations)} "
                    f"visualization(s); there is no number {index}."
                )
            item = version.visualizations[index]
            content = await run_in_threadpool(read_inside, store, item.uri)
            body, media_type = preview(content, str(item.type))
        except Exception as error:
            return _refusal(error)
        return Response(body, media_type=media_type, headers=PREVIEW_HEADERS)

    return router
