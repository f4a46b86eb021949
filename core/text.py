"""Vietnamese text: NFC normalisation and the folded key that search matches on."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

_SPACES = re.compile(r"\s+")
# Zero-width and direction marks that creep in from Word and web copy-paste.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\ufeff\u2060")
)


def nfc(value: str) -> str:
    """The canonical form of user text: NFC, invisible marks removed, trimmed."""
    return unicodedata.normalize("NFC", value.translate(_INVISIBLE)).strip()


def nfc_any(value: Any) -> Any:
    """NFC for strings; anything else unchanged (for mixed Excel cells, JSON values)."""
    return nfc(value) if isinstance(value, str) else value


# Every combining mark (category Mn) in the Basic Multilingual Plane, removed by translate().
_MARKS = {cp: None for cp in range(0x300, 0x10000) if unicodedata.category(chr(cp)) == "Mn"}
_FOLD_TABLE = {**_INVISIBLE, **_MARKS, ord("đ"): "d", ord("Đ"): "d"}


@lru_cache(maxsize=65536)
def fold(value: str) -> str:
    """Lowercase, no diacritics, đ → d, single spaces: "Nguyễn  Văn Ả" → "nguyen van a".

    Stored beside searchable names so that search is an indexed string match
    on both SQLite and PostgreSQL instead of a per-row Unicode computation.
    Cached: imports fold the same village names and labels thousands of times.
    """
    stripped = unicodedata.normalize("NFD", value).translate(_FOLD_TABLE)
    return " ".join(stripped.lower().split())


def collapse_spaces(value: str) -> str:
    return _SPACES.sub(" ", nfc(value))
