"""The stepwell server's FastAPI application (server).

`create_app(store, secret)` serves the store under `/api/v1` (routes made from the endpoint
table, each checked against the caller's role), the snapshot trigger route
(`trigger_routes`: runs start on this host), `POST /api/v1/login`, `GET
/api/v1/current-user`, the OpenAPI schema at `/api/v1/openapi.json` and an unauthenticated
`/health` that says which version of stepwell and of the API the server runs. Errors are
JSON `{"error": ..., "message": ...}` with a status that says their kind; a request body
larger than `max_body` bytes is refused with 413 before it is read.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from stepwell import __version__
from stepwell.exceptions import StepwellError
from stepwell.logger import get_logger
from stepwell.server.auth import TOKEN_SECONDS, Authenticator, Principal
from stepwell.server.body_limit import BodyLimit
from stepwell.server.cookies import (
    cookie_answer,
    cookie_credentials,
    logout_answer,
    wants_cookie,
)
from stepwell.server.dashboard import mount_dashboard
from stepwell.server.responses import ERROR_RESPONSES, LOGIN_ERRORS
from stepwell.server.routes import build_router
from stepwell.server.trigger_routes import build_trigger_router
from stepwell.store.rest.endpoints import API_PREFIX, API_VERSION, VIEWER
from stepwell.store.rest.wire import error_body, status_of

logger = get_logger(__name__)
MAX_BODY = 64 * 2**20


def create_app(
    store: Any, secret: str, *, max_body: int = MAX_BODY, token_seconds: int = TOKEN_SECONDS
) -> FastAPI:
    """The server application over `store`, signing tokens with `secret`."""
    auth = Authenticator(store, secret, token_seconds)
    app = FastAPI(
        title="stepwell server",
        version=__version__,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.auth = auth
    app.state.store = store

    app.add_middleware(BodyLimit, max_body=max_body)

    @app.api_route("/health", methods=["GET", "HEAD"], tags=["server"])
    def health() -> dict[str, str]:
        """Whether the server is up, and the stepwell and API versions it runs."""
        return {"status": "ok", "version": __version__, "api_version": API_VERSION}

    @app.post(
        f"{API_PREFIX}/login",
        tags=["server"],
        responses=LOGIN_ERRORS,
        openapi_extra={"requestBody": _LOGIN_BODY},  # read by hand: JSON or a form
    )
    async def login(request: Request) -> Any:
        """Exchange `{"api_key": ...}` or `{"username": ..., "password": ...}` (JSON or a
        form) for an access token."""
        if request.headers.get("content-type", "").startswith("application/x-www-form"):
            # Parsed here: starlette's form parser needs python-multipart, an extra dependency.
            form = (await request.body()).decode("utf-8", errors="replace")
            credentials: Any = dict(parse_qsl(form, max_num_fields=10))
        else:
            try:
                credentials = await request.json()
            except ValueError:
                return _error(400, "QueryError", "The login body must be JSON or a form.")
        if not isinstance(credentials, dict):
            return _error(400, "QueryError", "The login body must be a JSON object.")
        from starlette.concurrency import run_in_threadpool

        if wants_cookie(credentials):  # a browser: the token goes in a cookie (`cookies`)
            answer = await run_in_threadpool(auth.login, cookie_credentials(credentials, request))
            return cookie_answer(answer, request, auth.token_seconds)
        return await run_in_threadpool(auth.login, credentials)

    @app.post(f"{API_PREFIX}/logout", tags=["server"])
    def logout() -> Any:
        """Clear a browser's login cookies (bearer tokens simply expire)."""
        return logout_answer()

    @app.get(f"{API_PREFIX}/current-user", tags=["server"], responses=ERROR_RESPONSES)
    def current_user(principal: Principal = Depends(auth.require(VIEWER))) -> dict[str, str]:
        """Who the token belongs to."""
        return {"id": str(principal.user_id), "name": principal.name, "role": principal.role}

    app.include_router(build_router(store, auth.require))
    app.include_router(build_trigger_router(store, auth.require))  # runs on this host
    mount_dashboard(app, store, auth.require)  # the browser app at / (see `dashboard`)
    _install_error_handlers(app)
    return app


_CREDENTIALS = {
    "type": "object",
    "properties": {
        "api_key": {"type": "string"},
        "username": {"type": "string"},
        "password": {"type": "string"},
    },
}
_LOGIN_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": _CREDENTIALS},
        "application/x-www-form-urlencoded": {"schema": _CREDENTIALS},
    },
}


def _error(status: int, name: str, message: str) -> JSONResponse:
    return JSONResponse({"error": name, "message": message}, status_code=status)


def _problem(item: Any) -> str:
    """One problem of a refused request, where it is and what is wrong."""
    if item.get("type") == "json_invalid":
        detail = (item.get("ctx") or {}).get("error", "")
        return f"the body is not valid JSON ({detail}, at character {item['loc'][-1]})"
    return f"{'.'.join(str(part) for part in item.get('loc', ()))}: {item.get('msg')}"


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StepwellError)
    async def stepwell_error(request: Request, error: StepwellError) -> JSONResponse:
        return JSONResponse(error_body(error), status_code=status_of(error))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        # FastAPI reads a JSON body before it checks the caller: a stranger's bad body is
        # still a 401, so that nothing about the API answers without a token.
        if request.url.path != f"{API_PREFIX}/login":
            try:
                app.state.auth.principal(request)
            except StarletteHTTPException as refused:
                return await http_error(request, refused)
        problems = "; ".join(_problem(item) for item in error.errors()[:10])
        return _error(422, "ValidationError", f"Invalid request: {problems}")

    @app.exception_handler(ValidationError)
    async def invalid_value(request: Request, error: ValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item.get('loc', ()))}: {item.get('msg')}"
            for item in error.errors()[:10]
        )
        return _error(422, "ValidationError", f"Invalid value: {problems}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        name = {401: "AuthenticationError", 403: "AuthorizationError", 413: "PayloadTooLarge"}.get(
            error.status_code, "HTTPError"
        )
        return JSONResponse(
            {"error": name, "message": str(error.detail)},
            status_code=error.status_code,
            headers=getattr(error, "headers", None),
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        if isinstance(error, ValueError):
            return _error(400, "QueryError", str(error))
        logger.exception("Unexpected error in %s %s", request.method, request.url.path)
        return JSONResponse(error_body(error), status_code=500)
