"""Random sequences of transitions never leave the rollups out of step (hypothesis)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import services
from assessments.models import Assessment, State
from assessments.stats import differences
from assessments.tests.helpers import YEAR, good_answers, open_years
from criteria.titles import SUBJECT_OF

OPERATIONS = [
    "register",
    "fill",
    "submit",
    "verify",
    "propose",
    "return",
    "decide",
    "reject",
    "revoke",
]


def apply(world, operation, index):
    alice = world.users["alice"]
    subjects = [
        ("GDHT", world.households["a1"]),
        ("GDHT", world.households["a2"]),
        ("GDHT", world.households["b1"]),
        ("CDHT", world.citizens["an"]),
        ("CDHT", world.citizens["em"]),
        ("DHHT", world.clan_a),
    ]
    title, subject = subjects[index % len(subjects)]
    if operation == "register":
        services.register(actor=alice, title=title, year=YEAR, subject=subject)
        return
    assessment = (
        Assessment.objects.for_subject(SUBJECT_OF[title], subject)
        .filter(title=title, year=YEAR)
        .first()
    )
    if assessment is None:
        return
    if operation == "fill":
        services.save_answers(actor=alice, assessment=assessment, answers=good_answers(assessment))
    elif operation in ("submit", "verify", "propose"):
        getattr(services, operation)(actor=alice, assessment=assessment)
    elif operation == "return":
        services.return_for_correction(actor=alice, assessment=assessment, reasons={"": "Sửa"})
    elif operation in ("decide", "reject"):
        refused = {assessment.pk: "Không đạt"} if operation == "reject" else {}
        services.decide(
            actor=alice,
            assessments=[assessment],
            number=f"{index}-{operation}/QĐ",
            signed_on=dt.date(YEAR, 11, 1),
            signer_name="A",
            signer_title="Chủ tịch",
            not_recognised=refused,
        )
    elif operation == "revoke":
        services.revoke(actor=alice, assessment=assessment, reason="Thu hồi")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 5)), min_size=1, max_size=25
    )
)
def test_random_transitions_keep_rollups_right(world, steps):
    open_years(world)
    with transaction.atomic():
        for operation, index in steps:
            try:
                with transaction.atomic():
                    apply(world, operation, index)
            except (ValidationError, PermissionDenied):
                pass  # refused steps must change nothing, counts included
        assert differences() == []
        assert Assessment.objects.filter(state=State.RECOGNISED, decision__isnull=True).count() == 0
        transaction.set_rollback(True)
