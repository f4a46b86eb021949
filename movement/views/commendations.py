"""Commendations: proposals, their review, and the public list of exemplary ones."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.forms import apply_errors
from core.http import AuthedRequest
from movement import forms as f
from movement import models as m
from movement import services
from movement.access import can_edit, reviewers_cover
from movement.views.common import KINDS, _create, _edit, _form_page, _get, _list, _year


@login_required
def commendation_list(request: AuthedRequest) -> HttpResponse:
    qs = m.Commendation.objects.visible_to(request.user).select_related("place", "village")
    year = _year(request)
    if year:
        qs = qs.filter(year=year)
    status = request.GET.get("trang_thai", "")
    if status in m.CommendationStatus.values:
        qs = qs.filter(status=status)
    return _list(
        request,
        "commendation",
        "movement/commendation_list.html",
        qs,
        {"statuses": m.CommendationStatus.choices},
    )


@login_required
def commendation_create(request: AuthedRequest) -> HttpResponse:
    return _create(request, "commendation")


@login_required
def commendation_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _edit(request, "commendation", pk)


@login_required
def commendation_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _get(request.user, KINDS["commendation"], pk)
    return render(
        request,
        "movement/commendation_detail.html",
        {
            "item": item,
            "can_edit": can_edit(request.user, item.place)
            and item.status == m.CommendationStatus.PROPOSED,
            "can_review": reviewers_cover(request.user, item.place, item.level),
        },
    )


@login_required
def commendation_review(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _get(request.user, KINDS["commendation"], pk)
    if not reviewers_cover(request.user, item.place, item.level):
        raise PermissionDenied(_("Bạn không có thẩm quyền xét đề nghị này."))
    form = f.ReviewForm(
        request.POST or None,
        initial={
            "status": item.status if item.status != m.CommendationStatus.PROPOSED else "",
            "decision": item.decision,
            "decision_date": item.decision_date,
            "exemplary": item.exemplary,
            "review_note": item.review_note,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.review_commendation(
                actor=request.user, commendation=item, data=form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi kết quả xét."))
            return redirect("movement:commendation_detail", pk=item.pk)
    return _form_page(
        request,
        form,
        title=_("Xét đề nghị: %(o)s") % {"o": item},
        place=item.place,
        back=reverse("movement:commendation_detail", args=[item.pk]),
    )


def exemplary(request: AuthedRequest, year: int) -> HttpResponse:
    """Public: the year's exemplary collectives and individuals — name and place only."""
    if not 2000 <= year <= 2100:
        raise Http404
    rows = (
        m.Commendation.objects.filter(
            year=year, exemplary=True, status=m.CommendationStatus.APPROVED
        )
        .select_related("place", "village")
        .order_by("subject_kind", "place__name", "name")
    )
    years = sorted(
        set(
            m.Commendation.objects.filter(exemplary=True).values_list("year", flat=True).distinct()
        ),
        reverse=True,
    )
    return render(
        request,
        "movement/exemplary.html",
        {
            "year": year,
            "collectives": [r for r in rows if r.subject_kind == m.SubjectKind.COLLECTIVE],
            "individuals": [r for r in rows if r.subject_kind == m.SubjectKind.INDIVIDUAL],
            "years": years,
        },
    )
