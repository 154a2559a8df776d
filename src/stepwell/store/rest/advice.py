"""What a `RestStore` says when the server cannot be used (layer: store): pure functions
that build the one-line messages of a failed connection and of a first contact with
something that is not a stepwell server.

The advice depends on where the URL came from (`ServerConnection.source`): only a saved
login is ended by `stepwell logout`; a variable has to be unset. Text echoed from a foreign
server is cut to a short plain snippet, never its whole page.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from stepwell.config.server_connection import SAVED_LOGIN
from stepwell.utils.redact import masked_url

EXAMPLE_URL = "http://127.0.0.1:8237"
SNIPPET_CHARS = 60
_TAGS = re.compile(r"<[^>]*>")
_CODE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def reason(cause: BaseException) -> str:
    """A connection error as one short line (some carry no text: then their type)."""
    return " ".join(str(cause).split()) or type(cause).__name__


def unreachable_message(url: str, reason: str, source: str | None) -> str:
    """Why `url` could not be reached, and what to check; `stepwell logout` only where a
    saved login chose the server."""
    message = (
        f"Cannot reach the stepwell server at {masked_url(url)} ({reason}). Is the server "
        "running (on its host: `stepwell server status`)?"
    )
    if source == SAVED_LOGIN:
        message += (
            " This home folder uses it since `stepwell login`; `stepwell logout` goes back to"
            " the local store."
        )
    elif source:
        message += f" {source} names it; unset {source} to use the local store."
    return message


def not_a_stepwell_server(url: str, status: int, body: object) -> str:
    """The first contact's answer at `url` (GET /health) was not a stepwell server's."""
    detail = f"HTTP {status}"
    if status == 200:
        shown = snippet(body) if isinstance(body, str) else "no api_version in the answer"
        detail += f", answered {shown}" if shown else ", an empty answer"
    return (
        f"{masked_url(url)} does not answer like a stepwell server (GET /health: {detail}); "
        f"give the server's base URL, e.g. {base_url(url)}"
    )


def base_url(url: str) -> str:
    """`url` without its path (what a stepwell server's URL is), else the usual example."""
    parts = urlsplit(url)
    if parts.path.strip("/") and parts.netloc:
        return masked_url(urlunsplit((parts.scheme, parts.netloc, "", "", "")))
    return EXAMPLE_URL


def snippet(text: str) -> str:
    """The start of `text` as one short plain line (tags, scripts and styles dropped,
    whitespace collapsed), quoted, at most `SNIPPET_CHARS` characters of it."""
    plain = " ".join(_TAGS.sub(" ", _CODE.sub(" ", text)).split())
    plain = "".join(char for char in plain if char.isprintable())
    if not plain:
        return ""
    if len(plain) > SNIPPET_CHARS:
        plain = plain[:SNIPPET_CHARS].rstrip() + "..."
    return repr(plain)
