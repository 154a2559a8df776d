"""Markdown visualizations are rendered as HTML for the dashboard's sandboxed frame, with
raw HTML in the Markdown escaped rather than passed through."""

from stepwell.server.dashboard.previews import preview


def test_markdown_is_rendered_as_html():
    body, media_type = preview(b"# Notes\n\n- **fast**\n", "markdown")
    assert media_type.startswith("text/html")
    assert b"<h1>Notes</h1>" in body and b"<strong>fast</strong>" in body


def test_raw_html_in_markdown_is_escaped():
    body, _ = preview(b"hi <script>alert(1)</script>\n", "markdown")
    assert b"<script>" not in body and b"&lt;script&gt;" in body


def test_a_javascript_link_in_markdown_is_not_made_a_link():
    body, _ = preview(b"[click](javascript:alert(1))\n", "markdown")
    assert b'href="javascript:' not in body
