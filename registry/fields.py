"""Form fields for how people write things in Vietnamese offices (and in Excel)."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import normalize_phone
from core.text import fold
from registry.identity import IdentityError, clean_identity

EXCEL_EPOCH = dt.date(1899, 12, 30)
_YEAR = re.compile(r"^\d{4}$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_today: tuple[float, dt.date] = (0.0, dt.date.min)


def today() -> dt.date:
    """The local date, refreshed every minute (an import checks it 100,000 times)."""
    global _today
    now = time.monotonic()
    if now - _today[0] > 60:
        _today = (now, timezone.localdate())
    return _today[1]


def parse_birth(value: Any) -> tuple[dt.date | None, int]:
    """ "12/03/1985", "1985", a date object or an Excel serial number → (date or None, year)."""
    if isinstance(value, dt.datetime):
        return value.date(), value.year
    if isinstance(value, dt.date):
        return value, value.year
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value)
        if 1880 <= number <= 2200:
            return None, number
        if 1 <= number <= 80000:  # an Excel serial date typed into a general cell
            day = EXCEL_EPOCH + dt.timedelta(days=number)
            return day, day.year
        raise ValueError
    text = str(value or "").strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    match = _DMY.match(text)
    if match:
        day = dt.date(int(match[3]), int(match[2]), int(match[1]))
        return day, day.year
    if _YEAR.match(text):
        return None, int(text)
    if text.isdigit():
        return parse_birth(int(text))
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y"):
        try:
            day = dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return day, day.year
    raise ValueError


class BirthField(forms.Field):
    """Ngày sinh: a full date (dd/mm/yyyy) or the year alone."""

    default_error_messages = {
        "invalid": _("Ngày sinh phải ghi dạng dd/mm/yyyy hoặc chỉ năm (yyyy)."),
        "future": _("Ngày sinh không được ở tương lai."),
        "too_old": _("Năm sinh không hợp lý (trước 1900)."),
    }

    def to_python(self, value: Any) -> tuple[dt.date | None, int] | None:
        if value in (None, ""):
            return None
        if isinstance(value, tuple):
            return value
        try:
            day, year = parse_birth(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        now = today()
        if (day and day > now) or year > now.year:
            raise forms.ValidationError(self.error_messages["future"], code="future")
        if year < 1900:
            raise forms.ValidationError(self.error_messages["too_old"], code="too_old")
        return day, year

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, tuple):
            day, year = value
            return day.strftime("%d/%m/%Y") if day else str(year)
        return value


class IdentityField(forms.CharField):
    """CCCD: digits only here; the cross-check with gender and birth year is in the form."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        if isinstance(value, float) and value.is_integer():
            value = str(int(value))
        text = super().to_python(value) or ""
        try:
            return clean_identity(text)
        except IdentityError as exc:
            raise forms.ValidationError(str(exc)) from None


class PhoneField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        if isinstance(value, float) and value.is_integer():
            value = "0" + str(int(value)) if len(str(int(value))) == 9 else str(int(value))
        phone = normalize_phone(super().to_python(value) or "")
        if phone and len(phone) == 9 and not phone.startswith("0"):
            phone = "0" + phone  # Excel dropped the leading zero
        return phone

    def validate(self, value: str) -> None:
        super().validate(value)
        if value and not (len(value) == 10 and value.startswith("0")):
            raise forms.ValidationError(_("Số điện thoại phải có 10 chữ số, bắt đầu bằng 0."))


class YesNoField(forms.NullBooleanField):
    """ "Có"/"Không", "x", 1/0 — as Excel sheets write yes and no."""

    YES = {"co", "x", "1", "true", "yes", "dung", "c"}
    NO = {"khong", "0", "false", "no", "k", "sai"}

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]
        if value in (True, False):
            return bool(value)
        if value is None:
            return None
        text = fold(str(value))
        if text.endswith(".0"):
            text = text[:-2]
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        if text in ("", "unknown", "none"):
            return None
        raise forms.ValidationError(_("Ghi “Có” hoặc “Không”."))

    def validate(self, value: Any) -> None:
        return None
