"""Browser logins: the access token in an HttpOnly cookie, with a CSRF check (server).

A browser (the dashboard) logs in with `{"username", "password", "cookie": true}` at `POST
/api/v1/login`. Instead of returning the token to JavaScript, where any injected script could
read it, the server sets:

- `stepwell_access`: the access token; HttpOnly (no script reads it), SameSite=Strict (no
  other site's page sends it), Secure when the request came over HTTPS;
- `stepwell_refresh`: a session token (see `sessions`), HttpOnly, sent only to the login
  route, which exchanges it for a fresh access cookie when the short-lived one expires;
- `stepwell_csrf`: a random value the page's script CAN read, and must echo in an
  `X-CSRF-Token` header on every request that changes something (double submit).

`Authenticator.principal` accepts the access cookie when a request has no bearer header;
for such requests `check_csrf` refuses (403) any method but GET and HEAD whose header does
not match the cookie. Bearer-token callers are not affected. `POST /api/v1/logout` clears
the three cookies.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse

from stepwell.store.rest.endpoints import API_PREFIX

ACCESS_COOKIE = "stepwell_access"
REFRESH_COOKIE = "stepwell_refresh"
CSRF_COOKIE = "stepwell_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOGIN_PATH = f"{API_PREFIX}/login"


def wants_cookie(credentials: dict[str, Any]) -> bool:
    """Whether a login asks for cookies instead of a token in the answer."""
    return credentials.get("cookie") is True


def cookie_credentials(credentials: dict[str, Any], request: Request) -> dict[str, Any]:
    """The credentials of a cookie login: a password login also asks for a session token
    (kept in the refresh cookie); one without a user name or API key renews the access cookie
    from the refresh cookie."""
    given = dict(credentials)
    if given.get("username") or given.get("api_key"):
        given["remember"] = bool(given.get("password"))
    else:
        given["session_token"] = request.cookies.get(REFRESH_COOKIE, "")
    return given


def cookie_answer(answer: dict[str, Any], request: Request, token_seconds: int) -> JSONResponse:
    """The login answer for a browser: cookies set, no token in the body."""
    secure = request.url.scheme == "https"
    response = JSONResponse({"token_type": "cookie", "expires_in": answer["expires_in"]})
    response.set_cookie(
        ACCESS_COOKIE,
        answer["access_token"],
        max_age=token_seconds,
        path="/",
        httponly=True,
        samesite="strict",
        secure=secure,
    )
    if answer.get("session_token"):
        response.set_cookie(
            REFRESH_COOKIE,
            answer["session_token"],
            max_age=30 * 86400,
            path=LOGIN_PATH,
            httponly=True,
            samesite="strict",
            secure=secure,
        )
    csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    response.set_cookie(CSRF_COOKIE, csrf, path="/", samesite="strict", secure=secure)
    return response


def logout_answer() -> JSONResponse:
    """An answer that clears the login cookies."""
    response = JSONResponse({"logged_out": True})
    response.delete_cookie(ACCESS_COOKIE, path="/")
    response.delete_cookie(REFRESH_COOKIE, path=LOGIN_PATH)
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


def access_cookie(request: Request) -> str | None:
    """The access token a request's cookie holds, if it has one."""
    return request.cookies.get(ACCESS_COOKIE) or None


def check_csrf(request: Request) -> None:
    """Refuse (403) a cookie-authenticated change whose CSRF header does not match."""
    if request.method in SAFE_METHODS:
        return
    expected = request.cookies.get(CSRF_COOKIE, "")
    given = request.headers.get(CSRF_HEADER, "")
    if not expected or not hmac.compare_digest(expected.encode(), given.encode()):
        raise HTTPException(
            403,
            "A change made with the login cookie needs the X-CSRF-Token header, equal to "
            "the stepwell_csrf cookie.",
        )
