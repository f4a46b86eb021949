"""Every title reaches "recognised" through the pages, with what its derived criteria count on.

Titles build on each other, so the world is brought up in their order: learning
citizens → learning families → the clan, the village, the unit → the commune.
"""

import datetime as dt

import pytest

from assessments import services
from assessments.models import State
from assessments.tests.helpers import YEAR, good_answers, open_years, recognise
from assessments.tests.test_cycle_pages import answers_post, decide, register, step
from registry.models import Citizen


def bring_up(world, upto):
    alice = world.users["alice"]
    Citizen.objects.filter(pk__in=[world.citizens["an"].pk, world.citizens["dung"].pk]).update(
        occupation="farmer", workplace=None
    )
    Citizen.objects.filter(pk=world.citizens["lan"].pk).update(occupation="worker")
    if upto == "CDHT":
        return
    for key in ("an", "lan", "dung", "em"):
        recognise(
            world,
            services.register(actor=alice, title="CDHT", year=YEAR, subject=world.citizens[key]),
        )
    if upto == "GDHT":
        return
    for key in ("a1", "a2", "b1"):
        recognise(
            world,
            services.register(actor=alice, title="GDHT", year=YEAR, subject=world.households[key]),
        )
    if upto in ("DHHT", "CDHT_THON", "DVHT"):
        return
    recognise(world, services.register(actor=alice, title="DHHT", year=YEAR, subject=world.clan_a))
    for village in (world.village_a1, world.village_a2):
        recognise(
            world, services.register(actor=alice, title="CDHT_THON", year=YEAR, subject=village)
        )
    recognise(world, services.register(actor=alice, title="DVHT", year=YEAR, subject=world.org_a))


CASES = [
    ("CDHT", lambda w: w.citizens["chau"].pk, "van", "van", "cuong"),
    ("GDHT", lambda w: w.households["a1"].pk, "van", "van", "cuong"),
    ("DHHT", lambda w: w.clan_a.pk, "hoa", "hoa", "cuong"),
    ("CDHT_THON", lambda w: w.village_a1.pk, "van", "van", "cuong"),
    ("DVHT", lambda w: w.org_a.pk, "olga", "olga", "cuong"),
    ("XA_HT", lambda w: w.commune_a.pk, "cuong", "alice", "alice"),
]


@pytest.mark.parametrize(("title", "subject", "filler", "verifier", "decider"), CASES)
def test_title_recognised(world, as_user, title, subject, filler, verifier, decider):
    open_years(world)
    if title == "CDHT":
        Citizen.objects.filter(pk=world.citizens["chau"].pk).update(birth_year=YEAR - 16)
    bring_up(world, title)
    client = as_user(filler)
    assessment = register(client, title, subject(world))
    response = client.post(
        f"/binh-xet/{assessment.pk}/", {**answers_post(assessment), "and_submit": "1"}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.passed is True, assessment.result["failing"]
    step(as_user(verifier), assessment, "verify")
    step(as_user(decider), assessment, "propose")
    assessment = decide(as_user(decider), assessment, f"{title}-1/QĐ")
    assert assessment.state == State.RECOGNISED
    if title == "XA_HT":
        assert assessment.level == 1 and assessment.band == "Mức độ 1"


def test_expired_title_no_longer_counts(world):
    """A learning family of last year does not count towards this year's village rate."""
    open_years(world)
    open_years(world, year=YEAR - 1)
    alice = world.users["alice"]
    last_year = services.register(
        actor=alice, title="GDHT", year=YEAR - 1, subject=world.households["a2"]
    )
    last_year = services.save_answers(
        actor=alice, assessment=last_year, answers=good_answers(last_year)
    )
    for function in (services.submit, services.verify, services.propose):
        last_year = function(actor=alice, assessment=last_year)
    services.decide(
        actor=alice,
        assessments=[last_year],
        number="1/QĐ",
        signed_on=dt.date(YEAR - 1, 12, 1),
        signer_name="A",
        signer_title="Chủ tịch",
    )
    village = services.register(actor=alice, title="CDHT_THON", year=YEAR, subject=world.village_a2)
    assert village.derived["1"]["value"] == "0.00"
    village_last_year = services.register(
        actor=alice, title="CDHT_THON", year=YEAR - 1, subject=world.village_a2
    )
    assert village_last_year.derived["1"]["value"] == "100.00"
