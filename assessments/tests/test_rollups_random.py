"""Random sequences of transitions never leave the rollups out of step (hypothesis).

A state machine walks assessments through the cycle (register, fill, submit, verify,
propose, return, decide, reject, revoke) and also tries blind steps that the services
refuse; after every step the maintained rollups must equal a recount. Every transition
that took effect is counted, and the test fails unless each kind did at some point: a run
made only of refusals and no-ops would keep the rollups "right" while testing nothing.
"""

import datetime as dt
from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, settings, target
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from assessments import services
from assessments.models import SUBJECT_FIELD, Assessment, State
from assessments.stats import differences
from assessments.tests.helpers import YEAR, good_answers, open_years, revoke
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
# the state a transition that took effect leaves its assessment in ("fill" keeps it)
ENDS_IN = {
    "submit": State.SUBMITTED,
    "verify": State.VERIFIED,
    "propose": State.PROPOSED,
    "return": State.RETURNED,
    "decide": State.RECOGNISED,
    "reject": State.NOT_RECOGNISED,
    "revoke": State.REVOKED,
}
RETURNABLE = {State.SUBMITTED, State.VERIFIED, State.PROPOSED}
ADVANCEABLE = {
    State.REGISTERED,
    State.RETURNED,
    State.SUBMITTED,
    State.VERIFIED,
    State.PROPOSED,
    State.RECOGNISED,
}


def subjects(world):
    return [
        ("GDHT", world.households["a1"]),
        ("GDHT", world.households["a2"]),
        ("GDHT", world.households["b1"]),
        ("CDHT", world.citizens["an"]),
        ("CDHT", world.citizens["em"]),
        ("DHHT", world.clan_a),  # never passes here: its decide is refused, its reject is not
    ]


def of_subject(world, index):
    title, subject = subjects(world)[index % len(subjects(world))]
    return (
        Assessment.objects.for_subject(SUBJECT_OF[title], subject)
        .filter(title=title, year=YEAR)
        .first()
    )


def in_states(states, index):
    """The index-th (cyclically) assessment in one of `states`, or None."""
    found = list(Assessment.objects.filter(year=YEAR, state__in=states).order_by("pk"))
    return found[index % len(found)] if found else None


def next_step(assessment, turn: int) -> str:
    """The transition that moves this assessment on along the cycle, or a side road: a
    proposed one is recognised, refused or returned, a submitted or verified one returned
    one time in four. The road is picked by `turn` (how many times this run has advanced
    from this state, plus the subject's place), not drawn: hypothesis favours small values
    and may draw the same one all through a run, which would keep it on one road."""
    if assessment.state == State.PROPOSED:
        road = ("decide", "reject", "return")[turn % 3]
        return "reject" if road == "decide" and not assessment.passed else road
    if assessment.state in RETURNABLE and turn % 4 == 3:
        return "return"
    if assessment.state in (State.REGISTERED, State.RETURNED):
        return "submit" if assessment.answers else "fill"
    return {
        State.SUBMITTED: "verify",
        State.VERIFIED: "propose",
        State.RECOGNISED: "revoke",
    }[assessment.state]


def perform(world, operation, assessment, index) -> bool:
    """One transition on one assessment; True when it took effect (a step already done
    returns without a change: False). Raises when the service refuses it."""
    alice = world.users["alice"]
    version = assessment.version
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
            number=f"{index}-{operation}-{assessment.pk}/QĐ",
            signed_on=dt.date(YEAR, 11, 1),
            signer_name="A",
            signer_title="Chủ tịch",
            not_recognised=refused,
        )
    elif operation == "revoke":
        revoke(alice, assessment, "Thu hồi")
    assessment.refresh_from_db()
    if assessment.version == version:
        return False
    return operation == "fill" or assessment.state == ENDS_IN[operation]


def register(world, index) -> bool:
    title, subject = subjects(world)[index % len(subjects(world))]
    before = Assessment.objects.count()
    services.register(actor=world.users["alice"], title=title, year=YEAR, subject=subject)
    return Assessment.objects.count() == before + 1


def attempt(world, operation, index, ran: Counter, refused: Counter, assessment=None) -> str:
    """Try a step in its own savepoint, counting what took effect and what was refused.
    Without an assessment, the step acts on the index-th subject's, whatever its state."""
    try:
        with transaction.atomic():
            if operation == "register":
                took_effect = register(world, index)
            else:
                assessment = assessment or of_subject(world, index)
                took_effect = assessment is not None and perform(
                    world, operation, assessment, index
                )
    except (ValidationError, PermissionDenied):
        refused[operation] += 1  # refused steps must change nothing, counts included
        return "refused"
    if took_effect:
        ran[operation] += 1
        return "ran"
    return "nothing"


def rollups_are_right():
    assert differences() == []
    assert Assessment.objects.filter(state=State.RECOGNISED, decision__isnull=True).count() == 0


# Every kind of transition once, in a known order: a household recognised then revoked, a
# clan whose recognition is refused (it does not pass), returned, corrected and closed as
# not recognised; the refusals on the way are part of it.
EVERY_TRANSITION = [
    ("register", 0),
    ("fill", 0),
    ("submit", 0),
    ("verify", 0),
    ("propose", 0),
    ("decide", 0),
    ("revoke", 0),
    ("register", 5),
    ("submit", 5),  # refused: nothing answered yet
    ("fill", 5),
    ("submit", 5),
    ("return", 5),
    ("fill", 5),
    ("submit", 5),
    ("verify", 5),
    ("propose", 5),
    ("decide", 5),  # refused: the clan misses derived criteria
    ("reject", 5),
    ("revoke", 5),  # refused: not recognised
]


def test_every_transition_in_turn_keeps_rollups_right(world):
    open_years(world)
    ran: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    for operation, index in EVERY_TRANSITION:
        attempt(world, operation, index, ran, refused)
        rollups_are_right()
    assert ran == {
        "register": 2,
        "fill": 3,
        "submit": 3,
        "verify": 2,
        "propose": 2,
        "decide": 1,
        "revoke": 1,
        "return": 1,
        "reject": 1,
    }
    assert refused == {"submit": 1, "decide": 1, "revoke": 1}
    states = set(Assessment.objects.filter(year=YEAR).values_list("state", flat=True))
    assert states == {State.REVOKED, State.NOT_RECOGNISED}


class Cycle(RuleBasedStateMachine):
    """`advance` moves an assessment on along the cycle (now and then by a side road),
    `blind` tries any step on any subject's assessment (mostly refused). One run is one
    database savepoint, rolled back at its end; hypothesis is steered (`target`) towards
    runs in which many kinds of transition take effect."""

    world = None  # set by the test
    ran: Counter = Counter()
    refused: Counter = Counter()

    def __init__(self):
        super().__init__()
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        self.kinds: set[str] = set()  # kinds of transition that took effect in this run
        self.turns: Counter[str] = Counter()  # advances from each state in this run

    def step(self, operation, index, assessment=None):
        outcome = attempt(self.world, operation, index, self.ran, self.refused, assessment)
        event(f"{operation}: {outcome}")  # shown by --hypothesis-show-statistics
        if outcome == "ran":
            self.kinds.add(operation)

    def position(self, assessment):
        """The place of the assessment's subject in `subjects`."""
        subject_id = getattr(assessment, f"{SUBJECT_FIELD[assessment.subject_kind]}_id")
        places = [
            i
            for i, (title, subject) in enumerate(subjects(self.world))
            if (title, subject.pk) == (assessment.title, subject_id)
        ]
        return places[0]

    def unregistered(self):
        return Assessment.objects.filter(year=YEAR).count() < len(subjects(self.world))

    @precondition(unregistered)
    @rule(index=st.integers(0, 5))
    def register(self, index):
        self.step("register", index)

    @precondition(lambda self: in_states(ADVANCEABLE, 0) is not None)
    @rule(index=st.integers(0, 5))
    def advance(self, index):
        assessment = in_states(ADVANCEABLE, index)
        # each subject starts the roads at its own place, so that a run that proposes
        # once or twice does not always take the first road
        turn = self.turns[assessment.state] + self.position(assessment)
        self.turns[assessment.state] += 1
        self.step(next_step(assessment, turn), index, assessment)

    @rule(operation=st.sampled_from(OPERATIONS), index=st.integers(0, 5))
    def blind(self, operation, index):
        self.step(operation, index)

    @invariant()
    def rollups_agree(self):
        rollups_are_right()

    def teardown(self):
        target(float(len(self.kinds)), label="kinds of transition that took effect")
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)


def test_random_transitions_keep_rollups_right(world):
    open_years(world)
    Cycle.world, Cycle.ran, Cycle.refused = world, Counter(), Counter()
    run_state_machine_as_test(
        Cycle,
        settings=settings(
            max_examples=20,
            stateful_step_count=25,
            # the same runs every time, like the fuzzers in CI: hypothesis turns off a random
            # share of the rules in each run (swarm testing), so an unseeded sample of 20
            # runs now and then never takes one of the side roads, and the counts below
            # would fail at random; seeded, they fail only when the transitions stop
            derandomize=True,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    # the runs really walked files through the cycle: every kind of transition took effect
    # (measured: 274 in all, none fewer than 4 times), and some steps were refused; if the
    # transitions stop happening, this fails
    assert all(Cycle.ran[operation] >= 1 for operation in OPERATIONS), Cycle.ran
    assert Cycle.ran.total() >= 150, Cycle.ran
    assert Cycle.refused.total() >= 1, Cycle.refused
