"""Vietnamese text: NFC normalisation and the folded key that search matches on."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_SPACES = re.compile(r"\s+")
# Zero-width and direction marks that creep in from Word and web copy-paste.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\ufeff\u2060")
)
_D = str.maketrans({"đ": "d", "Đ": "d"})


def nfc(value: str) -> str:
    """The canonical form of user text: NFC, invisible marks removed, trimmed."""
    return unicodedata.normalize("NFC", value.translate(_INVISIBLE)).strip()


def nfc_any(value: Any) -> Any:
    """NFC for strings; anything else unchanged (for mixed Excel cells, JSON values)."""
    return nfc(value) if isinstance(value, str) else value


def fold(value: str) -> str:
    """Lowercase, no diacritics, đ → d, single spaces: "Nguyễn  Văn Ả" → "nguyen van a".

    Stored beside searchable names so that search is an indexed string match
    on both SQLite and PostgreSQL instead of a per-row Unicode computation.
    """
    decomposed = unicodedata.normalize("NFD", value.translate(_INVISIBLE).translate(_D))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.lower()).strip()


def collapse_spaces(value: str) -> str:
    return _SPACES.sub(" ", nfc(value))
