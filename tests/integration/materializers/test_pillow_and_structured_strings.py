"""Pillow images and `stepwell.types` strings round-trip through their materializers."""

import os

from PIL import Image

from stepwell.enums import VisualizationType
from stepwell.materializers import materializer_registry
from stepwell.materializers.pillow_materializer import PillowImageMaterializer
from stepwell.materializers.structured_string_materializer import StructuredStringMaterializer
from stepwell.types import HTMLString


def test_an_image_in_a_mode_png_cannot_hold_is_kept_as_tiff_and_shown_as_png(roundtrip, store):
    image = Image.new("CMYK", (3, 2), (0, 128, 255, 10))
    loaded, metadata, uri = roundtrip(image, with_metadata=True)
    assert loaded.mode == "CMYK" and loaded.getpixel((2, 1)) == (0, 128, 255, 10)
    assert metadata == {"width": 3, "height": 2, "mode": "CMYK"}
    assert sorted(os.listdir(uri)) == ["image.tiff"]

    shown = PillowImageMaterializer(uri, store).save_visualizations(image)
    ((path, kind),) = shown.items()
    assert kind is VisualizationType.IMAGE and path.endswith("preview.png")
    with Image.open(path) as preview:
        assert preview.format == "PNG" and preview.mode == "RGB"


def test_images_and_structured_strings_find_their_materializers():
    assert materializer_registry[Image.Image] is PillowImageMaterializer
    assert materializer_registry[type(Image.new("L", (1, 1)))] is PillowImageMaterializer
    assert materializer_registry[HTMLString] is StructuredStringMaterializer
    assert materializer_registry[str].__name__ == "BuiltInMaterializer"


def test_a_structured_string_is_stored_as_plain_text(roundtrip):
    loaded, _metadata, uri = roundtrip(HTMLString("<p>é</p>"), with_metadata=True)
    assert type(loaded) is HTMLString and loaded == "<p>é</p>"
    with open(os.path.join(uri, "data.html"), encoding="utf-8") as f:
        assert f.read() == "<p>é</p>"
