"""The homes at province scale: an officer's open files are counted from the rollups, and
must come out exactly as counting the files one permission check per group of real rows
does; and no home reads a row more per file, household or commune (query-count guards)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.scope import scope_of
from assessments import services
from assessments.models import Assessment, State
from assessments.tests.helpers import YEAR, good_answers
from conftest import make_household
from registry.models import Organisation
from today import services as today
from today.tests.test_home import busy  # noqa: F401  (the fixture)


def move(world, assessment: Assessment, steps: int) -> Assessment:
    """Submit (1), verify (2) and propose (3) a file, as the province's admin."""
    alice = world.users["alice"]
    if steps >= 1:
        assessment = services.save_answers(
            actor=alice, assessment=assessment, answers=good_answers(assessment)
        )
        assessment = services.submit(actor=alice, assessment=assessment)
    if steps >= 2:
        assessment = services.verify(actor=alice, assessment=assessment)
    if steps >= 3:
        assessment = services.propose(actor=alice, assessment=assessment)
    return assessment


def add_files(world, batch: int, size: int = 4, level: str = "commune") -> None:
    """In each of the three villages `size` households, each registered for GDHT this
    year and moved one step further than the one before (registered, submitted,
    verified, proposed); and a unit's file, proposed (one unit per batch)."""
    alice = world.users["alice"]
    for village in (world.village_a1, world.village_a2, world.village_b1):
        for i in range(size):
            household = make_household(village, f"K{batch}-{village.pk}-{i}")
            assessment = services.register(actor=alice, title="GDHT", year=YEAR, subject=household)
            move(world, assessment, i % 4)
    commune = world.commune_a if batch == 1 else world.commune_b
    unit = Organisation(name=f"Trường {batch}", kind="school", commune=commune, level=level)
    unit.save()
    move(world, services.register(actor=alice, title="DVHT", year=YEAR, subject=unit), 3)


def by_sampling(monkeypatch, user) -> list[today.Item]:
    """The same items counted without the rollups: every visible file by groups of real rows."""
    with monkeypatch.context() as patched:
        patched.setattr(today, "_fast", lambda scope: False)
        return today.assessment_items(user, scope_of(user))


def shown(items: list[today.Item]) -> list[tuple[str, int, list[tuple[str, str, int | None]]]]:
    return [
        (i.key, i.count, [(link.text, link.url, link.count) for link in i.links]) for i in items
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["alice", "cuong", "binh", "van"])
def test_an_officers_counts_from_the_rollups_are_those_of_the_files(
    busy,  # noqa: F811
    monkeypatch,
    persona,
):
    add_files(busy, 1)
    # A unit of the province's level: the province decides its file (authority by level).
    add_files(busy, 2, level="province")
    user = busy.users[persona]
    assert today._fast(scope_of(user))
    fast = today.assessment_items(user, scope_of(user))
    assert shown(fast) == shown(by_sampling(monkeypatch, user))
    assert sum(item.count for item in fast) > 0


@pytest.mark.django_db
def test_the_province_decides_a_province_units_proposed_file(busy, monkeypatch):  # noqa: F811
    busy.org_b.level = "province"
    busy.org_b.save()
    unit = services.register(actor=busy.users["alice"], title="DVHT", year=YEAR, subject=busy.org_b)
    move(busy, unit, 3)
    assert Assessment.objects.get(pk=unit.pk).state == State.PROPOSED
    items = {
        i.key: i.count
        for i in today.assessment_items(busy.users["alice"], scope_of(busy.users["alice"]))
    }
    assert items["quyet-dinh"] == 1
    # the commune's officer does not decide it
    cuong = busy.users["cuong"]
    assert {i.key: i.count for i in today.assessment_items(cuong, scope_of(cuong))}[
        "quyet-dinh"
    ] == 0


def queries_of(client) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/", follow=True)
        assert response.status_code == 200
    return len(captured)


# persona: ceiling = the count measured (the same with 1× and 2× the files) + 3: room for a
# query more, none for a query per file, household or group of files.
CEILINGS = {"alice": 52, "cuong": 24, "van": 21, "olga": 18, "hoa": 17, "dan": 11}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(CEILINGS))
def test_a_home_reads_no_row_more_per_file(busy, as_user, persona):  # noqa: F811
    client = as_user(persona)
    add_files(busy, 1)
    client.get("/", follow=True)  # warm what is read once per process
    once = queries_of(client)
    add_files(busy, 2)
    assert Assessment.objects.filter(year=YEAR, state=State.PROPOSED).count() >= 3
    twice = queries_of(client)
    assert (once, twice) == (twice, twice), "a query per row"
    assert twice <= CEILINGS[persona], twice
