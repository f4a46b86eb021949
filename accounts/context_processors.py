from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.access import MANAGER_ROLES
from accounts.scope import OFFICER_ROLES, REQUEST_REVIEWERS, scope_of


def roles(request: HttpRequest) -> dict[str, Any]:
    """What the navigation needs to know about the signed-in user, computed lazily."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_of(user)
    return {
        "scope": scope,
        "nav_places": bool(scope.roles & OFFICER_ROLES),
        "nav_requests": bool(scope.roles & REQUEST_REVIEWERS),
        "nav_users": bool(scope.roles & MANAGER_ROLES),
        "nav_stats": bool(scope.roles & {"province_admin", "province_viewer", "commune_officer"}),
        "nav_registry": bool(scope.roles & (OFFICER_ROLES | {"org_manager", "clan_manager"})),
    }
