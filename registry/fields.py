"""The registries' fields: one spec per registry, and the form fields that read values
as people write them in Vietnamese offices (and in Excel).

A field of a registry record is declared once, here, beside its model field
(`registry/models.py`): `CITIZEN`, `HOUSEHOLD`, `CLAN`, `ORGANISATION`. Everything
else derives from the spec:

* the audited fields (`registry.services.CITIZEN_FIELDS`, …: `Registry.audited`);
* the forms (`registry.forms`): a field with `form=True` is built from its model field
  (label, length, required, choices) unless the form declares one for it; a link (a
  foreign key) is always declared by the form, which scopes its choices;
* the Excel sheet (`registry.columns`: template, export and import) from `sheet`, and
  what an import compares of a record on file (`Registry.compared`);
* the API's read and write schemas (`api.schemas`);
* the citizen's own data export (`portal.mydata`) from `mine`.

Model fields that are no registry data (keys, search keys, timestamps, the portal
account) are named in `Registry.internal`; a model field in neither fails
`registry/tests/test_field_spec.py`. The demo generator fills the fields it knows and
leaves every other one at its model default.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import normalize_phone
from core.text import fold
from registry.identity import IdentityError, clean_identity
from registry.models import Citizen, Clan, Household, Organisation


@dataclass(frozen=True)
class Sheet:
    """A field's column in its registry's Excel sheet (template, export and import).
    Its header is required when the model field is (not blank, no default); its drop-down
    lists the model field's choices ("Có"/"Không" for a yes/no field)."""

    width: int = 18
    aliases: tuple[str, ...] = ()  # other headers people write for it
    help: str = ""  # the note on the header cell
    header: str = ""  # "": the field's label
    key: str = ""  # "": the field's name (the key of the row's values)


@dataclass(frozen=True)
class FieldSpec:
    """One field of a registry record, in the order of the sheet and the form.

    `name` is the model field; a value the form and the sheet read as one but the model
    keeps in several fields (the birth: date or year alone) names them in `stored_in`.
    """

    name: str
    stored_in: tuple[str, ...] = ()
    label: str = ""  # "": the model field's verbose name
    form: bool = True  # on the record's form, so also written through the API
    sheet: Sheet | None = Sheet()  # None: not in the Excel sheet
    audited: bool = True  # in the before/after of the audit trail
    mine: bool = True  # in the citizen's own data export (the citizen registry only)

    @property
    def columns(self) -> tuple[str, ...]:
        """The model fields the value is kept in."""
        return self.stored_in or (self.name,)


@dataclass(frozen=True)
class Registry:
    """The fields of one registry's model, and what each consumer reads of them. Every
    field is read by the API."""

    model: type[models.Model]
    fields: tuple[FieldSpec, ...]
    internal: tuple[str, ...]  # model fields that are no registry data

    def __post_init__(self) -> None:
        for field in self.fields:  # a typo fails at start-up, not in one consumer
            for column in field.columns:
                self.model_field(column)

    def model_field(self, column: str) -> models.Field[Any, Any]:
        return self.model._meta.get_field(column)  # type: ignore[return-value]

    def label(self, field: FieldSpec) -> str:
        return field.label or str(capfirst(self.model_field(field.columns[0]).verbose_name))

    def is_link(self, field: FieldSpec) -> bool:
        """A foreign key: chosen among scoped records on a form, named in a sheet."""
        return not field.stored_in and self.model_field(field.name).is_relation

    def required(self, field: FieldSpec) -> bool:
        """Some model field of it is neither blank nor defaulted."""
        return any(
            not self.model_field(c).blank and not self.model_field(c).has_default()
            for c in field.columns
        )

    def api_name(self, field: FieldSpec) -> str:
        """Its name in the API: a link by its id (`village_id`)."""
        return self.model_field(field.name).attname if self.is_link(field) else field.name

    @cached_property
    def audited(self) -> list[str]:
        """Model fields whose before/after the audit trail keeps (`audit.services.snapshot`)."""
        return [c for f in self.fields if f.audited for c in f.columns]

    @cached_property
    def form_fields(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if f.form)

    @cached_property
    def plain_form_fields(self) -> tuple[FieldSpec, ...]:
        """The form fields that are not links: what a sheet's row is validated with."""
        return tuple(f for f in self.form_fields if not self.is_link(f))

    @cached_property
    def sheet_fields(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if f.sheet is not None)

    @cached_property
    def compared(self) -> list[str]:
        """What an import compares of a record on file (model attnames: `village_id`)."""
        return [self.model_field(c).attname for f in self.sheet_fields for c in f.columns]

    def sheet_key(self, field: FieldSpec) -> str:
        assert field.sheet is not None
        return field.sheet.key or field.name

    def stored(self, field: FieldSpec, value: Any) -> dict[str, Any]:
        """A cleaned form value as the model keeps it: {model field: value}. A value kept
        in several fields is unpacked; a blank one takes the model field's default (None
        where the field may be null and has none)."""
        if field.stored_in:
            return dict(zip(field.stored_in, value, strict=True))
        if value is None or value == "":
            model_field = self.model_field(field.name)
            if model_field.has_default() or not model_field.null:
                value = model_field.get_default()
            else:
                value = None
        return {field.name: value}

    def values(self, data: Mapping[str, Any], fields: tuple[FieldSpec, ...]) -> dict[str, Any]:
        """`stored` for each of `fields` in `data` (keyed by field name)."""
        out: dict[str, Any] = {}
        for field in fields:
            if field.name in data:
                out.update(self.stored(field, data[field.name]))
        return out


CITIZEN = Registry(
    Citizen,
    (
        # The household is joined and left on the household's page; its data has its own
        # section in the citizen's export.
        FieldSpec(
            "household",
            form=False,
            mine=False,
            sheet=Sheet(
                key="household_code",
                header="Mã hộ",
                aliases=("mã hộ gia đình", "số hộ", "ma ho"),
                width=12,
                help="Mã hộ trong xã. Hộ chưa có sẽ được tạo mới ở thôn ghi trên dòng.",
            ),
        ),
        FieldSpec("full_name", sheet=Sheet(aliases=("họ tên", "tên", "ho va ten"), width=26)),
        FieldSpec("gender", sheet=Sheet(aliases=("gt", "giới"), width=10)),
        FieldSpec(
            "birth",
            stored_in=("birth_date", "birth_year"),
            sheet=Sheet(
                aliases=("ngày tháng năm sinh", "năm sinh", "ngay sinh"),
                width=13,
                help="dd/mm/yyyy, hoặc chỉ năm sinh (yyyy).",
            ),
        ),
        FieldSpec(
            "identity_number",
            sheet=Sheet(
                aliases=("cccd", "số căn cước", "số định danh", "so cccd", "căn cước công dân"),
                width=15,
                help="12 chữ số. Định dạng ô là Văn bản để không mất số 0 ở đầu.",
            ),
        ),
        FieldSpec("phone", sheet=Sheet(aliases=("điện thoại", "sđt", "sdt"), width=13)),
        FieldSpec("ethnicity", sheet=Sheet(width=10, help="Để trống: Kinh.")),
        FieldSpec("occupation", sheet=Sheet(aliases=("nhóm nghề nghiệp", "nghề"), width=30)),
        FieldSpec(
            "in_school",
            sheet=Sheet(aliases=("đi học",), width=11, help="Với trẻ em và học sinh: Có/Không."),
        ),
        # Follows the village; the export shows it with the village.
        FieldSpec("commune", form=False, sheet=None, audited=False, mine=False),
        FieldSpec(
            "village",
            sheet=Sheet(
                header="Thôn",
                aliases=("thôn/tổ dân phố", "thôn, tổ dân phố", "tổ dân phố", "thon"),
                width=20,
            ),
        ),
        FieldSpec("relation", sheet=Sheet(aliases=("quan hệ", "quan he voi chu ho"), width=16)),
        FieldSpec(
            "workplace",
            sheet=Sheet(
                aliases=("đơn vị công tác", "cơ quan"),
                width=28,
                help="Tên đơn vị đã có trong sổ đơn vị của xã.",
            ),
        ),
        # Moves and deaths are recorded on their own pages (with the date).
        FieldSpec("status", form=False, sheet=Sheet(aliases=("tình trạng",), width=16)),
        FieldSpec("status_date", form=False, sheet=None),
    ),
    internal=("id", "search_key", "user", "created_at", "updated_at"),
)

HOUSEHOLD = Registry(
    Household,
    (
        FieldSpec("code", sheet=Sheet(aliases=("mã hộ gia đình", "số hộ"), width=12)),
        FieldSpec("village", sheet=Sheet(aliases=("thôn/tổ dân phố", "tổ dân phố"), width=20)),
        FieldSpec("address", sheet=Sheet(width=36)),
        FieldSpec(
            "clan",
            sheet=Sheet(
                aliases=("họ",),
                width=22,
                help=(
                    "Tên dòng họ (và chi) đã có trong sổ dòng họ của xã, ví dụ “Nguyễn — Chi 2”; "
                    "dòng họ ở xã khác ghi kèm mã xã trong ngoặc vuông, ví dụ “Nguyễn — Chi 2 [11953]”."
                ),
            ),
        ),
        # Who heads the household, stored here only (a head's own relation is blank). Set
        # through the citizen registry: "Chủ hộ" as a person's relation on the form, the
        # sheet or the API, or "Làm chủ hộ"; the sheet shows its name only.
        FieldSpec("head", form=False, sheet=None),
        FieldSpec("commune", form=False, sheet=None, audited=False),
        FieldSpec("dissolved_on", form=False, sheet=None),
    ),
    internal=("id", "search_key", "created_at", "updated_at"),
)

CLAN = Registry(
    Clan,
    (
        FieldSpec("name", sheet=Sheet(aliases=("tên dòng họ", "họ"), width=18)),
        FieldSpec("branch_name", sheet=Sheet(aliases=("chi", "chi họ", "nhánh"), width=18)),
        FieldSpec("home_village", sheet=Sheet(aliases=("thôn",), width=20)),
        # Chosen on the clan's page; in the sheet by CCCD, the name beside it to read.
        FieldSpec(
            "head",
            form=False,
            sheet=Sheet(
                key="head_identity",
                header="CCCD trưởng họ",
                aliases=("cccd trưởng họ",),
                width=15,
            ),
        ),
        FieldSpec("commune", form=False, sheet=None, audited=False),
    ),
    internal=("id", "search_key", "name_key", "created_at", "updated_at"),
)

ORGANISATION = Registry(
    Organisation,
    (
        FieldSpec("name", sheet=Sheet(aliases=("đơn vị", "tên cơ quan"), width=36)),
        FieldSpec("kind", sheet=Sheet(aliases=("loại",), width=24)),
        FieldSpec("level", sheet=Sheet(width=10, help="Để trống: Cấp xã.")),
        FieldSpec(
            "declared_staff",
            label="Số cán bộ, người lao động",
            sheet=Sheet(aliases=("số lao động", "số cán bộ", "số người"), width=14),
        ),
        FieldSpec("address", sheet=Sheet(width=30)),
        FieldSpec(
            "head",
            form=False,
            sheet=Sheet(key="head_identity", header="CCCD thủ trưởng", width=15),
        ),
        # The commune an organisation is created in; it does not move.
        FieldSpec("commune", form=False, sheet=None, audited=False),
        FieldSpec("closed_on", form=False, sheet=None),
    ),
    internal=("id", "search_key", "name_key", "created_at", "updated_at"),
)

REGISTRIES = {
    "citizens": CITIZEN,
    "households": HOUSEHOLD,
    "clans": CLAN,
    "organisations": ORGANISATION,
}


# --- form fields for values as people write them -------------------------------------

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

    def prepare_value(self, value: Any) -> Any:
        """A stored True/False as the choice of `YesNoSelect`."""
        if value is True or value is False:
            return "true" if value else "false"
        return value


class YesNoSelect(forms.Select):
    """Có / Không / — for a `YesNoField`."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, choices=[("", "—"), ("true", _("Có")), ("false", _("Không"))])
