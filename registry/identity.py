"""Vietnamese citizen identity numbers (CCCD, 12 digits) — checked, never guessed.

Digits 1-3: the province where the birth was registered (the 63 pre-2025
province codes); digit 4: century and gender (0/1 = 1900s male/female,
2/3 = 2000s, 4/5 = 2100s, 6/7 = 2200s, 8/9 = 1800s); digits 5-6: the last two
digits of the birth year; digits 7-12: a serial number.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

PROVINCE_CODES = frozenset(
    [
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    ]
)
CENTURY_BASE = {0: 1900, 2: 2000, 4: 2100, 6: 2200, 8: 1800}
_DIGITS = re.compile(r"^\d+$")


class IdentityError(ValueError):
    pass


def clean_identity(raw: str) -> str:
    """Spaces and dots removed; a number only of digits."""
    value = re.sub(r"[\s.\-]", "", raw or "")
    if value and not _DIGITS.match(value):
        raise IdentityError(_("Số CCCD chỉ gồm chữ số."))
    return value


def restore_leading_zeros(value: str) -> str | None:
    """A CCCD that lost its leading zeros in Excel (stored as a number): 12-digit form if plausible."""
    if _DIGITS.match(value) and 9 <= len(value) < 12:
        candidate = value.zfill(12)
        if candidate[:3] in PROVINCE_CODES:
            return candidate
    return None


def check_identity(value: str, *, gender: str | None, birth_year: int | None) -> None:
    """Raise IdentityError naming what is inconsistent; `value` is already cleaned."""
    if len(value) != 12:
        raise IdentityError(
            _("Số CCCD phải có đúng 12 chữ số (đang có %(n)s).") % {"n": len(value)}
        )
    if value[:3] not in PROVINCE_CODES:
        raise IdentityError(
            _("Ba số đầu của CCCD (%(p)s) không phải mã tỉnh hợp lệ.") % {"p": value[:3]}
        )
    code = int(value[3])
    century = CENTURY_BASE[code - code % 2]
    is_female = code % 2 == 1
    if gender in ("male", "female") and is_female != (gender == "female"):
        raise IdentityError(
            _("Số thứ 4 của CCCD (%(d)s) ứng với giới tính %(g)s, không khớp với giới tính đã ghi.")
            % {"d": value[3], "g": _("nữ") if is_female else _("nam")}
        )
    if birth_year is not None:
        year = century + int(value[4:6])
        if year != birth_year:
            raise IdentityError(
                _("CCCD ứng với năm sinh %(y)s, không khớp với năm sinh %(b)s.")
                % {"y": year, "b": birth_year}
            )


def make_identity(*, province: str, gender: str, birth_year: int, serial: int) -> str:
    """A valid number for generated data (demo, benchmarks)."""
    base = birth_year // 100 * 100
    century_code = {v: k for k, v in CENTURY_BASE.items()}[base]
    digit = century_code + (1 if gender == "female" else 0)
    return f"{province}{digit}{birth_year % 100:02d}{serial % 1_000_000:06d}"
