"""Two reviewers acting on the same item at the same moment produce one decision
(PostgreSQL, real transactions in two threads; SQLite serialises all writers)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from assessments import services as cycle
from assessments.models import Assessment, Decision, State
from assessments.tests.helpers import YEAR, good_answers, open_years
from audit.models import AuditEvent
from core.tests.committed import committed, reference_data_back  # noqa: F401
from core.tests.security_figures import add_figure

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Kiểm tra tranh chấp cần PostgreSQL (khóa dòng thật giữa hai giao dịch); "
    "SQLite ghi tuần tự. Chạy bằng `make test-pg`.",
)


def race(*calls):
    """Run the calls at once in threads, each on its own connection; their outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as exc:  # the loser's refusal is the point of the test
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def proposed(world) -> Assessment:
    open_years(world)
    alice = world.users["alice"]
    a = cycle.register(actor=alice, title="GDHT", year=YEAR, subject=world.households["a1"])
    a = cycle.save_answers(actor=alice, assessment=a, answers=good_answers(a))
    for step in (cycle.submit, cycle.verify, cycle.propose):
        a = step(actor=alice, assessment=a)
    return a


@pytest.mark.usefixtures("committed")
def test_two_deciders_at_once_make_one_decision(world):
    assessment = proposed(world)

    def decide(who: str, number: str):
        return lambda: cycle.decide(
            actor=world.users[who],
            assessments=[Assessment.objects.get(pk=assessment.pk)],
            number=number,
            signed_on=dt.date(YEAR, 11, 20),
            signer_name="Nguyễn Văn Ký",
            signer_title="Chủ tịch",
        )

    outcomes = race(decide("alice", "1/QĐ-UBND"), decide("cuong", "2/QĐ-UBND"))
    decisions = [o for o in outcomes if isinstance(o, Decision)]
    refusals = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(decisions) == 1 and len(refusals) == 1, outcomes
    assessment.refresh_from_db()
    assert assessment.state == State.RECOGNISED and assessment.decision == decisions[0]
    assert Decision.objects.count() == 1
    add_figure("faults_injected")


@pytest.mark.usefixtures("committed")
def test_two_reviewers_verifying_the_same_version_record_one_step(world):
    open_years(world)
    alice = world.users["alice"]
    a = cycle.register(actor=alice, title="GDHT", year=YEAR, subject=world.households["a1"])
    a = cycle.save_answers(actor=alice, assessment=a, answers=good_answers(a))
    a = cycle.submit(actor=alice, assessment=a)
    version = a.version

    def verify(who: str):
        return lambda: cycle.verify(
            actor=world.users[who],
            assessment=Assessment.objects.get(pk=a.pk),
            version=version,
        )

    race(verify("cuong"), verify("van"))
    a.refresh_from_db()
    assert a.state == State.VERIFIED and a.version == version + 1
    assert AuditEvent.objects.filter(action="assessment.verify", object_id=str(a.pk)).count() == 1
    add_figure("faults_injected")
