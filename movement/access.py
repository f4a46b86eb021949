"""Who sees and changes the movement's records.

- province admin: everything, reads and writes (province-level rows included);
- province viewer: reads everything, writes nothing;
- commune officer: reads and writes the rows of their commune; also reads the
  province's trainings and communication (their cadres attend, their people see it);
- village officer: reads the learning centres, trainings and communication of their
  commune (and the province's), and the association members of their own village;
  no resources, no commendations; writes nothing;
- organisation and clan managers, citizens, users without a role: nothing (404).

A section the user cannot read at all answers 404, like a record outside their scope;
a page that changes a readable record answers 403 to a reader who may not change it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scope import PROVINCE_ROLES, scope_of
from places.models import Place, PlaceKind

EDITORS: set[str] = {Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER}
READERS: set[str] = {*PROVINCE_ROLES, Role.COMMUNE_OFFICER, Role.VILLAGE_OFFICER}
PRIVATE_READERS: set[str] = {*PROVINCE_ROLES, Role.COMMUNE_OFFICER}

# Section → roles that open its pages.
SECTIONS: dict[str, set[str]] = {
    "centres": READERS,
    "members": READERS,
    "trainings": READERS,
    "communication": READERS,
    "resources": PRIVATE_READERS,
    "commendations": PRIVATE_READERS,
}


def visible_q(user: Any, *, shared: bool, village_rule: str) -> Q:
    scope = scope_of(user)
    if scope.is_province:
        return Q()
    condition = scope.path_filter({Role.COMMUNE_OFFICER}, "place__path") or Q(pk__in=[])
    villages = [a.place for a in scope.assignments if a.role == Role.VILLAGE_OFFICER]
    if village_rule == "commune" and villages:
        condition |= Q(place_id__in=[v.parent_id for v in villages])
    elif village_rule == "village" and villages:
        condition |= Q(village_id__in=[v.pk for v in villages])
    reads_shared = Role.COMMUNE_OFFICER in scope.roles or (village_rule and villages)
    if shared and reads_shared:
        condition |= Q(place__kind=PlaceKind.PROVINCE)
    return condition


def require_section(user: Any, section: str) -> None:
    if not scope_of(user).roles & SECTIONS[section]:
        raise Http404


def can_edit(user: Any, place: Place) -> bool:
    """Province admins anywhere; commune officers in their commune (never province rows)."""
    return scope_of(user).covers(place, EDITORS)


def require_edit(user: Any, place: Place) -> None:
    if not can_edit(user, place):
        raise PermissionDenied(_("Bạn không có quyền thay đổi dữ liệu của %(p)s.") % {"p": place})


def editable_places(user: Any, *, province_too: bool = False) -> list[Place]:
    """Where the user may add records: their communes, and the province for province admins."""
    scope = scope_of(user)
    places: list[Place] = []
    if province_too and scope.is_province_admin:
        places += [a.place for a in scope.assignments if a.role == Role.PROVINCE_ADMIN]
    communes = Place.objects.current().communes().visible_to(user).order_by("name")
    places += [c for c in communes if scope.covers(c, EDITORS)]
    return places


def reviewers_cover(user: Any, place: Place, level: str) -> bool:
    """Commendations: the province reviews every proposal; a commune decides its own
    commune-level awards (the commune chair signs those)."""
    scope = scope_of(user)
    if scope.is_province_admin:
        return True
    return level == "commune" and scope.covers(place, {Role.COMMUNE_OFFICER})
