"""The gate for user records: officers manage the users whose roles lie in their places."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role, RoleAssignment, User, UserQuerySet
from accounts.scope import scope_of

MANAGER_ROLES: set[str] = {Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER}


def users_visible_to(user: Any) -> UserQuerySet:
    scope = scope_of(user)
    if scope.is_province_admin:
        return User.objects.all()
    condition = scope.path_filter(MANAGER_ROLES, "place__path")
    if condition is None:
        return User.objects.none()
    inside = RoleAssignment.objects.filter(condition, user=OuterRef("pk"))
    return User.objects.filter(Exists(inside))


def require_user_manager(user: Any) -> None:
    if not scope_of(user).roles & MANAGER_ROLES:
        raise Http404


def get_user_or_404(user: Any, pk: int) -> User:
    require_user_manager(user)
    return get_object_or_404(users_visible_to(user), pk=pk)
