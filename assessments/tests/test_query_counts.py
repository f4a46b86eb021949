"""Query-count guard on the review list: the officer's list of files to verify.

Measured with one batch of submitted files, then with twice as many (still one page): the
count must not grow (no query per row), and must stay under a ceiling set at the measured
count plus a small margin.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import services
from assessments.models import Assessment, State
from assessments.tests.helpers import YEAR, good_answers, open_years
from conftest import make_citizen, make_household


def add_submitted(world, batch: int, size: int = 5) -> None:
    """`size` households with a head in each village of commune A, registered for GDHT
    and submitted (waiting to be verified), plus one only registered."""
    alice = world.users["alice"]
    for village in (world.village_a1, world.village_a2):
        for i in range(size + 1):
            household = make_household(village, f"R{batch}-{village.pk}-{i}")
            make_citizen(
                village, f"Trần Văn Rê {batch} {i}", 1972, household=household, relation="head"
            )
            assessment = services.register(actor=alice, title="GDHT", year=YEAR, subject=household)
            if i < size:
                assessment = services.save_answers(
                    actor=alice, assessment=assessment, answers=good_answers(assessment)
                )
                services.submit(actor=alice, assessment=assessment)


def queries_of(client, url: str) -> tuple[int, int]:
    """(queries, rows listed) for one view of the list."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
    return len(captured), len(response.context["page"].object_list)


# persona, url, ceiling: the count measured (the same with 1× and 2× rows) + 3, room for a
# query more per page, none for a query per file listed
CASES = [
    ("cuong", f"/binh-xet/?nam={YEAR}&danh_hieu=GDHT&trang_thai=submitted", 13 + 3),
    ("cuong", f"/binh-xet/?nam={YEAR}&danh_hieu=GDHT", 13 + 3),
    ("van", f"/binh-xet/?nam={YEAR}&danh_hieu=GDHT&trang_thai=submitted", 13 + 3),
    ("alice", f"/binh-xet/?nam={YEAR}&danh_hieu=GDHT&trang_thai=submitted", 12 + 3),
]


@pytest.mark.parametrize(("persona", "url", "ceiling"), CASES)
def test_review_list_queries_do_not_grow_with_the_rows(world, as_user, persona, url, ceiling):
    open_years(world)
    client = as_user(persona)
    add_submitted(world, 1)
    client.get(url)  # warm what is read once per process
    once, listed_once = queries_of(client, url)
    add_submitted(world, 2)
    twice, listed_twice = queries_of(client, url)
    assert Assessment.objects.filter(state=State.SUBMITTED).count() == 20
    assert listed_twice > listed_once > 0  # the list really grew (within one page of 50)
    assert twice == once, f"{once} queries with {listed_once} rows, {twice} with {listed_twice}"
    assert twice <= ceiling, f"{twice} queries, ceiling {ceiling}"
