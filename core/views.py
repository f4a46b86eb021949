from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from accounts.scope import OFFICER_ROLES, scope_of


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "not ready"
        return JsonResponse({"status": "error", "database": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Officers start at the top place they look after; others at their own page."""
    scope = scope_of(request.user)
    if scope.roles & OFFICER_ROLES:
        return redirect("places:home")
    if scope.organisation_ids:
        return redirect("registry:organisation_detail", pk=scope.organisation_ids[0])
    if scope.clan_ids:
        return redirect("registry:clan_detail", pk=scope.clan_ids[0])
    if getattr(request.user, "citizen_record", None) is not None:
        return redirect("portal:home")
    return render(request, "core/home.html", {"assignments": scope.assignments})
