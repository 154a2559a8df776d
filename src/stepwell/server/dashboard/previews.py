"""How a visualization file is shown in the dashboard's sandboxed frame (server).

User HTML is served as it is: what keeps it harmless is where it runs. Every preview is
answered with `Content-Security-Policy: sandbox` (an opaque origin: no access to the
dashboard's cookies, storage or DOM, no scripts, no forms, no pop-ups), loads nothing from
the network, and is shown by the page in an `<iframe sandbox>` without `allow-same-origin`
or `allow-scripts`. Markdown, CSV and JSON are turned into HTML here; images are
served with the type their first bytes show (nosniff: the browser takes no other guess).
Markdown is rendered as CommonMark with raw HTML escaped (markdown-it-py, in the server's
extra).
"""

from __future__ import annotations

import csv
import html
import io
import json

PREVIEW_POLICY = (
    "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"
)
PREVIEW_HEADERS = {
    "Content-Security-Policy": PREVIEW_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "private, no-store",
}
MAX_CSV_ROWS = 500
_IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"RIFF", "image/webp"),
)
_STYLE = (
    "<style>body{font:14px system-ui,sans-serif;margin:8px}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}pre{white-space:pre-wrap}"
    "</style>"
)


def _document(inner: str) -> bytes:
    return f"<!doctype html><meta charset='utf-8'>{_STYLE}{inner}".encode()


def _text(content: bytes) -> str:
    return content.decode("utf-8", errors="replace")


def _csv_table(content: bytes) -> str:
    rows = []
    for number, row in enumerate(csv.reader(io.StringIO(_text(content)))):
        if number > MAX_CSV_ROWS:
            rows.append(f"<tr><td colspan='99'>(first {MAX_CSV_ROWS} rows shown)</td></tr>")
            break
        cell = "th" if number == 0 else "td"
        cells = "".join(f"<{cell}>{html.escape(value)}</{cell}>" for value in row)
        rows.append(f"<tr>{cells}</tr>")
    return f"<table>{''.join(rows)}</table>"


def _json(content: bytes) -> str:
    try:
        text = json.dumps(json.loads(content), indent=2)
    except ValueError:
        text = _text(content)
    return f"<pre>{html.escape(text)}</pre>"


def preview(content: bytes, kind: str) -> tuple[bytes, str]:
    """The body and media type that show a visualization file of type `kind`."""
    if kind == "html":
        return content, "text/html; charset=utf-8"
    if kind == "image":
        for magic, media_type in _IMAGES:
            if content.startswith(magic):
                return content, media_type
        if content.lstrip()[:5] in (b"<svg ", b"<?xml"):
            return content, "image/svg+xml"  # scripts in it do not run: sandboxed
        return _document("<p>This image's format is not one a browser shows.</p>"), "text/html"
    if kind == "csv":
        return _document(_csv_table(content)), "text/html; charset=utf-8"
    if kind == "json":
        return _document(_json(content)), "text/html; charset=utf-8"
    if kind == "markdown":
        return _document(_markdown(content)), "text/html; charset=utf-8"
    return _document(f"<pre>{html.escape(_text(content))}</pre>"), "text/html; charset=utf-8"


def _markdown(content: bytes) -> str:
    """Markdown as HTML (CommonMark; raw HTML in it is escaped, not passed through), or
    as its text when markdown-it-py is not installed."""
    try:
        from markdown_it import MarkdownIt
    except ImportError:
        return f"<pre>{html.escape(_text(content))}</pre>"
    return str(MarkdownIt("commonmark", {"html": False}).render(_text(content)))
