"""The REST API's routes: one thin handler per `Store` method (server).

Each handler is made from the endpoint table (`store/rest/endpoints.py`): it takes its path
parameters, its query parameters (reads) or a JSON body whose schema is generated from the
`Store` method's declared parameters (writes; unknown fields are refused), checks the
caller's role, calls the same method on the server's own store and returns the result as
JSON (stack and component answers to a viewer with secret settings masked, see
`masked_reads`). No route holds logic of its own. The generated signatures give FastAPI
(and so the OpenAPI schema) every parameter with its type.
"""

from __future__ import annotations

import inspect
from functools import cache
from typing import Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ConfigDict, ValidationError, create_model

from stepwell.logger import get_logger
from stepwell.server.masked_reads import masked, needs_masking
from stepwell.server.responses import ERROR_RESPONSES
from stepwell.server.revalidation import revalidated
from stepwell.store.rest.endpoints import (
    API_PREFIX,
    EMPTY,
    ENDPOINTS,
    Endpoint,
    Parameter,
    signature,
)
from stepwell.store.rest.paging import check_page_size
from stepwell.store.rest.wire import (
    adapter,
    check_complete,
    decode_arguments,
    decode_path,
    encode_result,
    error_body,
    status_of,
)

logger = get_logger(__name__)
# Query parameters every list call takes besides its filters.
_LIST_OPTIONS = ("sort_by", "page", "size", "logical_operator", "descending")


def _segments(endpoint: Endpoint) -> tuple[int, int]:
    """Sort key: literal paths before parameterised ones, longer paths first."""
    parts = endpoint.path.strip("/").split("/")
    return (-len(parts), sum(part.startswith("{") for part in parts))


def build_router(store: Any, require: Any) -> APIRouter:
    """The API's routes over `store`; `require(role)` is the dependency that authenticates
    a request and checks its role (see `server/auth`)."""
    router = APIRouter(prefix=API_PREFIX)
    for endpoint in sorted(ENDPOINTS, key=_segments):
        handler = _handler(endpoint, store)
        router.add_api_route(
            endpoint.path,
            handler,
            methods=[endpoint.verb],
            name=endpoint.method,
            operation_id=endpoint.method,
            summary=endpoint.method.replace("_", " "),
            dependencies=[Depends(require(endpoint.role))],
            response_class=JSONResponse,
            response_model=_response_model(endpoint),  # for the schema; answers are JSON made
            responses=ERROR_RESPONSES,  # by `encode_result` from the same declared type
            tags=[endpoint.path.strip("/").split("/")[0]],
        )
    return router


def _handler(endpoint: Endpoint, store: Any) -> Any:
    parameters, _ = signature(endpoint.method)
    declared = [p for p in parameters if not p.variadic]
    variadic = any(p.variadic for p in parameters)
    method = getattr(store, endpoint.method)
    path_names = endpoint.path_params
    others = [p for p in declared if p.name not in path_names]
    body_model = None if endpoint.in_query else _body_model(endpoint, others, variadic)

    async def handle(request: Request, **values: Any) -> Response:
        try:
            return await answer(request, values)
        except Exception as error:  # answered here: a raised error would cost the connection
            return error_response(error, request)

    async def answer(request: Request, values: dict[str, Any]) -> Response:
        path_values = {name: values[name] for name in path_names}
        if body_model is None:
            query = list(request.query_params.multi_items())
            arguments = decode_arguments(endpoint, path_values, query, None)
            check_page_size(endpoint, arguments)
        else:
            body = values.get("body")
            arguments = decode_path(endpoint, path_values)
            if body is not None:
                arguments.update({name: getattr(body, name) for name in body.model_fields_set})
                arguments.update(body.model_extra or {})  # `**card` of create_model
            check_complete(endpoint, arguments)
        from starlette.concurrency import run_in_threadpool

        result = await run_in_threadpool(method, **arguments)
        if needs_masking(endpoint.method, getattr(request.state, "principal", None)):
            result = masked(result)  # a viewer sees no component's secret settings
        if endpoint.revalidate:
            return revalidated(request, encode_result(endpoint, result))
        return JSONResponse(encode_result(endpoint, result))

    params = [
        inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request),
        *(
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, annotation=str, default=Path(...)
            )
            for name in path_names
        ),
    ]
    if body_model is None:
        names = [p.name for p in others]
        if variadic:
            names += [option for option in _LIST_OPTIONS if option not in names]
        params.extend(
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=list[str] | None if name == "tags" else str | None,
                default=Query(None),
            )
            for name in names
        )
    else:
        params.append(
            inspect.Parameter(
                "body",
                inspect.Parameter.KEYWORD_ONLY,
                annotation=body_model,
                default=Body(...) if _any_required(others) else Body(None),
            )
        )
    handle.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    handle.__name__ = endpoint.method
    handle.__doc__ = _doc(endpoint)
    return handle


def error_response(error: Exception, request: Request) -> JSONResponse:
    """The JSON error answer for an exception raised while serving `request`."""
    if isinstance(error, ValidationError):
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item.get('loc', ()))}: {item.get('msg')}"
            for item in error.errors()[:10]
        )
        return JSONResponse(
            {"error": "ValidationError", "message": f"Invalid value: {problems}"}, 422
        )
    status = status_of(error)
    if status >= 500:
        logger.error("Unexpected error in %s %s", request.method, request.url.path, exc_info=error)
    return JSONResponse(error_body(error), status)


def _response_model(endpoint: Endpoint) -> Any:
    """The declared return type of the endpoint's `Store` method, if it has a schema."""
    _, returns = signature(endpoint.method)
    if returns is None or returns is type(None):
        return None
    model = _wire_type(returns)
    return None if model is Any else model


def _any_required(parameters: list[Parameter]) -> bool:
    return any(p.default is EMPTY for p in parameters)


def _body_model(endpoint: Endpoint, parameters: list[Parameter], variadic: bool) -> Any:
    """A pydantic model of the JSON body: the method's parameters; unknown fields are
    refused unless the method takes free keywords (a model card's fields)."""
    fields: dict[str, Any] = {}
    for parameter in parameters:
        annotation = _wire_type(parameter.annotation)
        if parameter.default is EMPTY:
            fields[parameter.name] = (annotation, ...)
        else:
            fields[parameter.name] = (annotation | None, None)
    name = "".join(part.title() for part in endpoint.method.split("_")) + "Body"
    return create_model(
        name,
        __config__=ConfigDict(
            extra="allow" if variadic else "forbid", arbitrary_types_allowed=True
        ),
        **fields,
    )


@cache
def _wire_type(annotation: Any) -> Any:
    """The annotation a body field can have (one pydantic can make a schema for). Cached:
    the endpoints share about 90 types among about 250 uses, and each schema made is a
    noticeable part of the server's start-up."""
    try:
        adapter(annotation).json_schema()
    except Exception:
        return Any
    return annotation


def _doc(endpoint: Endpoint) -> str:
    from stepwell.store import base

    text = inspect.getdoc(getattr(base.Store, endpoint.method)) or ""
    return f"`Store.{endpoint.method}` (role: {endpoint.role}). {text}".strip()
