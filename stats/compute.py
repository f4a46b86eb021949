"""Figures and indicators: counted live from the registry, or read from approved reports.

Dashboards only ever read stored rows (approved `StatReport`s, `LiveFigures`
snapshots, `Target`s): the registry is scanned here, once per commune and
year, when a snapshot is refreshed or a report is pre-filled. Snapshots are kept
current by `stats.receivers`, inside the transaction of each write that changes them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import QuerySet

from assessments.derived import learning_workers
from assessments.models import Assessment, Rollup, State
from criteria.titles import Title
from movement.indicators import commune_figures as movement_figures
from places.models import REFORM_DATE, Place, PlaceKind, PlaceSuccession
from registry.models import (
    Citizen,
    Clan,
    Household,
    Organisation,
    OrganisationKind,
    OrganisationLevel,
    ResidenceStatus,
)
from stats.figures import FIGURE_NAMES, INDICATORS, IndicatorCode
from stats.models import LiveFigures, ReportStatus, StatReport

ENTERPRISES = (OrganisationKind.ENTERPRISE, OrganisationKind.PRODUCTION)


def _rollup(commune: Place, year: int, title: str) -> tuple[int, int]:
    """(registered = every assessment of the year, recognised) from the maintained counts."""
    counts: dict[str, int] = {}
    for state, count in Rollup.objects.filter(year=year, commune=commune, title=title).values_list(
        "state", "count"
    ):
        counts[state] = counts.get(state, 0) + count
    return sum(counts.values()), counts.get(State.RECOGNISED, 0)


def _units(units: QuerySet[Organisation], year: int) -> tuple[int, int]:
    """(registered = every learning-unit assessment of the year, recognised) of `units`."""
    assessed = Assessment.objects.filter(title=Title.DVHT, year=year, organisation__in=units)
    return assessed.count(), assessed.filter(state=State.RECOGNISED).count()


def _holders(title: str, year: int) -> QuerySet[Assessment]:
    return Assessment.objects.holding(title, year)


def live_figures(commune: Place, year: int) -> dict[str, int | None]:
    """Count everything the report asks for from the registry and the year's titles."""
    values: dict[str, int | None] = dict.fromkeys(FIGURE_NAMES)
    households = Household.objects.filter(commune=commune, dissolved_on__isnull=True)
    values["households_total"] = households.count()
    values["households_registered"], values["households_recognised"] = _rollup(
        commune, year, Title.GDHT
    )
    values["clans_total"] = Clan.objects.filter(commune=commune).count()
    values["clans_registered"], values["clans_recognised"] = _rollup(commune, year, Title.DHHT)
    values["villages_total"] = Place.objects.current().villages().filter(parent=commune).count()
    values["villages_registered"], values["villages_recognised"] = _rollup(
        commune, year, Title.CDHT_THON
    )
    # Units: numerator and denominator over the same units. Commune-level units make the
    # commune's figure; province-level units located in the commune are reported apart.
    located = Organisation.objects.filter(commune=commune, closed_on__isnull=True)
    organisations = located.filter(level=OrganisationLevel.COMMUNE)
    enterprises = organisations.filter(kind__in=ENTERPRISES)
    province_units = located.filter(level=OrganisationLevel.PROVINCE)
    for prefix, units in (
        ("orgs", organisations),
        ("enterprises", enterprises),
        ("province_orgs", province_units),
    ):
        values[f"{prefix}_total"] = units.count()
        values[f"{prefix}_registered"], values[f"{prefix}_recognised"] = _units(units, year)

    people = Citizen.objects.filter(commune=commune, status=ResidenceStatus.ACTIVE)
    workers = learning_workers(people, year)  # the learning-commune criterion's definition too
    cdht_year = Assessment.objects.filter(title=Title.CDHT, year=year)
    cdht_holders = _holders(Title.CDHT, year)
    values["workers_total"] = workers.count()
    values["workers_registered"] = cdht_year.filter(citizen__in=workers).count()
    values["workers_cdht"] = cdht_holders.filter(citizen__in=workers).count()
    learning_orgs = (
        _holders(Title.DVHT, year).filter(organisation__commune=commune).values("organisation_id")
    )
    # Staff by workplace: the unit's commune owns its staff wherever they live.
    staff = Citizen.objects.filter(status=ResidenceStatus.ACTIVE, workplace_id__in=learning_orgs)
    values["staff_total"] = staff.count()
    values["staff_registered"] = cdht_year.filter(citizen__in=staff).count()
    values["staff_cdht"] = cdht_holders.filter(citizen__in=staff).count()
    commune_holders = cdht_holders.filter(commune=commune)
    values["cdht_total"] = commune_holders.count()
    digital = commune_holders.filter(result__indicators__digital_skills=True)
    values["cdht_digital"] = digital.count()
    values["cdht_self_updated"] = commune_holders.filter(self_submitted=True).count()
    # "trong đó" (plan 127, II.2): of those with digital skills, those who self-updated.
    values["cdht_digital_self_updated"] = digital.filter(self_submitted=True).count()
    learning_commune = (
        _holders(Title.XA_HT, year).filter(commune_subject=commune).order_by("-level").first()
    )
    values["commune_level"] = learning_commune.level if learning_commune else 0
    # Learning centre, cadres and members: from the movement's own records where kept.
    values.update(movement_figures(commune, year))
    return values


def refresh_live(commune: Place, year: int) -> LiveFigures:
    snapshot, _created = LiveFigures.objects.update_or_create(
        commune=commune, year=year, defaults=live_figures(commune, year)
    )
    return snapshot


def refresh_communes(commune_ids: Iterable[int], year: int) -> int:
    """`refresh_live` for each commune (ids) that is current; returns how many were redone."""
    communes = Place.objects.current().communes().filter(pk__in=set(commune_ids))
    done = 0
    for commune in communes:
        refresh_live(commune, year)
        done += 1
    return done


@dataclass
class CommuneFigures:
    """One commune-year as the dashboards show it, with where the numbers come from."""

    commune: Place
    year: int
    values: dict[str, int | None]  # as displayed: shared counts rounded (see `_shared`)
    official: bool  # approved report(s) rather than live counts, and none missing
    from_legacy: list[str] = field(default_factory=list)  # names of the pre-2025 communes summed
    split_warning: bool = False
    status: str = ""
    legacy_missing: list[str] = field(default_factory=list)  # predecessors without a report
    legacy_total: int = 0  # how many predecessors the commune has (legacy sums only)
    shared: list[str] = field(default_factory=list)  # "Số liệu 2024 chia từ … theo tỷ lệ …"
    exact: dict[str, int | Fraction | None] | None = None  # unrounded, when a share applies

    @property
    def complete(self) -> bool:
        """Every predecessor of a legacy sum reported (always true for a commune's own)."""
        return not self.legacy_missing

    @property
    def legacy_label(self) -> str:
        """ "2/4 xã cũ có báo cáo" for a legacy sum; empty otherwise."""
        if not self.legacy_total:
            return ""
        found = self.legacy_total - len(self.legacy_missing)
        return f"{found}/{self.legacy_total} xã cũ có báo cáo"

    @property
    def exact_values(self) -> dict[str, int | Fraction | None]:
        """What totals add: the unrounded shares, so a split commune's parts sum back."""
        return self.exact if self.exact is not None else dict(self.values)


NOT_SHARED = ("clc_chair", "commune_level")
"""Figures that are a state of the commune, not a count: a split predecessor's value
goes whole to each successor instead of by share."""


def _half_up(value: int | Fraction) -> int:
    return value if isinstance(value, int) else math.floor(value + Fraction(1, 2))


def _sum(rows: Iterable[Mapping[str, int | Fraction | None]]) -> dict[str, int | None]:
    """Figure by figure, the sum of the rows that have it (None if none has it). Rows may
    hold exact shares (fractions): they are added exactly and the total rounded once,
    half up, so the parts of a split commune add back to the whole."""
    total: dict[str, int | None] = {}
    materialised = list(rows)
    for name in FIGURE_NAMES:
        present = [value for r in materialised if (value := r.get(name)) is not None]
        total[name] = _half_up(sum(present, Fraction(0))) if present else None
    return total


def _percent_text(percent: Fraction) -> str:
    """40 → "40 %", 33.3333 → "33,33 %" (display only)."""
    shown = round(float(percent), 2)
    return f"{shown:g} %".replace(".", ",")


def _shared(
    pairs: list[tuple[PlaceSuccession, StatReport]],
) -> tuple[dict[str, int | Fraction | None], list[str]]:
    """The exact sum of the predecessors' reports, each times its share (a split
    predecessor's history is shared among its successors: `PlaceSuccession.share`), and
    a note per shared predecessor. Rule: totals keep the fractions; only the displayed
    commune figure is rounded (half up), so a commune's shown parts may differ from the
    province total by rounding, never the total itself."""
    exact: dict[str, int | Fraction | None] = {}
    notes = []
    for name in FIGURE_NAMES:
        parts: list[int | Fraction] = []
        for link, report in pairs:
            value = getattr(report, name)
            if value is None:
                continue
            share = Fraction(link.share) if link.is_split and name not in NOT_SHARED else 1
            parts.append(value * share)
        exact[name] = sum(parts, Fraction(0)) if parts else None
    for link, report in pairs:
        if link.is_split:
            percent = Fraction(link.share) * 100
            notes.append(
                f"Số liệu {report.year} chia từ {link.predecessor.name} (cũ) "
                f"theo tỷ lệ {_percent_text(percent)}"
            )
    return exact, notes


def official_figures(communes: list[Place], year: int) -> dict[int, CommuneFigures]:
    """Approved reports; for years before the 2025 reform a current commune without its own
    report shows the sum of the legacy communes it was formed from — each split one by its
    share — and is official only when every one of them reported."""
    return official_figures_years(communes, [year])[year]


def official_figures_years(
    communes: list[Place], years: list[int]
) -> dict[int, dict[int, CommuneFigures]]:
    """`official_figures` for several years in three queries (the dashboards' trends).
    Filters take ids, not instances: resolving a thousand instances costs more than the query."""
    ids = [c.pk for c in communes]
    approved = {
        (r.commune_id, r.year): r
        for r in StatReport.objects.filter(
            year__in=years, status=ReportStatus.APPROVED, commune_id__in=ids
        )
    }
    legacy_years = [y for y in years if y <= REFORM_DATE.year]
    links: list[PlaceSuccession] = []
    reports: dict[tuple[int, int], StatReport] = {}
    if legacy_years and any((c.pk, y) not in approved for c in communes for y in legacy_years):
        links = list(
            PlaceSuccession.objects.filter(successor_id__in=ids)
            .select_related("predecessor")
            .order_by("predecessor__name")
        )
        reports = {
            (r.commune_id, r.year): r
            for r in StatReport.objects.filter(
                year__in=legacy_years,
                status=ReportStatus.APPROVED,
                commune_id__in=[link.predecessor_id for link in links],
            )
        }
    result: dict[int, dict[int, CommuneFigures]] = {}
    for year in years:
        legacy: dict[int, list[tuple[PlaceSuccession, StatReport]]] = {}
        missing: dict[int, list[str]] = {}
        total: dict[int, int] = {}
        if year in legacy_years:
            for link in links:
                if (link.successor_id, year) in approved:
                    continue
                total[link.successor_id] = total.get(link.successor_id, 0) + 1
                report = reports.get((link.predecessor_id, year))
                if report is None:
                    missing.setdefault(link.successor_id, []).append(link.predecessor.name)
                elif link.share or not link.is_split:
                    legacy.setdefault(link.successor_id, []).append((link, report))
        of_year: dict[int, CommuneFigures] = {}
        for commune in communes:
            if (commune.pk, year) in approved:
                report = approved[(commune.pk, year)]
                of_year[commune.pk] = CommuneFigures(
                    commune, year, report.values(), True, status=report.status
                )
            elif commune.pk in legacy:
                pairs = legacy[commune.pk]
                exact, notes = _shared(pairs)
                lacking = missing.get(commune.pk, [])
                of_year[commune.pk] = CommuneFigures(
                    commune,
                    year,
                    _sum([exact]),
                    not lacking,
                    from_legacy=[link.predecessor.name for link, _r in pairs],
                    split_warning=any(link.is_split for link, _r in pairs),
                    legacy_missing=lacking,
                    legacy_total=total[commune.pk],
                    shared=notes,
                    exact=exact if notes else None,
                )
        result[year] = of_year
    return result


def provisional_figures(communes: list[Place], year: int) -> dict[int, CommuneFigures]:
    return provisional_figures_years(communes, [year])[year]


def provisional_figures_years(
    communes: list[Place], years: list[int]
) -> dict[int, dict[int, CommuneFigures]]:
    snapshots = {
        (s.commune_id, s.year): s
        for s in LiveFigures.objects.filter(year__in=years, commune_id__in=[c.pk for c in communes])
    }
    return {
        year: {
            c.pk: CommuneFigures(c, year, snapshots[(c.pk, year)].values(), False)
            for c in communes
            if (c.pk, year) in snapshots
        }
        for year in years
    }


def figures(
    communes: list[Place], year: int, *, official: bool = True
) -> dict[int, CommuneFigures]:
    return official_figures(communes, year) if official else provisional_figures(communes, year)


def figures_years(
    communes: list[Place], years: list[int], *, official: bool = True
) -> dict[int, dict[int, CommuneFigures]]:
    if official:
        return official_figures_years(communes, years)
    return provisional_figures_years(communes, years)


@dataclass
class IndicatorValue:
    code: str
    numerator: int | None
    total: int | None
    registered: int | None

    @property
    def share_of_all(self) -> Decimal | None:
        return _pct(self.numerator, self.total)

    @property
    def share_of_registered(self) -> Decimal | None:
        return _pct(self.numerator, self.registered)


def _pct(part: int | None, whole: int | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def indicators(rows: list[dict[str, int | None]]) -> dict[str, IndicatorValue]:
    """Indicators of one place from the figures of its communes (one row = one commune)."""
    total = _sum(rows)
    values = {}
    for code, spec in INDICATORS.items():
        if code == IndicatorCode.CLC_CHAIR:
            reported = [r for r in rows if r.get("clc_chair") is not None]
            values[code] = IndicatorValue(
                code,
                sum(1 for r in reported if r["clc_chair"]) if reported else None,
                len(reported) or None,
                None,
            )
        elif code == IndicatorCode.LEARNING_COMMUNE:
            reported = [r for r in rows if r.get("commune_level") is not None]
            values[code] = IndicatorValue(
                code,
                sum(1 for r in reported if (r["commune_level"] or 0) >= 1) if reported else None,
                len(reported) or None,
                None,
            )
        else:
            values[code] = IndicatorValue(
                code,
                total.get(spec.numerator),
                total.get(spec.total),
                total.get(spec.registered) if spec.registered else None,
            )
    return values


def current_communes(place: Place | None = None) -> list[Place]:
    communes = Place.objects.current().communes()
    if place is not None and place.kind != PlaceKind.PROVINCE:
        communes = (
            communes.filter(pk=place.pk) if place.kind == PlaceKind.COMMUNE else communes.none()
        )
    return list(communes.order_by("name"))
