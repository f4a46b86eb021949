"""The gates for registry records: who may see (visible_to) and who may change what."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scope import OFFICER_ROLES, scope_of
from places.models import Place
from registry.models import Citizen, Clan, Household, Organisation

COMMUNE_EDITORS: set[str] = {Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER}
VILLAGE_EDITORS: set[str] = {*COMMUNE_EDITORS, Role.VILLAGE_OFFICER}
# Roles that read some part of the registries (the navigation shows them the registry).
REGISTRY_ROLES: set[str] = {*OFFICER_ROLES, Role.ORG_MANAGER, Role.CLAN_MANAGER}


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


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Bạn không có quyền thay đổi hồ sơ này."))


def get_citizen_or_404(user: Any, pk: int) -> Citizen:
    return get_object_or_404(
        Citizen.objects.visible_to(user).select_related(
            "village", "commune", "household", "workplace"
        ),
        pk=pk,
    )


def get_household_or_404(user: Any, pk: int) -> Household:
    return get_object_or_404(
        Household.objects.visible_to(user).select_related("village", "commune", "head", "clan"),
        pk=pk,
    )


def get_clan_or_404(user: Any, pk: int) -> Clan:
    return get_object_or_404(
        Clan.objects.visible_to(user).select_related("home_village", "commune", "head"), pk=pk
    )


def get_organisation_or_404(user: Any, pk: int) -> Organisation:
    return get_object_or_404(
        Organisation.objects.visible_to(user).select_related("commune", "head"), pk=pk
    )


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
