"""What the dashboards show, as plain data: every number with its denominator and target."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Max

from assessments.models import Rollup, State
from criteria.titles import Title
from movement.indicators import summary as movement_summary
from places.models import Place, PlaceKind, PlaceSuccession
from registry.models import Household
from stats import charts
from stats.compute import (
    CommuneFigures,
    IndicatorValue,
    current_communes,
    figures,
    figures_years,
    indicators,
)
from stats.figures import INDICATORS, TITLE_INDICATORS, IndicatorCode
from stats.models import LiveFigures, StatReport, Target, TargetSource

FIRST_YEAR, LAST_YEAR = 2020, 2030
SCORECARD = [
    IndicatorCode.GDHT,
    IndicatorCode.DHHT,
    IndicatorCode.CDHT_THON,
    IndicatorCode.DVHT,
    IndicatorCode.WORKERS_CDHT,
    IndicatorCode.STAFF_CDHT,
]


def milestone(year: int) -> int:
    return 2025 if year <= 2025 else 2030


def colour(value: Decimal | None, target: Decimal | None) -> str:
    """green: target met; amber: within 10 points; red: further behind; grey: no figure."""
    if value is None:
        return "none"
    if target is None or value >= target:
        return "green"
    return "amber" if value >= target - 10 else "red"


class Targets:
    """Every current target, read once per page: (indicator, place, year, source) → value."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, int, int, str], Decimal] = {
            (t.indicator, t.place_id, t.year, t.source): t.value
            for t in Target.objects.filter(replaced_at__isnull=True).order_by("set_at")
        }

    def get(self, indicator: str, place: Place, year: int, source: str) -> Decimal | None:
        return self.rows.get((indicator, place.pk, year, source))

    def for_place(self, indicator: str, place: Place, province: Place, year: int) -> Decimal | None:
        """A commune's own target, else the province's plan, else the national programme."""
        if place.kind == PlaceKind.COMMUNE:
            own = self.get(indicator, place, year, TargetSource.COMMUNE)
            if own is not None:
                return own
        return self.get(indicator, province, year, TargetSource.PROVINCE) or self.get(
            indicator, province, year, TargetSource.NATIONAL
        )


@dataclass
class IndicatorRow:
    code: str
    label: str
    value: IndicatorValue
    target: Decimal | None
    target_year: int
    colour: str
    bar: str = ""
    targets: dict[str, Decimal | None] = field(default_factory=dict)
    baseline: Decimal | None = None


def _rows(
    values: dict[str, IndicatorValue], place: Place, province: Place, year: int, targets: Targets
) -> list[IndicatorRow]:
    rows = []
    target_year = milestone(year)
    for code in INDICATORS:
        value = values[code]
        target = targets.for_place(code, place, province, target_year)
        rows.append(
            IndicatorRow(
                code=code,
                label=str(IndicatorCode(code).label),
                value=value,
                target=target,
                target_year=target_year,
                colour=colour(value.share_of_all, target),
                bar=charts.progress_bar(value.share_of_all, target),
                targets={
                    "national_2025": targets.get(code, province, 2025, TargetSource.NATIONAL),
                    "province_2025": targets.get(code, province, 2025, TargetSource.PROVINCE),
                    "national_2030": targets.get(code, province, 2030, TargetSource.NATIONAL),
                    "province_2030": targets.get(code, province, 2030, TargetSource.PROVINCE),
                },
                baseline=targets.get(code, province, 2020, TargetSource.ACHIEVED),
            )
        )
    return rows


@dataclass
class Projection:
    slope: Decimal | None  # points per year, from the recent trend
    projected_2030: Decimal | None
    needed_per_year: Decimal | None  # to reach the 2030 target from the latest figure


def projection(points: list[tuple[int, Decimal | None]], target_2030: Decimal | None) -> Projection:
    """Least-squares line through the last five known years, carried to 2030."""
    known = [(yr, float(v)) for yr, v in points if v is not None][-5:]
    if len(known) < 2:
        return Projection(None, None, None)
    n = len(known)
    mean_x = sum(x for x, _v in known) / n
    mean_y = sum(v for _x, v in known) / n
    denominator = sum((x - mean_x) ** 2 for x, _v in known)
    slope = sum((x - mean_x) * (v - mean_y) for x, v in known) / denominator if denominator else 0.0
    last_year, last_value = known[-1]
    projected = min(100.0, max(0.0, last_value + slope * (LAST_YEAR - last_year)))
    needed = None
    if target_2030 is not None and last_year < LAST_YEAR:
        needed = (float(target_2030) - last_value) / (LAST_YEAR - last_year)
    q = Decimal("0.01")
    return Projection(
        Decimal(str(slope)).quantize(q),
        Decimal(str(projected)).quantize(q),
        Decimal(str(needed)).quantize(q) if needed is not None else None,
    )


@dataclass
class Trend:
    code: str
    label: str
    points: list[tuple[int, Decimal | None]]
    projection: Projection
    svg: str


def figures_fingerprint(*, official: bool) -> tuple[object, ...]:
    """What the yearly figures are made of, in two cheap aggregates: any saved, added or
    deleted report (or live snapshot) changes it. Reports are only written through the
    ORM's save() (services, imports), which stamps `updated_at`."""
    model, stamp = (StatReport, "updated_at") if official else (LiveFigures, "computed_at")
    found = model.objects.aggregate(last=Max(stamp), n=Count("id"))
    links = PlaceSuccession.objects.count()
    return (official, found["last"], found["n"], links)


def indicators_by_year(
    communes: list[Place], year: int, *, official: bool
) -> dict[int, dict[str, IndicatorValue]]:
    """The indicators of every year since 2020 for the trends — read from the cache as long
    as no report changed (the key holds the fingerprint: explicit invalidation, shared by
    every worker since the fingerprint is read from the database)."""
    ids = ",".join(str(c.pk) for c in communes)
    key = (
        "stats:by-year:"
        + hashlib.sha256(
            repr((year, ids, figures_fingerprint(official=official))).encode()
        ).hexdigest()
    )
    cached = cache.get(key)
    if cached is not None:
        return dict(cached)
    by_year: dict[int, dict[str, IndicatorValue]] = {}
    years = list(range(FIRST_YEAR, year + 1))
    for y, of_year in figures_years(communes, years, official=official).items():
        rows = [f.values for f in of_year.values()]
        by_year[y] = indicators(rows) if rows else {}
    cache.set(key, by_year, timeout=24 * 3600)
    return by_year


def trends(
    communes: list[Place], province: Place, year: int, targets: Targets, *, official: bool
) -> list[Trend]:
    by_year = indicators_by_year(communes, year, official=official)
    result = []
    for code in [
        *TITLE_INDICATORS,
        IndicatorCode.WORKERS_CDHT,
        IndicatorCode.STAFF_CDHT,
        IndicatorCode.DIGITAL,
        IndicatorCode.SELF_UPDATED,
    ]:
        points = [
            (y, by_year[y][code].share_of_all if code in by_year[y] else None)
            for y in range(FIRST_YEAR, year + 1)
        ]
        if points and points[0][1] is None:
            baseline = targets.get(code, province, 2020, TargetSource.ACHIEVED)
            points[0] = (FIRST_YEAR, baseline)
        target_2030 = targets.get(code, province, 2030, TargetSource.PROVINCE)
        proj = projection(points, target_2030)
        series = [charts.Series("Thực hiện", points)]
        for source, label in (
            (TargetSource.PROVINCE, "Chỉ tiêu tỉnh"),
            (TargetSource.NATIONAL, "Chỉ tiêu quốc gia"),
        ):
            series.append(
                charts.Series(
                    label,
                    [(y, targets.get(code, province, y, source)) for y in (2025, 2030)],
                    kind=source,
                    dashed=True,
                )
            )
        if proj.projected_2030 is not None:
            last_known = next(((y, v) for y, v in reversed(points) if v is not None), None)
            if last_known is not None:
                series.append(
                    charts.Series(
                        "Dự báo",
                        [last_known, (LAST_YEAR, proj.projected_2030)],
                        kind="projection",
                        dashed=True,
                    )
                )
        label = str(IndicatorCode(code).label)
        result.append(
            Trend(
                code,
                label,
                points,
                proj,
                charts.line_chart(f"{label}: 2020–2030 (% tổng số)", series),
            )
        )
    return result


@dataclass
class ScoreCell:
    value: Decimal | None
    target: Decimal | None
    colour: str


@dataclass
class ScoreRow:
    commune: Place
    cells: list[ScoreCell]
    source: CommuneFigures | None


def scorecard(
    communes: list[Place], province: Place, year: int, targets: Targets, *, official: bool
) -> list[ScoreRow]:
    data = figures(communes, year, official=official)
    target_year = milestone(year)
    rows = []
    for commune in communes:
        found = data.get(commune.pk)
        values = indicators([found.values]) if found else {}
        cells = []
        for code in SCORECARD:
            value = values[code].share_of_all if code in values else None
            target = targets.for_place(code, commune, province, target_year)
            cells.append(ScoreCell(value, target, colour(value, target)))
        rows.append(ScoreRow(commune, cells, found))
    return rows


@dataclass
class Behind:
    commune: Place
    value: Decimal | None
    target: Decimal
    gap: Decimal
    more_needed: int
    subject: str


def who_is_behind(
    communes: list[Place],
    province: Place,
    year: int,
    targets: Targets,
    code: str,
    *,
    official: bool,
    limit: int = 20,
) -> list[Behind]:
    data = figures(communes, year, official=official)
    spec = INDICATORS[code]
    result = []
    for commune in communes:
        found = data.get(commune.pk)
        target = targets.for_place(code, commune, province, milestone(year))
        if found is None or target is None:
            continue
        value = indicators([found.values])[code]
        if value.total is None or value.numerator is None:
            continue
        share = value.share_of_all or Decimal(0)
        if share >= target:
            continue
        needed = math.ceil(float(target) * value.total / 100 - value.numerator)
        result.append(
            Behind(
                commune, value.share_of_all, target, target - share, max(needed, 0), spec.subject
            )
        )
    result.sort(key=lambda b: b.gap, reverse=True)
    return result[:limit]


RESOURCES_TARGET = Decimal(100)  # mobilise the whole of the year's estimate


def movement_panel(place: Place, province: Place, year: int, targets: Targets) -> dict[str, object]:
    """Learning centres, training and resources counted live from the movement's records,
    against the plan's targets (and, for resources, the association's own estimate)."""
    found = movement_summary(place, year)
    target_year = milestone(year)
    shares = {
        IndicatorCode.CLC_CHAIR: found.leader_share,
        IndicatorCode.CADRES_IT: found.cadres_it_share,
        IndicatorCode.MEMBERS_BRIEFED: found.briefed_share,
    }
    marks: dict[str, object] = {}
    for code, share in shares.items():
        target = targets.for_place(code, place, province, target_year)
        marks[str(code)] = target
        marks[f"{code}_colour"] = colour(share, target)
    marks["resources_colour"] = (
        colour(found.resources_share, RESOURCES_TARGET) if found.estimate else "none"
    )
    return {"summary": found, "targets": marks, "target_year": target_year}


def province_place() -> Place:
    return Place.objects.current().get(kind=PlaceKind.PROVINCE, parent__isnull=True)


def province_dashboard(
    year: int, *, official: bool, behind_code: str = IndicatorCode.GDHT
) -> dict[str, object]:
    province = province_place()
    communes = current_communes()
    targets = Targets()
    data = figures(communes, year, official=official)
    values = indicators([f.values for f in data.values()]) if data else indicators([])
    return {
        "province": province,
        "year": year,
        "official": official,
        "reported": len(data),
        "communes_count": len(communes),
        "rows": _rows(values, province, province, year, targets),
        "scorecard": scorecard(communes, province, year, targets, official=official),
        "scorecard_codes": [(c, IndicatorCode(c).label) for c in SCORECARD],
        "trends": trends(communes, province, year, targets, official=official),
        "behind": who_is_behind(communes, province, year, targets, behind_code, official=official),
        "behind_code": behind_code,
        "movement": movement_panel(province, province, year, targets),
    }


PIPELINE = [
    State.REGISTERED,
    State.SUBMITTED,
    State.VERIFIED,
    State.PROPOSED,
    State.RECOGNISED,
    State.NOT_RECOGNISED,
    State.RETURNED,
    State.REVOKED,
]


def commune_dashboard(commune: Place, year: int, *, official: bool) -> dict[str, object]:
    province = province_place()
    targets = Targets()
    data = figures([commune], year, official=official)
    found = data.get(commune.pk)
    values = indicators([found.values]) if found else indicators([])
    counts: dict[tuple[str, str], int] = {}
    for title, state, count in Rollup.objects.filter(year=year, commune=commune).values_list(
        "title", "state", "count"
    ):
        counts[(title, state)] = counts.get((title, state), 0) + count
    pipeline = [
        {"title": Title(t).label, "code": t, "counts": [counts.get((t, s), 0) for s in PIPELINE]}
        for t in Title.values
        if any(counts.get((t, s)) for s in PIPELINE)
    ]
    villages = list(Place.objects.current().villages().filter(parent=commune).order_by("name"))
    households = dict(
        Household.objects.filter(commune=commune, dissolved_on__isnull=True)
        .values_list("village_id")
        .annotate(n=Count("id"))
    )
    recognised = dict(
        Rollup.objects.filter(
            year=year, commune=commune, title=Title.GDHT, state=State.RECOGNISED
        ).values_list("village_id", "count")
    )
    target = targets.for_place(IndicatorCode.GDHT, commune, province, milestone(year))
    village_rows = []
    for village in villages:
        total = households.get(village.pk, 0)
        done = recognised.get(village.pk, 0)
        share = (Decimal(done) * 100 / total).quantize(Decimal("0.01")) if total else None
        more = (
            max(0, math.ceil(float(target) * total / 100 - done))
            if target is not None and total
            else None
        )
        village_rows.append(
            {
                "village": village,
                "households": total,
                "recognised": done,
                "share": share,
                "colour": colour(share, target),
                "more": more,
            }
        )
    return {
        "commune": commune,
        "year": year,
        "official": official,
        "figures": found,
        "rows": _rows(values, commune, province, year, targets),
        "pipeline": pipeline,
        "pipeline_states": [State(s).label for s in PIPELINE],
        "villages": village_rows,
        "gdht_target": target,
        "trends": trends([commune], province, year, targets, official=official),
        "movement": movement_panel(commune, province, year, targets),
    }
