"""The histogram picture is a valid PNG whose bars stand where the counts say."""

import io

import pytest
from PIL import Image

from stepwell.materializers import png_histogram
from stepwell.materializers.png_histogram import encode_png, histogram_png


def test_encode_png_round_trips_through_a_png_decoder():
    pixels = bytes([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30])
    with Image.open(io.BytesIO(encode_png(2, 2, pixels))) as image:
        assert image.size == (2, 2)
        rgb = image.convert("RGB")
        assert [rgb.getpixel((x, y)) for y in range(2) for x in range(2)] == [
            (255, 0, 0),
            (0, 255, 0),
            (0, 0, 255),
            (10, 20, 30),
        ]


def test_encode_png_rejects_a_pixel_buffer_of_the_wrong_size():
    with pytest.raises(ValueError, match="Expected 12 bytes"):
        encode_png(2, 2, b"\x00" * 11)


def test_the_tallest_bar_reaches_the_top_and_an_empty_bin_stays_blank():
    with Image.open(io.BytesIO(histogram_png([4, 0, 2], 0.0, 3.0))) as image:
        rgb = image.convert("RGB")
    bar, background = png_histogram._BAR, png_histogram._BACKGROUND
    width = png_histogram.WIDTH - png_histogram._MARGIN_LEFT - png_histogram._MARGIN_RIGHT
    top, bottom = png_histogram._MARGIN_TOP, png_histogram.HEIGHT - png_histogram._MARGIN_BOTTOM
    middle_of = [png_histogram._MARGIN_LEFT + int(width * (i + 0.5) / 3) for i in range(3)]
    assert rgb.getpixel((middle_of[0], top)) == bar
    assert rgb.getpixel((middle_of[1], bottom - 1)) == background
    half_height = bottom - (bottom - top) // 2
    assert rgb.getpixel((middle_of[2], half_height + 2)) == bar
    assert rgb.getpixel((middle_of[2], half_height - 2)) == background


def test_the_same_counts_give_the_same_bytes():
    assert histogram_png([1, 2, 3], -1.5, 2e6) == histogram_png([1, 2, 3], -1.5, 2e6)


def test_the_image_data_is_compressed():
    png = histogram_png([5] * 50, 0.0, 1.0)
    assert len(png) < png_histogram.WIDTH * png_histogram.HEIGHT * 3 // 20
