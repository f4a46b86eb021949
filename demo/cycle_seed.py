"""A demo year in motion: titles at every step of the cycle, and last year's recognised ones."""

from __future__ import annotations

import datetime as dt
import random

from accounts.models import User
from assessments import calendars, services
from assessments.models import Assessment
from criteria.engine import spec_of
from criteria.models import CriterionKind
from places.models import Place
from registry.models import Citizen, Household

DEADLINES_OPEN = calendars.DATES


def _answers(assessment: Assessment, rng: random.Random, good: bool) -> dict[str, object]:
    answers: dict[str, object] = {}
    for criterion in spec_of(assessment.criteria_set).criteria:
        if criterion.kind == CriterionKind.YESNO:
            answers[criterion.code] = good or rng.random() < 0.7
        elif criterion.kind == CriterionKind.NUMBER:
            answers[criterion.code] = str(
                int(criterion.threshold or 1) + (0 if good else rng.randint(-1, 1))
            )
        elif criterion.kind == CriterionKind.SCORE:
            answers[criterion.code] = str(rng.randint(8, 10) if good else rng.randint(5, 10))
    return answers


def _walk(actor: User, assessment: Assessment, rng: random.Random, steps: int) -> Assessment:
    """Fill and move an assessment `steps` steps: 1 filled, 2 submitted, 3 verified, 4 proposed."""
    if steps >= 1:
        assessment = services.save_answers(
            actor=actor,
            assessment=assessment,
            answers=_answers(assessment, rng, rng.random() < 0.85),
        )
    for function in (services.submit, services.verify, services.propose)[: max(0, steps - 1)]:
        assessment = function(actor=actor, assessment=assessment)
    return assessment


def seed_cycle(*, actor: User, communes: list[Place], seed: int) -> int:
    """Returns how many assessments were created; nothing when the demo year exists already."""
    year = dt.date.today().year
    if Assessment.objects.filter(commune__in=communes, year__in=[year, year - 1]).exists():
        return 0
    rng = random.Random(seed)
    created = 0
    for offset, commune in enumerate(communes):
        last = services.open_year(
            actor=actor,
            commune=commune,
            year=year - 1,
            deadlines={k: dt.date(year - 1, 12, 31) for k in DEADLINES_OPEN},
        )
        services.open_year(
            actor=actor,
            commune=commune,
            year=year,
            deadlines={k: dt.date(year, 12, 31) for k in DEADLINES_OPEN},
        )
        households = list(Household.objects.filter(commune=commune).order_by("code")[:40])
        # last year: registered, assessed and recognised by one decision (certificates exist)
        recognised = []
        for household in households[:20]:
            assessment = services.register(
                actor=actor, title="GDHT", year=year - 1, subject=household
            )
            assessment = _walk(actor, assessment, rng, 4)
            created += 1
            if assessment.state == "proposed" and assessment.passed:
                recognised.append(assessment)
        if recognised:
            services.decide(
                actor=actor,
                assessments=recognised,
                number=f"{20 + offset}/QĐ-UBND",
                signed_on=dt.date(year - 1, 12, 15),
                signer_name="Nguyễn Văn Thành",
                signer_title="Chủ tịch",
            )
        services.close_year(actor=actor, commune=commune, year=last.year)
        # this year: every step of the cycle somewhere
        for index, household in enumerate(households):
            assessment = services.register(actor=actor, title="GDHT", year=year, subject=household)
            _walk(actor, assessment, rng, index % 5)
            created += 1
        adults = Citizen.objects.filter(commune=commune, birth_year__lte=year - 18).order_by("id")[
            :25
        ]
        for index, citizen in enumerate(adults):
            assessment = services.register(actor=actor, title="CDHT", year=year, subject=citizen)
            _walk(actor, assessment, rng, index % 5)
            created += 1
    return created
