"""A commune's year, title by title: its calendars (read by the commune, edited by the
province), closing one title, reopening it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scope import scope_of
from assessments import calendars as specs
from assessments import permissions as can
from assessments import services
from assessments.forms import CalendarForm
from assessments.models import OPEN_STATES, Assessment, CycleYear, TitleCalendar
from core.forms import apply_errors, error_text
from core.http import AuthedRequest


def _rows(cycle: CycleYear) -> list[TitleCalendar]:
    """The year's calendars in the order of `assessments.calendars`."""
    order = {key: i for i, key in enumerate(specs.KEYS)}
    rows = list(cycle.calendars.select_related("closed_by"))
    return sorted(rows, key=lambda row: (order.get(row.key, len(order)), row.pk))


def _open_counts(cycle: CycleYear) -> dict[tuple[str, str], int]:
    """Records still open per title calendar of the year (what a close leaves undecided)."""
    counts: dict[tuple[str, str], int] = {}
    found = (
        Assessment.objects.filter(commune=cycle.commune, year=cycle.year, state__in=OPEN_STATES)
        .values_list("title", "organisation__level")
        .annotate(n=Count("id"))
        .order_by()
    )
    for title, level, n in found:
        key = specs.key_of_parts(title, level or "")
        counts[key] = counts.get(key, 0) + n
    return counts


@login_required
def calendar(request: AuthedRequest, pk: int) -> HttpResponse:
    """Every title's dates in a commune's year, with the source of each default."""
    cycle = can.get_cycle_year_or_404(request.user, pk)
    scope = scope_of(request.user)
    pending = _open_counts(cycle)
    rows = []
    for row in _rows(cycle):
        spec = specs.CALENDARS.get(row.key)
        sources = specs.sources(row.key, cycle.year, row.dates())
        rows.append(
            {
                "row": row,
                "label": specs.label(row.key),
                "dates": [
                    (specs.DATE_LABELS[name], getattr(row, name), sources[name])
                    for name in specs.DATES
                ],
                "waits_for": [specs.label(key) for key in specs.waits_for(row.key)],
                "waits_why": spec.waits_why if spec else "",
                "note": spec.note if spec else "",
                "pending": pending.get(row.key, 0),
            }
        )
    return render(
        request,
        "assessments/calendar.html",
        {
            "cycle": cycle,
            "rows": rows,
            "date_labels": [specs.DATE_LABELS[name] for name in specs.DATES],
            "can_close": scope.covers(cycle.commune, can.COMMUNE_EDITORS),
            "is_province_admin": scope.is_province_admin,
            "may_open_years": can.may_open_years(request.user),
        },
    )


@login_required
def calendar_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """The province sets the dates of a commune's year, title by title (and, at will, the
    dates it changes for every commune that opened the year)."""
    cycle = can.get_cycle_year_or_404(request.user, pk, write="province")
    rows = _rows(cycle)
    form = CalendarForm(rows, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            changed = _save(request, cycle, rows, form)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã lưu lịch năm %(y)s: %(n)s lịch danh hiệu thay đổi.")
                % {"y": cycle.year, "n": changed},
            )
            return redirect("assessments:calendar", pk=cycle.pk)
    table = [
        {
            "label": specs.label(row.key),
            "closed": row.is_closed,
            "fields": [
                (form[CalendarForm.name_of(row, name)], source)
                for name, source in specs.sources(row.key, cycle.year, row.dates()).items()
            ],
        }
        for row in rows
    ]
    return render(
        request,
        "assessments/calendar_edit.html",
        {
            "cycle": cycle,
            "form": form,
            "table": table,
            "date_labels": [specs.DATE_LABELS[name] for name in specs.DATES],
        },
    )


@transaction.atomic
def _save(request: AuthedRequest, cycle: CycleYear, rows: list[Any], form: CalendarForm) -> int:
    """All or nothing: the changed dates of this commune's calendars, and with `everywhere`
    the same dates in the same title's calendar of every other commune's open year."""
    changed = 0
    for row in rows:
        dates = form.changed_dates(row)
        if not dates:
            continue
        targets = [row]
        if form.cleaned_data["everywhere"]:
            targets += list(
                TitleCalendar.objects.filter(
                    cycle__year=cycle.year,
                    cycle__closed_at__isnull=True,
                    title=row.title,
                    org_level=row.org_level,
                )
                .exclude(pk=row.pk)
                .order_by("pk")
            )
        for target in targets:
            services.set_calendar(actor=request.user, calendar=target, dates=dates)
            changed += 1
    return changed


@login_required
@require_POST
def title_close(request: AuthedRequest, pk: int) -> HttpResponse:
    row = can.get_title_calendar_or_404(request.user, pk, write="close")
    cycle = row.cycle
    try:
        services.close_title(
            actor=request.user,
            commune=cycle.commune,
            year=cycle.year,
            title=row.title,
            org_level=row.org_level,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            _("Đã khóa sổ danh hiệu “%(t)s” năm %(y)s của %(c)s; các danh hiệu khác vẫn mở.")
            % {"t": specs.label(row.key), "y": cycle.year, "c": cycle.commune},
        )
    return redirect("assessments:calendar", pk=cycle.pk)


@login_required
@require_POST
def title_reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    row = can.get_title_calendar_or_404(request.user, pk, write="province")
    cycle = row.cycle
    try:
        services.reopen_title(
            actor=request.user,
            commune=cycle.commune,
            year=cycle.year,
            title=row.title,
            org_level=row.org_level,
            reason=request.POST.get("reason", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            _("Đã mở lại danh hiệu “%(t)s” năm %(y)s của %(c)s.")
            % {"t": specs.label(row.key), "y": cycle.year, "c": cycle.commune},
        )
    return redirect("assessments:calendar", pk=cycle.pk)
