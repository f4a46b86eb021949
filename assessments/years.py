"""The commune's year and each title's calendar in it: opening, dates, closing one title
or the whole year, and the checks every step makes against them (open, on time, after
the titles it counts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scope import scope_of
from assessments import calendars as calendar_specs
from assessments import permissions as can
from assessments.calendars import Key
from assessments.models import (
    OPEN_STATES,
    Assessment,
    CycleYear,
    TitleCalendar,
)
from assessments.transitions import _deny
from audit.services import record
from places.models import Place, PlaceKind


@transaction.atomic
def open_year(
    *,
    actor: User | None,
    commune: Place,
    year: int,
    deadlines: dict[str, dt.date] | None = None,
    calendars: dict[Key, dict[str, dt.date]] | None = None,
) -> CycleYear:
    """Open a commune's data year with a calendar per title (and unit level) at its
    defaults (`assessments.calendars`). Opening it again adds the calendars it lacks and
    leaves the others as they are. `deadlines` (the same dates for every title) and
    `calendars` (per key) set dates: the province's (or the system's, `actor` None)."""
    if commune.kind != PlaceKind.COMMUNE:
        raise ValidationError(_("Chỉ mở năm bình xét cho xã, phường."))
    if actor is not None and not scope_of(actor).covers(commune, can.COMMUNE_EDITORS):
        raise _deny()
    if (deadlines or calendars) and actor is not None and not can.is_province_admin(actor):
        raise _deny(_("Chỉ cấp tỉnh đặt lịch của từng danh hiệu."))
    unknown = sorted(set(calendars or {}) - set(calendar_specs.KEYS))
    if unknown:
        raise ValidationError(_("Không có lịch cho %(k)s.") % {"k": unknown})
    wanted: dict[Key, dict[str, dt.date]] = {}
    for key in calendar_specs.KEYS:
        values = {
            **calendar_specs.defaults(key, year),
            **(deadlines or {}),
            **(calendars or {}).get(key, {}),
        }
        calendar_specs.check(year, values, key)
        wanted[key] = values
    cycle, created = CycleYear.objects.select_for_update().get_or_create(
        commune=commune, year=year, defaults={"opened_by": actor}
    )
    if not created and cycle.is_closed:
        raise ValidationError(_("Năm %(y)s của %(c)s đã khóa sổ.") % {"y": year, "c": commune})
    existing = {row.key: row for row in cycle.calendars.select_for_update()}
    changes: dict[str, list[Any]] = {}
    for key, values in wanted.items():
        row = existing.get(key)
        if row is None:
            TitleCalendar.objects.create(cycle=cycle, title=key[0], org_level=key[1], **values)
            changed = {name: [None, value] for name, value in values.items()}
        elif deadlines or key in (calendars or {}):
            changed = _set_dates(row, values)
        else:
            continue
        changes.update(
            {
                f"{calendar_specs.label(key)}: {n}": [_iso(a), _iso(b)]
                for n, (a, b) in changed.items()
            }
        )
    if created or changes:
        record(
            actor=actor,
            action="cycle.open" if created else "cycle.calendar",
            obj=cycle,
            changes=changes,
        )
    return cycle


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _set_dates(row: TitleCalendar, values: dict[str, dt.date]) -> dict[str, list[Any]]:
    """The changed dates of one calendar, saved; {field: [before, after]}."""
    changed = {
        name: [getattr(row, name), value]
        for name, value in values.items()
        if getattr(row, name) != value
    }
    if changed:
        for name, (_before, value) in changed.items():
            setattr(row, name, value)
        row.save(update_fields=list(changed))
    return changed


@transaction.atomic
def set_calendar(
    *, actor: User, calendar: TitleCalendar, dates: dict[str, dt.date]
) -> TitleCalendar:
    """The province sets one title's dates in one commune's year (the calendar page)."""
    if not can.is_province_admin(actor):
        raise _deny(_("Chỉ cấp tỉnh sửa lịch của từng danh hiệu."))
    row = (
        TitleCalendar.objects.select_for_update()
        .select_related("cycle__commune")
        .get(pk=calendar.pk)
    )
    values = {**row.dates(), **dates}
    calendar_specs.check(row.cycle.year, values, row.key)
    changed = _set_dates(row, values)
    if changed:
        record(
            actor=actor,
            action="cycle.calendar",
            obj=row,
            changes={n: [_iso(a), _iso(b)] for n, (a, b) in changed.items()},
        )
    return row


def _calendar_of(commune: Place, year: int, title: str, org_level: str) -> TitleCalendar:
    row = (
        TitleCalendar.objects.select_for_update()
        .select_related("cycle")
        .filter(cycle__commune=commune, cycle__year=year, title=title, org_level=org_level)
        .first()
    )
    if row is None:
        raise ValidationError(_("Năm %(y)s chưa được mở.") % {"y": year})
    return row


@transaction.atomic
def close_title(
    *, actor: User, commune: Place, year: int, title: str, org_level: str = ""
) -> TitleCalendar:
    """Close one title of a commune's year: its records become read-only, the other
    titles stay open; the year is closed with its last title."""
    if not scope_of(actor).covers(commune, can.COMMUNE_EDITORS):
        raise _deny()
    row = _calendar_of(commune, year, title, org_level)
    if row.is_closed:
        return row
    now = timezone.now()
    row.closed_at, row.closed_by = now, actor
    row.save(update_fields=["closed_at", "closed_by"])
    record(actor=actor, action="cycle.close_title", obj=row)
    cycle = CycleYear.objects.select_for_update().get(pk=row.cycle_id)
    if not cycle.is_closed and not cycle.calendars.filter(closed_at__isnull=True).exists():
        cycle.closed_at, cycle.closed_by = now, actor
        cycle.save(update_fields=["closed_at", "closed_by"])
    return row


@transaction.atomic
def reopen_title(
    *, actor: User, commune: Place, year: int, title: str, org_level: str = "", reason: str
) -> TitleCalendar:
    """Only the province reopens a closed title, and says why."""
    if not scope_of(actor).is_province_admin:
        raise _deny(_("Chỉ cấp tỉnh được mở lại danh hiệu đã khóa sổ."))
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do mở lại.")})
    row = _calendar_of(commune, year, title, org_level)
    if not row.is_closed:
        return row
    row.closed_at, row.closed_by = None, None
    row.save(update_fields=["closed_at", "closed_by"])
    CycleYear.objects.filter(pk=row.cycle_id).update(closed_at=None, closed_by=None)
    record(actor=actor, action="cycle.reopen_title", obj=row, note=reason.strip())
    return row


@transaction.atomic
def close_year(*, actor: User, commune: Place, year: int) -> CycleYear:
    """Close every title of a commune's year at once."""
    if not scope_of(actor).covers(commune, can.COMMUNE_EDITORS):
        raise _deny()
    cycle = CycleYear.objects.select_for_update().filter(commune=commune, year=year).first()
    if cycle is None:
        raise ValidationError(_("Năm %(y)s chưa được mở.") % {"y": year})
    if cycle.is_closed:
        return cycle
    now = timezone.now()
    still_open = list(cycle.calendars.select_for_update().filter(closed_at__isnull=True))
    TitleCalendar.objects.filter(pk__in=[row.pk for row in still_open]).update(
        closed_at=now, closed_by=actor
    )
    cycle.closed_at, cycle.closed_by = now, actor
    cycle.save()
    record(
        actor=actor,
        action="cycle.close",
        obj=cycle,
        note=", ".join(calendar_specs.label(row.key) for row in still_open),
    )
    return cycle


@transaction.atomic
def reopen_year(*, actor: User, commune: Place, year: int, reason: str) -> CycleYear:
    """Only the province reopens a closed year (every title of it), and says why."""
    if not scope_of(actor).is_province_admin:
        raise _deny(_("Chỉ cấp tỉnh được mở lại năm đã khóa sổ."))
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do mở lại.")})
    cycle = CycleYear.objects.select_for_update().get(commune=commune, year=year)
    closed = list(cycle.calendars.select_for_update().filter(closed_at__isnull=False))
    if not cycle.is_closed and not closed:
        return cycle
    TitleCalendar.objects.filter(pk__in=[row.pk for row in closed]).update(
        closed_at=None, closed_by=None
    )
    cycle.closed_at = None
    cycle.closed_by = None
    cycle.save()
    record(actor=actor, action="cycle.reopen", obj=cycle, note=reason)
    return cycle


# What a step on many records has read once: each (commune, year, title, unit level)'s
# calendar, and whether the titles a title counts are settled there.
Cycles = dict[tuple[Any, ...], Any]


def _cycle(assessment: Assessment, cycles: Cycles | None = None) -> TitleCalendar:
    """The calendar of the assessment's title in its commune's year, refused when the year
    is not open or the title is closed; `cycles` keeps those already read (a step on many
    records reads each once)."""
    title, level = calendar_specs.key_of(assessment)
    key = (assessment.commune_id, assessment.year, title, level)
    found = cycles.get(key) if cycles is not None else None
    if found is None:
        found = (
            TitleCalendar.objects.filter(
                cycle__commune_id=assessment.commune_id,
                cycle__year=assessment.year,
                title=title,
                org_level=level,
            )
            .only(*calendar_specs.DATES, "closed_at", "title", "org_level")
            .first()
        )
        if found is None:
            raise ValidationError(
                _("Năm %(y)s chưa được mở cho %(c)s.")
                % {"y": assessment.year, "c": assessment.commune}
            )
        if cycles is not None:
            cycles[key] = found
    if found.is_closed:
        raise ValidationError(
            _("Danh hiệu “%(t)s” năm %(y)s của %(c)s đã khóa sổ; mọi hồ sơ chỉ được xem.")
            % {"t": calendar_specs.label(found.key), "y": assessment.year, "c": assessment.commune}
        )
    return found


def check_open(assessment: Assessment) -> None:
    """Refused unless the assessment's title is open in its commune's year (evidence)."""
    _cycle(assessment)


def _check_deadline(
    actor: User, assessment: Assessment, field: str, label: str, cycles: Cycles | None = None
) -> None:
    cycle = _cycle(assessment, cycles)
    deadline: dt.date = getattr(cycle, field)
    if timezone.localdate() > deadline and not can.is_province_admin(actor):
        raise ValidationError(
            _("Đã quá hạn %(what)s (%(d)s) của năm %(y)s.")
            % {"what": label, "d": deadline.strftime("%d/%m/%Y"), "y": assessment.year}
        )


def _unsettled(commune_id: int, year: int, key: Key) -> int:
    """How many records of a counted title are still open in a commune's year: none once
    the title is closed there."""
    title, level = key
    closed = TitleCalendar.objects.filter(
        cycle__commune_id=commune_id,
        cycle__year=year,
        title=title,
        org_level=level,
        closed_at__isnull=False,
    ).exists()
    if closed:
        return 0
    pending = Assessment.objects.filter(
        commune_id=commune_id, year=year, title=title, state__in=OPEN_STATES
    )
    if level:
        pending = pending.filter(organisation__level=level)
    return pending.count()


def _check_counted(assessment: Assessment, cycles: Cycles) -> None:
    """A title that counts others (a clan, a village: learning families; the commune: every
    title) is reviewed once those are settled in its commune and year — closed, or none of
    their records still open — so that what it counts no longer moves."""
    for key in calendar_specs.waits_for(calendar_specs.key_of(assessment)):
        seen = ("settled", assessment.commune_id, assessment.year, *key)
        if seen not in cycles:
            cycles[seen] = _unsettled(assessment.commune_id, assessment.year, key)
        if cycles[seen]:
            counted = calendar_specs.label(key)
            raise ValidationError(
                _(
                    "Chưa bình xét được “%(t)s”: danh hiệu “%(w)s” năm %(y)s của %(c)s còn %(n)s "
                    "hồ sơ chưa có quyết định. Hãy ra quyết định cho các hồ sơ đó hoặc khóa sổ "
                    "danh hiệu “%(w)s” trước."
                )
                % {
                    "t": calendar_specs.label(calendar_specs.key_of(assessment)),
                    "w": counted,
                    "y": assessment.year,
                    "c": assessment.commune,
                    "n": cycles[seen],
                }
            )
