"""Excel template, import and export pages for the movement's lists."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from audit.services import record
from core.http import AuthedRequest, xlsx_response
from movement import models as m
from movement.access import editable_places, require_section
from movement.sheets import SPECS, SheetSpec, UploadForm, export_bytes, import_rows, template_bytes
from movement.views import _chosen_place, _year
from places.models import Place

SECTION = {
    "hoi-vien": "members",
    "hoat-dong": "centres",
    "nguon-luc": "resources",
    "tap-huan": "trainings",
    "truyen-thong": "communication",
    "khen-thuong": "commendations",
}


def _spec(user: Any, kind: str) -> SheetSpec:
    spec = SPECS.get(kind)
    if spec is None:
        raise Http404
    require_section(user, SECTION[kind])
    return spec


@login_required
def template(request: AuthedRequest, kind: str) -> HttpResponse:
    spec = _spec(request.user, kind)
    if not spec.importable:
        raise Http404
    return xlsx_response(template_bytes(spec), f"mau-{kind}.xlsx")


@login_required
def upload(request: AuthedRequest, kind: str) -> HttpResponse:
    spec = _spec(request.user, kind)
    if not spec.importable:
        raise Http404
    places = [p for p in editable_places(request.user) if p.kind == "commune"]
    if not places:
        raise PermissionDenied(_("Bạn không có quyền nhập dữ liệu."))
    raw = request.GET.get("xa") or request.POST.get("xa") or ""
    if raw:
        place = next((p for p in places if str(p.pk) == raw), None)
        if place is None:
            raise Http404
    else:
        place = places[0] if len(places) == 1 else None
    if place is None:
        return render(
            request,
            "movement/choose_place.html",
            {
                "title": _("Nhập từ Excel: %(t)s") % {"t": spec.title},
                "places": places,
                "path": request.path,
            },
        )
    form = UploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = import_rows(
            actor=request.user, spec=spec, place=place, data=form.cleaned_data["file"].read()
        )
    return render(
        request,
        "movement/import.html",
        {"form": form, "report": result, "spec": spec, "place": place},
        status=400 if result is not None and result.errors else 200,
    )


@login_required
def export(request: AuthedRequest, kind: str) -> HttpResponse:
    spec = _spec(request.user, kind)
    records: Any
    if kind == "hoi-vien":
        records = m.Member.objects.visible_to(request.user).select_related("village")
    elif kind == "hoat-dong":
        records = m.Activity.objects.filter(
            centre__in=m.LearningCentre.objects.visible_to(request.user)
        ).select_related("centre", "village")
        year = _year(request)
        if year:
            records = records.filter(start_date__year=year)
    elif kind == "nguon-luc":
        records = m.Contribution.objects.visible_to(request.user)
        year = _year(request)
        if year:
            records = records.filter(date__year=year)
    elif kind == "tap-huan":
        records = m.Training.objects.visible_to(request.user).prefetch_related("attendance")
        year = _year(request)
        if year:
            records = records.filter(date__year=year)
    elif kind == "truyen-thong":
        records = m.Communication.objects.visible_to(request.user)
        year = _year(request)
        if year:
            records = records.filter(date__year=year)
    else:
        records = m.Commendation.objects.visible_to(request.user).select_related("place")
        year = _year(request)
        if year:
            records = records.filter(year=year)
    chosen: Place | None = _chosen_place(request)
    if chosen is not None:
        field = "centre__place__path" if kind == "hoat-dong" else "place__path"
        records = records.filter(**{f"{field}__startswith": chosen.path})
    records = records.search(request.GET.get("q"))
    count = records.count()
    record(
        actor=request.user,
        action=f"export.movement.{kind}",
        note=f"{count} dòng; bộ lọc: {request.GET.urlencode()}",
    )
    return xlsx_response(export_bytes(spec, records.order_by("pk")), f"{kind}.xlsx")
