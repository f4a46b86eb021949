"""Every transition × every persona × a subject inside and outside their scope."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from assessments import services
from assessments.models import State
from assessments.tests.helpers import YEAR, good_answers, open_years, revoke
from conftest import ALL_PERSONAS

# Who may take each step on a household of village A1 (commune A) / of commune B.
ALLOWED = {
    "register": ({"alice", "cuong", "van"}, {"alice", "binh"}),
    "save": ({"alice", "cuong", "van"}, {"alice", "binh"}),
    "submit": ({"alice", "cuong", "van"}, {"alice", "binh"}),
    "verify": ({"alice", "cuong", "van"}, {"alice", "binh"}),
    "propose": ({"alice", "cuong"}, {"alice", "binh"}),
    "return": ({"alice", "cuong", "van"}, {"alice", "binh"}),
    "decide": ({"alice", "cuong"}, {"alice", "binh"}),
    "revoke": ({"alice", "cuong"}, {"alice", "binh"}),
}
STATE_BEFORE = {
    "register": None,
    "save": State.REGISTERED,
    "submit": State.REGISTERED,
    "verify": State.SUBMITTED,
    "propose": State.VERIFIED,
    "return": State.SUBMITTED,
    "decide": State.PROPOSED,
    "revoke": State.RECOGNISED,
}


def prepare(world, household, state):
    alice = world.users["alice"]
    assessment = services.register(actor=alice, title="GDHT", year=YEAR, subject=household)
    order = [State.REGISTERED, State.SUBMITTED, State.VERIFIED, State.PROPOSED, State.RECOGNISED]
    if state in (None, State.REGISTERED):
        return assessment
    assessment = services.save_answers(
        actor=alice, assessment=assessment, answers=good_answers(assessment)
    )
    for target, function in zip(
        order[1:], [services.submit, services.verify, services.propose], strict=False
    ):
        assessment = function(actor=alice, assessment=assessment)
        if target == state:
            return assessment
    services.decide(
        actor=alice,
        assessments=[assessment],
        number="1/QĐ",
        signed_on=dt.date(YEAR, 11, 1),
        signer_name="A",
        signer_title="Chủ tịch",
    )
    assessment.refresh_from_db()
    return assessment


def act(world, step, actor, household, assessment):
    if step == "register":
        return services.register(actor=actor, title="GDHT", year=YEAR, subject=household)
    if step == "save":
        return services.save_answers(actor=actor, assessment=assessment, answers={"1.2": True})
    if step in ("submit", "verify", "propose"):
        if step == "submit":
            services.save_answers(
                actor=world.users["alice"], assessment=assessment, answers=good_answers(assessment)
            )
            assessment.refresh_from_db()
        return getattr(services, step)(actor=actor, assessment=assessment)
    if step == "return":
        return services.return_for_correction(
            actor=actor, assessment=assessment, reasons={"": "Sửa lại"}
        )
    if step == "decide":
        return services.decide(
            actor=actor,
            assessments=[assessment],
            number="9/QĐ",
            signed_on=dt.date(YEAR, 11, 2),
            signer_name="B",
            signer_title="Chủ tịch",
        )
    return revoke(actor, assessment, "Vi phạm")


@pytest.mark.parametrize("step", list(ALLOWED))
@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize("inside", [True, False])
def test_transition_matrix(world, step, persona, inside):
    open_years(world)
    household = world.households["a1" if inside else "b1"]
    assessment = prepare(world, household, STATE_BEFORE[step]) if STATE_BEFORE[step] else None
    allowed = persona in ALLOWED[step][0 if inside else 1]
    actor = world.users[persona]
    if allowed:
        act(world, step, actor, household, assessment)
    else:
        with pytest.raises(PermissionDenied):
            act(world, step, actor, household, assessment)
        if assessment is not None:
            before = assessment.state
            assessment.refresh_from_db()
            assert assessment.state == before


@pytest.mark.parametrize(
    ("title", "subject", "managers"),
    [
        ("DVHT", "org_a", {"alice", "cuong", "olga"}),
        # the clan's home village is A1: its village officer reviews at village level too
        ("DHHT", "clan_a", {"alice", "cuong", "hoa", "van"}),
    ],
)
@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_organisation_and_clan_managers_fill_and_verify(world, title, subject, managers, persona):
    open_years(world)
    alice = world.users["alice"]
    assessment = services.register(
        actor=alice, title=title, year=YEAR, subject=getattr(world, subject)
    )
    services.save_answers(actor=alice, assessment=assessment, answers=good_answers(assessment))
    assessment = services.submit(actor=alice, assessment=assessment)
    actor = world.users[persona]
    if persona in managers:
        services.verify(actor=actor, assessment=assessment)
    else:
        with pytest.raises(PermissionDenied):
            services.verify(actor=actor, assessment=assessment)
