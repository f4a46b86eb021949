"""Pages under load of data, one at a time: the province's and the large commune's
dashboards for every year (official and provisional), each role's home, the leaders' map
and ranking, the report files (annual, to the Ministry, the 5-year review), registry
search, long lists.

Each page is requested through Django's test client in this process (the whole request:
middleware, session, queries, template), as the user the page is for, `--repeat` times
after three warm-ups (`--repeat-years` for each year's dashboards, `--repeat-files` after
one warm-up for the report files, built on request); the figure is the p95 server time.
A figure stops early once it has used BUDGET seconds (at least 5 calls; `n` says how
many). The floor is a raw SQL query returning the same data (for the homes: `/healthz`
through the same request path), timed the same way in the same run.

    DATABASE_URL=postgres://…/hoctap_bench_commune python -m bench.web_bench --out f.json

`--rollback` runs everything inside one transaction that is rolled back at the end, so
the sessions and audit rows the pages write leave nothing in the database (without it,
each request commits as it does in production).
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import BenchError, latency, setup_django, timed

SUITE = "web"


def large_commune() -> Any:
    """The generator's large commune (40,000 households at every scale but tiny)."""
    from demo.scale import LARGE_COMMUNE_CODE
    from places.models import Place

    try:
        return Place.objects.communes().current().get(code=LARGE_COMMUNE_CODE)
    except Place.DoesNotExist as exc:
        raise BenchError("Chưa có dữ liệu benchmark: hãy chạy `make bench-db` trước.") from exc


def user_with_role(role: str, place: Any | None = None) -> Any:
    from accounts.models import RoleAssignment

    assignments = RoleAssignment.objects.active().filter(role=role)
    if place is not None:
        assignments = assignments.filter(place=place)
    assignment = assignments.select_related("user").order_by("id").first()
    if assignment is None:
        raise BenchError(f"Không có tài khoản vai trò {role} cho benchmark.")
    return assignment.user


def client_for(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def getter(client: Any, url: str, *, follow: bool = False) -> Any:
    def call() -> None:
        response = client.get(url, follow=follow)
        if response.status_code != 200:
            raise BenchError(f"GET {url} → {response.status_code}")
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        else:
            _ = response.content

    return call


def raw(sql: str, params: list[Any]) -> Any:
    from django.db import connection

    def call() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return call


BUDGET = 8.0  # seconds at most per figure (see bench.common.timed)
DASHBOARD_GOAL = 100  # issue 20: any year, official or provisional, p95 ≤ 100 ms alone
OFFICIAL_FLOOR = "SELECT * FROM stats_statreport WHERE year = %s AND status = 'approved'"
LIVE_FLOOR = "SELECT * FROM stats_livefigures WHERE year = %s"


def kinds_of_year(year: int) -> list[tuple[str, str]]:
    """(label, query string) of the figures of a year: official when a report of that year
    is approved, provisional always (the live counts; see bench.live_figures)."""
    from stats.models import ReportStatus, StatReport

    kinds = [("provisional", "&so_lieu=tam_tinh")]
    if StatReport.objects.filter(year=year, status=ReportStatus.APPROVED).exists():
        kinds.insert(0, ("official", ""))
    return kinds


def bench_dashboards(repeat: int, commune: Any, years: list[int]) -> list[dict[str, Any]]:
    """The province's and the large commune's dashboard, every year, official and
    provisional. Floor: the raw rows the figures come from (the year's approved reports,
    or its live figures)."""
    from accounts.models import Role

    admin = client_for(user_with_role(Role.PROVINCE_ADMIN))
    officer = client_for(user_with_role(Role.COMMUNE_OFFICER, commune))
    results = []
    for year in years:
        kinds = kinds_of_year(year)
        for kind, query in kinds:
            floor_sql = OFFICIAL_FLOOR if kind == "official" else LIVE_FLOOR
            floor_name = f"raw SQL: the year's {'approved reports' if kind == 'official' else 'live figures'}"
            note = ""
            if kind == "provisional" and ("official", "") not in kinds:
                note = f"no approved report for {year}: its figures are provisional only"
            for label, client, url, sql, params in (
                ("province dashboard", admin, f"/chi-tieu/?nam={year}", floor_sql, [year]),
                (
                    "commune dashboard (large commune)",
                    officer,
                    f"/chi-tieu/xa/{commune.pk}/?nam={year}",
                    f"{floor_sql} AND commune_id = %s",
                    [year, commune.pk],
                ),
            ):
                results.append(
                    latency(
                        SUITE,
                        f"{label}, {kind} {year}",
                        timed(getter(client, f"{url}{query}"), repeat, budget=BUDGET),
                        timed(raw(sql, params), repeat),
                        goal=DASHBOARD_GOAL,
                        floor_name=floor_name,
                        note=note,
                    )
                )
    return results


def bench_homes(repeat: int, commune: Any, official: int, current: int) -> list[dict[str, Any]]:
    """Each role's "/" (what opens after logging in; a citizen's is redirected to the
    portal and both requests are timed), and the leaders' map and ranking of another
    indicator. Floor: `/healthz` through the same request path (middleware, session)."""
    from accounts.models import Role
    from places.models import Place

    villages = Place.objects.villages().filter(parent=commune)
    village_officer = (
        user_with_role(Role.VILLAGE_OFFICER, villages.order_by("code").first())
        if villages.exists()
        else user_with_role(Role.VILLAGE_OFFICER)
    )
    admin = client_for(user_with_role(Role.PROVINCE_ADMIN))
    cases = (
        ("home of the province admin", admin, "/"),
        (
            "home of the commune officer (large commune)",
            client_for(user_with_role(Role.COMMUNE_OFFICER, commune)),
            "/",
        ),
        ("home of a village officer (large commune)", client_for(village_officer), "/"),
        ("home of a citizen (/ → /ca-nhan/)", client_for(user_with_role(Role.CITIZEN)), "/"),
        (f"map and ranking (DHHT), official {official}", admin, f"/?chi_so=dhht&nam={official}"),
        (
            f"map and ranking (DHHT), provisional {current}",
            admin,
            f"/?chi_so=dhht&nam={current}&so_lieu=tam_tinh",
        ),
    )
    results = []
    for label, client, url in cases:
        results.append(
            latency(
                SUITE,
                label,
                timed(getter(client, url, follow=True), repeat, budget=BUDGET),
                timed(getter(client, "/healthz"), repeat),
                goal=DASHBOARD_GOAL,
                floor_name="/healthz through the same request path",
            )
        )
    return results


def bench_downloads(repeat: int, official: int) -> list[dict[str, Any]]:
    """The province's report files for the last year of official figures: the annual
    report, the report to the Ministry, and the 5-year review (Sơ kết 2021–2025). Each
    is built on request, so fewer repetitions (`repeat`, 1 warm-up)."""
    from accounts.models import Role

    admin = client_for(user_with_role(Role.PROVINCE_ADMIN))
    first, last = 2021, 2025
    cases = (
        (
            f"annual report xlsx {official} (province)",
            f"/chi-tieu/bao-cao/tong-hop/{official}.xlsx",
            OFFICIAL_FLOOR,
            [official],
        ),
        (
            f"ministry report xlsx {official} (province)",
            f"/chi-tieu/bao-cao/gui-bo/{official}.xlsx",
            OFFICIAL_FLOOR,
            [official],
        ),
        (
            f"ministry report docx {official} (province)",
            f"/chi-tieu/bao-cao/gui-bo/{official}.docx",
            OFFICIAL_FLOOR,
            [official],
        ),
        (
            f"5-year review xlsx {first}–{last} (province)",
            f"/chi-tieu/bao-cao/so-ket/{first}-{last}.xlsx",
            "SELECT * FROM stats_statreport WHERE year BETWEEN %s AND %s AND status = 'approved'",
            [first, last],
        ),
    )
    return [
        latency(
            SUITE,
            label,
            timed(getter(admin, url), repeat, warmup=1, budget=3 * BUDGET, least=3),
            timed(raw(sql, params), repeat, warmup=1),
            goal=None,
            floor_name="raw SQL: the approved reports it is built from",
            note=f"{repeat} repetitions after 1 warm-up",
        )
        for label, url, sql, params in cases
    ]


def sample_queries(commune: Any, count: int, seed: int) -> list[str]:
    """Real names of the commune, typed without diacritics and in lower case."""
    from core.text import fold
    from registry.models import Citizen

    ids = list(
        Citizen.objects.filter(commune=commune).order_by("id").values_list("id", flat=True)[:5000]
    )
    if not ids:
        raise BenchError("Xã benchmark chưa có công dân.")
    rng = random.Random(seed)
    names = Citizen.objects.filter(id__in=rng.sample(ids, min(count, len(ids)))).values_list(
        "full_name", flat=True
    )
    # "nguyen thi thu huong": the whole name typed without diacritics, in lower case.
    return [fold(name) for name in names]


def cycle_calls(calls: list[Any]) -> Any:
    state = {"i": 0}

    def call() -> None:
        calls[state["i"] % len(calls)]()
        state["i"] += 1

    return call


CITIZEN_FLOOR = (
    "SELECT c.id, c.full_name, c.birth_year, c.gender, v.name, h.code"
    " FROM registry_citizen c JOIN places_place v ON v.id = c.village_id"
    " LEFT JOIN registry_household h ON h.id = c.household_id"
    " WHERE {scope} c.status = 'active' AND c.search_key LIKE %s"
    " ORDER BY c.search_key, c.id LIMIT 50"
)


# Substring matches: collected through the trigram index first (a planner left alone may
# walk the ordered name index instead, testing every row; see core.paging.search_page).
CITIZEN_INSIDE_FLOOR = (
    "WITH m AS MATERIALIZED (SELECT c.id, c.search_key FROM registry_citizen c"
    " WHERE {scope} c.status = 'active' AND c.search_key LIKE %s)"
    " SELECT c.id, c.full_name, c.birth_year, c.gender, v.name, h.code"
    " FROM m JOIN registry_citizen c ON c.id = m.id JOIN places_place v ON v.id = c.village_id"
    " LEFT JOIN registry_household h ON h.id = c.household_id"
    " ORDER BY m.search_key, m.id LIMIT 50"
)


def bench_search(repeat: int, commune: Any, seed: int) -> list[dict[str, Any]]:
    """Whole names typed from their start (found from the start of the stored names) and
    the last two words of the same names ("thu huong": no name starts with them, so the
    page looks for them anywhere in the names, `core.search.find`)."""
    from urllib.parse import quote

    from accounts.models import Role

    names = sample_queries(commune, 20, seed)
    inside = [" ".join(name.split()[-2:]) for name in names]
    officer = client_for(user_with_role(Role.COMMUNE_OFFICER, commune))
    admin = client_for(user_with_role(Role.PROVINCE_ADMIN))
    results = []
    for label, client, scope, params in (
        ("large commune (officer)", officer, "c.commune_id = %s AND", [commune.pk]),
        ("whole province (admin)", admin, "", []),
    ):
        for kind, queries, sql, pattern, note, goal in (
            ("registry search", names, CITIZEN_FLOOR, "{q}%", "full names from their start", 100),
            (
                "registry search inside names",
                inside,
                CITIZEN_INSIDE_FLOOR,
                "%{q}%",
                "the last two words of the names",
                # issue 20: anywhere in the names, province-wide, p95 ≤ 50 ms
                50 if not params else 100,
            ),
        ):
            pages = cycle_calls([getter(client, f"/so/cong-dan/?q={quote(q)}") for q in queries])
            floor_sql = sql.format(scope=scope)
            floors = cycle_calls([raw(floor_sql, [*params, pattern.format(q=q)]) for q in queries])
            results.append(
                latency(
                    SUITE,
                    f"{kind}, {label}",
                    timed(pages, repeat, budget=BUDGET),
                    timed(floors, repeat, budget=BUDGET),
                    goal=goal,
                    floor_name="raw SQL: first 50 matches",
                    note=f"{len(queries)} {note}, typed without diacritics, e.g. “{queries[0]}”",
                )
            )
    return results


HOUSEHOLD_FLOOR = (
    "SELECT h.id, h.code, h.address, v.name, c.full_name"
    " FROM registry_household h JOIN places_place v ON v.id = h.village_id"
    " LEFT JOIN registry_citizen c ON c.id = h.head_id"
    " WHERE h.commune_id = %s AND h.dissolved_on IS NULL ORDER BY h.code LIMIT 50 OFFSET %s"
)


def bench_lists(repeat: int, commune: Any) -> list[dict[str, Any]]:
    from accounts.models import Role
    from registry.models import Household

    total = Household.objects.filter(commune=commune, dissolved_on__isnull=True).count()
    officer = client_for(user_with_role(Role.COMMUNE_OFFICER, commune))
    results = []
    for page in (1, 400):
        if (page - 1) * 50 >= total:
            continue
        results.append(
            latency(
                SUITE,
                f"household list page {page} ({total:,} households)",
                timed(getter(officer, f"/so/ho/?page={page}"), repeat),
                timed(raw(HOUSEHOLD_FLOOR, [commune.pk, (page - 1) * 50]), repeat),
                goal=150,
                floor_name="raw SQL: the page's 50 rows",
            )
        )
    return results


REVIEW_FLOOR = (
    "SELECT a.id, a.subject_name, a.state, a.total, a.passed, v.name"
    " FROM assessments_assessment a LEFT JOIN places_place v ON v.id = a.village_id"
    " WHERE a.title = 'GDHT' AND a.year = %s AND a.path LIKE %s {state}"
    " ORDER BY a.path, a.subject_name, a.id LIMIT 50 OFFSET %s"
)


def bench_review_list(repeat: int, commune: Any, year: int) -> list[dict[str, Any]]:
    """The review list of the year's learning families: a commune officer's files waiting
    for the village review, and the province admin's whole list, first page and page 300."""
    from accounts.models import Role

    officer = client_for(user_with_role(Role.COMMUNE_OFFICER, commune))
    admin = client_for(user_with_role(Role.PROVINCE_ADMIN))
    url = f"/binh-xet/?nam={year}&danh_hieu=GDHT"
    cases = (
        ("large commune, submitted (officer)", officer, "&trang_thai=submitted", commune.path, 1),
        ("whole province (admin)", admin, "", "1.", 1),
        ("whole province (admin), page 300", admin, "", "1.", 300),
    )
    results = []
    for label, client, state, path, page in cases:
        floor = REVIEW_FLOOR.format(state="AND a.state = 'submitted'" if state else "")
        results.append(
            latency(
                SUITE,
                f"review list {label}",
                timed(getter(client, f"{url}{state}&page={page}"), repeat),
                timed(raw(floor, [year, f"{path}%", (page - 1) * 50]), repeat),
                goal=None,
                floor_name="raw SQL: the page's 50 rows",
            )
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.web_bench")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--repeat-years", type=int, default=20, help="mỗi năm của hai bảng số liệu")
    parser.add_argument("--repeat-files", type=int, default=5, help="tệp báo cáo")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=0, help="mặc định: năm có nhiều hồ sơ nhất")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--rollback", action="store_true", help="không để lại thay đổi nào")
    parser.add_argument(
        "--parts", default="", help="dashboards,homes,files,search,lists,review (mặc định: tất cả)"
    )
    args = parser.parse_args(argv)
    setup_django()
    from django.db import transaction

    if args.rollback:
        with transaction.atomic():
            results = measure(args)
            transaction.set_rollback(True)
    else:
        results = measure(args)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), "utf-8")
    return 0


def measure(args: argparse.Namespace) -> list[dict[str, Any]]:
    from django.db.models import Count
    from django.utils import timezone

    from assessments.models import Assessment
    from stats.dashboard import FIRST_YEAR
    from stats.map import default_year

    commune = large_commune()
    year = (
        args.year
        or (
            Assessment.objects.values("year")
            .annotate(n=Count("id"))
            .order_by("-n", "-year")
            .first()
            or {"year": 2026}
        )["year"]
    )
    current = timezone.localdate().year
    official = default_year(official=True)
    parts: dict[str, Callable[[], list[dict[str, Any]]]] = {
        "dashboards": lambda: bench_dashboards(
            args.repeat_years, commune, list(range(FIRST_YEAR, current + 1))
        ),
        "homes": lambda: bench_homes(args.repeat, commune, official, current),
        "files": lambda: bench_downloads(args.repeat_files, official),
        "search": lambda: bench_search(args.repeat, commune, args.seed),
        "lists": lambda: bench_lists(args.repeat, commune),
        "review": lambda: bench_review_list(args.repeat, commune, year),
    }
    chosen = args.parts.split(",") if args.parts else list(parts)
    unknown = set(chosen) - set(parts)
    if unknown:
        raise BenchError(f"unknown part(s): {', '.join(sorted(unknown))}")
    return [figure for name in chosen for figure in parts[name]()]


if __name__ == "__main__":
    raise SystemExit(main())
