"""Reading back the QR codes a PDF draws as filled rectangles (the certificates draw them as
vectors, not images): the page's own content stream is followed (q/Q, cm, re, f), its filled
rectangles painted on a blank page image, and the image decoded as a phone would."""

from __future__ import annotations

import io
from collections.abc import Iterator

import zxingcpp
from PIL import Image, ImageDraw
from pypdf import PageObject, PdfReader
from pypdf.generic import ContentStream

Matrix = tuple[float, float, float, float, float, float]
# Pixels per point: a module of 34 mm / 41 is about 2 pt, so 8 pixels.
SCALE = 4
FILLS = {b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"}
OTHER_PAINTS = {b"S", b"s", b"n"}


def _then(first: Matrix, second: Matrix) -> Matrix:
    """`first` applied, then `second` (PDF's `cm` makes the new matrix first × current)."""
    a, b, c, d, e, f = first
    p, q, r, s, t, u = second
    return (
        a * p + b * r,
        a * q + b * s,
        c * p + d * r,
        c * q + d * s,
        e * p + f * r + t,
        e * q + f * s + u,
    )


def filled_rectangles(page: PageObject) -> Iterator[tuple[float, float, float, float]]:
    """The rectangles the page's content stream fills, in page points (left, bottom, right, top)."""
    current: Matrix = (1, 0, 0, 1, 0, 0)
    saved: list[Matrix] = []
    path: list[tuple[float, float, float, float]] = []
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"q":
            saved.append(current)
        elif operator == b"Q":
            current = saved.pop()
        elif operator == b"cm":
            current = _then(tuple(float(x) for x in operands), current)  # type: ignore[arg-type]
        elif operator == b"re":
            x, y, w, h = (float(v) for v in operands)
            a, b, c, d, e, f = current
            xs, ys = [], []
            for px, py in ((x, y), (x + w, y + h)):
                xs.append(a * px + c * py + e)
                ys.append(b * px + d * py + f)
            path.append((min(xs), min(ys), max(xs), max(ys)))
        elif operator in FILLS:
            yield from path
            path = []
        elif operator in OTHER_PAINTS:
            path = []


def page_image(page: PageObject) -> Image.Image:
    width, height = (float(v) for v in page.mediabox.upper_right)
    image = Image.new("L", (round(width * SCALE), round(height * SCALE)), 255)
    draw = ImageDraw.Draw(image)
    for left, bottom, right, top in filled_rectangles(page):
        draw.rectangle(
            (
                round(left * SCALE),
                round((height - top) * SCALE),
                round(right * SCALE) - 1,
                round((height - bottom) * SCALE) - 1,
            ),
            fill=0,
        )
    return image


def texts(data: bytes) -> list[str]:
    """What the QR codes drawn on each page say, page after page."""
    reader = PdfReader(io.BytesIO(data))
    return [
        found.text for page in reader.pages for found in zxingcpp.read_barcodes(page_image(page))
    ]
