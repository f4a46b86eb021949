"""What the dashboards show, as plain data: every number with its denominator and target."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, cast

from django.db.models import Count

from assessments.models import Rollup, State
from criteria.titles import Title
from movement.indicators import summary as movement_summary
from places.models import REFORM_DATE, Place, PlaceKind
from registry.models import Household
from stats import charts, summary
from stats.compute import (
    CommuneFigures,
    IndicatorValue,
    current_communes,
    indicators,
)
from stats.coverage import (
    PROJECTION_MIN_COVERAGE_SOURCE,
    Coverage,
    threshold_label,
)
from stats.figures import INDICATORS, TITLE_INDICATORS, IndicatorCode
from stats.models import ReportStatus, StatReport, Target, TargetSource
from stats.summary import FIRST_YEAR, Ready, Yearly

LAST_YEAR = 2030
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
    """green: target met; amber: within 10 points; red: further behind; grey: no figure, or
    no target to compare it with (nothing is "met" where no document sets a target)."""
    if value is None or target is None:
        return "none"
    if value >= target:
        return "green"
    return "amber" if value >= target - 10 else "red"


class Targets:
    """Every current target, read once per page: (indicator, place, year, source) → value;
    and the legacy provinces, whose 2020 baselines the plan's figures are."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, int, int, str], Decimal] = {
            (t.indicator, t.place_id, t.year, t.source): t.value
            for t in Target.objects.filter(replaced_at__isnull=True).order_by("set_at")
        }
        self.legacy_provinces = list(
            Place.objects.legacy().filter(kind=PlaceKind.PROVINCE).order_by("code")
        )

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
    # The 2020 baseline of the current province: only when every legacy province's is
    # known and can be weighted (see `Baselines.merged`); the legacy ones are in `baselines`.
    baseline: Decimal | None = None
    baselines: list[tuple[str, Decimal]] = field(default_factory=list)
    coverage: Coverage | None = None  # how many communes the figure covers


def _rows(
    values: dict[str, IndicatorValue],
    place: Place,
    province: Place,
    year: int,
    targets: Targets,
    covered: dict[str, Coverage] | None = None,
) -> list[IndicatorRow]:
    rows = []
    target_year = milestone(year)
    baselines = Baselines(targets)
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
                baseline=baselines.merged(code),
                baselines=baselines.of(code),
                coverage=(covered or {}).get(code),
            )
        )
    return rows


@dataclass
class BaselineTable:
    """The 2020 baselines side by side: one column per legacy province that has one, and
    the merged province's (or why it has none)."""

    columns: list[str]
    rows: list[tuple[str, list[Decimal | None], Decimal | None]]
    merged_note: str


def baseline_table(rows: list[IndicatorRow], targets: Targets) -> BaselineTable:
    parts = Baselines(targets).parts
    columns = [territory_label(p) for p in parts]
    table = []
    for row in rows:
        found = dict(row.baselines)
        if found:
            table.append((row.label, [found.get(c) for c in columns], row.baseline))
    missing = [p.name for p in targets.legacy_provinces if p not in parts]
    if missing:
        note = (
            "Chưa có mốc 2020 của toàn tỉnh Hưng Yên mới: chưa nhập kết quả 2020 của "
            + ", ".join(f"{name} cũ" for name in missing)
            + "."
        )
    elif not any(merged is not None for _l, _v, merged in table):
        note = (
            "Chưa tính mốc 2020 của toàn tỉnh Hưng Yên mới: cần báo cáo năm 2020 đã duyệt "
            "của mọi xã cũ để gộp các tỷ lệ theo quy mô (tổng số đối tượng) của từng tỉnh cũ."
        )
    else:
        note = (
            "Mốc 2020 của toàn tỉnh Hưng Yên mới: tỷ lệ của các tỉnh cũ gộp theo quy mô "
            "(tổng số đối tượng năm 2020 trong báo cáo đã duyệt của các xã cũ)."
        )
    return BaselineTable(columns, table, note)


def territory_label(place: Place) -> str:
    """ "Tỉnh Hưng Yên cũ (trước 01/07/2025)" — whose a legacy province's baseline is."""
    return f"{place.name} cũ (trước {REFORM_DATE:%d/%m/%Y})"


class Baselines:
    """The 2020 results of plan 127/KH-UBND (and of old Thái Bình when imported) belong to
    the legacy province they were measured in (`stats load_baselines` attaches them there),
    never to today's merged province. A merged 2020 baseline is computed only when every
    legacy province has one for the indicator and the 2020 approved reports of all their
    communes give the weights (each province's total of the indicator's subjects):
    percentages of different territories are never averaged unweighted."""

    def __init__(self, targets: Targets) -> None:
        self.targets = targets
        self.parts = [
            p
            for p in targets.legacy_provinces
            if any(targets.get(code, p, 2020, TargetSource.ACHIEVED) for code in INDICATORS)
        ]
        self._weights: dict[int, dict[str, int]] | None = None

    def of(self, code: str) -> list[tuple[str, Decimal]]:
        found = []
        for place in self.parts:
            value = self.targets.get(code, place, 2020, TargetSource.ACHIEVED)
            if value is not None:
                found.append((territory_label(place), value))
        return found

    def merged(self, code: str) -> Decimal | None:
        legacy = self.targets.legacy_provinces
        values = [self.targets.get(code, p, 2020, TargetSource.ACHIEVED) for p in legacy]
        if len(legacy) < 2 or any(v is None for v in values):
            return None
        weights = self.weights()
        name = INDICATORS[code].total
        parts = [weights.get(p.pk, {}).get(name) for p in legacy]
        if any(not w for w in parts):
            return None
        total = sum(w for w in parts if w)
        exact = sum(
            (Fraction(v) * w for v, w in zip(values, parts, strict=True) if v is not None and w),
            Fraction(0),
        )
        share = exact / total
        return (Decimal(share.numerator) / Decimal(share.denominator)).quantize(Decimal("0.01"))

    def weights(self) -> dict[int, dict[str, int]]:
        """Per legacy province, its 2020 totals — only if every one of its communes has an
        approved 2020 report (one query, made only when a merge is possible)."""
        if self._weights is None:
            self._weights = {}
            legacy = self.targets.legacy_provinces
            communes = list(Place.objects.legacy().communes().values_list("pk", "path"))
            reports = StatReport.objects.filter(
                year=2020, status=ReportStatus.APPROVED, commune_id__in=[pk for pk, _p in communes]
            )
            by_commune = {r.commune_id: r for r in reports}
            for province in legacy:
                own = [pk for pk, path in communes if path.startswith(province.path)]
                if not own or any(pk not in by_commune for pk in own):
                    continue
                sums: dict[str, int] = {}
                for pk in own:
                    for name, value in by_commune[pk].values().items():
                        if value is not None:
                            sums[name] = sums.get(name, 0) + value
                self._weights[province.pk] = sums
        return self._weights


@dataclass
class Projection:
    slope: Decimal | None  # points per year, from the recent trend
    projected_2030: Decimal | None
    needed_per_year: Decimal | None  # to reach the 2030 target from the latest figure
    method: str = ""  # how it was made, in a sentence on the page
    withheld: str = ""  # why there is none (coverage too low, too few years)


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


def _years_text(years: list[int]) -> str:
    return f"{years[0]}–{years[-1]}" if len(years) > 2 else ", ".join(map(str, years))


def project(found: Yearly, code: str, target_2030: Decimal | None) -> Projection:
    """The 2030 projection of one indicator over the steady communes, or why there is none."""
    threshold = threshold_label()
    if len(found.window) < 2:
        return Projection(
            None,
            None,
            None,
            withheld=f"Chưa dự báo: cần ít nhất 2 năm có từ {threshold} số xã, phường có số liệu"
            + (f" (mới có năm {found.window[0]})." if found.window else " (chưa có năm nào)."),
        )
    if not found.steady.enough_for_projection:
        return Projection(
            None,
            None,
            None,
            withheld=f"Chưa dự báo: chỉ {found.steady.label} có số liệu ở mọi năm "
            f"{_years_text(found.window)}, dưới ngưỡng {threshold}.",
        )
    points = [
        (y, found.steady_by_year[y][code].share_of_all if code in found.steady_by_year[y] else None)
        for y in found.window
    ]
    result = projection(points, target_2030)
    if result.projected_2030 is None:
        result.withheld = "Chưa dự báo: chỉ tiêu này chưa có số liệu ở ít nhất 2 năm."
        return result
    result.method = (
        f"Dự báo theo đường xu hướng tuyến tính (bình phương nhỏ nhất) qua các năm "
        f"{_years_text(found.window)}, chỉ tính {found.steady.label} có số liệu ở mọi năm đó, "
        f"kéo dài đến {LAST_YEAR}; chỉ dự báo khi từ {threshold} số xã, phường có số liệu."
    )
    return result


@dataclass
class Trend:
    code: str
    label: str
    points: list[tuple[int, Decimal | None]]
    projection: Projection
    svg: str
    coverage: list[tuple[int, Coverage]] = field(default_factory=list)
    baselines: list[tuple[str, Decimal]] = field(default_factory=list)


def trends(found: Yearly, province: Place, year: int, targets: Targets) -> list[Trend]:
    baselines = Baselines(targets)
    result = []
    for code in [
        *TITLE_INDICATORS,
        IndicatorCode.WORKERS_CDHT,
        IndicatorCode.STAFF_CDHT,
        IndicatorCode.DIGITAL,
        IndicatorCode.SELF_UPDATED,
    ]:
        points = [
            (y, found.by_year[y][code].share_of_all if code in found.by_year[y] else None)
            for y in range(FIRST_YEAR, year + 1)
        ]
        target_2030 = targets.get(code, province, 2030, TargetSource.PROVINCE)
        proj = project(found, code, target_2030)
        whole = [(y, v if found.coverage[y].complete else None) for y, v in points]
        series = [charts.Series("Thực hiện (đủ xã, phường)", whole)]
        if any(v is not None and not found.coverage[y].complete for y, v in points):
            partial = [(y, None if found.coverage[y].complete else v) for y, v in points]
            series.append(charts.Series("Chưa đủ xã, phường (tạm thời)", partial, kind="partial"))
        # A baseline measured on another territory is its own series, a distinct mark
        # never joined to this province's line.
        for label, value in baselines.of(code):
            series.append(
                charts.Series(f"Mốc 2020: {label}", [(FIRST_YEAR, value)], kind="baseline")
            )
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
            last_known = next(
                ((y, found.steady_by_year[y][code].share_of_all) for y in reversed(found.window)),
                None,
            )
            if last_known is not None and last_known[1] is not None:
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
                coverage=[(y, found.coverage[y]) for y in range(FIRST_YEAR, year + 1)],
                baselines=baselines.of(code),
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


def scorecard(found: Ready, province: Place, targets: Targets) -> list[ScoreRow]:
    target_year = milestone(found.year)
    rows = []
    for commune in found.communes:
        values = found.per_commune.get(commune.pk, {})
        cells = []
        for code in SCORECARD:
            value = values[code].share_of_all if code in values else None
            target = targets.for_place(code, commune, province, target_year)
            cells.append(ScoreCell(value, target, colour(value, target)))
        rows.append(ScoreRow(commune, cells, found.figures.get(commune.pk)))
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
    found: Ready, province: Place, targets: Targets, code: str, *, limit: int = 20
) -> list[Behind]:
    spec = INDICATORS[code]
    target_year = milestone(found.year)
    result = []
    for commune in found.communes:
        values = found.per_commune.get(commune.pk)
        target = targets.for_place(code, commune, province, target_year)
        if values is None or target is None:
            continue
        value = values[code]
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
    return summary.province()


def province_overview(year: int, *, official: bool) -> dict[str, object]:
    """The province's indicators against their targets and how many communes they cover:
    what a leader's home shows beside the map, without the dashboard's charts and tables."""
    province = province_place()
    communes = current_communes()
    targets = Targets()
    found = summary.read(province, communes, [year], official=official)[year]
    covered = found.coverage
    return {
        # What the page's map reuses instead of reading it again (stats.map.province_map).
        "loaded": {"ready": found, "targets": targets, "province": province},
        "province": province,
        "year": year,
        "official": official,
        "reported": covered.covered,
        "communes_count": len(communes),
        "coverage": covered,
        # The sum of approved reports is the province's figure only once every commune is in.
        "partial": not covered.complete,
        "rows": _rows(found.total, province, province, year, targets, found.indicator_coverage),
    }


def province_dashboard(
    year: int, *, official: bool, behind_code: str = IndicatorCode.GDHT
) -> dict[str, object]:
    overview = province_overview(year, official=official)
    loaded = cast(dict[str, Any], overview["loaded"])
    found, targets, province = loaded["ready"], loaded["targets"], loaded["province"]
    rows = cast(list[IndicatorRow], overview["rows"])
    return {
        **overview,
        "baselines": baseline_table(rows, targets),
        "threshold": threshold_label(),
        "threshold_source": PROJECTION_MIN_COVERAGE_SOURCE,
        "scorecard": scorecard(found, province, targets),
        "scorecard_codes": [(c, IndicatorCode(c).label) for c in SCORECARD],
        "trends": trends(found.yearly, province, year, targets),
        "behind": who_is_behind(found, province, targets, behind_code),
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
    ready = summary.read(commune, [commune], [year], official=official)[year]
    found = ready.figures.get(commune.pk)
    values = ready.per_commune.get(commune.pk) or indicators([])
    partial = found is not None and not found.complete
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
        "partial": partial,
        "rows": _rows(values, commune, province, year, targets),
        "threshold": threshold_label(),
        "threshold_source": PROJECTION_MIN_COVERAGE_SOURCE,
        "pipeline": pipeline,
        "pipeline_states": [State(s).label for s in PIPELINE],
        "villages": village_rows,
        "gdht_target": target,
        "trends": trends(ready.yearly, province, year, targets),
        "movement": movement_panel(commune, province, year, targets),
    }
