"""Login sessions: how `stepwell login --username` stays logged in without keeping the
password (server).

A user who logs in with `"remember": true` also gets a session token: a JWT signed like the
access tokens but marked `"use": "session"`, valid for `SESSION_SECONDS`. The session token
is not an access token (the routes refuse it); it can only be exchanged at `POST
/api/v1/login` (`{"session_token": ...}`) for a short-lived access token, and each exchange
re-reads the account: a session ends early when its account is deleted, deactivated or
changed in any way (a new password, another role) after the login that made it.
"""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID

import jwt

from stepwell.exceptions import EntityNotFoundError

SESSION_SECONDS = 30 * 86400
SESSION_USE = "session"
_ALGORITHM = "HS256"


def issue_session(user: Any, secret: str, seconds: int = SESSION_SECONDS) -> str:
    """A session token for `user`, valid for `seconds`."""
    now = time.time()
    claims = {
        "sub": str(user.id),
        "name": user.name,
        "use": SESSION_USE,
        "auth_time": now,
        "iat": int(now),
        "exp": int(now) + seconds,
    }
    return jwt.encode(claims, secret, algorithm=_ALGORITHM)


def session_user(store: Any, token: str, secret: str) -> Any:
    """The active account a valid session token belongs to; None if the token is invalid or
    expired, or the account is gone, inactive or changed since the login."""
    try:
        claims = jwt.decode(token, secret, algorithms=[_ALGORITHM])
        if claims.get("use") != SESSION_USE:
            return None
        user_id, since = UUID(str(claims["sub"])), float(claims["auth_time"])
        user = store.get_user(user_id)
    except (jwt.PyJWTError, KeyError, ValueError, TypeError, EntityNotFoundError):
        return None
    if not user.active or user.is_service_account or user.updated.timestamp() > since:
        return None
    return user
