"""The home at "/": each role's "Việc cần làm"."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from accounts.models import Role
from accounts.scope import scope_of
from core.http import AuthedRequest
from stats import dashboard
from stats.figures import INDICATORS, IndicatorCode
from stats.map import default_year, province_map
from today.services import home_for

WORKERS = {
    Role.PROVINCE_ADMIN,
    Role.PROVINCE_VIEWER,
    Role.COMMUNE_OFFICER,
    Role.VILLAGE_OFFICER,
    Role.ORG_MANAGER,
    Role.CLAN_MANAGER,
}


def _leader_context(request: AuthedRequest) -> dict[str, object]:
    """The province's overview: the indicators against the 2025/2030 targets, the map and
    the ranking of the chosen indicator and year (?chi_so=, ?nam=, ?so_lieu=tam_tinh)."""
    official = request.GET.get("so_lieu") != "tam_tinh"
    raw = request.GET.get("nam", "")
    year = int(raw) if raw.isdigit() and 2019 < int(raw) < 2100 else default_year(official=official)
    code = request.GET.get("chi_so", IndicatorCode.GDHT)
    if code not in INDICATORS:
        code = IndicatorCode.GDHT
    overview = dashboard.province_overview(year, official=official)
    return {
        "year": year,
        "official": official,
        "rows": overview["rows"],
        "reported": overview["reported"],
        "communes_count": overview["communes_count"],
        # The figures the overview has just read, not read again (stats.map.province_map).
        "map": province_map(
            year=year,
            code=code,
            official=official,
            loaded=overview["loaded"],  # type: ignore[arg-type]
        ),
        "years": list(range(dashboard.FIRST_YEAR, dashboard.LAST_YEAR + 1)),
    }


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """Officers and managers: what waits on them. A citizen: their own portal. Anyone
    without a working role: their assignments and whom to ask."""
    scope = scope_of(request.user)
    if not scope.roles & WORKERS:
        if getattr(request.user, "citizen_record", None) is not None:
            return redirect("portal:home")
        return render(request, "accounts/home.html", {"assignments": scope.assignments})
    found = home_for(request.user)
    context: dict[str, object] = {"home": found, "assignments": scope.assignments}
    if found.is_leader:
        context.update(_leader_context(request))
    return render(request, "today/home.html", context)
