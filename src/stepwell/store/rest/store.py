"""`RestStore`: the `Store` over the stepwell server's REST API (layer: store).

Every `Store` method is one HTTP request, made from the endpoint table (`endpoints.py`) and
the wire format (`wire.py`), so there is no per-method code to drift from the server. One
`httpx.Client` per process keeps connections open (a forked child makes its own). Calls that
are safe to repeat (reads, and writes marked idempotent) are retried with backoff after a
dropped connection or a 502/503/504; any call is retried when the connection could not be
made at all (nothing was sent). Authentication: an API key, a user name and password, or the
session token `stepwell login` saved are exchanged for a short-lived access token at
`/api/v1/login`, renewed when it expires.
"""

from __future__ import annotations

import os
import random
import time
import uuid
from typing import Any

from stepwell.exceptions import ServerUnreachableError, StoreError
from stepwell.store.rest import advice, paging
from stepwell.store.rest.endpoints import API_PREFIX, API_VERSION, ENDPOINTS, Endpoint
from stepwell.store.rest.wire import bind_arguments, decode_result, encode_call, raise_error
from stepwell.utils.extras import SERVER_EXTRA, import_optional
from stepwell.utils.redact import masked_url

# How long a call keeps retrying (connection refused, dropped, 502/503/504) before it gives up:
# long enough to ride out a server restart; the first contact gives up sooner.
RETRY_SECONDS = 20.0
FIRST_CONTACT_SECONDS = 2.0
_RETRY_STATUSES = frozenset({502, 503, 504})


class RestStore:
    """The metadata store of a stepwell server at `url`."""

    def __init__(
        self,
        url: str,
        *,
        api_key: str | None = None,
        username: str | None = None,
        password: str | None = None,
        session_token: str | None = None,
        timeout: float = 30.0,
        verify_server: bool = True,
        retry_seconds: float = RETRY_SECONDS,
        source: str | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        # Where the URL came from (`ServerConnection.source`), for the advice in errors.
        self.source = source
        self._credentials = {"api_key": api_key, "username": username, "password": password}
        if session_token:  # what `stepwell login --username` saved instead of the password
            self._credentials = {"session_token": session_token}
        self._timeout = timeout
        self._retry_seconds = retry_seconds
        self._client: Any = None
        self._pid = -1
        self._token: str | None = None
        if verify_server:
            self.server_info()

    def __repr__(self) -> str:
        return f"RestStore({masked_url(self.url)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled for worker processes as what it takes to connect again.
        return (_reopen, (self.url, tuple(sorted(self._credentials.items())), self.source))

    # -- connection ----------------------------------------------------------------------------
    def _http(self) -> Any:
        """This process's HTTP client (a forked child never reuses its parent's sockets)."""
        if self._client is None or self._pid != os.getpid():
            httpx = _httpx()
            self._client = httpx.Client(
                base_url=self.url, timeout=self._timeout, headers={"user-agent": "stepwell"}
            )
            self._pid = os.getpid()
        return self._client

    def close(self) -> None:
        """Close this process's connections; the store reconnects if used again."""
        if self._client is not None and self._pid == os.getpid():
            self._client.close()
        self._client = None

    def server_info(self) -> dict[str, Any]:
        """The server's `/health` answer, after checking that it is a stepwell server (else
        one line naming the HTTP answer) and that it speaks this API version."""
        response = self._send(
            "GET",
            "/health",
            retryable=True,
            authenticated=False,
            retry_seconds=FIRST_CONTACT_SECONDS,
            accept_errors=True,
        )
        info = _json(response)
        if response.status_code != 200 or not isinstance(info, dict) or "api_version" not in info:
            raise StoreError(advice.not_a_stepwell_server(self.url, response.status_code, info))
        if str(info.get("api_version")) != API_VERSION:
            raise StoreError(
                f"The stepwell server at {masked_url(self.url)} speaks API version "
                f"{info.get('api_version')!r}; this stepwell speaks {API_VERSION!r}. Install "
                f"the same stepwell version as the server ({info.get('version')})."
            )
        return dict(info)

    def _login(self) -> str:
        credentials = {k: v for k, v in self._credentials.items() if v}
        if not credentials:
            raise StoreError(
                f"The stepwell server at {masked_url(self.url)} needs credentials: run "
                "`stepwell login URL --api-key KEY` (or set STEPWELL_API_KEY)."
            )
        response = self._send(
            "POST", f"{API_PREFIX}/login", json=credentials, retryable=True, authenticated=False
        )
        self._token = str(response.json()["access_token"])
        return self._token

    def open_session(self) -> str:
        """Log in with the user name and password given and return a session token, which
        later stores can log in with instead of the password (see `server.sessions`)."""
        response = self._send(
            "POST",
            f"{API_PREFIX}/login",
            json={**self._credentials, "remember": True},
            retryable=True,
            authenticated=False,
        )
        answer = response.json()
        if not answer.get("session_token"):
            raise StoreError(
                f"The stepwell server at {masked_url(self.url)} gave no session token; log in "
                "with a user name and password (API keys need no session)."
            )
        self._token = str(answer["access_token"])
        return str(answer["session_token"])

    def current_user(self) -> dict[str, str]:
        """Who these credentials log in as: `{"id", "name", "role"}`."""
        return dict(self._send("GET", f"{API_PREFIX}/current-user", retryable=True).json())

    def trigger_snapshot(self, snapshot_id: Any, run_configuration: dict[str, Any]) -> Any:
        """Start a run of a snapshot on the server (see `store.trigger_protocol`); the new
        run. Never repeated after a dropped connection: that could start two runs."""
        from stepwell.store.models import PipelineRunResponse
        from stepwell.store.rest.wire import adapter, bind_records
        from stepwell.store.trigger_protocol import TRIGGER_PATH

        path = TRIGGER_PATH.replace("{snapshot_id}", str(snapshot_id))
        response = self._send(
            "POST",
            API_PREFIX + path,
            json={"run_configuration": run_configuration},
            retryable=False,
            what="trigger_snapshot",
        )
        run = adapter(PipelineRunResponse).validate_python(response.json())
        return bind_records(run, self)

    def _send(
        self,
        verb: str,
        path: str,
        *,
        params: Any = None,
        json: Any = None,
        retryable: bool,
        authenticated: bool = True,
        what: str | None = None,
        retry_seconds: float | None = None,
        accept_errors: bool = False,
    ) -> Any:
        """One request, retried as the module says; an error response raises (unless
        `accept_errors`: then it is returned)."""
        httpx = _httpx()
        headers = {}
        if authenticated:
            headers["authorization"] = f"Bearer {self._token or self._login()}"
        renewed = False
        budget = self._retry_seconds if retry_seconds is None else retry_seconds
        deadline = time.monotonic() + budget
        attempt = 0
        while True:
            try:
                response = self._http().request(
                    verb, path, params=params, json=json, headers=headers
                )
            except httpx.ConnectError as error:  # nothing was sent: any call may repeat
                if not _waited(attempt, deadline):
                    raise self._unreachable(error) from None
            except httpx.TransportError as error:
                if not retryable or not _waited(attempt, deadline):
                    raise self._unreachable(error) from None
            else:
                busy = response.status_code in _RETRY_STATUSES
                if busy and retryable and _waited(attempt, deadline):
                    attempt += 1
                    continue
                if response.status_code == 401 and authenticated and not renewed:
                    renewed = True
                    self._token = None
                    headers["authorization"] = f"Bearer {self._login()}"
                    continue
                if response.status_code >= 400 and not accept_errors:
                    raise_error(response.status_code, _json(response), what or f"{verb} {path}")
                return response
            attempt += 1

    def _unreachable(self, error: BaseException) -> ServerUnreachableError:
        reason = advice.reason(error)
        message = advice.unreachable_message(self.url, reason, self.source)
        return ServerUnreachableError(message, reason=reason)

    # -- calls -----------------------------------------------------------------------------------
    def _call(self, endpoint: Endpoint, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        arguments = bind_arguments(endpoint, args, kwargs)
        size = arguments.get("size")
        if isinstance(size, int) and size > paging.MAX_PAGE_SIZE and paging.is_paged(endpoint):
            return self._read_in_pages(endpoint, arguments, size)
        if endpoint.client_id is not None and arguments.get(endpoint.client_id) is None:
            # Chosen once, sent with every retry: the server answers a repeat with the record
            # the first attempt made (the connection may drop after it was made).
            arguments[endpoint.client_id] = uuid.uuid4()
        path, query, body = encode_call(endpoint, arguments)
        response = self._send(
            endpoint.verb,
            API_PREFIX + path,
            params=query or None,
            json=body,
            retryable=endpoint.retryable,
            what=endpoint.method,
        )
        data = response.json() if response.content else None
        return decode_result(endpoint, data, self)

    def _read_in_pages(self, endpoint: Endpoint, arguments: dict[str, Any], size: int) -> Any:
        """A list call for more than the server's page-size cap, as consecutive pages."""
        kind: list[Any] = []

        def fetch(page: int, limit: int) -> Any:
            answer = self._call(endpoint, (), {**arguments, "page": page, "size": limit})
            kind[:] = [type(answer)]
            return answer

        index = int(arguments.get("page") or 1)
        items, total = paging.read_in_pages(fetch, index, size)
        return kind[0].of(items, total=total, index=index, max_size=size)


def _httpx() -> Any:
    """The `httpx` module, or an error that says which extra installs it."""
    return import_optional("httpx", SERVER_EXTRA, "Talking to a stepwell server")


def _json(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text


def _waited(attempt: int, deadline: float) -> bool:
    """Sleep before retry `attempt + 1` (exponential backoff with jitter, at most 1 s);
    False, without sleeping, if that would pass `deadline`."""
    pause = min(1.0, 0.05 * 2**attempt) * (0.5 + random.random())
    if time.monotonic() + pause > deadline:
        return False
    time.sleep(pause)
    return True


def _method(endpoint: Endpoint) -> Any:
    def call(self: RestStore, *args: Any, **kwargs: Any) -> Any:
        return self._call(endpoint, args, kwargs)

    call.__name__ = endpoint.method
    call.__doc__ = f"`Store.{endpoint.method}` as {endpoint.verb} {API_PREFIX}{endpoint.path}."
    return call


for _endpoint in ENDPOINTS:
    setattr(RestStore, _endpoint.method, _method(_endpoint))

_REOPENED: dict[tuple[Any, ...], RestStore] = {}


def _reopen(
    url: str, credentials: tuple[tuple[str, Any], ...], source: str | None = None
) -> RestStore:
    """The store that unpickled records bind to: one per server and credentials per process."""
    key = (url, credentials)
    store = _REOPENED.get(key)
    if store is None:
        store = _REOPENED[key] = RestStore(
            url, verify_server=False, source=source, **dict(credentials)
        )
    return store
