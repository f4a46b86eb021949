"""Who sees what: one place to turn a user's role assignments into query filters.

Every list and every object lookup goes through a `visible_to(user)` queryset
built from here, so a page cannot forget the rule. Scopes are subtrees of the
place hierarchy (materialised path prefixes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Q, QuerySet

from accounts.models import Role, RoleAssignment
from places.models import Place, PlaceKind

if TYPE_CHECKING:
    from accounts.models import User

PROVINCE_ROLES: set[str] = {Role.PROVINCE_ADMIN, Role.PROVINCE_VIEWER}
OFFICER_ROLES: set[str] = {*PROVINCE_ROLES, Role.COMMUNE_OFFICER, Role.VILLAGE_OFFICER}
# Roles that review citizens' account and change requests (portal:review), in their villages.
REQUEST_REVIEWERS: set[str] = {Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER, Role.VILLAGE_OFFICER}
# Roles that create, rename, merge and close villages (within their places).
VILLAGE_MANAGERS: set[str] = {Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER}
# Roles an officer can hand out, by the officer's own role.
GRANTABLE: dict[str, set[str]] = {
    Role.PROVINCE_ADMIN: set(Role.values),
    Role.COMMUNE_OFFICER: {
        Role.COMMUNE_OFFICER,
        Role.VILLAGE_OFFICER,
        Role.ORG_MANAGER,
        Role.CLAN_MANAGER,
        Role.CITIZEN,
    },
}

Q_T = TypeVar("Q_T", bound=QuerySet[Any])


@dataclass
class Scope:
    assignments: list[RoleAssignment] = field(default_factory=list)

    def paths(self, roles: set[str]) -> list[str]:
        return [a.place.path for a in self.assignments if a.role in roles]

    @cached_property
    def roles(self) -> set[str]:
        return {a.role for a in self.assignments}

    @property
    def is_province_admin(self) -> bool:
        return Role.PROVINCE_ADMIN in self.roles

    @property
    def is_province(self) -> bool:
        return bool(self.roles & PROVINCE_ROLES)

    def covers(self, place: Place, roles: set[str] | None = None) -> bool:
        """Whether `place` lies within one of the user's places for these roles."""
        wanted = roles if roles is not None else OFFICER_ROLES
        return any(place.path.startswith(path) for path in self.paths(wanted))

    def can_manage_villages(self, commune: Place) -> bool:
        return self.covers(commune, VILLAGE_MANAGERS)

    @property
    def manages_villages(self) -> bool:
        return bool(self.roles & VILLAGE_MANAGERS)

    def can_register_place(self, place: Place) -> bool:
        """A commune or village registered for its community title: by the officers above
        it, and a village also by its own officer."""
        village = {Role.VILLAGE_OFFICER} if place.kind == PlaceKind.VILLAGE else set()
        return self.covers(place, VILLAGE_MANAGERS | village)

    def officer_places(self) -> list[Place]:
        return [a.place for a in self.assignments if a.role in OFFICER_ROLES]

    def grantable_roles(self, place: Place) -> set[str]:
        granted: set[str] = set()
        for assignment in self.assignments:
            if place.path.startswith(assignment.place.path):
                granted |= GRANTABLE.get(assignment.role, set())
        return granted

    @cached_property
    def organisation_ids(self) -> list[int]:
        return [
            a.organisation_id
            for a in self.assignments
            if a.role == Role.ORG_MANAGER and a.organisation_id is not None
        ]

    @cached_property
    def clan_ids(self) -> list[int]:
        return [
            a.clan_id
            for a in self.assignments
            if a.role == Role.CLAN_MANAGER and a.clan_id is not None
        ]

    def place_condition(self, field_name: str, *, village_level: bool = True) -> Q:
        """Q for records whose place (via `field_name`, a path) lies in the officer subtrees.

        Matches nothing when the user holds no officer role. With
        `village_level=False` village officers are left out (organisations are
        kept by communes, not villages).
        """
        roles = OFFICER_ROLES if village_level else OFFICER_ROLES - {Role.VILLAGE_OFFICER}
        return self.path_filter(roles, field_name) or Q(pk__in=[])

    def path_filter(self, roles: set[str], field_name: str = "path") -> Q | None:
        """Q matching rows whose place path lies in the user's subtrees, None if none."""
        condition: Q | None = None
        for path in self.paths(roles):
            part = Q(**{f"{field_name}__startswith": path})
            condition = part if condition is None else condition | part
        return condition

    def record_condition(self, commune_field: str = "commune", village_field: str = "village") -> Q:
        """`place_condition` for records that store their commune and village ids: a commune
        officer's rows are `commune_id = …` (served by the (commune, …) indexes, no join to
        places), a village officer's `village_id = …`, a district's a semi-join on its
        communes, the province's everything. Matches nothing without an officer role."""
        condition: Q | None = None
        for a in self.assignments:
            if a.role not in OFFICER_ROLES:
                continue
            if a.place.parent_id is None:
                return Q()  # the province itself: every record (no semi-join to mis-plan)
            if a.place.kind == PlaceKind.COMMUNE:
                part = Q(**{f"{commune_field}_id": a.place_id})
            elif a.place.kind == PlaceKind.VILLAGE:
                part = Q(**{f"{village_field}_id": a.place_id})
            else:
                communes = Place.objects.filter(
                    path__startswith=a.place.path, kind=PlaceKind.COMMUNE
                ).values("id")
                part = Q(**{f"{commune_field}_id__in": communes})
            condition = part if condition is None else condition | part
        return condition or Q(pk__in=[])

    def filter_places(self, queryset: Q_T) -> Q_T:
        condition = self.path_filter(OFFICER_ROLES)
        if condition is None:
            return queryset.none()
        if self.is_province:
            # The province also reads the closed pre-2025 map its history is recorded on.
            condition |= Q(valid_to__isnull=False, kind__in=["province", "district", "commune"])
        return queryset.filter(condition)


def scope_of(user: Any) -> Scope:
    """The user's active assignments, computed once per request and cached on the user."""
    if not getattr(user, "is_authenticated", False):
        return Scope()
    cached = getattr(user, "_hoctap_scope", None)
    if cached is None:
        cached = Scope(
            list(RoleAssignment.objects.active().filter(user=user).select_related("place"))
        )
        user._hoctap_scope = cached
    return cached


def forget_scope(user: User) -> None:
    if hasattr(user, "_hoctap_scope"):
        del user._hoctap_scope
