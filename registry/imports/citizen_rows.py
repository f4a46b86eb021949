"""Citizen rows: the named records an import plans with, and the cells of a sheet row
validated with the page's fields.

Rows stay plain dicts and tuples (100,000 people validate in seconds), but every tuple has
a name: a person on record is a `CitizenValues`, a household a `KnownHousehold`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, NamedTuple

from django import forms
from django.utils.translation import gettext as _

from core.text import fold
from core.xlsx import Row
from places.models import Place
from registry.columns import choice_lookup
from registry.forms import CitizenFieldsForm, citizen_cross_check
from registry.identity import restore_leading_zeros

if TYPE_CHECKING:
    from registry.imports.base import Importer


class CitizenValues(NamedTuple):
    """What an import compares of a person: as on record, or as a row would leave it."""

    full_name: str
    gender: str
    birth_date: dt.date | None
    birth_year: int
    identity_number: str | None
    phone: str
    ethnicity: str
    occupation: str
    in_school: bool | None
    village_id: int
    household_id: int | None  # -1: a household this file creates
    relation: str
    workplace_id: int | None
    status: str


CITIZEN_COMPARE = list(CitizenValues._fields)


class KnownHousehold(NamedTuple):
    """A household of the commune, as the import reads it."""

    id: int
    village_id: int
    head_id: int | None
    address: str


class CheckedRow(NamedTuple):
    """A row whose cells are all valid: what matching and planning start from."""

    cleaned: dict[str, Any]
    status: str  # "" when the cell is blank
    village: Place
    workplace_id: int | None
    row_id: int | None
    identity: str | None
    code: str  # household code, "" for none


class PlannedHead(NamedTuple):
    """A row naming the head of its household."""

    citizen: int | None  # None: a person this file creates
    record: dict[str, Any]
    row: int


class CitizenUpdate(NamedTuple):
    citizen: int
    record: dict[str, Any]
    changes: dict[str, list[Any]]


class Departure(NamedTuple):
    """A person who dies or moves away in this file."""

    citizen: int
    household: str  # code
    status: str
    name: str


class Demotion(NamedTuple):
    """A previous head, not in the file, who stops being "Chủ hộ"."""

    citizen: int
    household: str  # code


REPEATING = {"gender", "birth", "ethnicity", "occupation", "in_school", "relation"}
CITIZEN_FORM_FIELDS = [
    "full_name",
    "gender",
    "birth",
    "identity_number",
    "phone",
    "ethnicity",
    "occupation",
    "in_school",
    "relation",
]


def identity_text(raw: Any) -> str:
    """A code cell as text (a number cell loses its ".0")."""
    if raw in (None, ""):
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


class CitizenCells:
    """The page's citizen fields applied to the cells of each row, without building a form
    per row. Same value, same verdict: gender, birth dates, labels repeat thousands of
    times, so their verdicts are remembered."""

    def __init__(self, importer: Importer) -> None:
        self.importer = importer
        self.fields = CitizenFieldsForm().fields
        self.memo: dict[tuple[str, Hashable], tuple[bool, Any]] = {}
        self.gender_codes = choice_lookup("gender")
        self.occupation_codes = choice_lookup("occupation")
        self.relation_codes = choice_lookup("relation")
        self.status_codes = choice_lookup("status")

    def clean(self, row: Row) -> tuple[dict[str, Any], dict[str, list[str]], str]:
        """(cleaned values, errors by field, residence status code) of one row."""
        payload, status = self.payload(row)
        cleaned: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        fields, memo = self.fields, self.memo
        for name in CITIZEN_FORM_FIELDS:
            value = payload[name]
            key = (name, value) if name in REPEATING and isinstance(value, Hashable) else None
            outcome = memo.get(key) if key is not None else None
            if outcome is None:
                try:
                    outcome = (True, fields[name].clean(value))
                except forms.ValidationError as exc:
                    outcome = (False, exc.messages)
                if key is not None:
                    memo[key] = outcome
            if outcome[0]:
                cleaned[name] = outcome[1]
            else:
                errors[name] = outcome[1]
        if not errors:
            errors.update({k: [v] for k, v in citizen_cross_check(cleaned).items()})
        return cleaned, errors, status

    def payload(self, row: Row) -> tuple[dict[str, Any], str]:
        """The form's data from the cells (choice labels turned into codes), and the status."""
        values = row.values
        identity = self.identity(row)
        payload = {
            "full_name": values.get("full_name"),
            "gender": self.coded(row, "gender", values.get("gender"), self.gender_codes),
            "birth": values.get("birth"),
            "identity_number": identity,
            "phone": values.get("phone"),
            "ethnicity": values.get("ethnicity"),
            "occupation": self.coded(
                row, "occupation", values.get("occupation"), self.occupation_codes, "other"
            ),
            "in_school": values.get("in_school"),
            "relation": self.coded(row, "relation", values.get("relation"), self.relation_codes),
        }
        status = self.coded(row, "status", values.get("status"), self.status_codes)
        return payload, status

    def identity(self, row: Row) -> str:
        """The CCCD cell; leading zeros a number cell dropped are restored, with a warning."""
        text = identity_text(row.values.get("identity_number"))
        if text:
            restored = restore_leading_zeros(text.replace(" ", "").replace(".", ""))
            if restored:
                self.importer.report.warnings.append(
                    _(
                        "Dòng %(r)s: số CCCD “%(v)s” bị mất số 0 ở đầu (ô dạng số); đã khôi phục thành %(f)s."
                    )
                    % {"r": row.number, "v": text, "f": restored}
                )
                return restored
        return text

    def coded(
        self, row: Row, key: str, value: Any, table: dict[str, str], default: str = ""
    ) -> str:
        if value in (None, ""):
            return default
        code = table.get(fold(str(value)))
        if code is None:
            options = ", ".join(self.importer.columns[key].choices)
            self.importer.err(
                row,
                key,
                _("“%(v)s” không hợp lệ; chọn một trong: %(o)s.") % {"v": value, "o": options},
            )
            return ""
        return code
