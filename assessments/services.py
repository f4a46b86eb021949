"""The yearly cycle: every step is one function — scope, state, deadline, atomic, audited, counted.

Registering, filling in and the review steps live here; the year and its calendars in
`assessments.years`, decisions and revocations in `assessments.decisions`, the shared
transition in `assessments.transitions`. Callers read them all from here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from assessments import derived as derived_values
from assessments import permissions as can
from assessments.decisions import decide as decide
from assessments.decisions import revoke as revoke
from assessments.models import (
    EDITABLE_STATES,
    OPEN_STATES,
    Assessment,
    Rollup,
    State,
)
from assessments.signals import registered
from assessments.subjects import subject_of, suggested_group
from assessments.transitions import ConflictError as ConflictError
from assessments.transitions import _already_done, _apply, _deny, _lock, _locked, _Move, _move
from assessments.years import Cycles, _check_counted, _check_deadline
from assessments.years import check_open as check_open
from assessments.years import close_title as close_title
from assessments.years import close_year as close_year
from assessments.years import open_year as open_year
from assessments.years import reopen_title as reopen_title
from assessments.years import reopen_year as reopen_year
from assessments.years import set_calendar as set_calendar
from audit.services import record
from criteria.engine import AnswerError, clean_answer, score, spec_of
from criteria.models import CriteriaSet, CriterionKind
from criteria.titles import TITLES
from places.models import Place
from registry.models import Citizen, Household, ResidenceStatus

# --- registering ----------------------------------------------------------------------------


def choose_set(title: str, year: int, subject: Any, population_group: str = "") -> CriteriaSet:
    sets = CriteriaSet.objects.published().for_year(year).filter(title=title)
    chosen_by = TITLES[title].chosen_by
    if chosen_by == "population_group":
        group = population_group or suggested_group(subject)
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
    assessment = _register(
        actor=actor, title=title, year=year, subject=subject, population_group=population_group
    )
    registered.send(sender=Assessment, communes=[assessment.commune_id], year=year)
    return assessment


def _register(
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
    spec.refuse_ineligible(subject, year, population_group)  # e.g. a child, posted directly
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
    communes = set()
    for subject in subjects_in(title, place, year):
        if subject.pk in taken:
            continue
        communes.add(_register(actor=actor, title=title, year=year, subject=subject).commune_id)
        created += 1
    if communes:  # once, not per subject: a commune's figures are recounted in one go
        registered.send(sender=Assessment, communes=sorted(communes), year=year)
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


def citizens_of_household(household: Household) -> list[Citizen]:
    return list(household.members.filter(status=ResidenceStatus.ACTIVE))
