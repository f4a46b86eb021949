"""Query-count guards on the pages a leader or an officer opens most: the province and a
commune dashboard, and the annual report, for the current year and a past one.

Each page is measured with one batch of rows, then again with twice the rows: the count
must not grow (no query per row), and must stay under a ceiling set at the measured count
plus a small margin. The figures made ready (`stats.summary`) are dropped before each
measured request, so their making is counted too (the cold path: the first view of a
fresh database); then the page is measured once more as most views find it, made ready.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import services
from assessments.models import Assessment, State
from assessments.tests.helpers import YEAR, good_answers, open_years, recognise
from conftest import close_response, make_citizen, make_household
from stats.compute import current_communes
from stats.models import FigureSummary, ReportStatus, StatReport
from stats.tests.test_small_province import A

PAST = YEAR - 1


def add_rows(world, batch: int, size: int = 4) -> None:
    """One batch of rows on every page measured here: in each of the three villages `size`
    households with a head, each registered for GDHT this year, half of them submitted and
    one recognised; and approved reports of `size` more communes for this year and the past
    one (commune A's and B's own included in the first batch)."""
    alice = world.users["alice"]
    for village in (world.village_a1, world.village_a2, world.village_b1):
        for i in range(size):
            household = make_household(village, f"Q{batch}-{village.pk}-{i}")
            make_citizen(
                village, f"Nguyễn Văn Lô {batch} {i}", 1970, household=household, relation="head"
            )
            assessment = services.register(actor=alice, title="GDHT", year=YEAR, subject=household)
            if i == 0:
                recognise(world, assessment)
            elif i % 2:
                assessment = services.save_answers(
                    actor=alice, assessment=assessment, answers=good_answers(assessment)
                )
                services.submit(actor=alice, assessment=assessment)
    reported = set(StatReport.objects.values_list("commune_id", flat=True))
    first = [world.commune_a, world.commune_b] if batch == 1 else []
    others = [c for c in current_communes() if c.pk not in reported and c not in first]
    for commune in [*first, *others][:size]:
        for year in (YEAR, PAST):
            StatReport.objects.create(commune=commune, year=year, status=ReportStatus.APPROVED, **A)


def queries_of(client, url: str, *, cold: bool = True) -> int:
    cache.clear()
    if cold:
        FigureSummary.objects.all().delete()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if response.streaming:
            b"".join(response.streaming_content)
            close_response(response)
    return len(captured)


def measure(world, client, url: str) -> tuple[int, int, int]:
    """(queries with one batch of rows, with two, and with two once made ready)."""
    open_years(world)
    add_rows(world, 1)
    client.get(url)  # warm what is read once per process (content types, criteria sets)
    once = queries_of(client, url)
    add_rows(world, 2)
    assert Assessment.objects.filter(year=YEAR, state=State.SUBMITTED).count() == 12
    assert StatReport.objects.filter(year=PAST, status=ReportStatus.APPROVED).count() == 8
    return once, queries_of(client, url), queries_of(client, url, cold=False)


# page, persona, url, ceiling of the page made ready. Each ceiling is the count measured
# (the same with 1× and 2× rows) + 3: room for a query more per page, none for a query per
# row or per commune. Issue 20: the figures are read made ready (one query instead of the
# reports, links and legacy reports; no fingerprint aggregates): the province dashboard
# from 36–38 to 29 queries, the commune dashboard from 38 to 32, the annual report
# from 36–38 to 36, its PDF from 32 to 30.
CASES = [
    ("province dashboard", "alice", f"/chi-tieu/?nam={YEAR}", 29 + 3),
    ("province dashboard, past year", "vera", f"/chi-tieu/?nam={PAST}", 29 + 3),
    ("province dashboard, provisional", "alice", f"/chi-tieu/?nam={YEAR}&so_lieu=tam_tinh", 30 + 3),
    ("commune dashboard", "cuong", "/chi-tieu/xa/{commune_a}/?nam=" + str(YEAR), 32 + 3),
    ("commune dashboard, past year", "cuong", "/chi-tieu/xa/{commune_a}/?nam=" + str(PAST), 32 + 3),
    ("annual report", "alice", f"/chi-tieu/bao-cao/tong-hop/{YEAR}.xlsx", 36 + 3),
    ("annual report, past year", "alice", f"/chi-tieu/bao-cao/tong-hop/{PAST}.xlsx", 36 + 3),
    ("annual report, PDF", "vera", f"/chi-tieu/bao-cao/tong-hop/{PAST}.pdf", 30 + 3),
    ("annual report of a commune", "binh", f"/chi-tieu/bao-cao/tong-hop/{YEAR}.xlsx", 35 + 3),
    ("reports list", "alice", f"/chi-tieu/bao-cao/?nam={PAST}", 10 + 3),
]
# Making a missing row (once per place and year: a fresh database, a year first opened):
# the lock, the row read again under it, the successions, the reports' stamps, the
# reports, the legacy links and reports, the insert, a savepoint and its release.
MAKING = 9


@pytest.mark.parametrize(("page", "persona", "url", "ceiling"), CASES, ids=[c[0] for c in CASES])
def test_page_queries_do_not_grow_with_the_rows(world, as_user, page, persona, url, ceiling):
    client = as_user(persona)
    url = url.format(commune_a=world.commune_a.pk)
    once, twice, ready = measure(world, client, url)
    assert twice == once, f"{page}: {once} queries with 1× rows, {twice} with 2×"
    assert ready <= ceiling, f"{page}: {ready} queries made ready, ceiling {ceiling}"
    assert twice <= ceiling + MAKING, f"{page}: {twice} queries cold, ceiling {ceiling + MAKING}"
