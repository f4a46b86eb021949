"""The gates for registry records: who may see (visible_to) and who may change what.

`get_<record>_or_404(user, pk, *, write=False)` is the one way a page, the API, the
portal or a document reaches one record: 404 outside the user's scope, and with
`write=True` `ReadOnly` (404 on a page, 403 on the API) when the user only reads it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.scope import OFFICER_ROLES, scope_of
from places.models import Place
from registry.models import Citizen, Clan, Household, Organisation

COMMUNE_EDITORS: set[str] = {Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER}
VILLAGE_EDITORS: set[str] = {*COMMUNE_EDITORS, Role.VILLAGE_OFFICER}
# Roles that read some part of the registries (the navigation shows them the registry).
REGISTRY_ROLES: set[str] = {*OFFICER_ROLES, Role.ORG_MANAGER, Role.CLAN_MANAGER}
# Refusals of a change (the API's 403 detail): a person or household of a village the user
# only reads; any other record not the user's.
NOT_HERE = gettext_lazy("Bạn chỉ được xem, không được sửa hồ sơ ở thôn này.")
NOT_YOURS = gettext_lazy("Bạn không có quyền thay đổi hồ sơ này.")


def require_registry_reader(user: Any) -> None:
    """Citizens and users without a role have no registry pages at all: 404, like any
    record outside one's scope (an empty list would suggest there is one to see)."""
    if not scope_of(user).roles & REGISTRY_ROLES:
        raise Http404


def can_edit_village(user: Any, village: Place) -> bool:
    return scope_of(user).covers(village, VILLAGE_EDITORS)


def can_edit_commune(user: Any, commune: Place) -> bool:
    return scope_of(user).covers(commune, COMMUNE_EDITORS)


def can_edit_clan(user: Any, clan: Clan) -> bool:
    return can_edit_commune(user, clan.commune) or clan.pk in scope_of(user).clan_ids


def can_edit_organisation(user: Any, organisation: Organisation) -> bool:
    return (
        can_edit_commune(user, organisation.commune)
        or organisation.pk in scope_of(user).organisation_ids
    )


def can_edit_citizen(user: Any, citizen: Citizen) -> bool:
    return can_edit_village(user, citizen.village)


def can_edit_household(user: Any, household: Household) -> bool:
    return can_edit_village(user, household.village)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(str(NOT_YOURS))


def acts_for_household(citizen: Citizen | None, household_id: int | None = None) -> bool:
    """The household-head rule, written here only: a citizen acts for their household
    (sees its titles, registers and fills in its assessment) when they are its head.
    With `household_id`: for that household. Read from `Household.head`, where alone the
    head is stored (`Citizen.is_head`: the household already loaded with the citizen, or
    one query by its primary key)."""
    if citizen is None or citizen.household_id is None:
        return False
    if household_id is not None and household_id != citizen.household_id:
        return False
    return citizen.is_head


class ReadOnly(PermissionDenied, Http404):
    """A record the user sees but may not change, asked for with `write=True`.

    A page answers 404, as for a record outside one's scope (Django tests `Http404`
    first); the API answers 403 with the message ("Bạn chỉ được xem…"): its handlers
    are looked up along the class's MRO, where `PermissionDenied` comes first."""


M = TypeVar("M", bound=Model)


def gate(
    queryset: QuerySet[M],
    user: Any,
    pk: int,
    *,
    write: bool,
    may_edit: Callable[[Any, M], bool],
    refusal: Promise | str,
) -> M:
    """The object `pk` among those the user sees (404 otherwise); with `write`, also one
    the user may change (`ReadOnly(refusal)` otherwise)."""
    obj = get_object_or_404(queryset, pk=pk)
    if write and not may_edit(user, obj):
        raise ReadOnly(str(refusal))
    return obj


def get_citizen_or_404(user: Any, pk: int, *, write: bool = False) -> Citizen:
    """A citizen the user sees; with `write`, in a village the user keeps."""
    queryset = Citizen.objects.visible_to(user).select_related(
        "village", "commune", "household", "workplace"
    )
    return gate(queryset, user, pk, write=write, may_edit=can_edit_citizen, refusal=NOT_HERE)


def get_household_or_404(user: Any, pk: int, *, write: bool = False) -> Household:
    """A household the user sees; with `write`, in a village the user keeps."""
    queryset = Household.objects.visible_to(user).select_related(
        "village", "commune", "head", "clan"
    )
    return gate(queryset, user, pk, write=write, may_edit=can_edit_household, refusal=NOT_HERE)


def get_clan_or_404(user: Any, pk: int, *, write: bool = False) -> Clan:
    """A clan the user sees; with `write`, one of their commune or that they manage."""
    queryset = Clan.objects.visible_to(user).select_related("home_village", "commune", "head")
    return gate(queryset, user, pk, write=write, may_edit=can_edit_clan, refusal=NOT_YOURS)


def sees_clan(user: Any, clan: Clan | None) -> bool:
    """Whether `get_clan_or_404` lets the user in: a page links a clan only then (a
    household of commune B may belong to a clan of commune A, out of B's officer's sight)."""
    return clan is not None and Clan.objects.visible_to(user).filter(pk=clan.pk).exists()


def get_organisation_or_404(user: Any, pk: int, *, write: bool = False) -> Organisation:
    """An organisation the user sees; with `write`, one of their commune or that they manage."""
    queryset = Organisation.objects.visible_to(user).select_related("commune", "head")
    return gate(queryset, user, pk, write=write, may_edit=can_edit_organisation, refusal=NOT_YOURS)


def editable_communes(user: Any) -> list[Place]:
    """Current communes where the user may create records (for the 'which commune' choice)."""
    scope = scope_of(user)
    places = Place.objects.current().communes().visible_to(user).order_by("name")
    return [p for p in places if scope.covers(p, COMMUNE_EDITORS)]


def village_commune(user: Any) -> Place | None:
    """For a village officer: the commune of their village."""
    for assignment in scope_of(user).assignments:
        if assignment.role == Role.VILLAGE_OFFICER:
            return assignment.place.parent
    return None
