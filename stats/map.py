"""The province map and the ranking of its communes for one indicator and year, as plain
data for `templates/stats/_map.html` and `templates/stats/_ranking.html` (SVG written by
the template on the server: no JavaScript, printable).

One call builds what both partials read:

    from stats.map import province_map
    context["map"] = province_map(year=2025, code="gdht", official=True)

    {% include "stats/_map.html" %}       {# reads `map` #}
    {% include "stats/_ranking.html" %}   {# reads `map` too #}

Each current commune is a circle at its centroid (`Place.latitude`, `Place.longitude`,
from the `vietnamadminunits` package), projected equirectangularly onto the province's
bounding box, its area proportional to the commune's `area_km2` (a fixed size when the
area is unknown). Its colour is its progress to the target of the chosen indicator in the
milestone year (2025 or 2030), with the dashboards' own thresholds (`CLASSES`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils import timezone

from places.models import Place
from stats import summary
from stats.compute import current_communes
from stats.dashboard import Targets, milestone, province_place
from stats.figures import INDICATORS, IndicatorCode
from stats.models import LiveFigures, ReportStatus, StatReport

WIDTH = 640  # the SVG's drawing width (it scales to the screen)
PAD = 24  # room for the largest circles at the edges
R_MAX = 22.0  # the radius of the largest commune
R_UNKNOWN = 7.0  # a commune whose area is unknown
R_MIN = 3.0
# Proposal, the dashboards' legend ("thiếu dưới 10 điểm"): within 10 percentage points of
# the target is "near", further is "far". Compared exactly (fractions), rounded for display.
NEAR_POINTS = 10
# The ranking chart: a bar per commune, BAR_WIDTH long at 100 %.
BAR_WIDTH = 160


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    fill: str


CLASSES: tuple[Band, ...] = (
    Band("dat", "Đạt chỉ tiêu", "#2e7d32"),
    Band("gan", f"Thiếu dưới {NEAR_POINTS} điểm %", "#e0a100"),
    Band("xa", f"Thiếu từ {NEAR_POINTS} điểm % trở lên", "#c62828"),
    Band("khong-chi-tieu", "Có số liệu, chưa có chỉ tiêu", "#4f74b3"),
    Band("khong-so-lieu", "Chưa có số liệu", "#b8bec6"),
)
BANDS = {band.key: band for band in CLASSES}


def band_of(share: Fraction | None, target: Decimal | None) -> Band:
    if share is None:
        return BANDS["khong-so-lieu"]
    if target is None:
        return BANDS["khong-chi-tieu"]
    goal = Fraction(target)
    if share >= goal:
        return BANDS["dat"]
    return BANDS["gan"] if share >= goal - NEAR_POINTS else BANDS["xa"]


@dataclass
class MapCommune:
    commune: Place
    share: Fraction | None  # exact % of all
    numerator: int | None
    total: int | None
    target: Decimal | None
    band: Band
    x: float | None = None
    y: float | None = None
    r: float = R_UNKNOWN
    rank: int | None = None
    bar: float = 0.0  # the ranking bar's length (BAR_WIDTH at 100 %)
    target_x: float | None = None  # the target's mark on it

    @property
    def shown(self) -> str:
        """The value as displayed: two decimals, a comma (Vietnamese)."""
        if self.share is None:
            return "chưa có số liệu"
        return f"{float(self.share):.2f}".replace(".", ",") + "%"

    @property
    def target_shown(self) -> str:
        return f"{float(self.target):g}".replace(".", ",") + "%" if self.target is not None else "—"

    @property
    def placed(self) -> bool:
        return self.x is not None

    @property
    def tooltip(self) -> str:
        target = f", chỉ tiêu {self.target_shown}" if self.target is not None else ""
        return f"{self.commune.name}: {self.shown}{target} — {self.band.label.lower()}"


@dataclass
class ProvinceMap:
    year: int
    code: str
    label: str
    official: bool
    target_year: int
    width: int
    height: int
    communes: list[MapCommune]  # by name
    ranking: list[MapCommune]  # best first; without figures last
    legend: list[tuple[Band, int]] = field(default_factory=list)
    unplaced: int = 0  # communes without coordinates (listed in the table only)
    indicator_choices: list[tuple[str, str]] = field(default_factory=list)

    @property
    def near_points(self) -> int:
        return NEAR_POINTS

    @property
    def bar_width(self) -> int:
        return BAR_WIDTH

    @property
    def with_figures(self) -> int:
        return sum(1 for c in self.communes if c.share is not None)


def default_year(*, official: bool) -> int:
    """The latest year with figures (approved reports, or live counts), else this year."""
    this_year = timezone.localdate().year
    if official:
        found = (
            StatReport.objects.filter(status=ReportStatus.APPROVED, year__lte=this_year)
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )
    else:
        found = (
            LiveFigures.objects.filter(year__lte=this_year)
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )
    return found or this_year


def _project(rows: list[MapCommune]) -> int:
    """Place the circles; returns the drawing's height."""
    placed = [c for c in rows if c.commune.latitude is not None and c.commune.longitude is not None]
    if not placed:
        return 0
    lats = [float(c.commune.latitude) for c in placed]  # type: ignore[arg-type]
    lons = [float(c.commune.longitude) for c in placed]  # type: ignore[arg-type]
    # Equirectangular: a degree of longitude shrinks by cos(latitude) at the box's middle.
    squeeze = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = max((max(lons) - min(lons)) * squeeze, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = (WIDTH - 2 * PAD) / span_x
    height = round(span_y * scale + 2 * PAD)
    areas = [float(c.commune.area_km2) for c in placed if c.commune.area_km2]
    biggest = max(areas) if areas else 0.0
    for c in placed:
        c.x = round(PAD + (float(c.commune.longitude) - min(lons)) * squeeze * scale, 1)  # type: ignore[arg-type]
        c.y = round(PAD + (max(lats) - float(c.commune.latitude)) * scale, 1)  # type: ignore[arg-type]
        if c.commune.area_km2 and biggest:
            c.r = round(max(R_MIN, R_MAX * math.sqrt(float(c.commune.area_km2) / biggest)), 1)
    return height


def province_map(
    *,
    year: int,
    code: str = IndicatorCode.GDHT,
    official: bool = True,
    loaded: dict[str, Any] | None = None,
) -> ProvinceMap:
    """Every current commune's value of `code` in `year`, its target and its class.
    `loaded`: the province, its figures (`summary.Ready`) and the targets a dashboard of
    the same year and kind has already read (its context's "loaded"), so that the page
    reads them once."""
    if code not in INDICATORS:
        code = IndicatorCode.GDHT
    target_year = milestone(year)
    if loaded is not None:
        province, found, targets = loaded["province"], loaded["ready"], loaded["targets"]
    else:
        province = province_place()
        targets = Targets()
        found = summary.read(province, current_communes(), [year], official=official)[year]
    rows = []
    for commune in found.communes:
        own = found.per_commune.get(commune.pk)
        value = own[code] if own else None
        share = (
            Fraction(value.numerator * 100, value.total)
            if value is not None and value.numerator is not None and value.total
            else None
        )
        target = targets.for_place(code, commune, province, target_year)
        rows.append(
            MapCommune(
                commune,
                share,
                value.numerator if value else None,
                value.total if value else None,
                target,
                band_of(share, target),
            )
        )
    height = _project(rows)
    ranking = sorted(rows, key=lambda c: (c.share is None, -(c.share or 0), c.commune.name))
    for position, row in enumerate(ranking, start=1):
        if row.share is not None:
            row.rank = position
            row.bar = round(min(float(row.share), 100.0) * BAR_WIDTH / 100, 1)
        if row.target is not None:
            row.target_x = round(min(float(row.target), 100.0) * BAR_WIDTH / 100, 1)
    counts = {band.key: 0 for band in CLASSES}
    for row in rows:
        counts[row.band.key] += 1
    return ProvinceMap(
        year=year,
        code=code,
        label=str(IndicatorCode(code).label),
        official=official,
        target_year=target_year,
        width=WIDTH,
        height=height,
        communes=rows,
        ranking=ranking,
        legend=[(band, counts[band.key]) for band in CLASSES],
        unplaced=sum(1 for row in rows if not row.placed),
        indicator_choices=[(str(c), str(label)) for c, label in IndicatorCode.choices],
    )
