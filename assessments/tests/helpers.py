"""Walking assessments through the cycle in tests."""

from __future__ import annotations

import datetime as dt
from itertools import count

from assessments import services
from assessments.calendars import DATES, KEYS
from assessments.models import Assessment, CycleYear, TitleCalendar
from criteria.engine import spec_of

YEAR = 2026
# Every step of every title open until the end of 2026, whatever the year opened.
OPEN = dict.fromkeys(DATES, dt.date(YEAR, 12, 31))
_numbers = count(1)


def open_years(world, year=YEAR):
    for commune in (world.commune_a, world.commune_b):
        cycle, _created = CycleYear.objects.get_or_create(commune=commune, year=year)
        for title, level in KEYS:
            TitleCalendar.objects.get_or_create(
                cycle=cycle, title=title, org_level=level, defaults=OPEN
            )


def set_dates(commune, year=YEAR, title=None, **dates):
    """Move dates of a commune's calendars (of one title, or every title) as a test needs."""
    calendars = TitleCalendar.objects.filter(cycle__commune=commune, cycle__year=year)
    if title is not None:
        calendars = calendars.filter(title=title)
    assert calendars.update(**dates)


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


def recognise(
    world, assessment: Assessment, *, officer="alice", signed_on: dt.date | None = None
) -> Assessment:
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
        signed_on=signed_on or dt.date(YEAR, 11, 20),
        signer_name="Nguyễn Văn Ký",
        signer_title="Chủ tịch",
    )
    assessment.refresh_from_db()
    assert assessment.decision == decision
    return assessment


def revoke(actor, assessment: Assessment, reason: str = "Vi phạm", **details):
    """A revocation decision of one title (numbered, dated, signed), as the service takes it."""
    return services.revoke(
        actor=actor,
        assessments=[assessment],
        number=details.pop("number", f"{next(_numbers)}/QĐ-TH"),
        signed_on=details.pop("signed_on", dt.date(YEAR, 11, 25)),
        signer_name=details.pop("signer_name", "Nguyễn Văn Ký"),
        signer_title=details.pop("signer_title", "Chủ tịch"),
        reason=reason,
        **details,
    )
