"""The embedded font (Spectral, OFL, from the fontpkg-spectral package) and a glyph check."""

from __future__ import annotations

import logging
import unicodedata
from functools import cache
from pathlib import Path

import fontpkg_spectral
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

log = logging.getLogger(__name__)
FILES = Path(fontpkg_spectral.__file__).parent / "files"
SERIF = "Spectral"
SERIF_BOLD = "Spectral-Bold"
SERIF_ITALIC = "Spectral-Italic"
SERIF_BOLD_ITALIC = "Spectral-BoldItalic"


@cache
def register() -> set[int]:
    """Register the four faces once; returns the code points the font can draw."""
    for name in (SERIF, SERIF_BOLD, SERIF_ITALIC, SERIF_BOLD_ITALIC):
        file = FILES / f"{name if name != SERIF else 'Spectral-Regular'}.ttf"
        pdfmetrics.registerFont(TTFont(name, str(file)))
    addMapping(SERIF, 0, 0, SERIF)
    addMapping(SERIF, 1, 0, SERIF_BOLD)
    addMapping(SERIF, 0, 1, SERIF_ITALIC)
    addMapping(SERIF, 1, 1, SERIF_BOLD_ITALIC)
    font = pdfmetrics.getFont(SERIF)
    return set(font.face.charToGlyph)


def text(value: str) -> str:
    """NFC (combining marks would land beside their letter), with a warning for any glyph
    the font lacks — such a character would print as an empty box."""
    normal = unicodedata.normalize("NFC", value)
    drawable = register()
    missing = {ch for ch in normal if ord(ch) not in drawable and not ch.isspace()}
    if missing:
        log.warning("missing glyph in %s: %s", SERIF, "".join(sorted(missing)))
    return normal
