"""One commune's years of the cycle at benchmark scale: assessments for every title,
decisions for the closed years, certificates of the last closed year.

Scoring millions of assessments through the engine one by one would dominate the
run, so each criteria set is scored once for a handful of answer patterns (passing
and failing ones) and the stored answers/result JSON are reused — they are exactly
what `services.recompute` would store for those answers.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import itertools
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection

from assessments import calendars
from assessments import derived as derived_values
from assessments.models import Assessment, CycleYear, Decision, State, TitleCalendar
from assessments.services import choose_set
from core.bulk import RowTemplate, copy_field, copy_lines, insert_rows, reserve_ids
from core.text import fold
from criteria.engine import DerivedValue, SetSpec, _threshold, score, spec_of
from criteria.models import CriteriaSet, CriterionKind
from criteria.titles import SUBJECT_OF, PopulationGroup, SubjectKind, Title
from demo import names
from demo.scale_registry import CommuneRows
from recognition.models import Certificate

UTC = dt.UTC
PATTERNS = 6
TITLES = [Title.GDHT, Title.CDHT, Title.DHHT, Title.CDHT_THON, Title.DVHT, Title.XA_HT]
# How each title's recognised share sits against the commune's own level.
TITLE_OFFSET = {
    Title.GDHT: 0.0,
    Title.DHHT: -0.03,
    Title.CDHT_THON: 0.02,
    Title.DVHT: 0.05,
    Title.XA_HT: -0.1,
    Title.CDHT: 0.0,
}
# The open (current) year: where each registered subject stands in November.
OPEN_STATES = [
    (State.REGISTERED, 20),
    (State.SUBMITTED, 35),
    (State.VERIFIED, 18),
    (State.PROPOSED, 12),
    (State.RETURNED, 5),
]
# How far along the review each state is, and its version (one per transition).
REACHED = {"registered": 0, "submitted": 1, "returned": 2, "verified": 2, "proposed": 3}
VERSION = {"registered": 1, "submitted": 2, "returned": 3, "verified": 3}
# The commune's own level (its share of recognised subjects before the title's offset):
# drawn first from the commune's cycle stream, so the demo's history can match it.
LEVEL_RANGE = (0.6, 0.86)
RETURN_REASON = json.dumps({"": "Bổ sung minh chứng cho các tiêu chí đã chấm."}, ensure_ascii=False)
NOT_RECOGNISED_REASON = "Chưa đạt đủ tiêu chí theo kết quả bình xét."
REVOKE_REASON = "Phát hiện kê khai chưa đúng sau khi công nhận."


@dataclass(frozen=True)
class Pattern:
    answers: str
    derived: str
    result: str
    total: str | None
    passed: bool | None
    band: str
    level: int


@dataclass
class SetPatterns:
    set_id: int
    validity_years: int
    empty: Pattern
    passing: list[Pattern]
    failing: list[Pattern]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _pattern(spec: SetSpec, answers: dict[str, Any], derived: dict[str, DerivedValue]) -> Pattern:
    result = score(spec, answers, derived)
    return Pattern(
        answers=_dumps(answers),
        derived=_dumps(derived_values.as_json(derived)),
        result=_dumps(result.as_json()),
        total=str(result.total),
        passed=result.passed,
        band=result.band,
        level=result.level,
    )


def _answers(spec: SetSpec, rng: random.Random, good: bool) -> tuple[dict, dict]:
    answers: dict[str, Any] = {}
    derived: dict[str, DerivedValue] = {}
    for criterion in spec.criteria:
        ok = good or rng.random() < 0.6
        if criterion.kind == CriterionKind.YESNO:
            answers[criterion.code] = ok
        elif criterion.kind == CriterionKind.NUMBER:
            threshold = int(criterion.threshold or 1)
            answers[criterion.code] = str(
                threshold + rng.randint(0, 2) if ok else max(0, threshold - 1)
            )
        elif criterion.kind == CriterionKind.SCORE:
            top = int(criterion.points)
            answers[criterion.code] = str(
                rng.randint(max(0, top - 2), top)
                if good
                else rng.randint(max(0, top // 2 - 2), top)
            )
        elif criterion.kind == CriterionKind.CHOICE:
            options = [
                i for i, o in enumerate(criterion.options) if bool(o.get("passes", True)) == ok
            ]
            answers[criterion.code] = rng.choice(options or list(range(len(criterion.options))))
        elif criterion.kind == CriterionKind.DERIVED:
            limit = _threshold(criterion, 1) or Decimal(0)
            below = criterion.params.get("compare", ">=") == "<="
            step = Decimal(rng.randint(0, 20) if ok else rng.randint(5, 20))
            if ok:
                value = limit if below else limit + step
            else:
                value = limit + 1 if below else max(Decimal(0), limit - step)
            derived[criterion.code] = DerivedValue(value, numerator=0, denominator=0)
    return answers, derived


def patterns_for(criteria_set: CriteriaSet, seed: int) -> SetPatterns:
    spec = spec_of(criteria_set)
    rng = random.Random(f"{seed}:{criteria_set.family}:{criteria_set.version}")
    passing: list[Pattern] = []
    failing: list[Pattern] = []
    for _attempt in range(200):
        if len(passing) >= PATTERNS and len(failing) >= PATTERNS // 2:
            break
        want = len(passing) < PATTERNS
        pattern = _pattern(spec, *_answers(spec, rng, want))
        (passing if pattern.passed else failing).append(pattern)
    return SetPatterns(
        set_id=criteria_set.pk,
        validity_years=criteria_set.validity_years,
        empty=_pattern(spec, {}, {}),
        passing=passing[:PATTERNS] or failing[:1],
        failing=failing[: PATTERNS // 2] or passing[:1],
    )


class CriteriaBook:
    """The criteria set each (title, form, year) is assessed on, with its patterns."""

    def __init__(self, years: list[int], seed: int) -> None:
        self.sets: dict[tuple[str, str, int], SetPatterns] = {}
        cache: dict[int, SetPatterns] = {}
        forms: dict[str, list[str]] = {
            Title.CDHT: list(PopulationGroup.values),
            Title.DVHT: ["commune"],
        }
        for year in years:
            for title in TITLES:
                for form in forms.get(title, [""]):
                    probe = _Probe(occupation=_OCCUPATION_OF.get(form, ""), level=form or "commune")
                    try:
                        found = choose_set(title, year, probe)
                    except ValidationError:  # no set for that year: the title is not assessed
                        continue
                    if found.pk not in cache:
                        cache[found.pk] = patterns_for(found, seed)
                    self.sets[(title, form, year)] = cache[found.pk]

    def get(self, title: str, year: int, form: str = "") -> SetPatterns | None:
        return self.sets.get((title, form, year))


_OCCUPATION_OF: dict[str, str] = {
    PopulationGroup.WORKER: "worker",
    PopulationGroup.OFFICIAL: "official",
    PopulationGroup.STUDENT: "student",
    PopulationGroup.RESIDENT: "farmer",
}
_GROUP_OF = {"worker": "worker", "official": "official", "student": "student"}


@dataclass
class _Probe:
    occupation: str
    level: str


def _ts(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 2, 0, tzinfo=UTC)


@functools.cache
def _db_ts(year: int, month: int, day: int) -> Any:
    """`_ts` as the database takes it in a raw row (rows bypass the field adapters)."""
    return connection.ops.adapt_datetimefield_value(_ts(year, month, day))


@functools.cache
def _db_date(year: int, month: int, day: int) -> Any:
    return connection.ops.adapt_datefield_value(dt.date(year, month, day))


ASSESSMENT_COLUMNS = [
    "title",
    "year",
    "subject_kind",
    "household_id",
    "clan_id",
    "village_subject_id",
    "organisation_id",
    "citizen_id",
    "commune_subject_id",
    "subject_name",
    "search_key",
    "commune_id",
    "village_id",
    "path",
    "criteria_set_id",
    "state",
    "answers",
    "derived",
    "result",
    "total",
    "passed",
    "band",
    "level",
    "returned_reasons",
    "returned_to",
    "submitted_at",
    "submitted_by_id",
    "self_submitted",
    "verified_at",
    "proposed_at",
    "decision_id",
    "decision_reason",
    "valid_until",
    "revoked_at",
    "revoked_reason",
    "version",
    "created_at",
    "updated_at",
]


@dataclass
class CycleContext:
    seed: int
    years: list[int]
    book: CriteriaBook
    officer_id: int  # who moved the records (the commune officer)
    admin_id: int  # who issued the decisions
    # Where the open year's records stand (state, weight); OPEN_STATES unless given. The
    # demo adds decided states (recognised, not recognised) for communes that decided early,
    # signed on `decided_on` (a date of the open year, not in the future).
    open_states: list[tuple[str, int]] | None = None
    decided_on: dt.date | None = None


def cycle_rng(seed: int, code: str) -> random.Random:
    return random.Random(f"{seed}:{code}:cycle")


def commune_level(seed: int, code: str) -> float:
    """The level `write_cycle` draws for the commune (the first draw of its stream)."""
    return cycle_rng(seed, code).uniform(*LEVEL_RANGE)


def write_cycle(rows: CommuneRows, ctx: CycleContext) -> dict[str, int]:
    """Assessments of every title for every year, the commune's cycle years and decisions."""
    commune = rows.commune
    rng = cycle_rng(ctx.seed, commune.code)
    level = rng.uniform(*LEVEL_RANGE)  # leaders and laggards (the first draw: commune_level)
    current = ctx.years[-1]
    open_states = ctx.open_states or OPEN_STATES
    open_names = [str(s) for s, _w in open_states]
    open_cumulative = list(itertools.accumulate(w for _s, w in open_states))
    _cycle_years(commune.id, ctx)

    # subjects of each title: (subject field values, commune id, village id, path, name, form)
    subjects: dict[str, list[tuple]] = {
        Title.GDHT: [(h[0], commune.id, h[1], h[2], h[3], "") for h in rows.households],
        Title.CDHT: [
            (a[0], commune.id, a[1], a[2], a[3], _GROUP_OF.get(a[4], "resident"), a[5])
            for a in rows.adults
        ],
        Title.DHHT: [(c[0], c[1], c[2], c[3], c[4], "") for c in rows.clans],
        Title.CDHT_THON: [(v.id, commune.id, v.id, v.path, v.name, "") for v in rows.villages],
        Title.DVHT: [
            (o[0], commune.id, None, commune.path, o[1], "commune") for o in rows.organisations
        ],
        Title.XA_HT: [(commune.id, commune.id, None, commune.path, commune.name, "")],
    }
    # the folded search key last: computed once per subject, not once per year
    for title, pool in subjects.items():
        subjects[title] = [(*s, fold(s[4])[:400]) for s in pool]
    kinds: dict[str, str] = SUBJECT_OF
    # draw every record's state first (small ints) so the decisions are known before writing
    plan: list[tuple[str, int, list[tuple[int, str]]]] = []
    decisions: dict[tuple[str, int], int] = {}
    for year in ctx.years:
        trend = (year - ctx.years[0]) * 0.008
        for title in TITLES:
            if not any(ctx.book.get(title, year, f) for f in ("", "commune", "resident")):
                continue
            pool = subjects[title]
            share = min(0.95, level + TITLE_OFFSET[title] + trend)
            if title == Title.CDHT:  # a growing minority of adults registers; most of them pass
                registered_share = min(
                    0.6, 0.15 + 0.05 * max(0, year - 2023) + (level - 0.76) * 0.3
                )
                recognised_given_registered = min(0.95, 0.8 + (level - 0.76) * 0.8 + trend)
            else:  # shares of all subjects, as the targets count them
                registered_share = min(0.98, share + 0.12)
                recognised_given_registered = share / registered_share
            picks: list[tuple[int, str]] = []
            for index, subject in enumerate(pool):
                if title == Title.CDHT and year - subject[6] < 18:
                    continue
                forced = title == Title.CDHT and year == current and subject[0] in rows.portal
                if not forced and rng.random() >= registered_share:
                    continue
                state: str
                if forced:
                    state = State.REGISTERED
                elif year == current:
                    state = rng.choices(open_names, cum_weights=open_cumulative)[0]
                else:
                    u = rng.random()
                    if u < recognised_given_registered:
                        state = State.REVOKED if rng.random() < 0.004 else State.RECOGNISED
                    else:
                        state = rng.choices(
                            [State.NOT_RECOGNISED, State.REGISTERED, State.RETURNED], [60, 25, 15]
                        )[0]
                if state in (State.RECOGNISED, State.REVOKED, State.NOT_RECOGNISED):
                    decisions.setdefault((title, year), 0)
                picks.append((index, state))
            plan.append((title, year, picks))
    decision_ids = _write_decisions(commune, sorted(decisions), ctx, rng)

    counts = {"assessments": 0}
    text = connection.vendor == "postgresql"
    cache = _RowParts(text, ctx.officer_id, current=current, decided_on=ctx.decided_on)

    def stream() -> Iterator[Any]:
        for title, year, picks in plan:
            pool = subjects[title]
            kind = kinds[title]
            decision_id = decision_ids.get((title, year))
            head = cache.head(title, year, kind)
            for index, state in picks:
                subject = pool[index]
                patterns = ctx.book.get(title, year, subject[5])
                if patterns is None:
                    continue
                counts["assessments"] += 1
                portal = title == Title.CDHT and subject[0] in rows.portal
                if state == State.REGISTERED:
                    pattern = rng.choice(patterns.passing) if portal else patterns.empty
                elif state == State.NOT_RECOGNISED or (
                    state in (State.SUBMITTED, State.VERIFIED, State.RETURNED)
                    and rng.random() < 0.1
                ):
                    pattern = rng.choice(patterns.failing)
                else:
                    pattern = rng.choice(patterns.passing)
                self_submitted = (
                    kind == SubjectKind.CITIZEN
                    and REACHED.get(state, 3) >= 1
                    and rng.random() < 0.35
                )
                body = cache.subject(title, index, kind, subject)
                tail = cache.tail(year, state, patterns, pattern, decision_id, self_submitted)
                yield head + body + tail

    if text:
        copy_lines(Assessment, ASSESSMENT_COLUMNS, stream())
    else:
        insert_rows(Assessment, ASSESSMENT_COLUMNS, stream())
    counts["decisions"] = len(decision_ids)
    return counts


SUBJECT_COLUMN: dict[str, int] = {
    SubjectKind.HOUSEHOLD: 0,
    SubjectKind.CLAN: 1,
    SubjectKind.VILLAGE: 2,
    SubjectKind.ORGANISATION: 3,
    SubjectKind.CITIZEN: 4,
    SubjectKind.COMMUNE: 5,
}
CLOSED_STATES = (State.RECOGNISED, State.NOT_RECOGNISED, State.REVOKED)


class _RowParts:
    """An assessment row is (title, year, kind) + the subject's columns + the columns set
    by its state and answer pattern; each part is built once and reused, as tuples
    (executemany) or as COPY text (PostgreSQL)."""

    def __init__(
        self, text: bool, officer_id: int, *, current: int = 0, decided_on: dt.date | None = None
    ) -> None:
        self.text = text
        self.officer_id = officer_id
        self.current = current
        self.decided_on = decided_on
        self.heads: dict[tuple, Any] = {}
        self.subjects: dict[tuple[str, int], Any] = {}
        self.tails: dict[tuple, Any] = {}

    def _out(self, values: tuple, *, last: bool = False) -> Any:
        if not self.text:
            return values
        return "\t".join(copy_field(v) for v in values) + ("\n" if last else "\t")

    def head(self, title: str, year: int, kind: str) -> Any:
        key = (title, year, kind)
        if key not in self.heads:
            self.heads[key] = self._out(key)
        return self.heads[key]

    def subject(self, title: str, index: int, kind: str, subject: tuple) -> Any:
        key = (title, index)
        found = self.subjects.get(key)
        if found is None:
            ids: list[int | None] = [None] * 6
            ids[SUBJECT_COLUMN[kind]] = subject[0]
            values = (*ids, subject[4][:250], subject[-1], subject[1], subject[2], subject[3])
            found = self.subjects[key] = self._out(values)
        return found

    def tail(
        self,
        year: int,
        state: str,
        patterns: SetPatterns,
        pattern: Pattern,
        decision_id: int | None,
        self_submitted: bool,
    ) -> Any:
        key = (year, state, id(pattern), patterns.set_id, decision_id, self_submitted)
        found = self.tails.get(key)
        if found is None:
            found = self.tails[key] = self._out(
                self._tail(year, state, patterns, pattern, decision_id, self_submitted), last=True
            )
        return found

    def _tail(
        self,
        year: int,
        state: str,
        patterns: SetPatterns,
        pattern: Pattern,
        decision_id: int | None,
        self_submitted: bool,
    ) -> tuple:
        stamp = _ts if self.text else _db_ts
        day = (lambda y, m, d: dt.date(y, m, d)) if self.text else _db_date
        created = stamp(year, 3, 1)
        reached = REACHED.get(state, 3)
        submitted_at = stamp(year, 9, 15) if reached >= 1 else None
        verified_at = stamp(year, 10, 20) if reached >= 2 and state != State.RETURNED else None
        proposed_at = stamp(year, 11, 10) if reached >= 3 else None
        final = state in CLOSED_STATES
        decided = (
            stamp(self.decided_on.year, self.decided_on.month, self.decided_on.day)
            if year == self.current and self.decided_on is not None
            else stamp(year, 12, 15)
        )
        valid_until = (
            day(year + max(patterns.validity_years, 1) - 1, 12, 31)
            if state in (State.RECOGNISED, State.REVOKED)
            else None
        )
        version = VERSION.get(state, 4) + (1 if final else 0) + (1 if state == State.REVOKED else 0)
        updated = decided if final else (proposed_at or verified_at or submitted_at or created)
        return (
            patterns.set_id,
            state,
            pattern.answers,
            pattern.derived,
            pattern.result,
            pattern.total,
            pattern.passed,
            pattern.band,
            pattern.level,
            RETURN_REASON if state == State.RETURNED else "{}",
            State.SUBMITTED if state == State.RETURNED else "",
            submitted_at,
            None if self_submitted or submitted_at is None else self.officer_id,
            self_submitted,
            verified_at,
            proposed_at,
            decision_id if final else None,
            NOT_RECOGNISED_REASON if state == State.NOT_RECOGNISED else "",
            valid_until,
            stamp(year + 1, 2, 1) if state == State.REVOKED else None,
            REVOKE_REASON if state == State.REVOKED else "",
            version,
            created,
            updated,
        )


def _cycle_years(commune_id: int, ctx: CycleContext) -> None:
    """The commune's years, each with a calendar per title: past years at their defaults
    and closed, the current one open until the year's end for every step."""
    current = ctx.years[-1]
    RowTemplate(
        CycleYear,
        ["year", "opened_at", "closed_at", "closed_by_id"],
        {"commune_id": commune_id, "opened_by_id": ctx.admin_id},
        with_ids=False,
    ).insert(
        (
            year,
            _ts(year, 1, 5),
            None if year == current else _ts(year + 1, 4, 20),
            None if year == current else ctx.officer_id,
        )
        for year in ctx.years
    )
    ids = dict(CycleYear.objects.filter(commune_id=commune_id).values_list("year", "id"))
    rows = []
    for year in ctx.years:
        for key in calendars.KEYS:
            dates = calendars.defaults(key, year)
            if year == current:  # the open year: every step still possible until its end
                dates = dict.fromkeys(dates, dt.date(year, 12, 31))
            rows.append(
                (
                    ids[year],
                    *key,
                    *(dates[name] for name in calendars.DATES),
                    None if year == current else _ts(year + 1, 4, 20),
                    None if year == current else ctx.officer_id,
                )
            )
    RowTemplate(
        TitleCalendar,
        ["cycle_id", "title", "org_level", *calendars.DATES, "closed_at", "closed_by_id"],
        with_ids=False,
    ).insert(rows)


def _write_decisions(
    commune: Any, keys: list[tuple[str, int]], ctx: CycleContext, rng: random.Random
) -> dict:
    if not keys:
        return {}
    start = reserve_ids(Decision, len(keys))
    ids = {key: start + i for i, key in enumerate(keys)}
    signer = f"{rng.choice(['Nguyễn', 'Trần', 'Lê', 'Phạm'])} {rng.choice(names.MIDDLE_MALE)} {rng.choice(names.GIVEN_MALE)}"
    numbers: dict[int, int] = {}
    rows = []
    current = ctx.years[-1]
    for (title, year), decision_id in ids.items():
        numbers[year] = numbers.get(year, 0) + 1
        signed = (
            ctx.decided_on
            if year == current and ctx.decided_on is not None
            else dt.date(year, 12, 15)
        )
        rows.append(
            (
                decision_id,
                f"{numbers[year] * 3 + 10}/QĐ-UBND",
                signed,
                title,
                year,
                _ts(signed.year, signed.month, signed.day),
            )
        )
    RowTemplate(
        Decision,
        ["id", "number", "signed_on", "title", "year", "created_at"],
        {
            "authority": f"Ủy ban nhân dân {commune.name}",
            "authority_place_id": commune.id,
            "signer_name": signer,
            "signer_title": "Chủ tịch",
            "sign_form": "",
            "issued_by_id": ctx.admin_id,
        },
    ).insert(rows)
    return ids


def write_certificates(closed_years: list[int], seed: int) -> int:
    """Certificates of the last closed year's recognised titles. Real codes are
    unguessable (`recognition.codes.new_code`); these are drawn from the seeded generator
    so that a seed gives the same database."""
    if not closed_years:
        return 0
    year = closed_years[-1]
    ids: list[int] = []
    for title in TITLES:  # one title at a time: the (title, year, state) index serves it
        ids += (
            Assessment.objects.filter(title=title, year=year, state=State.RECOGNISED)
            .order_by("id")
            .values_list("id", flat=True)
        )
    rng = random.Random(f"{seed}:certificates")
    constants = {"issued_at": _ts(year, 12, 20)}
    return RowTemplate(Certificate, ["assessment_id", "code"], constants, with_ids=False).insert(
        (pk, base64.b32encode(rng.getrandbits(136).to_bytes(17, "big")).decode()[:26]) for pk in ids
    )
