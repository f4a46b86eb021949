from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from registry.privacy import View

# Bounds for every number the API reads, so an out-of-range value is a 422 naming the
# field, never a database overflow (a 500). Ids are BigAutoField; a page may start at
# most MAX_PAGE * MAX_PAGE_SIZE rows in; years are those the forms accept.
MAX_ID = 2**63 - 1
MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 200
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_COUNT = 2**31 - 1  # PositiveIntegerField on PostgreSQL
MAX_TEXT = 200  # search text and codes in the query string

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Version = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Page = Annotated[int, Field(ge=1, le=MAX_PAGE)]
PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)]
Code = Annotated[str, Field(max_length=50)]
SearchText = Annotated[str, Field(max_length=MAX_TEXT)]


class Errors(Schema):
    """Field → Vietnamese messages, the same as the pages show."""

    errors: dict[str, list[str]]


class Message(Schema):
    detail: str


class CitizenOut(Schema):
    id: int
    full_name: str
    gender: str
    birth_date: dt.date | None
    birth_year: int
    identity_number: str | None
    phone: str
    ethnicity: str
    occupation: str
    in_school: bool | None
    commune_id: int
    village_id: int
    household_id: int | None
    relation: str
    workplace_id: int | None
    status: str
    status_date: dt.date | None

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


def _view(context: Any) -> Any:
    request = context["request"]
    cached = getattr(request, "_privacy_view", None)
    if cached is None:
        cached = request._privacy_view = View(request.user)
    return cached


class CitizenIn(Schema):
    full_name: str
    gender: str
    birth: str  # dd/mm/yyyy or yyyy
    identity_number: str = ""
    phone: str = ""
    ethnicity: str = ""
    occupation: str = "other"
    in_school: bool | None = None
    village_id: Id
    relation: str = ""
    workplace_id: Id | None = None
    household_id: Id | None = None
    confirm_duplicate: bool = False


class CitizenPatch(Schema):
    full_name: str | None = None
    gender: str | None = None
    birth: str | None = None
    identity_number: str | None = None
    phone: str | None = None
    ethnicity: str | None = None
    occupation: str | None = None
    in_school: bool | None = None
    village_id: Id | None = None
    relation: str | None = None
    workplace_id: Id | None = None
    confirm_duplicate: bool = False
    # A new phone or identity number that is the person's login: the officer confirms it.
    confirm_login_change: bool = False


class HouseholdOut(Schema):
    id: int
    code: str
    commune_id: int
    village_id: int
    address: str
    clan_id: int | None
    head_id: int | None
    dissolved_on: dt.date | None


class HouseholdIn(Schema):
    code: str
    village_id: Id
    address: str = ""
    clan_id: Id | None = None


class HouseholdPatch(Schema):
    code: str | None = None
    village_id: Id | None = None
    address: str | None = None
    clan_id: Id | None = None


class ClanOut(Schema):
    id: int
    name: str
    branch_name: str
    commune_id: int
    home_village_id: int
    head_id: int | None


class ClanIn(Schema):
    name: str
    branch_name: str = ""
    home_village_id: Id


class ClanPatch(Schema):
    name: str | None = None
    branch_name: str | None = None
    home_village_id: Id | None = None


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    level: str
    commune_id: int
    declared_staff: int
    address: str
    head_id: int | None


class OrganisationIn(Schema):
    name: str
    kind: str
    level: str = "commune"
    commune_id: Id
    declared_staff: Count = 0
    address: str = ""


class OrganisationPatch(Schema):
    name: str | None = None
    kind: str | None = None
    level: str | None = None
    declared_staff: Count | None = None
    address: str | None = None


def page_of(schema: type[Schema]) -> type[Schema]:
    return type(
        f"{schema.__name__}Page",
        (Schema,),
        {"__annotations__": {"count": int, "page": int, "page_size": int, "results": list[schema]}},  # type: ignore[valid-type]
    )
