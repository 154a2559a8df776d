"""The dashboard's own files: its page at `/` and its modules at `/static/<file>` (server).

The files are read from this package's `static/` folder once, at start, into memory (a few
tens of kilobytes): only those files can be served, whatever the requested path says. Every
answer carries a Content-Security-Policy that lets the page run only scripts and styles from
the server itself (no inline script, nothing from another origin), frame only the server's
sandboxed previews, and never be framed by another site.

The page names its files under `/static/<version>/` (a digest of all of them) and preloads
every module at once: a browser fetches them in one round instead of one per level of
imports, and afterwards keeps them (`immutable`) until an upgrade changes the digest, so a
page load costs the page itself and its API calls.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from importlib import resources

from fastapi import APIRouter
from fastapi.responses import Response

from stepwell.server.responses import ERROR_RESPONSES

PAGE_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": PAGE_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}


@cache
def static_files() -> dict[str, bytes]:
    """Every file of the `static/` folder by its path below it ("pages/runs.js")."""
    files: dict[str, bytes] = {}
    folders = [(resources.files(__package__ or "stepwell.server.dashboard") / "static", "")]
    while folders:
        folder, prefix = folders.pop()
        for entry in folder.iterdir():
            if entry.is_dir():
                folders.append((entry, f"{prefix}{entry.name}/"))
            elif any(entry.name.endswith(suffix) for suffix in _TYPES):
                files[prefix + entry.name] = entry.read_bytes()
    return files


@cache
def asset_version() -> str:
    """A digest of every static file: the path segment that makes their URLs change when
    any of them does, so browsers may keep them for good (`/static/<version>/app.js`)."""
    digest = hashlib.sha256()
    for name, content in sorted(static_files().items()):
        digest.update(name.encode() + b"\0" + content)
    return digest.hexdigest()[:12]


@cache
def page_html() -> bytes:
    """The app's page, its file URLs under `/static/<version>/`, every module preloaded at
    once (the browser would otherwise find them level by level of imports)."""
    prefix = f"/static/{asset_version()}/"
    html = static_files()["index.html"].decode().replace('"/static/', f'"{prefix}')
    preload = "".join(
        f'  <link rel="modulepreload" href="{prefix}{name}">\n'
        for name in sorted(static_files())
        if name.endswith(".js")
    )
    return html.replace("</head>", f"{preload}</head>", 1).encode()


def _file(name: str, versioned: bool = False) -> Response:
    content = static_files().get(name)
    if content is None:
        return Response(
            b'{"error":"NotFound","message":"No such dashboard file."}',
            404,
            media_type="application/json",
            headers=SECURITY_HEADERS,
        )
    suffix = name[name.rfind(".") :]
    if versioned:  # the URL changes with the content: nothing to ask the server again
        headers = {**SECURITY_HEADERS, "Cache-Control": "private, max-age=31536000, immutable"}
    else:
        headers = {**SECURITY_HEADERS, "Cache-Control": "no-cache"}
    if name == "index.html":
        content = page_html()
    return Response(content, media_type=_TYPES[suffix], headers=headers)


def build_asset_router() -> APIRouter:
    """The routes of the page and its static files (no login needed: they hold no data)."""
    router = APIRouter(tags=["dashboard"])

    # HEAD too: uptime checks and load balancers ask with it.
    @router.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def page() -> Response:
        return _file("index.html")

    @router.get("/static/{name:path}", include_in_schema=False, responses=ERROR_RESPONSES)
    def static(name: str) -> Response:
        version, slash, rest = name.partition("/")
        if slash and re.fullmatch(r"[0-9a-f]{12}", version):
            # Another version's URL (a page open across an upgrade) gets today's file.
            return _file(rest, versioned=version == asset_version())
        return _file(name)  # an unversioned URL: the browser asks again each time

    return router
