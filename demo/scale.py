"""`seed_demo --scale tiny|commune|province`: a whole registry and its years of the cycle,
streamed into the database (COPY on PostgreSQL) for tests and benchmarks.

* tiny — the three demo communes with a few hundred households (tests, seconds);
* commune — the benchmark scale: Xã Khoái Châu with 40,000 households plus two small
  communes;
* province — all 104 communes: ≈ 1.1 million households, ≈ 3.5 million citizens.

Deterministic by seed. Commune and province scales only run on a database whose name
contains "bench" (`check_bench_database`). Bulk accounts for load tests share one
password (`BENCH_PASSWORD`) and one precomputed hash; `bench_logins()` lists them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from accounts.models import Role, RoleAssignment, User
from assessments.models import Assessment, State
from assessments.stats import rebuild
from core.bulk import RowTemplate, fast_load, reserve_ids
from core.text import fold
from criteria.models import CriteriaSet
from demo.generator import Generator
from demo.history import Size, legacy_values
from demo.scale_cycle import CriteriaBook, CycleContext, write_certificates, write_cycle
from demo.scale_registry import CommuneRows, IdentitySerials, PlaceRow, build_commune
from demo.seed import DEMO_COMMUNES
from places.models import Place, PlaceKind, PlaceSuccession
from registry.models import Citizen, Clan, Household, Organisation
from stats import summary
from stats.figures import FIGURE_NAMES
from stats.models import ReportSource, ReportStatus, StatReport

SCALES = ("tiny", "commune", "province")
LARGE_COMMUNE_CODE = "12205"  # Xã Khoái Châu: the large commune of the benchmarks
BENCH_PASSWORD = "hoctap-bench-2026"
BENCH_PREFIX = "bench."
PROVINCE_HOUSEHOLDS = 1_100_000
HOUSEHOLDS_PER_VILLAGE = 370  # ≈ 3,000 villages for the province
HISTORY_YEARS = range(2020, 2026)


class ScaleError(Exception):
    """Why the generator cannot run here (message in Vietnamese)."""


def database_name() -> str:
    name = str(connection.settings_dict.get("NAME") or "")
    return os.path.basename(name) if connection.vendor == "sqlite" else name


def check_bench_database(scale: str) -> None:
    if scale in ("commune", "province") and "bench" not in database_name().lower():
        raise ScaleError(
            f"Quy mô “{scale}” chỉ được tạo trong cơ sở dữ liệu dành cho đo hiệu năng: tên cơ sở "
            f"dữ liệu phải chứa “bench” (đang là “{database_name()}”). Hãy dùng `make bench-db`."
        )


def bench_logins() -> dict[str, list[str]]:
    """Role → user names of the generated accounts (password `BENCH_PASSWORD`)."""
    logins: dict[str, list[str]] = {}
    rows = (
        RoleAssignment.objects.filter(user__username__startswith=BENCH_PREFIX)
        .order_by("role", "user__username")
        .values_list("role", "user__username")
    )
    for role, username in rows:
        logins.setdefault(role, []).append(username)
    return logins


@dataclass
class CommunePlan:
    place: PlaceRow
    households: int
    villages: int


@dataclass
class Plan:
    communes: list[CommunePlan]
    portal_accounts: int
    village_officers_large: int


def make_plan(scale: str, seed: int) -> Plan:
    current = Place.objects.current().communes()
    if scale == "province":
        places = list(current.order_by("code"))
    else:
        places = list(current.filter(code__in=DEMO_COMMUNES).order_by("code"))
    if not places or (scale != "province" and len(places) != len(DEMO_COMMUNES)):
        raise ScaleError(
            "Chưa có bản đồ xã/phường — hãy chạy `python manage.py load_places` trước."
        )
    rng = random.Random(f"{seed}:plan")
    weights = {p.code: rng.uniform(0.5, 1.5) for p in places}
    communes = []
    for place in places:
        bare = PlaceRow(place.pk, place.code or "", place.name, place.short_name, place.path)
        large = place.code == LARGE_COMMUNE_CODE
        if scale == "tiny":
            households, villages = (160, 4) if large else (60, 3)
        elif scale == "commune":
            households, villages = (40_000, 40) if large else (3_000, 8)
        else:
            others = sum(w for code, w in weights.items() if code != LARGE_COMMUNE_CODE)
            share = weights[place.code or ""] / others
            households = 40_000 if large else round((PROVINCE_HOUSEHOLDS - 40_000) * share)
            villages = max(4, round(households / HOUSEHOLDS_PER_VILLAGE))
        communes.append(CommunePlan(bare, households, villages))
    return Plan(
        communes=communes,
        portal_accounts=20 if scale == "tiny" else 200,
        village_officers_large=3 if scale == "tiny" else 10,
    )


class Progress:
    """Progress lines: phase, rows, rows per second, elapsed time."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write
        self.started = time.monotonic()
        self.phase = ""
        self.phase_started = self.started
        self.rows = 0
        self.last = 0.0

    def begin(self, phase: str) -> None:
        self.phase, self.rows, self.phase_started = phase, 0, time.monotonic()

    def add(self, rows: int, note: str = "", *, force: bool = False) -> None:
        self.rows += rows
        now = time.monotonic()
        if force or now - self.last >= 5:
            self.last = now
            rate = self.rows / max(now - self.phase_started, 1e-6)
            self.write(
                f"[{self.phase}] {note}{self.rows:,} dòng · {rate:,.0f} dòng/s · "
                f"{now - self.started:,.0f} s · RAM đỉnh {peak_rss_mb():,.0f} MB"
            )

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Accounts:
    admin_id: int
    officers: dict[int, int] = field(default_factory=dict)  # commune id → officer user id


def _users(rows: list[tuple[int, str, str]], password: str, stamp: dt.datetime) -> None:
    RowTemplate(
        User,
        ["id", "username", "full_name", "search_key"],
        {"password": password, "is_active": True, "date_joined": stamp, "phone": None},
    ).insert((pk, username, name, fold(f"{name} {username}")) for pk, username, name in rows)


def _roles(rows: list[tuple[int, str, int]], valid_from: dt.date, stamp: dt.datetime) -> None:
    RowTemplate(
        RoleAssignment,
        ["user_id", "role", "place_id"],
        {"valid_from": valid_from, "created_at": stamp},
        with_ids=False,
    ).insert(rows)


def _accounts(
    plan: Plan, villages: dict[int, list[PlaceRow]], password: str, stamp: dt.datetime
) -> Accounts:
    province = Place.objects.current().get(kind=PlaceKind.PROVINCE, code="33")
    users: list[tuple[int, str, str]] = []
    roles: list[tuple[int, str, int]] = []
    count = 2 + len(plan.communes) * 2 + plan.village_officers_large
    start = reserve_ids(User, count)
    ids = iter(range(start, start + count))
    rng = random.Random("accounts")
    generator = Generator(2026)

    def add(username: str, role: str, place_id: int) -> int:
        pk = next(ids)
        gender = "male" if rng.random() < 0.5 else "female"
        users.append(
            (
                pk,
                BENCH_PREFIX + username,
                f"{rng.choice(['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Vũ'])} {generator.given_name(gender)}",
            )
        )
        roles.append((pk, role, place_id))
        return pk

    accounts = Accounts(admin_id=add("tinh.admin", Role.PROVINCE_ADMIN, province.pk))
    add("tinh.xem", Role.PROVINCE_VIEWER, province.pk)
    for item in plan.communes:
        commune = item.place
        accounts.officers[commune.id] = add(f"xa.{commune.code}", Role.COMMUNE_OFFICER, commune.id)
        own = villages[commune.id]
        chosen = (
            own[: plan.village_officers_large] if commune.code == LARGE_COMMUNE_CODE else own[:1]
        )
        for k, village in enumerate(chosen, start=1):
            add(f"thon.{commune.code}.{k:02d}", Role.VILLAGE_OFFICER, village.id)
    _users(users, password, stamp)
    _roles(roles, stamp.date().replace(month=1, day=1), stamp)
    return accounts


def _villages(plan: Plan, seed: int) -> dict[int, list[PlaceRow]]:
    total = sum(c.villages for c in plan.communes)
    start = reserve_ids(Place, total)
    out: dict[int, list[PlaceRow]] = {}
    rows = []
    pk = start
    for item in plan.communes:
        commune = item.place
        generator = Generator(seed * 7 + int(commune.code or "0"))
        own = []
        for unit_type, name in generator.village_names(item.villages):
            full = f"{unit_type} {name}"
            path = f"{commune.path}{pk}."
            own.append(PlaceRow(pk, "", full, name, path))
            rows.append(
                (pk, full, name, unit_type, commune.id, path, commune.path.count("."), fold(full))
            )
            pk += 1
        out[commune.id] = own
    RowTemplate(
        Place,
        ["id", "name", "short_name", "unit_type", "parent_id", "path", "depth", "search_key"],
        {"kind": PlaceKind.VILLAGE, "code": None},
    ).insert(rows)
    return out


def _history(plan: Plan, seed: int, admin_id: int, scale: str) -> int:
    """Approved yearly reports 2020–2025 of the pre-2025 communes (aggregate mode)."""
    legacy = Place.objects.legacy().communes()
    if scale != "province":
        ids = [c.place.id for c in plan.communes]
        legacy = legacy.filter(
            pk__in=PlaceSuccession.objects.filter(successor_id__in=ids).values("predecessor_id")
        )
    rows = []
    for place in legacy.order_by("code"):
        rng = random.Random(f"{seed}:{place.code}:history")
        size = Size(
            households=rng.randint(1_200, 4_200),
            villages=rng.randint(4, 14),
            clans=rng.randint(8, 40),
            orgs=rng.randint(8, 25),
        )
        level = rng.uniform(0.6, 0.86)
        for year in HISTORY_YEARS:
            values = legacy_values(rng, size=size, level=level, year=year)
            stamp = dt.datetime(year + 1, 1, 10, 2, tzinfo=dt.UTC)
            rows.append((place.pk, year, stamp, stamp, stamp, *[values[n] for n in FIGURE_NAMES]))
    return RowTemplate(
        StatReport,
        ["commune_id", "year", "submitted_at", "approved_at", "updated_at", *FIGURE_NAMES],
        {
            "status": ReportStatus.APPROVED,
            "source": ReportSource.IMPORTED,
            "approved_by_id": admin_id,
            "note": "Số liệu lịch sử (dữ liệu mẫu).",
        },
        with_ids=False,
    ).insert(rows)


def run_scale(
    *, scale: str, seed: int, years: list[int], write: Callable[[str], None]
) -> dict[str, int]:
    """Generate the whole scale; returns the row counts. Raises ScaleError when it cannot run."""
    check_bench_database(scale)
    if not CriteriaSet.objects.published().exists():
        raise ScaleError("Chưa có bộ tiêu chí — hãy chạy `python manage.py load_criteria` trước.")
    plan = make_plan(scale, seed)
    if Household.objects.filter(commune_id__in=[c.place.id for c in plan.communes]).exists():
        raise ScaleError(
            "Các xã/phường này đã có dữ liệu hộ gia đình; hãy dùng một cơ sở dữ liệu mới."
        )
    progress = Progress(write)
    counts: dict[str, int] = {}

    def tally(kind: str, n: int) -> None:
        counts[kind] = counts.get(kind, 0) + n

    stamp = dt.datetime(years[-1], 1, 2, 1, 0, tzinfo=dt.UTC)
    password = make_password(BENCH_PASSWORD)  # hashed once, shared by every bulk account
    write(
        f"Tạo dữ liệu quy mô “{scale}”: {len(plan.communes)} xã/phường, "
        f"{sum(c.households for c in plan.communes):,} hộ, năm {years[0]}–{years[-1]}, seed {seed}."
    )
    big = scale != "tiny"
    with (
        fast_load([Citizen, Household, Assessment, Clan, Organisation])
        if big
        else contextlib.nullcontext()
    ):
        with transaction.atomic():
            progress.begin("thôn, tài khoản")
            villages = _villages(plan, seed)
            tally("thôn/tổ dân phố", sum(len(v) for v in villages.values()))
            accounts = _accounts(plan, villages, password, stamp)
            progress.add(sum(len(v) for v in villages.values()), force=True)
            book = CriteriaBook(years, seed)
        serials = IdentitySerials()
        neighbours: dict[str, list[int]] = {}
        progress.begin("sổ đăng ký và bình xét")
        for number, item in enumerate(plan.communes, start=1):
            large = item.place.code == LARGE_COMMUNE_CODE
            with transaction.atomic():
                portal_start = reserve_ids(User, plan.portal_accounts) if large else 0
                rows, neighbours, portal = build_commune(
                    seed=seed,
                    commune=item.place,
                    villages=villages[item.place.id],
                    households=item.households,
                    this_year=years[-1],
                    serials=serials,
                    neighbour_clans=neighbours,
                    portal_accounts=plan.portal_accounts if large else 0,
                    first_user_id=portal_start,
                    stamp=stamp,
                )
                if portal:
                    _users(
                        [(pk, username, name) for pk, username, name, _v in portal], password, stamp
                    )
                    _roles(
                        [(pk, Role.CITIZEN, village) for pk, _u, _n, village in portal],
                        stamp.date().replace(month=1, day=1),
                        stamp,
                    )
                cycle = write_cycle(
                    rows,
                    CycleContext(
                        seed=seed,
                        years=years,
                        book=book,
                        officer_id=accounts.officers[item.place.id],
                        admin_id=accounts.admin_id,
                    ),
                )
            written = _tally_commune(rows, cycle, len(portal), tally)
            progress.add(
                written, f"{number}/{len(plan.communes)} xã · ", force=number == len(plan.communes)
            )
        with transaction.atomic():
            progress.begin("báo cáo tổng hợp 2020–2025")
            tally("báo cáo thống kê", _history(plan, seed, accounts.admin_id, scale))
            # Bulk rows bypass the services: remake any official figures already made ready.
            summary.refresh_all(official=True)
            progress.add(counts["báo cáo thống kê"], force=True)
        if big and connection.vendor == "postgresql":
            write(f"[chỉ mục] dựng lại sau khi nạp · {progress.elapsed:,.0f} s")
    if big and connection.vendor == "postgresql":
        write(f"[chỉ mục] xong · {progress.elapsed:,.0f} s")
    with transaction.atomic():
        progress.begin("giấy công nhận")
        tally("giấy công nhận", write_certificates(years[:-1], seed))
        progress.add(counts["giấy công nhận"], force=True)
    with transaction.atomic():
        progress.begin("số liệu tổng hợp (rollup)")
        tally("dòng rollup", rebuild())
        progress.add(counts["dòng rollup"], force=True)
    counts["thời gian (s)"] = round(progress.elapsed)
    counts["RAM đỉnh (MB)"] = round(peak_rss_mb())
    return counts


def _tally_commune(
    rows: CommuneRows, cycle: dict[str, int], portal: int, tally: Callable[[str, int], None]
) -> int:
    tally("xã/phường", 1)
    tally("hộ", len(rows.households))
    tally("công dân", rows.citizens)
    tally("người lớn", len(rows.adults))
    tally("dòng họ", len(rows.clans))
    tally("đơn vị", len(rows.organisations))
    tally("người lao động của đơn vị", rows.staff)
    tally("hồ sơ bình xét", cycle["assessments"])
    tally("quyết định", cycle["decisions"])
    tally("tài khoản công dân", portal)
    return len(rows.households) + rows.citizens + cycle["assessments"]


def large_commune_waiting(year: int) -> int:
    """GDHT records of the large commune waiting for the village review in `year`."""
    return Assessment.objects.filter(
        commune__code=LARGE_COMMUNE_CODE, year=year, title="GDHT", state=State.SUBMITTED
    ).count()
