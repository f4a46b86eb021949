"""Dashboards, statistical reports and targets."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.scope import scope_of
from core.forms import DATABASE_FAILED, apply_errors, error_text
from core.http import AuthedRequest
from places.models import Place, PlaceKind
from stats import dashboard, imports, services
from stats.compute import current_communes, live_figures, refresh_live
from stats.figures import FIGURES, INDICATORS, IndicatorCode
from stats.forms import ReasonForm, ReportForm, TargetForm
from stats.map import default_year, province_map
from stats.models import ReportStatus, StatReport, Target

EDITORS: set[str] = {Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER}
READERS: set[str] = {Role.PROVINCE_ADMIN, Role.PROVINCE_VIEWER, Role.COMMUNE_OFFICER}
REPAIRERS: set[str] = {Role.PROVINCE_ADMIN}


def _year(request: AuthedRequest) -> int:
    raw = request.GET.get("nam", "")
    return int(raw) if raw.isdigit() and 2019 < int(raw) < 2100 else timezone.localdate().year


def _official(request: AuthedRequest) -> bool:
    return request.GET.get("so_lieu") != "tam_tinh"


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if scope.is_province:
        behind = request.GET.get("cham", IndicatorCode.GDHT)
        if behind not in INDICATORS:
            behind = IndicatorCode.GDHT
        official = _official(request)
        # Without ?nam=, the latest year with figures of the kind asked for (official: the
        # last year with approved reports), not an empty current year.
        year = _year(request) if request.GET.get("nam") else default_year(official=official)
        context = dashboard.province_dashboard(year, official=official, behind_code=behind)
        context["indicator_choices"] = IndicatorCode.choices
        # The map and ranking of the indicator chosen for "còn cách xa chỉ tiêu".
        context["map"] = province_map(
            year=year,
            code=behind,
            official=official,
            loaded=context["loaded"],  # type: ignore[arg-type]
        )
        return render(request, "stats/province.html", context)
    communes = [a.place for a in scope.assignments if a.role == Role.COMMUNE_OFFICER]
    if not communes:
        raise Http404
    return redirect(f"{reverse('stats:commune', args=[communes[0].pk])}?{request.GET.urlencode()}")


def _commune_or_404(request: AuthedRequest, pk: int) -> Place:
    commune = get_object_or_404(Place.objects.visible_to(request.user).communes(), pk=pk)
    if not scope_of(request.user).covers(commune, READERS):
        raise Http404
    return commune


@login_required
def commune(request: AuthedRequest, pk: int) -> HttpResponse:
    place = _commune_or_404(request, pk)
    context = dashboard.commune_dashboard(place, _year(request), official=_official(request))
    context["can_refresh"] = scope_of(request.user).covers(place, REPAIRERS)
    return render(request, "stats/commune.html", context)


@login_required
@require_POST
def refresh(request: AuthedRequest, pk: int) -> HttpResponse:
    """A repair tool for the province admin only: provisional figures are recounted by each
    write that changes them (stats.receivers); this redoes one commune-year from scratch
    (a past year, data written outside the services)."""
    place = _commune_or_404(request, pk)
    if not scope_of(request.user).covers(place, REPAIRERS):
        raise Http404
    year = _year(request)
    refresh_live(place, year)
    messages.success(request, _("Đã đếm lại số liệu tạm tính từ sổ đăng ký (sửa chữa)."))
    return redirect(f"{reverse('stats:commune', args=[place.pk])}?nam={year}&so_lieu=tam_tinh")


@login_required
def reports(request: AuthedRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if not scope.roles & READERS:
        raise Http404
    year = _year(request)
    communes = [c for c in current_communes() if scope.covers(c, READERS)]
    existing = {r.commune_id: r for r in StatReport.objects.filter(year=year, commune__in=communes)}
    status = request.GET.get("trang_thai", "")
    rows = [(c, existing.get(c.pk)) for c in communes]
    if status in ReportStatus.values:
        rows = [(c, r) for c, r in rows if r is not None and r.status == status]
    elif status == "chua_lap":
        rows = [(c, r) for c, r in rows if r is None]
    if request.method == "POST":
        if not scope.is_province_admin:
            raise Http404
        chosen = [
            existing[c.pk]
            for c, _r in rows
            if c.pk in existing and str(existing[c.pk].pk) in request.POST.getlist("ids")
        ]
        if request.POST.get("all"):
            chosen = [r for _c, r in rows if r is not None and r.status == ReportStatus.SUBMITTED]
        if request.POST.get("confirm") != str(len(chosen)):
            return render(
                request,
                "stats/approve_confirm.html",
                {"chosen": chosen, "year": year, "post": request.POST},
            )
        try:
            count = services.approve_reports(actor=request.user, reports=chosen)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _("Chưa duyệt báo cáo nào: %(e)s") % {"e": error_text(exc)})
        except DatabaseError:
            messages.error(request, DATABASE_FAILED)
        else:
            messages.success(request, _("Đã duyệt %(n)s báo cáo.") % {"n": count})
        return redirect(f"{reverse('stats:reports')}?nam={year}")
    return render(
        request,
        "stats/reports.html",
        {
            "rows": rows,
            "year": year,
            "statuses": ReportStatus.choices,
            "status": status,
            "is_province": scope.is_province_admin,
            "can_import": imports.may_import(request.user),
        },
    )


def _report_commune(request: AuthedRequest, pk: int) -> Place:
    place = get_object_or_404(Place.objects.visible_to(request.user).communes(), pk=pk)
    if not scope_of(request.user).covers(place, READERS) and not scope_of(request.user).is_province:
        raise Http404
    return place


@login_required
def report(request: AuthedRequest, pk: int, year: int) -> HttpResponse:
    place = _report_commune(request, pk)
    scope = scope_of(request.user)
    can_edit = scope.covers(place, EDITORS)
    found = StatReport.objects.filter(commune=place, year=year).first()
    if found is None:
        if not can_edit or request.method != "POST":
            return render(
                request,
                "stats/report_missing.html",
                {"commune": place, "year": year, "can_edit": can_edit},
            )
        found = services.report_for(actor=request.user, commune=place, year=year)
        return redirect("stats:report", pk=place.pk, year=year)
    form = ReportForm(
        request.POST or None,
        initial={**found.values(), "note": found.note, "version": found.version},
    )
    action = request.POST.get("action", "save")
    if request.method == "POST" and action == "save" and form.is_valid():
        data = form.cleaned_data
        try:
            found = services.save_report(
                actor=request.user,
                report=found,
                values={f.name: data[f.name] for f in FIGURES},
                note=data["note"],
                version=data["version"],
            )
            if request.POST.get("and_submit"):
                found = services.submit_report(
                    actor=request.user, report=found, version=found.version
                )
        except (ValidationError, PermissionDenied) as exc:
            _errors_on(form, exc)
        else:
            messages.success(
                request,
                _("Đã gửi báo cáo lên tỉnh.") if request.POST.get("and_submit") else _("Đã lưu."),
            )
            return redirect("stats:report", pk=place.pk, year=year)
    live = live_figures(place, year) if place.is_current else {}
    rows = [
        {
            "figure": f,
            "field": form[f.name],
            "live": live.get(f.name),
            "differs": f.from_registry
            and live.get(f.name) is not None
            and found.values()[f.name] is not None
            and live.get(f.name) != found.values()[f.name],
        }
        for f in FIGURES
    ]
    return render(
        request,
        "stats/report.html",
        {
            "report": found,
            "form": form,
            "rows": rows,
            "can_edit": can_edit and not found.is_locked,
            "is_province": scope.is_province_admin,
            "reason_form": ReasonForm(),
        },
    )


def _errors_on(form: Any, exc: ValidationError | PermissionDenied) -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        apply_errors(form, exc)


@login_required
@require_POST
def report_action(request: AuthedRequest, pk: int, year: int, action: str) -> HttpResponse:
    place = _report_commune(request, pk)
    if not scope_of(request.user).covers(place, EDITORS):
        raise Http404  # readers (the province viewer) see reports and act on none
    found = get_object_or_404(StatReport, commune=place, year=year)
    reason = request.POST.get("reason", "")
    try:
        if action == "return":
            services.return_report(actor=request.user, report=found, reason=reason)
        elif action == "reopen":
            services.reopen_report(actor=request.user, report=found, reason=reason)
        elif action == "approve":
            services.approve_reports(actor=request.user, reports=[found])
        elif action == "submit":
            services.submit_report(actor=request.user, report=found)
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Đã cập nhật báo cáo."))
    return redirect("stats:report", pk=place.pk, year=year)


@login_required
def targets(request: AuthedRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if not scope.is_province:
        raise Http404
    province = dashboard.province_place()
    place = province
    raw = request.GET.get("xa") or request.POST.get("place")
    if raw and str(raw).isdigit():
        place = get_object_or_404(
            Place.objects.current().filter(kind__in=[PlaceKind.PROVINCE, PlaceKind.COMMUNE]),
            pk=int(raw),
        )
    form = TargetForm(
        request.POST or None,
        initial={
            "place": place.pk,
            "year": 2030,
            "source": "commune" if place.kind == PlaceKind.COMMUNE else "province",
        },
    )
    if request.method == "POST":
        if not scope.is_province_admin:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.set_target(
                    actor=request.user,
                    indicator=data["indicator"],
                    place=place,
                    year=data["year"],
                    value=data["value"],
                    source=data["source"],
                    note=data["note"],
                )
            except (ValidationError, PermissionDenied) as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Đã đặt chỉ tiêu."))
                return redirect(f"{reverse('stats:targets')}?xa={place.pk}")
    rows = (
        Target.objects.filter(place=place)
        .select_related("set_by")
        .order_by("indicator", "year", "source", "-set_at")
    )
    return render(
        request,
        "stats/targets.html",
        {
            "place": place,
            "rows": rows,
            "form": form,
            "communes": current_communes(),
            "is_admin": scope.is_province_admin,
        },
    )
