"""Answers a browser may keep and revalidate: ETag, `Cache-Control: no-cache` and 304 (server).

For endpoints marked `revalidate=True` in the endpoint table (big answers that rarely
change, such as a snapshot's graph: a dynamic run's spec is written once more at its end).
The ETag is a digest of the answer's bytes, so it changes exactly when the answer does; the
browser keeps the answer (`private`: never a shared cache, it needs a login) and asks again
with `If-None-Match` on every use, and an unchanged answer costs an empty 304 instead of its
body, and the browser no parse of it.
"""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

CACHE_CONTROL = "private, no-cache"


def revalidated(request: Request, data: Any) -> Response:
    """`data` as JSON with an ETag, or an empty 304 if the request already holds it."""
    answer = JSONResponse(data)
    tag = '"' + hashlib.blake2b(answer.body, digest_size=12).hexdigest() + '"'
    headers = {"ETag": tag, "Cache-Control": CACHE_CONTROL}
    held = request.headers.get("if-none-match", "")
    if tag in (part.strip().removeprefix("W/") for part in held.split(",")):
        return Response(status_code=304, headers=headers)
    answer.headers.update(headers)
    return answer
