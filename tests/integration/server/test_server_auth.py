"""Every route of a real server refuses callers without a valid token (401) and callers whose
role is too low (403); the cases are generated from the endpoint table, so a new endpoint is
checked without a new test."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import jwt
import pytest
from live_server import PASSWORD, SECRET, RunningServer, launch_server

from stepwell.store.rest.endpoints import ADMIN, ENDPOINTS, MEMBER, ROLES, VIEWER, Endpoint


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A server of its own: the allowed calls below may write (with harmless values)."""
    running = launch_server(tmp_path_factory.mktemp("auth-server"))
    yield running
    running.stop()


def _path(endpoint: Endpoint) -> str:
    """The endpoint's URL path with a value of the right kind in each placeholder."""
    path = endpoint.path
    for name in endpoint.path_params:
        value = str(uuid.uuid4()) if name.endswith("_id") else "no-such-thing"
        path = path.replace("{" + name + "}", value)
    return "/api/v1" + path


def _call(server: RunningServer, endpoint: Endpoint, headers: dict[str, str]) -> httpx.Response:
    return server.http.request(endpoint.verb, _path(endpoint), headers=headers)


def _ids(endpoint: Endpoint) -> str:
    return f"{endpoint.verb} {endpoint.path}"


def _signed(claims: dict[str, Any], secret: str = SECRET) -> str:
    return jwt.encode(claims, secret, algorithm="HS256")


def _claims(server: RunningServer, account: str, **changes: Any) -> dict[str, Any]:
    """The claims of a token for the service account of role `account`, with `changes`."""
    now = int(time.time())
    claims = {"sub": str(uuid.uuid4()), "name": server.accounts[account].service, "role": account}
    return {**claims, "iat": now, "exp": now + 600, **changes}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=_ids)
def test_every_route_refuses_a_caller_without_a_token(auth_server, endpoint):
    response = _call(auth_server, endpoint, {})
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "AuthenticationError"
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_bad_body_without_a_token_is_refused_as_unauthenticated(auth_server):
    for endpoint in (e for e in ENDPOINTS if not e.in_query):
        response = auth_server.http.request(
            endpoint.verb,
            _path(endpoint),
            content=b'{"not json',
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 401, (_ids(endpoint), response.text)


def test_every_route_refuses_bad_tokens(auth_server):
    now = int(time.time())
    bad_tokens = {
        "garbage": "not.a.token",
        "expired": _signed(_claims(auth_server, ADMIN, iat=now - 120, exp=now - 60)),
        "signed with another secret": _signed(_claims(auth_server, ADMIN), "y" * 48),
        "unsigned": jwt.encode(_claims(auth_server, ADMIN), None, algorithm="none"),
        "unknown role": _signed(_claims(auth_server, ADMIN, role="root")),
        "no subject": _signed({k: v for k, v in _claims(auth_server, ADMIN).items() if k != "sub"}),
    }
    for endpoint in ENDPOINTS:
        for what, token in bad_tokens.items():
            response = _call(auth_server, endpoint, {"authorization": f"Bearer {token}"})
            assert response.status_code == 401, (what, _ids(endpoint), response.text)
        basic = _call(auth_server, endpoint, {"authorization": "Basic YWRtaW46YWRtaW4="})
        assert basic.status_code == 401, _ids(endpoint)


def test_a_token_signed_with_the_servers_secret_is_accepted(auth_server):
    # The control for the test above: only the defect makes those tokens fail.
    token = _signed(_claims(auth_server, VIEWER))
    response = auth_server.http.get("/api/v1/runs", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(("caller", "needed"), [(VIEWER, MEMBER), (VIEWER, ADMIN), (MEMBER, ADMIN)])
def test_every_route_refuses_a_role_below_its_own(auth_server, caller, needed):
    refused = [e for e in ENDPOINTS if e.role == needed]
    assert refused
    for endpoint in refused:
        response = _call(auth_server, endpoint, auth_server.headers(caller))
        assert response.status_code == 403, (_ids(endpoint), response.text)
        body = response.json()
        assert body["error"] == "AuthorizationError"
        assert f"'{needed}'" in body["message"]


@pytest.mark.parametrize("role", ROLES)
def test_every_route_lets_its_own_role_through(auth_server, role):
    for endpoint in (e for e in ENDPOINTS if e.role == role):
        response = _call(auth_server, endpoint, auth_server.headers(role))
        assert response.status_code not in (401, 403), (_ids(endpoint), response.text)
        assert response.status_code < 500, (_ids(endpoint), response.text)


def test_health_and_login_need_no_token(auth_server):
    health = auth_server.http.get("/health")
    assert health.status_code == 200
    assert health.json()["api_version"] == "1"
    login = auth_server.http.post("/api/v1/login", json={"username": "admin", "password": PASSWORD})
    assert login.status_code == 200, login.text
    token = login.json()["access_token"]
    me = auth_server.http.get("/api/v1/current-user", headers={"authorization": f"Bearer {token}"})
    assert me.json()["role"] == "admin"


def test_uptime_checks_may_ask_with_head(auth_server):
    """Load balancers and uptime monitors often send HEAD: the page and /health answer it
    (with no body), as they answer GET."""
    for path in ("/", "/health"):
        response = auth_server.http.head(path)
        assert response.status_code == 200, (path, response.status_code)
        assert response.content == b""


def test_a_form_login_works_like_a_json_one(auth_server):
    account = auth_server.accounts[MEMBER]
    login = auth_server.http.post(
        "/api/v1/login",
        data={"username": account.name, "password": account.password},
    )
    assert login.status_code == 200, login.text


def test_wrong_password_and_unknown_user_get_the_same_answer(auth_server):
    login = "/api/v1/login"
    wrong = auth_server.http.post(login, json={"username": "admin", "password": "not the password"})
    unknown = auth_server.http.post(
        login, json={"username": "nobody", "password": "not the password"}
    )
    bad_key = auth_server.http.post(login, json={"api_key": "sw_not_a_key"})
    assert wrong.status_code == unknown.status_code == bad_key.status_code == 401
    # Nothing tells a wrong password from an unknown user; the answer depends only on the
    # kind of credentials sent (it says what to do about those).
    assert wrong.json() == unknown.json() != bad_key.json()


@pytest.mark.parametrize(
    "body",
    [b"", b"{bad", b"[]", b'"text"', b'{"username": 1, "password": []}', b'{"api_key": ""}'],
    ids=["empty", "malformed", "list", "string", "wrong types", "empty key"],
)
def test_a_bad_login_body_is_a_4xx(auth_server, body):
    response = auth_server.http.post(
        "/api/v1/login",
        content=body,
        headers={"content-type": "application/json"},
    )
    assert 400 <= response.status_code < 500, response.text
    assert "message" in response.json()


def test_a_revoked_key_can_no_longer_log_in(auth_server):
    from stepwell.store.sql.store import SqlStore

    store = SqlStore(auth_server.store_url)
    store.create_user(name="short-lived-bot", role=VIEWER, is_service_account=True)
    made = store.create_api_key(user="short-lived-bot", name="once")
    login = "/api/v1/login"
    assert auth_server.http.post(login, json={"api_key": made.key}).status_code == 200
    store.revoke_api_key(made.id)
    assert auth_server.http.post(login, json={"api_key": made.key}).status_code == 401
