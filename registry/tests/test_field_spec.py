"""One field spec per registry (registry.fields): every consumer lists exactly its fields.

A consumer that keeps a list of its own drifts the day a field is added; these tests
name the consumer that did.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import FieldDoesNotExist

from api import schemas
from demo.scale_registry import GENERATED_CITIZEN_COLUMNS
from places.models import Place
from portal import mydata
from registry import services
from registry.columns import COLUMNS, citizen_rows
from registry.fields import CITIZEN, REGISTRIES, FieldSpec, Registry
from registry.forms import (
    CitizenFieldsForm,
    CitizenForm,
    ClanFieldsForm,
    ClanForm,
    HouseholdFieldsForm,
    HouseholdForm,
    OrganisationFieldsForm,
    OrganisationForm,
    citizen_initial,
)
from registry.imports.citizen_rows import (
    CITIZEN_COMPARE,
    CITIZEN_FORM_FIELDS,
    CheckedRow,
    citizen_values,
)
from registry.imports.citizens import CitizenImporter
from registry.models import Citizen, Clan

# Columns of a sheet that are only to read (the head's name beside its CCCD).
SHOWN_COLUMNS = {
    "citizens": [],
    "households": ["head_name"],
    "clans": ["head_name"],
    "organisations": ["head_name"],
}
FORMS = {
    # registry: (the form a sheet row is checked with, the page's form, its own fields)
    "citizens": (CitizenFieldsForm, CitizenForm, {"confirm_duplicate", "confirm_login_change"}),
    "households": (HouseholdFieldsForm, HouseholdForm, set()),
    "clans": (ClanFieldsForm, ClanForm, set()),
    "organisations": (OrganisationFieldsForm, OrganisationForm, set()),
}
API = {
    # registry: (read, create, change, what a create or change takes beyond the fields)
    "citizens": (
        schemas.CitizenOut,
        schemas.CitizenIn,
        schemas.CitizenPatch,
        {"household_id", "confirm_duplicate"},
        {"confirm_duplicate", "confirm_login_change"},
    ),
    "households": (schemas.HouseholdOut, schemas.HouseholdIn, schemas.HouseholdPatch, set(), set()),
    "clans": (schemas.ClanOut, schemas.ClanIn, schemas.ClanPatch, set(), set()),
    "organisations": (
        schemas.OrganisationOut,
        schemas.OrganisationIn,
        schemas.OrganisationPatch,
        {"commune_id"},
        set(),
    ),
}
AUDITED = {
    "citizens": services.CITIZEN_FIELDS,
    "households": services.HOUSEHOLD_FIELDS,
    "clans": services.CLAN_FIELDS,
    "organisations": services.ORGANISATION_FIELDS,
}
KINDS = list(REGISTRIES)


def _form_kwargs(kind: str) -> dict[str, object]:
    commune = Place(pk=1, name="Xã thử")
    kwargs: dict[str, dict[str, object]] = {
        "citizens": {"villages": Place.objects.none(), "commune": commune, "has_account": True},
        "households": {"villages": Place.objects.none(), "clans": Clan.objects.none()},
        "clans": {"commune": commune},
        "organisations": {},
    }
    return kwargs[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_every_model_field_is_in_the_spec_or_named_internal(kind):
    registry = REGISTRIES[kind]
    in_spec = [c for f in registry.fields for c in f.columns]
    assert len(in_spec) == len(set(in_spec)), "a model field in two specs"
    model_fields = {f.name for f in registry.model._meta.concrete_fields}
    assert set(in_spec) | set(registry.internal) == model_fields
    assert not set(in_spec) & set(registry.internal)


def test_a_spec_naming_no_model_field_fails_at_start_up():
    with pytest.raises(FieldDoesNotExist):
        Registry(Citizen, (FieldSpec("e_mail"),), internal=())


@pytest.mark.parametrize("kind", KINDS)
def test_the_audit_trail_keeps_the_specs_audited_fields(kind):
    registry = REGISTRIES[kind]
    assert AUDITED[kind] == [c for f in registry.fields if f.audited for c in f.columns]


@pytest.mark.parametrize("kind", KINDS)
def test_the_forms_have_the_specs_form_fields_in_its_order(kind):
    registry = REGISTRIES[kind]
    row_form, page_form, own = FORMS[kind]
    plain = [f.name for f in registry.form_fields if not registry.is_link(f)]
    assert list(row_form().fields) == plain
    page = page_form(**_form_kwargs(kind))
    assert [n for n in page.fields if n not in own] == [f.name for f in registry.form_fields]
    for field in registry.form_fields:  # labelled as the spec labels it, never by code name
        assert page.fields[field.name].label == registry.label(field)


def test_a_plain_field_needs_no_form_code():
    """Built from its model field: length, required, choices with "—" for blank."""
    fields = CitizenFieldsForm().fields
    assert fields["ethnicity"].max_length == 40 and not fields["ethnicity"].required
    assert fields["full_name"].required and fields["full_name"].to_python(" An   Văn ") == "An Văn"
    assert fields["relation"].choices[0] == ("", "—")
    assert fields["in_school"].clean("Có") is True
    assert fields["occupation"].initial == "other"


def test_the_edit_form_starts_from_every_form_field(world):
    an = world.citizens["an"]
    initial = citizen_initial(an)
    assert set(initial) == {f.name for f in CITIZEN.form_fields}
    assert initial["birth"] == (an.birth_date, an.birth_year)
    assert initial["village"] == an.village_id


@pytest.mark.parametrize("kind", KINDS)
def test_the_sheet_has_the_specs_columns_in_its_order(kind):
    registry = REGISTRIES[kind]
    keys = [c.key for c in COLUMNS[kind]]
    assert (
        keys
        == ["id", *(registry.sheet_key(f) for f in registry.sheet_fields)] + (SHOWN_COLUMNS[kind])
    )
    required = {c.key for c in COLUMNS[kind] if c.required}
    assert required == {
        registry.sheet_key(f) for f in registry.sheet_fields if registry.required(f)
    }


def test_the_export_writes_each_column(world):
    an = world.citizens["an"]
    an.birth_date = dt.date(1975, 3, 12)
    (row,) = citizen_rows([an])
    header = [c.header for c in COLUMNS["citizens"]]
    assert len(row) == len(header)
    cells = dict(zip(header, row, strict=True))
    assert cells["Mã hệ thống"] == an.pk and cells["Mã hộ"] == "PH-001"
    assert cells["Ngày sinh"] == "12/03/1975" and cells["Giới tính"] == "Nam"
    assert cells["Quan hệ với chủ hộ"] == "Chủ hộ" and cells["Đang đi học"] == ""
    assert cells["Thôn"] == "Thôn Đông Tảo" and cells["Tình trạng cư trú"] == "Đang cư trú"


def test_the_import_compares_the_sheets_fields():
    assert [
        CITIZEN.model_field(c).attname for f in CITIZEN.sheet_fields for c in f.columns
    ] == CITIZEN_COMPARE
    assert citizen_values(range(len(CITIZEN_COMPARE)))._fields == tuple(CITIZEN_COMPARE)
    in_sheet = [f.name for f in CITIZEN.sheet_fields]
    assert [n for n in CitizenFieldsForm().fields if n in in_sheet] == CITIZEN_FORM_FIELDS


def test_the_import_loads_and_writes_every_compared_field(world):
    """What the import plans for a row holds every compared column (the writer writes
    them all): the import of an unchanged export changes nothing."""
    importer = CitizenImporter(actor=None, commune=world.commune_a)
    importer.load_register()
    person = importer.existing[world.citizens["an"].pk]
    assert person.full_name == "Nguyễn Văn An" and person.household_id is not None
    cleaned = dict.fromkeys(CITIZEN_FORM_FIELDS, "")
    cleaned.update(full_name="X", gender="male", birth=(None, 1990), in_school=None)
    checked = CheckedRow(cleaned, "", world.village_a1, None, None, None, "")
    record = importer.record(checked, None)
    assert set(CITIZEN_COMPARE) - {"household_id"} <= set(record)
    assert record["ethnicity"] == "Kinh"  # a blank cell takes the model's default


@pytest.mark.parametrize("kind", KINDS)
def test_the_api_reads_every_field_and_writes_the_form_fields(kind):
    registry = REGISTRIES[kind]
    read, create, change, create_extra, change_extra = API[kind]
    assert list(read.model_fields) == [
        "id",
        *(registry.model_field(c).attname for f in registry.fields for c in f.columns),
    ]
    written = [registry.api_name(f) for f in registry.form_fields]
    assert set(create.model_fields) == set(written) | create_extra
    assert set(change.model_fields) == set(written) | change_extra
    assert not any(field.is_required() for field in change.model_fields.values())


def test_the_api_masks_and_takes_a_citizen_as_before():
    fields = schemas.CitizenIn.model_fields
    assert fields["full_name"].is_required() and fields["village_id"].is_required()
    assert fields["occupation"].default == "other" and fields["in_school"].default is None
    assert schemas.CitizenOut._ninja_resolvers.keys() >= {"identity_number", "phone", "birth_date"}


def test_the_citizens_own_export_holds_every_field_marked_mine(world):
    an = world.citizens["an"]
    record = mydata.record_of(an)
    expected = [
        mydata.SHOWN[f.name][0] if f.name in mydata.SHOWN else None
        for f in CITIZEN.fields
        if f.mine
    ]
    keys = iter(record)
    for field, shown in zip([f for f in CITIZEN.fields if f.mine], expected, strict=True):
        if shown:
            assert next(keys) == shown
        else:
            for column in field.columns:
                label = str(CITIZEN.model_field(column).verbose_name)
                assert next(keys) == mydata.key_of(label)
    assert next(keys, None) is None
    assert record["ho_va_ten"] == "Nguyễn Văn An" and record["so_cccd"] == "033075000123"
    assert record["noi_o"] == "Thôn Đông Tảo, Phường Phố Hiến"
    assert record["quan_he_voi_chu_ho"] == "Chủ hộ" and record["gioi_tinh"] == "Nam"
    assert list(mydata.collect(an)["ho_so"]) == ["ma", *record, "tai_khoan"]
    json.dumps(mydata.collect(an))


def test_the_generator_leaves_only_fields_with_a_default():
    """The demo fills the columns it knows; every other field must have a default."""
    constants = {"commune_id", "created_at", "updated_at"}
    for field in Citizen._meta.concrete_fields:
        if field.attname in GENERATED_CITIZEN_COLUMNS or field.attname in constants:
            continue
        assert field.null or field.has_default() or field.empty_strings_allowed, field.name
