"""String types that say how a step's text output should be shown (define layer).

A step that returns `HTMLString("<h1>Report</h1>")` produces an ordinary string artifact,
saved as a file of its kind and recorded with a visualization of that kind, so a notebook
(`artifact_version.visualize()`) and the dashboard render it as HTML, Markdown, a table or
JSON. Loading the artifact gives back the same subclass. As in ZenML's `zenml.types`.
"""

from __future__ import annotations

__all__ = ["CSVString", "HTMLString", "JSONString", "MarkdownString"]


class HTMLString(str):
    """Text that is an HTML document or fragment."""


class MarkdownString(str):
    """Text written in Markdown."""


class CSVString(str):
    """Comma-separated values, the first line being the header."""


class JSONString(str):
    """A JSON document, kept as text exactly as the step wrote it."""
