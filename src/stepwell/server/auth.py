"""Logging in and checking roles on the stepwell server (server).

A caller exchanges an API key (service accounts) or a user name and password (users) at
`POST /api/v1/login` for an access token: a JWT signed with the server's secret (HS256) that
names the account and its role and expires after `token_seconds`. Every other route except
`/health` needs `Authorization: Bearer <token>`; a missing or bad token is 401, a role below
the route's (`viewer` < `member` < `admin`) is 403. Roles travel in the token, so a changed
role or a revoked key takes effect when the token expires (15 minutes by default). A user
who logs in with `"remember": true` also gets a session token to log in with later instead
of the password (see `sessions`). A browser sends the token in an HttpOnly cookie instead of
the header, and echoes a CSRF token on changes (see `cookies`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import jwt
from fastapi import HTTPException, Request

from stepwell.server.cookies import access_cookie, check_csrf
from stepwell.server.sessions import issue_session, session_user
from stepwell.store.rest.endpoints import ROLES

TOKEN_SECONDS = 15 * 60
_ALGORITHM = "HS256"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the account's id, name and role."""

    user_id: UUID
    name: str
    role: str

    def may(self, role: str) -> bool:
        """Whether this caller's role reaches `role`."""
        return ROLES.index(self.role) >= ROLES.index(role)


def _refusal(api_key: Any, session: Any) -> str:
    """Why a login was refused, in words that say what to do (never which part was wrong)."""
    if isinstance(session, str) and session:
        return (
            "Wrong or inactive credentials: the saved login has ended (the user was changed, "
            "deactivated or deleted, or the session expired); log in again with "
            "`stepwell login URL`."
        )
    if isinstance(api_key, str) and api_key:
        return (
            "Wrong or inactive credentials: the API key is unknown, revoked or belongs to an "
            "inactive account; ask an admin for a new one (`stepwell api-key create`)."
        )
    return "Wrong or inactive credentials: check the user name and password."


class Authenticator:
    """Issues and checks access tokens for accounts of `store`."""

    def __init__(self, store: Any, secret: str, token_seconds: int = TOKEN_SECONDS) -> None:
        if len(secret) < 32:
            raise ValueError("The server's token secret needs at least 32 characters.")
        self.store = store
        self._secret = secret
        self.token_seconds = token_seconds

    def login(self, credentials: dict[str, Any]) -> dict[str, Any]:
        """A token for valid credentials (API key, or user name and password); 401 else."""
        user = None
        api_key, session = credentials.get("api_key"), credentials.get("session_token")
        if isinstance(api_key, str) and api_key:
            user = self.store.verify_api_key(api_key)
        elif isinstance(session, str) and session:
            user = session_user(self.store, session, self._secret)
        else:
            name, password = credentials.get("username"), credentials.get("password")
            if isinstance(name, str) and isinstance(password, str):
                user = self.store.verify_password(name, password)
        if user is None:
            raise HTTPException(401, _refusal(api_key, session))
        now = int(time.time())
        claims = {
            "sub": str(user.id),
            "name": user.name,
            "role": user.role,
            "iat": now,
            "exp": now + self.token_seconds,
        }
        token = jwt.encode(claims, self._secret, algorithm=_ALGORITHM)
        answer = {"access_token": token, "token_type": "bearer", "expires_in": self.token_seconds}
        if credentials.get("remember") is True and credentials.get("password"):
            answer["session_token"] = issue_session(user, self._secret)  # see `sessions`
        return answer

    def principal(self, request: Request) -> Principal:
        """The caller a request's bearer token names; 401 without a valid one."""
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if not header and (cookie := access_cookie(request)):  # a browser (see `cookies`)
            scheme, token = "bearer", cookie
            request.state.via_cookie = True
        if scheme.lower() != "bearer" or not token:
            raise HTTPException(
                401,
                "Log in first: POST /api/v1/login, then send Authorization: Bearer <token>.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        try:
            claims = jwt.decode(token.strip(), self._secret, algorithms=[_ALGORITHM])
            principal = Principal(UUID(claims["sub"]), str(claims["name"]), str(claims["role"]))
            if "use" in claims:
                raise ValueError("a session token is not an access token")
        except (jwt.PyJWTError, KeyError, ValueError):
            raise HTTPException(
                401, "The access token is invalid or expired; log in again.",
                headers={"WWW-Authenticate": "Bearer"},
            ) from None  # fmt: skip
        if principal.role not in ROLES:
            raise HTTPException(401, "The access token names no known role.")
        return principal

    def require(self, role: str) -> Any:
        """A FastAPI dependency: the caller, who must have `role` (or a higher one)."""

        def dependency(request: Request) -> Principal:
            principal = self.principal(request)
            if getattr(request.state, "via_cookie", False):
                check_csrf(request)
            if not principal.may(role):
                raise HTTPException(
                    403, f"This needs the '{role}' role; '{principal.name}' is a {principal.role}."
                )
            request.state.principal = principal
            return principal

        return dependency
