"""What the server's answers look like, for its OpenAPI schema (server).

Every error is `{"error": <kind>, "message": <what is wrong and how to fix it>}` with one of
the statuses below; the schema declares them on every route, so clients (and the schema
fuzzer in the tests) know what to expect besides the success answer.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ErrorBody(BaseModel):
    """An error answer: its kind (a stepwell exception's name) and a message."""

    error: str
    message: str


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


# Statuses any route of the API can answer with besides its success.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _error("The request is not valid for the store (a bad filter, value or state)."),
    401: _error("No valid access token: log in at /api/v1/login."),
    403: _error("The caller's role is below the route's."),
    404: _error("No such record."),
    409: _error("The record exists already, or the change conflicts with its state."),
    413: _error("The request body is larger than the server accepts."),
    422: _error("The request does not match the schema (names the field)."),
}
# The login route answers only these.
LOGIN_ERRORS: dict[int | str, dict[str, Any]] = {
    status: ERROR_RESPONSES[status] for status in (400, 401, 413, 422)
}
