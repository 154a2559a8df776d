"""Pillow images (`PIL.Image.Image`) as PNG files that are also their visualization.

Role in the flow (launch -> materializer -> artifact store): chosen for image outputs when
Pillow is installed (registered by name, so Pillow is imported only when an image is seen).
PNG keeps every pixel; the few modes PNG cannot hold (CMYK, YCbCr, floating point, ...) are
stored as TIFF instead, with an RGB PNG beside it to show.
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from stepwell.enums import ArtifactType, VisualizationType
from stepwell.exceptions import MaterializerError
from stepwell.materializers.base_materializer import BaseMaterializer

PNG_FILE = "image.png"
TIFF_FILE = "image.tiff"
PREVIEW_FILE = "preview.png"
_PNG_MODES = frozenset({"1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"})


class PillowImageMaterializer(BaseMaterializer):
    """`PIL.Image.Image` as `image.png` (or `image.tiff` for modes PNG cannot store)."""

    ASSOCIATED_TYPES = (Image.Image,)
    ASSOCIATED_ARTIFACT_TYPE = ArtifactType.DATA

    def save(self, data: Any) -> None:
        if data.mode in _PNG_MODES:
            self._write(PNG_FILE, data, "PNG")
        else:
            self._write(TIFF_FILE, data, "TIFF")

    def load(self, data_type: type[Any]) -> Any:
        for name, image_format in ((PNG_FILE, "PNG"), (TIFF_FILE, "TIFF")):
            path = self._path(name)
            if self.artifact_store.exists(path):
                with self.artifact_store.open(path, "rb") as f:
                    # Only the format saved under that name: Pillow would otherwise sniff
                    # any of its formats, some of which run external programs.
                    image = Image.open(io.BytesIO(f.read()), formats=[image_format])
                    image.load()
                return image
        raise MaterializerError(f"No image file is stored at '{self.uri}'.")

    def extract_metadata(self, data: Any) -> dict[str, Any]:
        width, height = data.size
        return {"width": width, "height": height, "mode": data.mode}

    def save_visualizations(self, data: Any) -> dict[str, VisualizationType]:
        if data.mode in _PNG_MODES:
            return {self._path(PNG_FILE): VisualizationType.IMAGE}
        return {self._write(PREVIEW_FILE, data.convert("RGB"), "PNG"): VisualizationType.IMAGE}

    def _write(self, name: str, image: Any, image_format: str) -> str:
        path = self._path(name)
        with self.artifact_store.open(path, "wb") as f:
            image.save(f, format=image_format)
        return path
