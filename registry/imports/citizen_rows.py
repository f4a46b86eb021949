"""Citizen rows: the named records an import plans with, and the cells of a sheet row
validated with the page's fields.

Rows stay plain dicts and tuples (100,000 people validate in seconds), but every tuple has
a name: a person on record is a `CitizenValues`, a household a `KnownHousehold`. What is
compared of a person, and which cells the page's fields validate, come from the spec
(`registry.fields.CITIZEN`).
"""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from django import forms
from django.utils.translation import gettext as _

from core.text import fold
from core.xlsx import Row
from places.models import Place
from registry.columns import CHOICES, choice_lookup
from registry.fields import CITIZEN
from registry.forms import CitizenFieldsForm, citizen_cross_check
from registry.identity import restore_leading_zeros

if TYPE_CHECKING:
    from registry.imports.base import Importer


# What an import compares of a person (model attnames: `village_id`), from the spec:
# as on record (`values_list`), or as a row would leave it.
CITIZEN_COMPARE = CITIZEN.compared


class CitizenValues(Protocol):
    """A person on record as the import loaded them: a tuple of `CITIZEN_COMPARE`, with
    a name for each (`citizen_values`). These are the ones the import reads by name."""

    @property
    def full_name(self) -> str: ...
    @property
    def birth_date(self) -> dt.date | None: ...
    @property
    def birth_year(self) -> int: ...
    @property
    def identity_number(self) -> str | None: ...
    @property
    def village_id(self) -> int: ...
    @property
    def household_id(self) -> int | None: ...
    @property
    def relation(self) -> str: ...
    @property
    def status(self) -> str: ...
    def __iter__(self) -> Iterator[Any]: ...


def _values_type() -> Any:
    return namedtuple("CitizenValues", CITIZEN_COMPARE)


citizen_values: Callable[[Iterable[Any]], CitizenValues] = _values_type()._make


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


# Cells whose values repeat thousands of times: their verdicts are remembered.
REPEATING = {"gender", "birth", "ethnicity", "occupation", "in_school", "relation"}
# The cells the page's fields validate (`CitizenFieldsForm`): the spec's form fields in
# the sheet but the links, which the import resolves by name.
CELL_FIELDS = tuple(f for f in CITIZEN.plain_form_fields if f.sheet is not None)
CITIZEN_FORM_FIELDS = [f.name for f in CELL_FIELDS]


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
        # Choice cells: (the column's codes, the code of a blank cell).
        self.coded_cells: dict[str, tuple[dict[str, str], str]] = {}
        for field in CELL_FIELDS:
            key = CITIZEN.sheet_key(field)
            if key in CHOICES:
                default = CITIZEN.model_field(field.name).get_default() or ""
                self.coded_cells[field.name] = (choice_lookup(key), default)
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
        """The form's data from the cells (choice labels turned into codes, whole numbers
        that Excel made decimals back to whole), and the status."""
        values = row.values
        payload: dict[str, Any] = {}
        for field in CELL_FIELDS:
            name = field.name
            value = values.get(CITIZEN.sheet_key(field))
            if name in self.coded_cells:
                table, default = self.coded_cells[name]
                value = self.coded(row, name, value, table, default)
            elif isinstance(value, float) and value.is_integer():
                value = int(value)
            payload[name] = value
        payload["identity_number"] = self.identity(row)
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
