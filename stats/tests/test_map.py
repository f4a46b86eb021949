"""The province map and the ranking: one circle link per current commune, coloured by the
legend's classes, the same values in the table alternative, grey without figures."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import pytest

from places.models import Place
from stats.map import BANDS, band_of, province_map
from stats.models import ReportStatus, StatReport

YEAR = 2025


def _part(pattern: str, body: str) -> str:
    found = re.search(pattern, body, re.S)
    assert found is not None, pattern
    return found.group(0)


def svg_of(body: str) -> str:
    return _part(r'<svg[^>]*class="chart map".*?</svg>', body)


def table_of(body: str) -> str:
    return _part(r'<details class="map-table">.*?</details>', body)


@pytest.fixture
def reported(world):
    """Commune A reported (approved) 90 of 100 households recognised; nobody else reported."""
    StatReport.objects.create(
        commune=world.commune_a,
        year=YEAR,
        status=ReportStatus.APPROVED,
        households_total=100,
        households_recognised=90,
        households_registered=95,
    )
    return world


def test_the_map_has_one_link_per_current_commune(reported):
    body = reported.client("alice").get(f"/?nam={YEAR}&chi_so=gdht").content.decode()
    svg = svg_of(body)
    communes = Place.objects.current().communes()
    assert communes.count() == 104
    hrefs = re.findall(r'<a href="/chi-tieu/xa/(\d+)/\?nam=2025"', svg)
    assert sorted(int(pk) for pk in hrefs) == sorted(communes.values_list("pk", flat=True))
    assert svg.count("<a ") == 104
    assert 'role="img"' in svg and "aria-label=" in svg
    # Every circle lies inside the drawing.
    width, height = map(float, re.search(r'viewBox="0 0 (\S+) (\S+)"', svg).groups())
    for cx, cy in re.findall(r'cx="([\d.]+)" cy="([\d.]+)"', svg):
        assert 0 <= float(cx) <= width and 0 <= float(cy) <= height


def test_colours_follow_the_legend_and_the_table_lists_the_same(reported):
    body = reported.client("alice").get(f"/?nam={YEAR}&chi_so=gdht").content.decode()
    circles = re.findall(r"<title>([^<]+)</title></circle>", svg_of(body))
    fills = re.findall(
        r'fill="(#[0-9a-f]{6})" fill-opacity="0.85" stroke="#ffffff" stroke-width="1" data-band="([a-z-]+)"',
        svg_of(body),
    )
    assert len(fills) == 104 == len(circles)
    for fill, band in fills:
        assert BANDS[band].fill == fill
    legend = dict(re.findall(r"</svg> ([^:<]+): (\d+)</li>", body))
    for band in BANDS.values():
        assert int(legend[band.label]) == sum(1 for _f, b in fills if b == band.key)
    rows = re.findall(
        r'<tr data-band="([a-z-]+)"><td><a href="/chi-tieu/xa/(\d+)/[^"]*">([^<]+)</a></td><td class="num">([^<]+)</td>',
        table_of(body),
    )
    assert len(rows) == 104
    drawn = {title.split(":")[0]: title for title in circles}
    for band, _pk, name, shown in rows:
        assert shown in drawn[name]
        assert BANDS[band].label.lower() in drawn[name]


def test_a_commune_without_figures_is_grey_and_says_so(reported):
    built = province_map(year=YEAR, code="gdht", official=True)
    by_name = {c.commune.name: c for c in built.communes}
    a, b = by_name[reported.commune_a.name], by_name[reported.commune_b.name]
    assert a.share == Fraction(90) and a.shown == "90,00%"
    assert a.band == band_of(Fraction(90), a.target)
    assert b.share is None and b.band.key == "khong-so-lieu" and b.band.fill == "#b8bec6"
    assert "chưa có số liệu" in b.tooltip
    assert built.with_figures == 1
    # The ranking: commune A first, the communes without figures after it, unranked.
    assert built.ranking[0] is a and a.rank == 1
    assert all(c.rank is None for c in built.ranking[1:])


def test_classes_compare_exactly():
    target = Decimal("70")
    assert band_of(Fraction(70), target).key == "dat"
    assert band_of(Fraction(6999, 100), target).key == "gan"
    assert band_of(Fraction(60), target).key == "gan"
    assert band_of(Fraction(5999999, 100000), target).key == "xa"
    assert band_of(Fraction(50), None).key == "khong-chi-tieu"
    assert band_of(None, target).key == "khong-so-lieu"


def test_the_ranking_is_drawn_best_first(reported):
    body = reported.client("vera").get(f"/?nam={YEAR}&chi_so=gdht").content.decode()
    ranking = re.search(r'<details class="ranking">.*?</details>', body, re.S).group(0)
    assert ranking.index(reported.commune_a.name) < ranking.index(reported.commune_b.name)
    assert f'<td class="num">1</td><td>{reported.commune_a.name}</td>' in ranking


def test_officers_below_the_province_get_no_map(reported):
    body = reported.client("cuong").get("/").content.decode()
    assert 'class="chart map"' not in body
