"""`HTMLString`, `MarkdownString`, `CSVString` and `JSONString` as files of their own kind.

Role in the flow (launch -> materializer -> artifact store): chosen for step outputs of the
`stepwell.types` string kinds, instead of the JSON-encoded `str` of `BuiltInMaterializer`.
The text is stored as it is (`data.html`, `data.md`, `data.csv`, `data.json`, UTF-8), and
that same file is the artifact's visualization, of the matching `VisualizationType`.
"""

from __future__ import annotations

from typing import Any

from stepwell.enums import ArtifactType, VisualizationType
from stepwell.exceptions import MaterializerError
from stepwell.materializers.base_materializer import BaseMaterializer
from stepwell.types import CSVString, HTMLString, JSONString, MarkdownString

# The kinds, their file and how the file is shown; a subclass of a kind is stored as it.
_KINDS: tuple[tuple[type[str], str, VisualizationType], ...] = (
    (HTMLString, "data.html", VisualizationType.HTML),
    (MarkdownString, "data.md", VisualizationType.MARKDOWN),
    (CSVString, "data.csv", VisualizationType.CSV),
    (JSONString, "data.json", VisualizationType.JSON),
)


class StructuredStringMaterializer(BaseMaterializer):
    """The `stepwell.types` strings, each as a text file that is also its visualization."""

    ASSOCIATED_TYPES = (HTMLString, MarkdownString, CSVString, JSONString)
    ASSOCIATED_ARTIFACT_TYPE = ArtifactType.DATA_ANALYSIS

    def save(self, data: Any) -> None:
        _kind, name, _shown_as = self._kind_of(data)
        with self.artifact_store.open(self._path(name), "wb") as f:
            f.write(str(data).encode("utf-8"))

    def load(self, data_type: type[Any]) -> Any:
        for kind, name, _shown_as in _KINDS:
            path = self._path(name)
            if self.artifact_store.exists(path):
                with self.artifact_store.open(path, "rb") as f:
                    text = f.read().decode("utf-8")
                wanted = data_type if isinstance(data_type, type) else kind
                return wanted(text) if issubclass(wanted, kind) else kind(text)
        raise MaterializerError(f"No structured string file is stored at '{self.uri}'.")

    def extract_metadata(self, data: Any) -> dict[str, Any]:
        return {"length": len(data)}

    def save_visualizations(self, data: Any) -> dict[str, VisualizationType]:
        _kind, name, shown_as = self._kind_of(data)
        return {self._path(name): shown_as}

    @staticmethod
    def _kind_of(data: Any) -> tuple[type[str], str, VisualizationType]:
        for entry in _KINDS:
            if isinstance(data, entry[0]):
                return entry
        kinds = ", ".join(kind.__name__ for kind, _, _ in _KINDS)
        raise MaterializerError(
            f"StructuredStringMaterializer saves {kinds}, not {type(data).__name__}."
        )
