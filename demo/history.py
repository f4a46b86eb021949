"""The demo's statistical reports: the years before the reform and the closed years since.

* 2020–2024: each pre-reform (legacy) commune's approved yearly report, as the province
  received them before 1 July 2025 (the dashboards sum a current commune's predecessors
  for those years: `stats.compute.official_figures_years`). No registry exists for those
  years, so the figures are generated — deterministic by seed, sized to the demo (the
  successors' households shared out among their predecessors) and at a level that leads
  to the successor's level of 2025 (`demo.scale_cycle.commune_level`).
* 2025 onwards (closed years): each current commune's report, pre-filled from its registry
  (`stats.services.report_for`), submitted by the commune's officer and approved by the
  province admin through `stats.services.approve_reports` — except for the communes the
  demo leaves late on purpose (`LATE`), so the coverage figures show a gap.

Legacy reports are written in bulk with the writes `approve_reports` makes (status,
submission and approval stamps, version, one audit event per report).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from audit.services import record_many
from core.bulk import RowTemplate
from places.models import REFORM_DATE, Place, PlaceSuccession
from stats import summary
from stats.figures import FIGURE_NAMES
from stats.models import ReportSource, ReportStatus, StatReport
from stats.services import approve_reports, report_for, submit_report

LEGACY_YEARS = range(2020, REFORM_DATE.year)  # the legacy communes reported up to 2024
LEGACY_NOTE = "Báo cáo của xã cũ trước sắp xếp đơn vị hành chính (dữ liệu mẫu)."


@dataclass(frozen=True)
class Size:
    """What a current commune holds in the demo, shared out among its predecessors."""

    households: int
    villages: int
    clans: int
    orgs: int


@dataclass
class LateReport:
    commune: Place
    status: str  # ReportStatus: where the report was left


@dataclass
class ReportsResult:
    legacy: int = 0
    current: int = 0
    approved: int = 0
    late: list[LateReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def legacy_values(
    rng: random.Random, *, size: Size, level: float, year: int
) -> dict[str, int | None]:
    """One legacy commune's report for `year` (2020–2024): parts never exceed their whole
    (`stats.services.check_values`); shares grow a little each year towards `level`."""
    gap = REFORM_DATE.year - year  # years before the first report of the new commune
    share = max(0.3, min(0.95, level - 0.012 * gap + rng.uniform(-0.02, 0.02)))
    registered = min(0.99, share + rng.uniform(0.05, 0.12))

    def part(whole: int, ratio: float) -> int:
        return max(0, min(whole, round(whole * ratio)))

    households = size.households
    workers = round(households * rng.uniform(1.1, 1.4))
    workers_registered = part(workers, 0.45 + 0.02 * (5 - gap))
    staff = round(size.orgs * rng.uniform(6, 12))
    staff_registered = part(staff, 0.7)
    cdht = round(households * 2.2 * (0.08 + 0.04 * (5 - gap)))
    digital = part(cdht, 0.65)
    cadres = rng.randint(3, 6)
    trained = rng.randint(1, cadres)
    leaders = rng.randint(1, 3)
    members = rng.randint(8, 16)
    enterprises = max(1, size.orgs // 3)
    values: dict[str, int | None] = {
        "households_total": households,
        "households_registered": part(households, registered),
        "households_recognised": part(households, share),
        "clans_total": size.clans,
        "clans_registered": part(size.clans, registered),
        "clans_recognised": part(size.clans, share - 0.03),
        "villages_total": size.villages,
        "villages_registered": part(size.villages, registered),
        "villages_recognised": part(size.villages, share),
        "orgs_total": size.orgs,
        "orgs_registered": part(size.orgs, registered),
        "orgs_recognised": part(size.orgs, min(registered, share + 0.05)),
        "province_orgs_total": 0,
        "province_orgs_registered": 0,
        "province_orgs_recognised": 0,
        "enterprises_total": enterprises,
        "enterprises_registered": part(enterprises, registered * 0.8),
        "enterprises_recognised": part(enterprises, share * 0.7),
        "workers_total": workers,
        "workers_registered": workers_registered,
        "workers_cdht": part(workers_registered, 0.55 + 0.05 * (5 - gap)),
        "staff_total": staff,
        "staff_registered": staff_registered,
        "staff_cdht": part(staff_registered, 0.6 + 0.05 * (5 - gap)),
        "cdht_total": cdht,
        "cdht_digital": digital,
        "cdht_self_updated": part(cdht, 0.5),
        "cdht_digital_self_updated": part(digital, 0.6),
        "clc_chair": 1 if rng.random() < 0.85 else 0,
        "cadres_total": cadres,
        "cadres_trained_it": trained,
        "cadres_clc_it": rng.randint(0, trained),
        "leaders_total": leaders,
        "leaders_trained_it": rng.randint(0, leaders),
        "members_total": members,
        "members_briefed": rng.randint(members // 2, members),
        "commune_level": 1 if share > 0.8 and year >= 2024 else 0,
    }
    return {name: values.get(name) for name in FIGURE_NAMES}


def legacy_sizes(sizes: dict[int, Size], seed: int) -> dict[int, Size]:
    """Each legacy commune's share of its successors' demo sizes (legacy place id → size):
    a successor's counts are split among its predecessors by seeded weights; a legacy
    commune split among several successors gets a part from each."""
    links = list(
        PlaceSuccession.objects.filter(successor_id__in=list(sizes)).values_list(
            "predecessor_id", "successor_id"
        )
    )
    by_successor: dict[int, list[int]] = {}
    for predecessor, successor in sorted(links):
        by_successor.setdefault(successor, []).append(predecessor)
    totals: dict[int, list[float]] = {}
    for successor, predecessors in sorted(by_successor.items()):
        rng = random.Random(f"{seed}:{successor}:split")
        weights = [rng.uniform(0.7, 1.3) for _ in predecessors]
        whole = sum(weights)
        size = sizes[successor]
        for predecessor, weight in zip(predecessors, weights, strict=True):
            share = weight / whole
            total = totals.setdefault(predecessor, [0.0, 0.0, 0.0, 0.0])
            total[0] += size.households * share
            total[1] += size.villages * share
            total[2] += size.clans * share
            total[3] += size.orgs * share
    return {
        pk: Size(
            households=max(10, round(h)),
            villages=max(1, round(v)),
            clans=max(1, round(c)),
            orgs=max(2, round(o)),
        )
        for pk, (h, v, c, o) in totals.items()
    }


def write_legacy_reports(
    *, sizes: dict[int, Size], seed: int, admin: User, levels: dict[int, float]
) -> int:
    """Approved reports 2020–2024 of the legacy communes that have none; returns how many
    were written. `levels`: current commune id → its 2025 level."""
    legacy = legacy_sizes(sizes, seed)
    links = PlaceSuccession.objects.filter(predecessor_id__in=list(legacy)).values_list(
        "predecessor_id", "successor_id"
    )
    successor_levels: dict[int, list[float]] = {}
    for predecessor, successor in links:
        if successor in levels:
            successor_levels.setdefault(predecessor, []).append(levels[successor])
    existing = set(
        StatReport.objects.filter(commune_id__in=list(legacy), year__in=LEGACY_YEARS).values_list(
            "commune_id", "year"
        )
    )
    codes = dict(Place.objects.filter(pk__in=list(legacy)).values_list("pk", "code"))
    rows = []
    for pk in sorted(legacy, key=lambda p: (codes.get(p) or "", p)):
        own = successor_levels.get(pk) or [0.7]
        level = sum(own) / len(own)
        rng = random.Random(f"{seed}:{codes.get(pk)}:history")
        for year in LEGACY_YEARS:
            values = legacy_values(rng, size=legacy[pk], level=level, year=year)
            if (pk, year) in existing:
                continue
            submitted = dt.datetime(year + 1, 1, 10, 2, tzinfo=dt.UTC)
            approved = dt.datetime(year + 1, 1, 20, 2, tzinfo=dt.UTC)
            rows.append((pk, year, submitted, approved, approved, *values.values()))
    if not rows:
        return 0
    with transaction.atomic():
        written = RowTemplate(
            StatReport,
            ["commune_id", "year", "submitted_at", "approved_at", "updated_at", *FIGURE_NAMES],
            {
                "status": ReportStatus.APPROVED,
                "source": ReportSource.IMPORTED,
                "approved_by_id": admin.pk,
                "version": 3,  # created, submitted, approved
                "note": LEGACY_NOTE,
            },
            with_ids=False,
        ).insert(rows)
        new = StatReport.objects.filter(commune_id__in=list(legacy), year__in=LEGACY_YEARS)
        record_many(
            actor=admin,
            action="stat_report.approve",
            objects=[
                r
                for r in new.select_related("commune").order_by("pk")
                if (r.commune_id, r.year) not in existing
            ],
            changes={"status": [ReportStatus.SUBMITTED, ReportStatus.APPROVED]},
        )
        # Bulk rows bypass the services: remake any official figures already made ready.
        summary.refresh_all(official=True)
    return written


def late_communes(communes: list[Place], keep: set[str]) -> dict[int, str]:
    """The two communes whose report of the last closed year the demo leaves unapproved:
    the last two by code outside `keep` (the personas' communes) — one submitted and
    waiting for the province, one not yet submitted."""
    others = [c for c in sorted(communes, key=lambda c: c.code or "") if c.code not in keep]
    late = others[-2:]
    states = [ReportStatus.SUBMITTED, ReportStatus.DRAFT]
    return {c.pk: str(state) for c, state in zip(late, states, strict=False)}


def write_current_reports(
    *,
    communes: list[Place],
    years: list[int],
    admin: User,
    officers: dict[int, User],
    late: dict[int, str],
    write: Callable[[str], None] | None = None,
) -> ReportsResult:
    """Each current commune's report for each closed year since the reform, through the
    province's services: pre-filled from the registry, submitted, approved (all at once per
    year). Reports that exist are left as they are."""
    result = ReportsResult()
    for year in years:
        existing = set(
            StatReport.objects.filter(
                year=year, commune_id__in=[c.pk for c in communes]
            ).values_list("commune_id", flat=True)
        )
        submitted: list[StatReport] = []
        for commune in communes:
            if commune.pk in existing:
                continue
            actor = officers.get(commune.pk, admin)
            report = report_for(actor=actor, commune=commune, year=year)
            result.current += 1
            if late.get(commune.pk) == ReportStatus.DRAFT and year == years[-1]:
                result.late.append(LateReport(commune, ReportStatus.DRAFT))
                continue
            try:
                report = submit_report(actor=actor, report=report)
            except ValidationError as exc:
                result.problems.append(f"{commune.name} ({year}): {' '.join(exc.messages)}")
                continue
            if late.get(commune.pk) == ReportStatus.SUBMITTED and year == years[-1]:
                result.late.append(LateReport(commune, ReportStatus.SUBMITTED))
                continue
            submitted.append(report)
        if submitted:
            result.approved += approve_reports(actor=admin, reports=submitted)
        if write is not None and submitted:
            write(f"Báo cáo năm {year}: duyệt {len(submitted)} xã/phường.")
    return result
