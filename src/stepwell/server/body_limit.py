"""The server's limit on request bodies (server): 413 for a body larger than `max_body` bytes.

A declared `Content-Length` over the limit is refused before anything is read; a body sent
without one (chunked) is counted as it arrives and refused once it passes the limit, so no
request can make the server hold more than `max_body` bytes of it in memory.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException


class BodyLimit:
    """ASGI middleware that refuses request bodies over `max_body` bytes with 413."""

    def __init__(self, app: Any, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    def _message(self) -> str:
        return f"Request bodies are limited to {self.max_body} bytes."

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await self._refuse(send)
            return
        received = 0

        async def counted() -> Any:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    # Raised inside the route's body reading: the app's HTTP error handler
                    # answers it, as FastAPI passes HTTPExceptions through unchanged.
                    raise HTTPException(413, self._message())
            return message

        await self.app(scope, counted, send)

    async def _refuse(self, send: Any) -> None:
        body = json.dumps({"error": "PayloadTooLarge", "message": self._message()}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
