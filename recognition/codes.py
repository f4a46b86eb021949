"""Certificate codes: 130 bits of randomness, written as 26 base32 letters in groups of 4."""

from __future__ import annotations

import base64
import re
import secrets

_ALPHABET = re.compile(r"[^A-Z2-7]")


def new_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(17)).decode().rstrip("=")  # 136 bits → 28 chars
    return raw[:26]  # 26 × 5 = 130 bits


def normalize(typed: str) -> str:
    """What a person typed (any case, spaces, dashes, O for 0 mistakes) → the stored form."""
    text = typed.upper().replace("0", "O").replace("1", "I").replace("8", "B")
    return _ALPHABET.sub("", text)


def display(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
