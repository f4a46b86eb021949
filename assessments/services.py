"""The yearly cycle: every step is one function — scope, state, deadline, atomic, audited, counted."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.scope import scope_of
from assessments import calendars as calendar_specs
from assessments import derived as derived_values
from assessments import permissions as can
from assessments.authority import Authority, authority_of
from assessments.calendars import Key
from assessments.models import (
    EDITABLE_STATES,
    OPEN_STATES,
    Assessment,
    CycleYear,
    Decision,
    Revocation,
    Rollup,
    State,
    TitleCalendar,
)
from assessments.signals import decision_issued, revocation_issued
from assessments.subjects import subject_of
from audit.services import record, record_many
from criteria.engine import AnswerError, clean_answer, score, spec_of
from criteria.models import CriteriaSet, CriterionKind
from criteria.titles import TITLES, group_for_occupation
from places.models import Place, PlaceKind
from registry.models import Citizen, Household, ResidenceStatus


class ConflictError(ValidationError):
    """Someone else changed the record since the form was loaded."""


def _deny(message: str | None = None) -> PermissionDenied:
    return PermissionDenied(message or _("Bạn không có quyền thực hiện bước này."))


# --- the year -------------------------------------------------------------------------------


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


# --- registering ----------------------------------------------------------------------------


def choose_set(title: str, year: int, subject: Any, population_group: str = "") -> CriteriaSet:
    sets = CriteriaSet.objects.published().for_year(year).filter(title=title)
    chosen_by = TITLES[title].chosen_by
    if chosen_by == "population_group":
        group = population_group or group_for_occupation(getattr(subject, "occupation", ""))
        sets = sets.filter(population_group=group)
    elif chosen_by == "org_level":
        sets = sets.filter(org_level=getattr(subject, "level", "commune"))
    # The province's own sets win over the shipped defaults; then the newest.
    found = sets.order_by("is_default", "-published_at", "-version").first()
    if found is None:
        raise ValidationError(
            _("Chưa có bộ tiêu chí đang áp dụng cho danh hiệu này năm %(y)s.") % {"y": year}
        )
    return found


@transaction.atomic
def register(
    *, actor: User, title: str, year: int, subject: Any, population_group: str = ""
) -> Assessment:
    spec = subject_of(title)
    kind = spec.kind
    commune, village, name = spec.where(subject)
    probe = Assessment(
        title=title,
        year=year,
        subject_kind=kind,
        commune=commune,
        village=village,
        **{spec.field: subject},
    )
    if not can.can_fill(actor, probe):
        raise _deny()
    _check_deadline(actor, probe, "registration_until", _("đăng ký"))
    existing = Assessment.objects.for_subject(kind, subject).filter(title=title, year=year).first()
    if existing is not None:
        return existing  # registering twice changes nothing
    criteria_set = choose_set(title, year, subject, population_group)
    assessment = Assessment(
        title=title,
        year=year,
        subject_kind=kind,
        subject_name=name[:250],
        commune=commune,
        village=village,
        path=(village or commune).path,
        criteria_set=criteria_set,
        **{spec.field: subject},
    )
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError:
        return Assessment.objects.for_subject(kind, subject).get(title=title, year=year)
    Rollup.bump(
        year=year,
        commune_id=commune.pk,
        village_id=village.pk if village else None,
        title=title,
        state=State.REGISTERED,
        by=1,
    )
    record(
        actor=actor,
        action="assessment.register",
        obj=assessment,
        changes={"state": [None, State.REGISTERED]},
    )
    recompute(assessment)
    return assessment


def subjects_in(title: str, place: Place, year: int) -> Iterable[Any]:
    """Everything in `place` that could bid for `title` (for bulk registration)."""
    return subject_of(title).candidates(place, year)


@transaction.atomic
def register_many(*, actor: User, title: str, year: int, place: Place) -> int:
    """Register every subject of `place` not yet registered; all or nothing."""
    created = 0
    taken = set(
        Assessment.objects.filter(title=title, year=year).values_list(
            f"{subject_of(title).field}_id", flat=True
        )
    )
    for subject in subjects_in(title, place, year):
        if subject.pk in taken:
            continue
        register(actor=actor, title=title, year=year, subject=subject)
        created += 1
    return created


# --- filling in -----------------------------------------------------------------------------


def recompute(assessment: Assessment) -> Assessment:
    """Derived values and the provisional result, from the answers as they stand."""
    spec = spec_of(assessment.criteria_set)
    values = derived_values.compute(assessment, spec)
    held_level, held_months = _held_level(assessment)
    result = score(spec, assessment.answers, values, held_level=held_level, held_months=held_months)
    assessment.derived = derived_values.as_json(values)
    assessment.result = result.as_json()
    assessment.total = result.total
    assessment.passed = result.passed
    assessment.band = result.band
    assessment.level = result.level
    Assessment.objects.filter(pk=assessment.pk).update(
        derived=assessment.derived,
        result=assessment.result,
        total=result.total,
        passed=result.passed,
        band=result.band,
        level=result.level,
    )
    return assessment


def _held_level(assessment: Assessment) -> tuple[int, int]:
    """For leveled titles: the level held from earlier years and for how many months."""
    if not TITLES[assessment.title].leveled:
        return 0, 0
    link = f"{subject_of(assessment.title).field}_id"
    earlier = (
        Assessment.objects.filter(
            title=assessment.title,
            **{link: getattr(assessment, link)},
            state=State.RECOGNISED,
            year__lt=assessment.year,
        )
        .select_related("decision")
        .order_by("-level", "decision__signed_on")
        .first()
    )
    if earlier is None or earlier.decision is None:
        return 0, 0
    reference = dt.date(assessment.year, 12, 31)
    signed = earlier.decision.signed_on
    months = (reference.year - signed.year) * 12 + reference.month - signed.month
    return earlier.level, months


def recompute_containing(changed: Iterable[Assessment]) -> int:
    """Titles were just issued or revoked (`changed`): the open records whose subject
    holds those subjects (a household's clan, village and commune; a citizen's household,
    clan, village, commune and workplace; …: `Subject.containers`), of the years the
    changed titles count for, are recomputed — their derived criteria count these titles.
    Returns how many were."""
    wanted = models.Q(pk__in=[])
    by_title: dict[str, list[Assessment]] = {}
    for row in changed:
        by_title.setdefault(row.title, []).append(row)
    for title, rows in by_title.items():
        spec = subject_of(title)
        ids = [getattr(row, f"{spec.field}_id") for row in rows]
        first = min(row.year for row in rows)
        last = max(row.valid_until.year if row.valid_until else row.year for row in rows)
        wanted |= spec.containers(ids) & models.Q(year__gte=first, year__lte=last)
    dependents = (
        Assessment.objects.filter(wanted, state__in=OPEN_STATES)
        .exclude(pk__in=[row.pk for rows in by_title.values() for row in rows])
        .select_related("criteria_set")
        .order_by("pk")
    )
    count = 0
    for dependent in dependents:
        recompute(dependent)
        count += 1
    return count


def _locked(ids: Iterable[int]) -> list[Assessment]:
    """The rows, locked in id order (two steps on many records never wait on each other
    crosswise), one statement per 2,000, with what the checks read: the places, the
    organisation, the citizen, and the criteria sets (one query for all the rows)."""
    ids = sorted(ids)
    rows: list[Assessment] = []
    for start in range(0, len(ids), 2000):
        rows += (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("commune", "village", "organisation", "citizen")
            .prefetch_related("criteria_set")
            .filter(pk__in=ids[start : start + 2000])
            .order_by("pk")
        )
    return rows


def _already_done(locked: Assessment, version: int | None, done_state: str | None) -> bool:
    """The optimistic lock: the row as the form (or the list) read it, or this exact step
    already taken since (a form posted twice, a second tab); anything else is a conflict."""
    if version is None or locked.version == version:
        return False
    if done_state is not None and locked.state == done_state:
        return True
    raise ConflictError(
        _(
            "Hồ sơ “%(s)s” vừa được người khác cập nhật (trạng thái: %(st)s). Hãy tải lại trang rồi làm tiếp."
        )
        % {"s": locked.subject_name, "st": locked.get_state_display()}
    )


def _lock(
    assessment: Assessment, version: int | None, *, done_state: str | None = None
) -> tuple[Assessment, bool]:
    """The row, locked; (row, True) when this exact step already happened (a form posted twice)."""
    rows = _locked([assessment.pk])
    if not rows:
        raise Assessment.DoesNotExist(f"Assessment {assessment.pk}")
    return rows[0], _already_done(rows[0], version, done_state)


@transaction.atomic
def save_answers(
    *, actor: User, assessment: Assessment, answers: dict[str, Any], version: int | None = None
) -> Assessment:
    locked, _done = _lock(assessment, version)
    if not can.can_fill(actor, locked):
        raise _deny()
    if locked.state not in EDITABLE_STATES:
        raise ValidationError(
            _("Hồ sơ đang ở bước “%(s)s”, không sửa được.") % {"s": locked.get_state_display()}
        )
    _check_deadline(actor, locked, "assessment_until", _("tự đánh giá"))
    spec = spec_of(locked.criteria_set)
    errors: dict[str, str] = {}
    cleaned = dict(locked.answers)
    for criterion in spec.criteria:
        if criterion.code not in answers or criterion.kind == CriterionKind.DERIVED:
            continue
        try:
            cleaned[criterion.code] = clean_answer(criterion, answers[criterion.code])
        except AnswerError as exc:
            errors[criterion.code] = str(exc)
    if errors:
        raise ValidationError({code: [message] for code, message in errors.items()})
    before = locked.answers
    locked.answers = {k: v for k, v in cleaned.items() if v is not None}
    locked.version += 1
    locked.save(update_fields=["answers", "version", "updated_at"])
    changed = {
        k: [before.get(k), locked.answers.get(k)]
        for k in set(before) | set(locked.answers)
        if before.get(k) != locked.answers.get(k)
    }
    if changed:
        record(actor=actor, action="assessment.answers", obj=locked, changes=changed)
    return recompute(locked)


# --- the steps ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Move:
    """One locked row going to a new state: the other fields the step sets, the audit note."""

    assessment: Assessment
    fields: dict[str, Any]
    note: str = ""


def _frozen(value: Any) -> Any:
    """A hashable stand-in for a field value (to group rows that get the same values)."""
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, models.Model):
        return (value.__class__, value.pk)
    return value


def _apply(actor: User, moves: list[_Move], state: str, action: str) -> None:
    """Every transition's writes, for one locked row as for thousands: the rows (one UPDATE
    per distinct set of new values: one for a bulk verification), the counts (one bump per
    place, title and state) and the audit trail (one event per row, in one insert)."""
    now = timezone.now()
    updates: dict[Any, tuple[dict[str, Any], list[int]]] = {}
    counts: Counter[tuple[int, int, int | None, str, str]] = Counter()
    events: dict[tuple[str, str], list[Assessment]] = {}
    for move in moves:
        row, old = move.assessment, move.assessment.state
        for key, value in move.fields.items():
            setattr(row, key, value)
        row.state = state
        row.version += 1
        row.updated_at = now
        updates.setdefault(_frozen(move.fields), (move.fields, []))[1].append(row.pk)
        place = (row.year, row.commune_id, row.village_id, row.title)
        counts[(*place, old)] -= 1
        counts[(*place, state)] += 1
        events.setdefault((old, move.note), []).append(row)
    for fields, ids in updates.values():
        for start in range(0, len(ids), 5000):
            Assessment.objects.filter(pk__in=ids[start : start + 5000]).update(
                state=state, version=F("version") + 1, updated_at=now, **fields
            )
    # In one fixed order, so that two transactions never wait on each other's counts crosswise.
    for (year, commune_id, village_id, title, counted), by in sorted(
        counts.items(), key=lambda item: (*item[0][:2], item[0][2] or 0, *item[0][3:])
    ):
        if by:
            Rollup.bump(
                year=year,
                commune_id=commune_id,
                village_id=village_id,
                title=title,
                state=counted,
                by=by,
            )
    for (old, note), rows in events.items():
        record_many(
            actor=actor,
            action=f"assessment.{action}",
            objects=rows,
            changes={"state": [old, state]},
            note=note,
        )


def _move(
    actor: User, assessment: Assessment, state: str, action: str, note: str = "", **fields: Any
) -> Assessment:
    _apply(actor, [_Move(assessment, fields, note)], state, action)
    return assessment


def _prepare_submit(actor: User, row: Assessment, now: dt.datetime) -> dict[str, Any]:
    recompute(row)
    missing = [
        code for code, reason in row.result.get("failing", []) if reason == _("Chưa trả lời.")
    ]
    if missing:
        raise ValidationError(_("Còn tiêu chí chưa trả lời: %(c)s.") % {"c": ", ".join(missing)})
    return {
        "submitted_at": now,
        "submitted_by": actor,
        "self_submitted": can.is_self(actor, row),
        "returned_reasons": {},
    }


def _prepare_verify(actor: User, row: Assessment, now: dt.datetime) -> dict[str, Any]:
    return {"verified_at": now}


def _prepare_propose(actor: User, row: Assessment, now: dt.datetime) -> dict[str, Any]:
    recompute(row)
    return {"proposed_at": now}


@dataclass(frozen=True)
class Step:
    """One review step, as the record's page, the list's bulk page, the API and `bulk`
    take it (`STEPS`). Taking it (`_take`) checks, for each locked row: who (`may`), the
    state (`sources`), the deadline in its title's calendar, whether the titles it counts
    are settled (`waits`), then the step's own last checks and fields (`prepare`); then
    moves the rows to `target` with `_apply`."""

    name: str  # in the addresses: /binh-xet/<id>/buoc/<name>/, /api/v1/assessments/<id>/<name>
    label: Promise  # the verb of the bulk page and its message: "Xác nhận"
    done: Promise  # the message once taken on one record
    sources: frozenset[str]  # the states it moves from
    target: str  # the state it moves to
    bulk_source: str  # the state of the records the bulk page takes it on
    may: Callable[[Any, Assessment], bool]  # who may (assessments.permissions)
    wrong_state: Promise  # the refusal of a record in another state; %(s)s: that state
    deadline: str  # the `TitleCalendar` date it is taken by (the province admin may pass it)
    deadline_label: Promise
    prepare: Callable[[User, Assessment, dt.datetime], dict[str, Any]]
    function: Callable[..., Assessment]  # the service: function(actor=, assessment=, version=)
    # A review step: a title that counts others waits until they are settled (`_check_counted`).
    waits: bool = False

    def check(self, actor: User, row: Assessment, cycles: Cycles) -> None:
        if not self.may(actor, row):
            raise _deny()
        if row.state not in self.sources:
            raise ValidationError(str(self.wrong_state) % {"s": row.get_state_display()})
        _check_deadline(actor, row, self.deadline, str(self.deadline_label), cycles)
        if self.waits:
            _check_counted(row, cycles)


def _take(step: Step, actor: User, rows: list[Assessment]) -> list[Assessment]:
    """The step on locked rows, the same for one and for many: every row checked first
    (nothing written if one is refused), then each prepared, then all moved at once."""
    cycles: Cycles = {}
    for row in rows:
        step.check(actor, row, cycles)
    now = timezone.now()
    moves = [_Move(row, step.prepare(actor, row, now)) for row in rows]
    _apply(actor, moves, step.target, step.name)
    return rows


def _take_one(name: str, actor: User, assessment: Assessment, version: int | None) -> Assessment:
    step = STEPS[name]
    locked, done = _lock(assessment, version, done_state=step.target)
    if done:
        return locked
    return _take(step, actor, [locked])[0]


@transaction.atomic
def submit(*, actor: User, assessment: Assessment, version: int | None = None) -> Assessment:
    return _take_one("submit", actor, assessment, version)


@transaction.atomic
def verify(*, actor: User, assessment: Assessment, version: int | None = None) -> Assessment:
    return _take_one("verify", actor, assessment, version)


@transaction.atomic
def propose(*, actor: User, assessment: Assessment, version: int | None = None) -> Assessment:
    return _take_one("propose", actor, assessment, version)


# The one table of the review steps, in the order the bulk page offers them.
STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step(
            name="verify",
            label=gettext_lazy("Xác nhận"),
            done=gettext_lazy("Đã xác nhận."),
            sources=frozenset({State.SUBMITTED}),
            target=State.VERIFIED,
            bulk_source=State.SUBMITTED,
            may=can.can_verify,
            wrong_state=gettext_lazy("Chỉ xác nhận được hồ sơ đã tự đánh giá (đang: %(s)s)."),
            deadline="review_until",
            deadline_label=gettext_lazy("bình xét"),
            prepare=_prepare_verify,
            function=verify,
            waits=True,
        ),
        Step(
            name="propose",
            label=gettext_lazy("Đề nghị công nhận"),
            done=gettext_lazy("Đã đề nghị công nhận."),
            sources=frozenset({State.VERIFIED}),
            target=State.PROPOSED,
            bulk_source=State.VERIFIED,
            may=can.can_propose,
            wrong_state=gettext_lazy("Chỉ đề nghị được hồ sơ đã xác nhận (đang: %(s)s)."),
            deadline="proposal_until",
            deadline_label=gettext_lazy("đề nghị công nhận"),
            prepare=_prepare_propose,
            function=propose,
            waits=True,
        ),
        Step(
            name="submit",
            label=gettext_lazy("Nộp"),
            done=gettext_lazy("Đã nộp bản tự đánh giá."),
            sources=frozenset(EDITABLE_STATES),
            target=State.SUBMITTED,
            # A returned record goes back through its own page, to be corrected.
            bulk_source=State.REGISTERED,
            may=can.can_fill,
            wrong_state=gettext_lazy("Chỉ nộp được hồ sơ đang ở bước đăng ký hoặc bị trả lại."),
            deadline="assessment_until",
            deadline_label=gettext_lazy("tự đánh giá"),
            prepare=_prepare_submit,
            function=submit,
        ),
    )
}


@transaction.atomic
def bulk(*, actor: User, step: str, assessments: list[Assessment]) -> int:
    """One step on many records (the list's bulk page), all or none: the rows locked in a
    few statements, each held to the version it was listed with (one changed since is a
    conflict, as on its own page, unless it has already taken this step: then it is left
    out), then taken by the same `_take` as one record. Returns how many moved."""
    chosen = STEPS[step]
    listed = {a.pk: a.version for a in assessments}
    rows = [row for row in _locked(listed) if not _already_done(row, listed[row.pk], chosen.target)]
    return len(_take(chosen, actor, rows))


RETURNABLE = {State.SUBMITTED, State.VERIFIED, State.PROPOSED}


@transaction.atomic
def return_for_correction(
    *, actor: User, assessment: Assessment, reasons: dict[str, str], version: int | None = None
) -> Assessment:
    """Back to the subject's side with a reason per criterion (and/or a general one under "")."""
    locked, done = _lock(assessment, version, done_state=State.RETURNED)
    if done:
        return locked
    if locked.state not in RETURNABLE:
        raise ValidationError(
            _("Hồ sơ ở bước “%(s)s” không trả lại được.") % {"s": locked.get_state_display()}
        )
    allowed = (
        can.can_propose(actor, locked)
        if locked.state == State.PROPOSED
        else (can.can_verify(actor, locked) or can.can_propose(actor, locked))
    )
    if not allowed:
        raise _deny()
    reasons = {code: text.strip() for code, text in reasons.items() if text and text.strip()}
    if not reasons:
        raise ValidationError(_("Hãy ghi lý do trả lại (theo từng tiêu chí hoặc chung)."))
    known = {c.code for c in spec_of(locked.criteria_set).criteria} | {""}
    unknown = sorted(set(reasons) - known)
    if unknown:
        raise ValidationError(
            _("Không có tiêu chí %(c)s trong bộ tiêu chí.") % {"c": ", ".join(unknown)}
        )
    _check_deadline(actor, locked, "review_until", _("bình xét"))
    note = "; ".join(f"{code or _('Chung')}: {text}" for code, text in reasons.items())
    return _move(
        actor,
        locked,
        State.RETURNED,
        "return",
        note=note,
        returned_reasons=reasons,
        returned_to=locked.state,
    )


def _validity_end(assessment: Assessment) -> dt.date:
    return dt.date(assessment.year + max(assessment.criteria_set.validity_years, 1) - 1, 12, 31)


@transaction.atomic
def decide(
    *,
    actor: User,
    assessments: list[Assessment],
    number: str,
    signed_on: dt.date,
    signer_name: str,
    signer_title: str,
    sign_form: str = "",
    authority: str = "",
    not_recognised: dict[int, str] | None = None,
    superior: str | None = None,
    authority_place: Place | None = None,
) -> Decision:
    """Record a recognition decision for proposed assessments of one title, year and authority.

    Those listed in `not_recognised` (id → reason) are closed as not recognised instead.
    Who issues it is the title's authority (`assessments.authority`), in its territory:
    `authority_place` when the page or the API names it, else the first record's; a record
    outside it is refused by name. `authority`/`superior` default to the rule's names.
    """
    not_recognised = not_recognised or {}
    if not assessments:
        raise ValidationError(_("Chọn ít nhất một hồ sơ."))
    ids = sorted(a.pk for a in assessments)
    locked = list(
        Assessment.objects.select_for_update(of=("self",))
        .select_related("commune", "organisation", "criteria_set")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    titles = {(a.title, a.year) for a in locked}
    if len(titles) != 1:
        raise ValidationError(_("Một quyết định chỉ cho một danh hiệu của một năm."))
    title, year = titles.pop()
    cycles: Cycles = {}
    for assessment in locked:
        if assessment.state != State.PROPOSED:
            raise ValidationError(
                _("“%(s)s” chưa được đề nghị (đang: %(st)s).")
                % {"s": assessment.subject_name, "st": assessment.get_state_display()}
            )
        if not can.can_decide(actor, assessment):
            raise _deny(
                _("Bạn không phải cấp có thẩm quyền công nhận “%(s)s”.")
                % {"s": assessment.subject_name}
            )
        _check_deadline(actor, assessment, "decision_until", _("ra quyết định"), cycles)
        if assessment.pk not in not_recognised and not assessment.passed:
            failing = "; ".join(
                f"{c or ''} {r}".strip() for c, r in assessment.result.get("failing", [])
            )
            raise ValidationError(
                _("“%(s)s” chưa đạt tiêu chí: %(f)s") % {"s": assessment.subject_name, "f": failing}
            )
    if not number.strip() or not signer_name.strip():
        raise ValidationError(_("Cần số quyết định và người ký."))
    ruling, authority_place = _issuing(locked, authority_place)
    _check_number(authority_place, number, signed_on.year)
    decision = Decision.objects.create(
        number=number.strip(),
        authority=authority.strip() or ruling.name(authority_place),
        superior=_superior_of(ruling, authority, superior, authority_place),
        authority_place=authority_place,
        signed_on=signed_on,
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
        sign_form=sign_form,
        title=title,
        year=year,
        issued_by=actor,
    )
    for assessment in locked:
        if assessment.pk in not_recognised:
            _move(
                actor,
                assessment,
                State.NOT_RECOGNISED,
                "not_recognised",
                note=not_recognised[assessment.pk],
                decision=decision,
                decision_reason=not_recognised[assessment.pk],
            )
        else:
            _move(
                actor,
                assessment,
                State.RECOGNISED,
                "recognise",
                note=str(decision),
                decision=decision,
                valid_until=_validity_end(assessment),
            )
    record(
        actor=actor,
        action="decision.issue",
        obj=decision,
        changes={"assessments": [None, len(locked)]},
    )
    decision_issued.send(sender=Decision, decision=decision)
    return decision


def _issuing(rows: list[Assessment], place: Place | None) -> tuple[Authority, Place]:
    """Who issues a decision on `rows` (recognition or revocation), and where: one body for
    all of them (a commune-level and a province-level unit are two decisions), and every
    row inside that body's territory — `place` when the page or the API names it, else the
    first row's. A row outside is refused by name."""
    rules: dict[Any, Authority] = {}
    ruling = authority_of(rows[0], rules)
    for row in rows[1:]:
        other = authority_of(row, rules)
        if other.key != ruling.key:
            raise ValidationError(
                _(
                    "“%(a)s” do %(ba)s công nhận, “%(b)s” do %(bb)s công nhận: "
                    "mỗi cơ quan một quyết định riêng."
                )
                % {
                    "a": rows[0].subject_name,
                    "ba": ruling.name(ruling.territory(rows[0])),
                    "b": row.subject_name,
                    "bb": other.name(other.territory(row)),
                }
            )
    territory = place or ruling.territory(rows[0])
    wanted = PlaceKind.PROVINCE if ruling.level == "province" else PlaceKind.COMMUNE
    if territory.kind != wanted:
        raise ValidationError(
            _("Danh hiệu này do %(a)s quyết định, không do cấp %(p)s.")
            % {"a": ruling.name(ruling.territory(rows[0])), "p": territory}
        )
    for row in rows:
        if not row.path.startswith(territory.path):
            raise ValidationError(
                _("“%(s)s” (%(c)s) ở ngoài địa bàn của %(a)s: không đưa vào quyết định này được.")
                % {"s": row.subject_name, "c": row.commune, "a": ruling.name(territory)}
            )
    return ruling, territory


def _superior_of(ruling: Authority, authority: str, superior: str | None, place: Place) -> str:
    """The superior body line: as given; else the rule's, when the body is the rule's."""
    if superior is not None:
        return superior.strip()
    if not authority.strip() or authority.strip() == ruling.name(place):
        return ruling.superior_name(place)
    return ""


def _check_number(place: Place, number: str, year: int) -> None:
    """One number per issuing body and year, recognitions and revocations alike."""
    number = number.strip()
    if (
        Decision.objects.filter(authority_place=place, number=number, year=year).exists()
        or Revocation.objects.filter(
            authority_place=place, number=number, signed_on__year=year
        ).exists()
    ):
        raise ValidationError(
            {"number": _("Số quyết định %(n)s đã được dùng năm %(y)s.") % {"n": number, "y": year}}
        )


@transaction.atomic
def revoke(
    *,
    actor: User,
    assessments: list[Assessment],
    number: str,
    signed_on: dt.date,
    signer_name: str,
    signer_title: str,
    reason: str,
    sign_form: str = "",
    authority: str = "",
    superior: str | None = None,
    authority_place: Place | None = None,
    key: str = "",
) -> Revocation:
    """A revocation decision: recognised titles of one title and year, revoked together by
    who may decide them (the same authority and territory as `decide`), in any later year —
    the title's year closed or not. Each record is audited, the counts move, and its
    certificate stops being valid. `key` (the form's one-time key): the same form posted
    twice records one revocation."""
    if not assessments:
        raise ValidationError(_("Chọn ít nhất một danh hiệu để thu hồi."))
    locked = _locked(a.pk for a in assessments)
    key = key.strip() or uuid.uuid4().hex
    existing = Revocation.objects.filter(key=key).first()
    if existing is not None:
        return existing  # the same form, posted again
    titles = {(a.title, a.year) for a in locked}
    if len(titles) != 1:
        raise ValidationError(_("Một quyết định thu hồi chỉ cho một danh hiệu của một năm."))
    title, year = titles.pop()
    for row in locked:
        if row.state != State.RECOGNISED:
            raise ValidationError(
                _("“%(s)s” không có danh hiệu đang được công nhận để thu hồi (đang: %(st)s).")
                % {"s": row.subject_name, "st": row.get_state_display()}
            )
        if not can.can_decide(actor, row):
            raise _deny(
                _("Bạn không phải cấp có thẩm quyền thu hồi danh hiệu của “%(s)s”.")
                % {"s": row.subject_name}
            )
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do thu hồi.")})
    if not number.strip() or not signer_name.strip():
        raise ValidationError(_("Cần số quyết định và người ký."))
    ruling, authority_place = _issuing(locked, authority_place)
    recognised_on = max(
        (d.signed_on for d in Decision.objects.filter(assessments__in=locked)), default=None
    )
    if recognised_on is not None and signed_on < recognised_on:
        raise ValidationError(
            {
                "signed_on": _(
                    "Ngày ký quyết định thu hồi không được trước ngày công nhận (%(d)s)."
                )
                % {"d": recognised_on.strftime("%d/%m/%Y")}
            }
        )
    _check_number(authority_place, number, signed_on.year)
    revocation = Revocation.objects.create(
        number=number.strip(),
        authority=authority.strip() or ruling.name(authority_place),
        superior=_superior_of(ruling, authority, superior, authority_place),
        authority_place=authority_place,
        signed_on=signed_on,
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
        sign_form=sign_form,
        title=title,
        year=year,
        reason=reason.strip(),
        key=key,
        issued_by=actor,
    )
    now = timezone.now()
    fields = {"revoked_at": now, "revoked_reason": reason.strip(), "revocation": revocation}
    _apply(actor, [_Move(row, fields, str(revocation)) for row in locked], State.REVOKED, "revoke")
    record(
        actor=actor,
        action="revocation.issue",
        obj=revocation,
        changes={"assessments": [None, len(locked)]},
        note=reason.strip(),
    )
    revocation_issued.send(sender=Revocation, revocation=revocation)
    return revocation


def citizens_of_household(household: Household) -> list[Citizen]:
    return list(household.members.filter(status=ResidenceStatus.ACTIVE))
