from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from ninja import Schema
from pydantic import Field

from registry.fields import CITIZEN, CLAN, HOUSEHOLD, ORGANISATION, Registry
from registry.privacy import View

# Bounds for every number the API reads, so an out-of-range value is a 422 naming the
# field, never a database overflow (a 500). Ids are BigAutoField; `page` reaches the first
# 10,000 rows (api.paging.MAX_OFFSET; further on, the cursor); years are those the forms accept.
MAX_ID = 2**63 - 1
MAX_PAGE = 10_000
MAX_PAGE_SIZE = 200
MAX_CURSOR = 1000  # a signed, compressed key of at most 400 characters (a folded name)
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_COUNT = 2**31 - 1  # PositiveIntegerField on PostgreSQL
MAX_TEXT = 200  # search text and codes in the query string

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Version = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Page = Annotated[int, Field(ge=1, le=MAX_PAGE)]
PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)]
Cursor = Annotated[str, Field(max_length=MAX_CURSOR)]
Code = Annotated[str, Field(max_length=50)]
SearchText = Annotated[str, Field(max_length=MAX_TEXT)]


class Errors(Schema):
    """Field → Vietnamese messages, the same as the pages show."""

    errors: dict[str, list[str]]


class Message(Schema):
    detail: str


# --- the registries' schemas, from their field specs (registry.fields) ----------------

INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges


def value_type(model_field: models.Field[Any, Any], *, write: bool = False) -> Any:
    """A model field's JSON type. Written numbers are bounded as the database stores them
    (an out-of-range value is a 422 naming the field, not an overflow); a link is its id."""
    if model_field.is_relation:
        return Id if write else int
    if isinstance(model_field, models.BooleanField):
        return bool
    if isinstance(model_field, models.IntegerField):
        low, high = INTEGER_RANGES[model_field.get_internal_type()]
        return Annotated[int, Field(ge=low, le=high)] if write else int
    if isinstance(model_field, models.DateTimeField):
        return dt.datetime
    if isinstance(model_field, models.DateField):
        return dt.date
    if isinstance(model_field, models.FloatField | models.DecimalField):
        return float
    return str


def read_schema(registry: Registry) -> type[Schema]:
    """The record as the API gives it: its id and every field of the spec (links by id)."""
    annotations: dict[str, Any] = {"id": int}
    for spec in registry.fields:
        for column in spec.columns:
            model_field = registry.model_field(column)
            kind = value_type(model_field)
            annotations[model_field.attname] = kind | None if model_field.null else kind
    return type(f"{registry.model.__name__}Fields", (Schema,), {"__annotations__": annotations})


def write_schema(registry: Registry, *, partial: bool = False) -> type[Schema]:
    """The record as the API takes it: the spec's form fields (links by id), required as
    the model requires them, else defaulted as the model defaults them; `partial` (a
    PATCH): each one optional. A value the model keeps in several fields is written as
    the form reads it, as text (the birth: "dd/mm/yyyy" or "yyyy")."""
    annotations: dict[str, Any] = {}
    defaults: dict[str, Any] = {}
    for spec in registry.form_fields:
        name = registry.api_name(spec)
        model_field = registry.model_field(spec.columns[0])
        kind = str if spec.stored_in else value_type(model_field, write=True)
        if partial:
            annotations[name], defaults[name] = kind | None, None
        elif registry.required(spec):
            annotations[name] = kind
        elif kind is str:
            annotations[name], defaults[name] = str, model_field.get_default() or ""
        elif model_field.has_default():
            annotations[name], defaults[name] = kind, model_field.get_default()
        else:
            annotations[name], defaults[name] = kind | None, None
    suffix = "PatchFields" if partial else "InFields"
    return type(
        f"{registry.model.__name__}{suffix}",
        (Schema,),
        {"__annotations__": annotations, **defaults},
    )


# The classes below add what is not a field of the record; mypy cannot see a base made
# from the spec (hence the ignores).
class CitizenOut(read_schema(CITIZEN)):  # type: ignore[misc]
    # Personal fields are masked for roles that do not need them (registry/privacy.py).
    @staticmethod
    def resolve_identity_number(obj: Any, context: Any) -> str | None:
        if not obj.identity_number:
            return obj.identity_number
        return _view(context).identity_number(obj)

    @staticmethod
    def resolve_phone(obj: Any, context: Any) -> str:
        return str(_view(context).phone_number(obj))

    @staticmethod
    def resolve_birth_date(obj: Any, context: Any) -> dt.date | None:
        return obj.birth_date if _view(context).birth else None

    # "head" for the household's head, as before the head was stored once (Household.head;
    # the head's own relation is blank). Lists come `with_head()`: no query per person.
    @staticmethod
    def resolve_relation(obj: Any) -> str:
        return str(obj.shown_relation)


def _view(context: Any) -> Any:
    request = context["request"]
    cached = getattr(request, "_privacy_view", None)
    if cached is None:
        cached = request._privacy_view = View(request.user)
    return cached


class CitizenIn(write_schema(CITIZEN)):  # type: ignore[misc]
    household_id: Id | None = None  # the household the new person joins
    confirm_duplicate: bool = False


class CitizenPatch(write_schema(CITIZEN, partial=True)):  # type: ignore[misc]
    confirm_duplicate: bool = False
    # A new phone or identity number that is the person's login: the officer confirms it.
    confirm_login_change: bool = False


class HouseholdOut(read_schema(HOUSEHOLD)):  # type: ignore[misc]
    pass


class HouseholdIn(write_schema(HOUSEHOLD)):  # type: ignore[misc]
    pass


class HouseholdPatch(write_schema(HOUSEHOLD, partial=True)):  # type: ignore[misc]
    pass


class ClanOut(read_schema(CLAN)):  # type: ignore[misc]
    pass


class ClanIn(write_schema(CLAN)):  # type: ignore[misc]
    pass


class ClanPatch(write_schema(CLAN, partial=True)):  # type: ignore[misc]
    pass


class OrganisationOut(read_schema(ORGANISATION)):  # type: ignore[misc]
    pass


class OrganisationIn(write_schema(ORGANISATION)):  # type: ignore[misc]
    commune_id: Id  # the commune it is created in


class OrganisationPatch(write_schema(ORGANISATION, partial=True)):  # type: ignore[misc]
    pass


class PageParams(Schema):
    """How a list is paged (api.paging): by the cursor its last page gave, or (the way
    before the cursor, kept for the first 10,000 rows) by page number."""

    cursor: Cursor | None = Field(
        None,
        description="Con trỏ trang: giá trị next của trang trước (giữ nguyên các tham số lọc "
        "của trang đầu). Không gửi: trang đầu.",
    )
    page: Page | None = Field(
        None,
        description="Số trang, cách cũ: chỉ trong 10.000 dòng đầu (page × page_size ≤ 10.000), "
        "không dùng cùng cursor. Đọc hết danh sách: dùng cursor.",
    )
    page_size: PageSize = Field(50, description="Số dòng mỗi trang (1–200).")


def page_of(schema: type[Schema]) -> type[Schema]:
    fields: dict[str, Any] = {
        "count": (
            int | None,
            "Số bản ghi khớp bộ lọc, đếm đến 10.000: có nhiều hơn thì count là 10.000 và "
            "count_capped là true. Chỉ có ở trang đọc không có cursor; trang đọc bằng cursor: null.",
        ),
        "count_capped": (bool, "true: có hơn 10.000 bản ghi (count dừng ở 10.000)."),
        "page": (
            int | None,
            "Số trang khi đọc bằng page hoặc trang đầu; null khi đọc bằng cursor.",
        ),
        "page_size": (int, "Số dòng mỗi trang."),
        "next": (str | None, "Con trỏ của trang sau (gửi lại làm cursor); null ở trang cuối."),
        "results": (list[schema], "Các bản ghi của trang, theo thứ tự của danh sách."),  # type: ignore[valid-type]
    }
    return type(
        f"{schema.__name__}Page",
        (Schema,),
        {
            "__annotations__": {name: kind for name, (kind, _text) in fields.items()},
            **{name: Field(description=text) for name, (_kind, text) in fields.items()},
        },
    )
