"""Read and show an artifact version's visualizations (read side).

A materializer's `save_visualizations` leaves files beside the artifact's bytes, and the
store records each file's uri and `VisualizationType`. This module reads them back:
`load_artifact_visualization` gives one file's content (text, or bytes for images), for a
notebook or a web page; `visualize_artifact` (what `artifact_version.visualize()` calls)
displays them in a Jupyter notebook, and anywhere else copies them into a temporary folder
and prints one line per file, so they can be opened in a browser or an image viewer.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stepwell.artifact_stores.base import artifact_store_for_uri
from stepwell.enums import VisualizationType
from stepwell.exceptions import EntityNotFoundError

if TYPE_CHECKING:
    from stepwell.store.models import ArtifactVersionResponse

_EXTENSIONS = {
    VisualizationType.HTML: ".html",
    VisualizationType.MARKDOWN: ".md",
    VisualizationType.CSV: ".csv",
    VisualizationType.JSON: ".json",
}
_IMAGE_SIGNATURES = ((b"\x89PNG", ".png"), (b"\xff\xd8", ".jpg"), (b"GIF8", ".gif"))


@dataclass(frozen=True)
class LoadedVisualization:
    """One visualization's content: `str` for text kinds, `bytes` for images."""

    type: VisualizationType
    value: str | bytes


def load_artifact_visualization(
    artifact: ArtifactVersionResponse, index: int = 0
) -> LoadedVisualization:
    """The content of the artifact version's visualization number `index` (from 0)."""
    found = artifact.visualizations
    if not found:
        raise EntityNotFoundError(f"{_label(artifact)} has no visualizations.")
    if not 0 <= index < len(found):
        raise EntityNotFoundError(
            f"{_label(artifact)} has {len(found)} visualization(s); index {index} is out of range."
        )
    item = found[index]
    store = artifact_store_for_uri(item.uri)
    if not store.exists(item.uri):
        raise EntityNotFoundError(
            f"The visualization file '{item.uri}' of {_label(artifact)} is missing from the "
            "artifact store."
        )
    with store.open(item.uri, "rb") as f:
        raw = f.read()
    if item.type == VisualizationType.IMAGE:
        return LoadedVisualization(item.type, raw)
    return LoadedVisualization(item.type, raw.decode("utf-8"))


def visualize_artifact(artifact: ArtifactVersionResponse, title: str | None = None) -> None:
    """Display the visualizations in a notebook; elsewhere save them and print their paths."""
    if not artifact.visualizations:
        print(f"{_label(artifact)} has no visualizations.")
        return
    loaded = [load_artifact_visualization(artifact, i) for i in range(len(artifact.visualizations))]
    if in_notebook():
        _display(loaded, title)
        return
    if title:
        print(title)
    folder = tempfile.mkdtemp(prefix=f"stepwell-{_safe(artifact.name)}-v{artifact.version}-")
    used: set[str] = set()
    for item, visualization in zip(artifact.visualizations, loaded, strict=True):
        name = _file_name(item.uri, visualization, used)
        path = os.path.join(folder, name)
        value = visualization.value
        with open(path, "wb") as f:
            f.write(value if isinstance(value, bytes) else value.encode("utf-8"))
        print(f"{visualization.type.value}: {path}")


def in_notebook() -> bool:
    """Whether this code runs in a Jupyter (IPython kernel) session."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def csv_to_html_table(text: str, max_rows: int = 50, max_columns: int = 20) -> str:
    """A CSV text as an HTML table: the first line as its header, the rest cut to size."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return "<table></table>"

    def cells(row: list[str], tag: str) -> str:
        shown = [f"<{tag}>{html.escape(cell)}</{tag}>" for cell in row[:max_columns]]
        if len(row) > max_columns:
            shown.append(f"<{tag}>&hellip;</{tag}>")
        return "<tr>" + "".join(shown) + "</tr>"

    header, body = rows[0], rows[1:]
    lines = ["<table>", f"<thead>{cells(header, 'th')}</thead>", "<tbody>"]
    lines += [cells(row, "td") for row in body[:max_rows]]
    if len(body) > max_rows:
        lines.append(
            f"<tr><td colspan='{min(len(header), max_columns)}'>&hellip; "
            f"{len(body) - max_rows} more rows</td></tr>"
        )
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


def _display(loaded: list[LoadedVisualization], title: str | None) -> None:
    from IPython.display import HTML, JSON, Image, Markdown, display

    if title:
        display(Markdown(f"### {title}"))
    for visualization in loaded:
        value = visualization.value
        if visualization.type == VisualizationType.IMAGE:
            display(Image(data=value))
            continue
        text = value.decode("utf-8") if isinstance(value, bytes) else value
        if visualization.type == VisualizationType.HTML:
            display(HTML(text))
        elif visualization.type == VisualizationType.MARKDOWN:
            display(Markdown(text))
        elif visualization.type == VisualizationType.CSV:
            display(HTML(csv_to_html_table(text)))
        else:
            display(JSON(json.loads(text)))


def _file_name(uri: str, visualization: LoadedVisualization, used: set[str]) -> str:
    """A local file name for a visualization: its own, with an extension that opens it."""
    base = _safe(os.path.basename(uri.rstrip("/"))) or "visualization"
    stem, extension = os.path.splitext(base)
    if not extension:
        extension = _extension(visualization)
    name, counter = stem + extension, 2
    while name in used:
        name, counter = f"{stem}-{counter}{extension}", counter + 1
    used.add(name)
    return name


def _extension(visualization: LoadedVisualization) -> str:
    value = visualization.value
    if isinstance(value, bytes):
        for signature, extension in _IMAGE_SIGNATURES:
            if value.startswith(signature):
                return extension
        return ".svg" if value.lstrip().startswith(b"<") else ".png"
    return _EXTENSIONS.get(visualization.type, ".txt")


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._")


def _label(artifact: Any) -> str:
    return f"Artifact '{artifact.name}' (version {artifact.version})"
