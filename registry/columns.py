"""One column layout per registry: the template, the export and the import all use it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from django.db import models
from django.db.models import TextChoices

from core.text import fold
from core.xlsx import Column
from places.models import Place
from registry.fields import (
    CITIZEN,
    CLAN,
    HOUSEHOLD,
    ORGANISATION,
    REGISTRIES,
    FieldSpec,
    Registry,
)
from registry.models import Citizen, Clan, Household, Organisation

YES_NO = ("Có", "Không")


def labels(choices: type[TextChoices]) -> tuple[str, ...]:
    return tuple(str(label) for label in choices.labels)


ID = Column(
    "id",
    "Mã hệ thống",
    aliases=("id", "ma he thong"),
    width=12,
    help="Để trống khi thêm mới. Giữ nguyên khi sửa tệp đã xuất từ hệ thống.",
)


def column(registry: Registry, field: FieldSpec) -> Column:
    """A field's column, from its `Sheet` and its model field."""
    sheet = field.sheet
    assert sheet is not None
    model_field = registry.model_field(field.columns[0])
    choices: tuple[str, ...] = ()
    if field.stored_in:
        pass
    elif model_field.choices:
        choices = tuple(str(label) for _value, label in model_field.flatchoices)
    elif isinstance(model_field, models.BooleanField):
        choices = YES_NO
    return Column(
        registry.sheet_key(field),
        sheet.header or registry.label(field),
        required=registry.required(field),
        aliases=sheet.aliases,
        help=sheet.help,
        choices=choices,
        width=sheet.width,
    )


def sheet_columns(registry: Registry, *shown: Column) -> list[Column]:
    """The system id, the spec's fields, and columns only to read (`shown`)."""
    return [ID, *(column(registry, f) for f in registry.sheet_fields), *shown]


CITIZEN_COLUMNS = sheet_columns(CITIZEN)
HOUSEHOLD_COLUMNS = sheet_columns(
    HOUSEHOLD,
    Column(
        "head_name",
        "Chủ hộ",
        aliases=("tên chủ hộ",),
        width=24,
        help="Chỉ để xem: chủ hộ được ghi ở sổ công dân.",
    ),
)
CLAN_COLUMNS = sheet_columns(CLAN, Column("head_name", "Trưởng họ", width=24, help="Chỉ để xem."))
ORGANISATION_COLUMNS = sheet_columns(
    ORGANISATION, Column("head_name", "Thủ trưởng", width=24, help="Chỉ để xem.")
)

VILLAGE_EXTRA_HELP = "Tên thôn như trong danh sách thôn của xã (có hoặc không có chữ “Thôn”)."

COLUMNS = {
    "citizens": CITIZEN_COLUMNS,
    "households": HOUSEHOLD_COLUMNS,
    "clans": CLAN_COLUMNS,
    "organisations": ORGANISATION_COLUMNS,
}

# Words people write instead of the official labels.
SYNONYMS: dict[str, dict[str, str]] = {
    "gender": {
        "nam": "male",
        "nu": "female",
        "male": "male",
        "female": "female",
        "m": "male",
        "f": "female",
    },
    "relation": {
        "chu ho": "head",
        "vo": "spouse",
        "chong": "spouse",
        "con": "child",
        "con trai": "child",
        "con gai": "child",
        "bo": "parent",
        "me": "parent",
        "chau": "grandchild",
        "anh": "sibling",
        "chi": "sibling",
        "em": "sibling",
    },
    "occupation": {
        "nong dan": "farmer",
        "cong nhan": "worker",
        "can bo": "official",
        "cong chuc": "official",
        "vien chuc": "official",
        "hoc sinh": "student",
        "sinh vien": "student",
        "huu tri": "retired",
        "nghi huu": "retired",
    },
}


def _choices() -> dict[str, list[tuple[str, str]]]:
    """Each choice column's (code, label) pairs, by column key, from the model fields."""
    found: dict[str, list[tuple[str, str]]] = {}
    for registry in REGISTRIES.values():
        for field in registry.sheet_fields:
            model_field = registry.model_field(field.columns[0])
            if not field.stored_in and model_field.choices:
                pairs = [(str(v), str(label)) for v, label in model_field.flatchoices]
                key = registry.sheet_key(field)
                assert found.setdefault(key, pairs) == pairs, f"two choice lists named {key}"
    return found


CHOICES = _choices()


@cache
def choice_lookup(key: str) -> dict[str, str]:
    """folded label or code → code, for one choice column."""
    choices = CHOICES[key]
    table = {fold(label): value for value, label in choices}
    table.update({fold(value): value for value, _label in choices})
    table.update(SYNONYMS.get(key, {}))
    return table


def label_of(choices: type[TextChoices], value: str) -> str:
    return str(choices(value).label) if value else ""


Cell = Callable[[Any], Any]


def cell_of(registry: Registry, field: FieldSpec) -> Cell:
    """How the export writes a plain field of a record: a choice by its label, yes/no as
    "Có"/"Không", a date as dd/mm/yyyy, a link by its name, blank as ""."""
    name = field.name
    model_field = registry.model_field(name)
    if model_field.choices:
        table = dict(CHOICES[registry.sheet_key(field)])
        return lambda obj: table.get(getattr(obj, name), "")
    if isinstance(model_field, models.BooleanField):
        return lambda obj: {True: "Có", False: "Không"}.get(getattr(obj, name), "")
    if isinstance(model_field, models.DateField):
        return lambda obj: value.strftime("%d/%m/%Y") if (value := getattr(obj, name)) else ""
    if model_field.is_relation:
        return lambda obj: str(getattr(obj, name) or "")
    return lambda obj: "" if (value := getattr(obj, name)) is None else value


def sheet_rows(
    registry: Registry, records: Iterable[Any], cells: dict[str, Cell], *shown: Cell
) -> Iterable[list[Any]]:
    """Rows in `sheet_columns` order: the id, each field (`cells` where the sheet writes
    it its own way, else `cell_of`), then the columns only to read."""
    order = [cells.get(f.name) or cell_of(registry, f) for f in registry.sheet_fields]
    order += shown
    for record in records:
        yield [record.pk, *(cell(record) for cell in order)]


def citizen_rows(citizens: Iterable[Citizen], view: Any = None) -> Iterable[list[Any]]:
    """Rows of the citizen sheet; `view` (registry.privacy.View) masks what its reader
    may not see in full (None: everything in full, for the round trip's own tests).
    The people come with their household (`select_related`) or `with_head()`."""
    cells: dict[str, Cell] = {
        "household": lambda c: c.household.code if c.household else "",
        # "Chủ hộ" for the head (Household.head; read from the household loaded with them).
        "relation": lambda c: c.relation_label,
        "village": lambda c: c.village.name,
        "workplace": lambda c: c.workplace.name if c.workplace else "",
    }
    if view is None:
        cells["birth"] = lambda c: c.birth_display
        cells["identity_number"] = lambda c: c.identity_number or ""
    else:
        cells["birth"] = view.birth_text
        cells["identity_number"] = view.identity_number
        cells["phone"] = view.phone_number
    return sheet_rows(CITIZEN, citizens, cells)


def household_rows(households: Iterable[Household]) -> Iterable[list[Any]]:
    commune_codes: dict[int, str] = {}  # one query per other commune, not per row

    def clan(h: Household) -> str:
        clan = h.clan
        if clan is None:
            return ""
        code = ""
        if clan.commune_id != h.commune_id:
            if clan.commune_id not in commune_codes:
                commune_codes[clan.commune_id] = (
                    Place.objects.filter(pk=clan.commune_id).values_list("code", flat=True).first()
                    or ""
                )
            code = commune_codes[clan.commune_id]
        return clan_label(clan, code)

    cells: dict[str, Cell] = {"village": lambda h: h.village.name, "clan": clan}
    return sheet_rows(HOUSEHOLD, households, cells, lambda h: h.head_name)


def clan_label(clan: Clan, commune_code: str = "") -> str:
    """A clan as the household sheet names it: "Nguyễn — Chi 2"; a clan of another commune
    than the household's carries that commune's code: "Nguyễn — Chi 2 [11953]"."""
    label = f"{clan.name} — {clan.branch_name}" if clan.branch_name else clan.name
    return f"{label} [{commune_code}]" if commune_code else label


def _identity(view: Any, person: Citizen | None) -> str:
    if person is None:
        return ""
    return (person.identity_number or "") if view is None else view.identity_number(person)


def _head_name(record: Clan | Organisation) -> str:
    return record.head.full_name if record.head else ""


def clan_rows(clans: Iterable[Clan], view: Any = None) -> Iterable[list[Any]]:
    cells: dict[str, Cell] = {
        "home_village": lambda c: c.home_village.name,
        "head": lambda c: _identity(view, c.head),
    }
    return sheet_rows(CLAN, clans, cells, _head_name)


def organisation_rows(
    organisations: Iterable[Organisation], view: Any = None
) -> Iterable[list[Any]]:
    cells: dict[str, Cell] = {"head": lambda o: _identity(view, o.head)}
    return sheet_rows(ORGANISATION, organisations, cells, _head_name)
