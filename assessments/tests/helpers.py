"""Walking assessments through the cycle in tests."""

from __future__ import annotations

import datetime as dt
from itertools import count

from assessments import services
from assessments.models import Assessment, CycleYear
from criteria.engine import spec_of

YEAR = 2026
OPEN = {
    "registration_until": dt.date(YEAR, 12, 31),
    "assessment_until": dt.date(YEAR, 12, 31),
    "review_until": dt.date(YEAR, 12, 31),
    "decision_until": dt.date(YEAR, 12, 31),
}
_numbers = count(1)


def open_years(world, year=YEAR):
    for commune in (world.commune_a, world.commune_b):
        CycleYear.objects.get_or_create(commune=commune, year=year, defaults=OPEN)


def good_answers(assessment: Assessment) -> dict:
    answers: dict[str, object] = {}
    for criterion in spec_of(assessment.criteria_set).criteria:
        if criterion.kind == "yesno":
            answers[criterion.code] = True
        elif criterion.kind == "number":
            answers[criterion.code] = str(criterion.threshold or 1)
        elif criterion.kind == "score":
            answers[criterion.code] = "9"
        elif criterion.kind == "choice":
            answers[criterion.code] = 0
    return answers


def recognise(world, assessment: Assessment, *, officer="alice") -> Assessment:
    actor = world.users[officer]
    assessment = services.save_answers(
        actor=actor, assessment=assessment, answers=good_answers(assessment)
    )
    assessment = services.submit(actor=actor, assessment=assessment)
    assessment = services.verify(actor=actor, assessment=assessment)
    assessment = services.propose(actor=actor, assessment=assessment)
    decision = services.decide(
        actor=actor,
        assessments=[assessment],
        number=f"{next(_numbers)}/QĐ-UBND",
        signed_on=dt.date(YEAR, 11, 20),
        signer_name="Nguyễn Văn Ký",
        signer_title="Chủ tịch",
    )
    assessment.refresh_from_db()
    assert assessment.decision == decision
    return assessment
