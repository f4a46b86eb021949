"""Resources: contributions raised and budget estimates."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpResponse

from core.http import AuthedRequest
from movement import models as m
from movement.access import editable_places
from movement.views.common import _chosen_place, _create, _edit, _list, _this_year, _year


@login_required
def resources(request: AuthedRequest) -> HttpResponse:
    year = _year(request) or _this_year()
    qs = (
        m.Contribution.objects.visible_to(request.user)
        .filter(date__year=year)
        .select_related("place")
    )
    if request.GET.get("nguon") in m.Source.values:
        qs = qs.filter(source=request.GET["nguon"])
    if request.GET.get("muc_dich") in m.Purpose.values:
        qs = qs.filter(purpose=request.GET["muc_dich"])
    chosen = _chosen_place(request)
    scoped = qs.filter(place__path__startswith=chosen.path) if chosen else qs
    by_source = {
        row["source"]: row
        for row in scoped.order_by()
        .values("source")
        .annotate(cash=Sum("cash"), in_kind=Sum("in_kind"))
    }
    by_purpose = {
        row["purpose"]: row
        for row in scoped.order_by()
        .values("purpose")
        .annotate(cash=Sum("cash"), in_kind=Sum("in_kind"))
    }
    estimates = (
        m.BudgetEstimate.objects.visible_to(request.user).filter(year=year).select_related("place")
    )
    if chosen:
        estimates = estimates.filter(place__path__startswith=chosen.path)
    totals = scoped.aggregate(cash=Sum("cash"), in_kind=Sum("in_kind"))
    return _list(
        request,
        "contribution",
        "movement/resources.html",
        qs,
        {
            "shown_year": year,
            "sources": [(v, label, by_source.get(v)) for v, label in m.Source.choices],
            "purposes": [(v, label, by_purpose.get(v)) for v, label in m.Purpose.choices],
            "estimates": estimates,
            "estimate_total": sum(e.amount for e in estimates),
            "totals": {
                "cash": totals["cash"] or 0,
                "in_kind": totals["in_kind"] or 0,
                "all": (totals["cash"] or 0) + (totals["in_kind"] or 0),
            },
            "can_import": bool(editable_places(request.user)),
            "can_estimate": bool(editable_places(request.user, province_too=True)),
        },
    )


@login_required
def contribution_create(request: AuthedRequest) -> HttpResponse:
    return _create(request, "contribution")


@login_required
def contribution_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _edit(request, "contribution", pk)


@login_required
def estimate_create(request: AuthedRequest) -> HttpResponse:
    return _create(request, "estimate")


@login_required
def estimate_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _edit(request, "estimate", pk)
