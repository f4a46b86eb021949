"""The movement's home page: the year's indicators for the user's place."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from accounts.scope import scope_of
from core.http import AuthedRequest
from movement import indicators
from movement.access import require_section
from movement.views.common import _this_year, _year
from places.models import Place, PlaceKind


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    scope = scope_of(request.user)
    require_section(request.user, "centres")
    year = _year(request) or _this_year()
    place: Place | None
    if scope.is_province:
        place = Place.objects.current().get(kind=PlaceKind.PROVINCE, parent__isnull=True)
    else:
        places = [a.place for a in scope.assignments if a.role in ("commune_officer",)]
        villages = [a.place.parent for a in scope.assignments if a.role == "village_officer"]
        place = (places or villages or [None])[0]
    if place is None:
        raise Http404
    return render(
        request,
        "movement/home.html",
        {
            "summary": indicators.summary(place, year),
            "year": year,
            "private": bool(scope.roles & {"province_admin", "province_viewer", "commune_officer"}),
        },
    )
