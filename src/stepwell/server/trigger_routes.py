"""`POST /api/v1/snapshots/{snapshot_id}/trigger`: a triggered run on the server (server).

The one route not generated from the `Store` protocol, because starting a run is not a
store operation. It is as thin as the generated ones: it checks the caller's role
(`member`), and calls `runs.trigger.trigger` on the server's own store, the same path the
server's scheduler takes for schedules. That function checks the run configuration (sent as
JSON data, or as YAML text parsed here) against the snapshot and that the snapshot's code
archive can be read here (a bad one is a 400 naming the problem, and no run is created),
then starts a runner process on this host; the answer is the new run (initializing or
running), with status 201. Clients that want the end poll the run (`RestStore` does so for
`synchronous=True`).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict

from stepwell.config.yaml_safety import load_yaml
from stepwell.exceptions import ConfigurationError
from stepwell.server.responses import ERROR_RESPONSES
from stepwell.server.routes import error_response
from stepwell.store.models import PipelineRunResponse
from stepwell.store.rest.endpoints import API_PREFIX, MEMBER
from stepwell.store.rest.wire import adapter
from stepwell.store.trigger_protocol import TRIGGER_PATH


class TriggerBody(BaseModel):
    """What a trigger sends: the run configuration (as a YAML run configuration file would
    hold it) that outranks the snapshot's own, as JSON data or as YAML text (the dashboard's
    editor sends what the user typed; the server parses it, within the limits of
    `config.yaml_safety`)."""

    model_config = ConfigDict(extra="forbid")

    run_configuration: dict[str, Any] | None = None
    run_configuration_yaml: str | None = None

    def configuration(self) -> dict[str, Any] | None:
        """The run configuration sent, parsed if it came as YAML text."""
        if self.run_configuration_yaml is None:
            return self.run_configuration
        if self.run_configuration is not None:
            raise ConfigurationError(
                "Send the run configuration once: as run_configuration (JSON) or as "
                "run_configuration_yaml (text), not both."
            )
        data = load_yaml(self.run_configuration_yaml, "run_configuration")
        if data is None:
            return None
        if not isinstance(data, dict):
            raise ConfigurationError(
                "run_configuration: a run configuration must be a mapping of keys, not "
                f"{type(data).__name__}."
            )
        return data


def build_trigger_router(store: Any, require: Any) -> APIRouter:
    """The trigger route over `store`; `require(role)` authenticates and checks the role."""
    router = APIRouter(prefix=API_PREFIX)

    @router.post(
        TRIGGER_PATH,
        dependencies=[Depends(require(MEMBER))],
        response_model=PipelineRunResponse,
        status_code=201,
        responses=ERROR_RESPONSES,
        tags=["snapshots"],
        operation_id="trigger_snapshot",
        summary="trigger snapshot",
    )
    async def trigger_snapshot(
        request: Request, snapshot_id: UUID, body: TriggerBody | None = Body(None)
    ) -> Response:
        """Start a run of a snapshot in a runner process on the server's host (role:
        member); the new run."""
        from starlette.concurrency import run_in_threadpool

        try:
            run = await run_in_threadpool(_trigger, store, snapshot_id, body)
        except Exception as error:  # answered here, as the generated routes do
            return error_response(error, request)
        return JSONResponse(adapter(PipelineRunResponse).dump_python(run, mode="json"), 201)

    return router


def _trigger(store: Any, snapshot_id: UUID, body: TriggerBody | None) -> Any:
    from stepwell.runs.trigger import trigger

    configuration = body.configuration() if body is not None else None
    return trigger(store, store.get_snapshot(snapshot_id), configuration)
