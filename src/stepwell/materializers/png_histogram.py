"""A histogram drawn as a PNG with the standard library only (zlib), for visualizations.

Role in the flow (launch -> materializer -> visualization files): the NumPy materializer
shows numeric arrays as a histogram image that a notebook or the dashboard displays. A
plotting library would cost a large import in every worker and is often not installed, so
the picture is drawn here pixel by pixel: bars, a base line, and the value range and the
largest count in a small built-in digit font. The same counts give the same bytes.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

WIDTH, HEIGHT = 480, 300
_BACKGROUND = (255, 255, 255)
_BAR = (76, 114, 176)
_INK = (60, 60, 60)
_SCALE = 2  # each font pixel is a 2x2 square
_MARGIN_LEFT, _MARGIN_RIGHT, _MARGIN_TOP, _MARGIN_BOTTOM = 12, 12, 24, 28

# 3x5 glyphs for what `format(x, ".4g")` prints; "1" marks an ink pixel.
_GLYPHS = {
    "0": ("111", "101", "101", "101", "111"),
    "1": ("010", "110", "010", "010", "111"),
    "2": ("111", "001", "111", "100", "111"),
    "3": ("111", "001", "111", "001", "111"),
    "4": ("101", "101", "111", "001", "001"),
    "5": ("111", "100", "111", "001", "111"),
    "6": ("111", "100", "111", "101", "111"),
    "7": ("111", "001", "001", "001", "001"),
    "8": ("111", "101", "111", "101", "111"),
    "9": ("111", "101", "111", "001", "111"),
    ".": ("000", "000", "000", "000", "010"),
    "-": ("000", "000", "111", "000", "000"),
    "+": ("000", "010", "111", "010", "000"),
    "e": ("000", "111", "111", "100", "011"),
}


def encode_png(width: int, height: int, rgb: bytes) -> bytes:
    """An 8-bit RGB PNG of `width` x `height` pixels given row by row in `rgb`."""
    if len(rgb) != width * height * 3:
        raise ValueError(f"Expected {width * height * 3} bytes of RGB pixels, got {len(rgb)}.")
    stride = width * 3
    # Each scanline starts with its filter type; 0 means "none".
    raw = b"".join(b"\x00" + rgb[row * stride : (row + 1) * stride] for row in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


class _Canvas:
    """An RGB pixel buffer with the few drawing operations a histogram needs."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.pixels = bytearray(bytes(_BACKGROUND) * (width * height))

    def fill(self, left: int, top: int, right: int, bottom: int, color: tuple[int, ...]) -> None:
        """Paint the rectangle [left, right) x [top, bottom), clipped to the canvas."""
        left, right = max(0, left), min(self.width, right)
        top, bottom = max(0, top), min(self.height, bottom)
        if left >= right:
            return
        run = bytes(color) * (right - left)
        for y in range(top, bottom):
            start = (y * self.width + left) * 3
            self.pixels[start : start + len(run)] = run

    def text(self, x: int, y: int, label: str) -> None:
        """Write `label` with its top-left corner at (x, y); unknown characters are gaps."""
        for char in label:
            for row, bits in enumerate(_GLYPHS.get(char, ("000",) * 5)):
                for column, bit in enumerate(bits):
                    if bit == "1":
                        px, py = x + column * _SCALE, y + row * _SCALE
                        self.fill(px, py, px + _SCALE, py + _SCALE, _INK)
            x += 4 * _SCALE


def text_width(label: str) -> int:
    return len(label) * 4 * _SCALE - _SCALE


def histogram_png(counts: Sequence[int], low: float, high: float) -> bytes:
    """A bar per bin of `counts`, spanning values `low`..`high`, as PNG bytes."""
    canvas = _Canvas(WIDTH, HEIGHT)
    plot_left, plot_right = _MARGIN_LEFT, WIDTH - _MARGIN_RIGHT
    plot_top, plot_bottom = _MARGIN_TOP, HEIGHT - _MARGIN_BOTTOM
    tallest = max(counts, default=0)
    bins = max(1, len(counts))
    span = (plot_right - plot_left) / bins
    gap = 1 if span >= 3 else 0
    for index, count in enumerate(counts):
        if count <= 0 or tallest <= 0:
            continue
        left = plot_left + round(index * span)
        right = plot_left + round((index + 1) * span) - gap
        top = plot_bottom - max(1, round(count / tallest * (plot_bottom - plot_top)))
        canvas.fill(left, top, max(right, left + 1), plot_bottom, _BAR)
    canvas.fill(plot_left, plot_bottom, plot_right, plot_bottom + 1, _INK)
    label_y = plot_bottom + 8
    low_label, high_label = format(low, ".4g"), format(high, ".4g")
    canvas.text(plot_left, label_y, low_label)
    canvas.text(plot_right - text_width(high_label), label_y, high_label)
    canvas.text(plot_left, 6, str(tallest))
    return encode_png(WIDTH, HEIGHT, bytes(canvas.pixels))
