"""The one typeface of every document we print, and a glyph check.

Decree 30/2020/NĐ-CP (Appendix I) sets Times New Roman for administrative documents.
The Word copies name Times New Roman (every office computer has it); the PDF copies
embed Liberation Serif, the free typeface made metric-compatible with Times New Roman
(same widths, so both copies of a decision break their lines alike), shipped by the
operating system's package (Debian/Ubuntu: `fonts-liberation2`; Fedora:
`liberation-serif-fonts`; macOS Homebrew: `font-liberation`). `DOCUMENT_FONT_DIR`
names another folder holding the four LiberationSerif-*.ttf files.
"""

from __future__ import annotations

import logging
import os
import unicodedata
from functools import cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

log = logging.getLogger(__name__)

# What the Word copy names (Decree 30/2020/NĐ-CP, Appendix I).
WORD_FONT = "Times New Roman"
SERIF = "LiberationSerif"
SERIF_BOLD = "LiberationSerif-Bold"
SERIF_ITALIC = "LiberationSerif-Italic"
SERIF_BOLD_ITALIC = "LiberationSerif-BoldItalic"
FACES = {
    SERIF: "LiberationSerif-Regular.ttf",
    SERIF_BOLD: "LiberationSerif-Bold.ttf",
    SERIF_ITALIC: "LiberationSerif-Italic.ttf",
    SERIF_BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
}
# Where the distributions' packages put the files.
SEARCHED = (
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/liberation-serif",
    "/usr/share/fonts/liberation",
    "/usr/share/fonts/TTF",
    "/opt/homebrew/share/fonts",
    "/usr/local/share/fonts",
    str(Path.home() / "Library/Fonts"),
)
MISSING = (
    "The document typeface Liberation Serif (metric-compatible with Times New Roman) "
    "was not found. Install it: `apt-get install fonts-liberation2` (Debian/Ubuntu), "
    "`dnf install liberation-serif-fonts` (Fedora), or set DOCUMENT_FONT_DIR to a "
    "folder holding LiberationSerif-Regular.ttf, -Bold, -Italic and -BoldItalic."
)


def folder() -> Path | None:
    """The first folder holding all four faces, or None."""
    wanted = [os.environ.get("DOCUMENT_FONT_DIR", ""), *SEARCHED]
    for candidate in filter(None, wanted):
        path = Path(candidate)
        if all((path / file).is_file() for file in FACES.values()):
            return path
    return None


@cache
def register() -> set[int]:
    """Register the four faces once; returns the code points the font can draw."""
    where = folder()
    if where is None:
        raise ImproperlyConfigured(MISSING)
    for name, file in FACES.items():
        pdfmetrics.registerFont(TTFont(name, str(where / file)))
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


def canvas(*args: object, **kwargs: object) -> Canvas:
    """A ReportLab canvas whose initial font is ours (its default, Helvetica, would be
    named in every page's preamble and so listed among the PDF's fonts). Pass it as
    `canvasmaker=` to `doc.build`."""
    register()
    if kwargs.get("initialFontName") is None:  # a doc template passes None
        kwargs["initialFontName"] = SERIF
    return Canvas(*args, **kwargs)


def width(value: str, font: str = SERIF, size: float = 13) -> float:
    """The printed width in points; the same in Times New Roman (metric-compatible), so
    the Word copy sizes its rules from it too."""
    register()
    return float(pdfmetrics.stringWidth(text(value), font, size))
