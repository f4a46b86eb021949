"""The year's activities of the learning centres the user sees."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import HttpResponse
from django.shortcuts import render

from core.http import AuthedRequest
from movement import models as m
from movement.access import editable_places, require_section
from movement.views.common import PAGE_SIZE, _chosen_place, _filter_communes, _this_year, _year


@login_required
def activity_list(request: AuthedRequest) -> HttpResponse:
    require_section(request.user, "centres")
    year = _year(request) or _this_year()
    centres = m.LearningCentre.objects.visible_to(request.user)
    qs = m.Activity.objects.filter(centre__in=centres, start_date__year=year).select_related(
        "centre__place", "village"
    )
    chosen = _chosen_place(request)
    if chosen is not None:
        qs = qs.filter(centre__place__path__startswith=chosen.path)
    qs = qs.search(request.GET.get("q"))
    totals = qs.aggregate(n=Count("id"), people=Sum("participants"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("q", None)
    return render(
        request,
        "movement/activity_list.html",
        {
            "page": page,
            "q": request.GET.get("q", ""),
            "extra_query": (params.urlencode() + "&") if params else "",
            "query": request.GET.urlencode(),
            "communes": _filter_communes(request),
            "chosen": chosen,
            "year": year,
            "totals": totals,
            "can_import": bool(editable_places(request.user)),
        },
    )
