"""Pages under load of data: dashboards, the annual report, registry search, long lists.

Each page is requested through Django's test client in this process (the whole request:
middleware, session, queries, template), as the user the page is for, `--repeat` times
after three warm-ups; the figure is the p95 server time. The floor is a raw SQL query
returning the same data, timed the same way in the same run.

    DATABASE_URL=postgres://…/hoctap_bench_commune python -m bench.web_bench --out f.json
"""

from __future__ import annotations

import argparse
import json
import random
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


def getter(client: Any, url: str) -> Any:
    def call() -> None:
        response = client.get(url)
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


def bench_stats(repeat: int, year: int, commune: Any) -> list[dict[str, Any]]:
    from accounts.models import Role

    admin = client_for(user_with_role(Role.PROVINCE_ADMIN))
    officer = client_for(user_with_role(Role.COMMUNE_OFFICER, commune))
    # The floor of issue 6: the same recognised counts by raw aggregate over assessments.
    province_floor = timed(
        raw(
            "SELECT title, state, count(*) FROM assessments_assessment"
            " WHERE year = %s GROUP BY title, state",
            [year],
        ),
        repeat,
    )
    commune_floor = timed(
        raw(
            "SELECT title, state, count(*) FROM assessments_assessment"
            " WHERE year = %s AND commune_id = %s GROUP BY title, state",
            [year, commune.pk],
        ),
        repeat,
    )
    floor_name = "raw SQL aggregate over assessments"
    return [
        latency(
            SUITE,
            "province dashboard",
            timed(getter(admin, f"/chi-tieu/?nam={year}"), repeat),
            province_floor,
            goal=150,
            floor_name=floor_name,
        ),
        latency(
            SUITE,
            "commune dashboard (large commune)",
            timed(getter(officer, f"/chi-tieu/xa/{commune.pk}/?nam={year}"), repeat),
            commune_floor,
            goal=None,
            floor_name=floor_name,
        ),
        latency(
            SUITE,
            "annual report xlsx (province)",
            timed(getter(admin, f"/chi-tieu/bao-cao/tong-hop/{year}.xlsx"), max(5, repeat // 3)),
            province_floor,
            goal=None,
            floor_name=floor_name,
        ),
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
        for kind, queries, sql, pattern, note in (
            ("registry search", names, CITIZEN_FLOOR, "{q}%", "full names from their start"),
            (
                "registry search inside names",
                inside,
                CITIZEN_INSIDE_FLOOR,
                "%{q}%",
                "the last two words of the names",
            ),
        ):
            pages = cycle_calls([getter(client, f"/so/cong-dan/?q={quote(q)}") for q in queries])
            floor_sql = sql.format(scope=scope)
            floors = cycle_calls([raw(floor_sql, [*params, pattern.format(q=q)]) for q in queries])
            results.append(
                latency(
                    SUITE,
                    f"{kind}, {label}",
                    timed(pages, repeat),
                    timed(floors, repeat),
                    goal=100,
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
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=0, help="mặc định: năm có nhiều hồ sơ nhất")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    setup_django()
    from django.db.models import Count

    from assessments.models import Assessment

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
    results = [
        *bench_stats(args.repeat, year, commune),
        *bench_search(args.repeat, commune, args.seed),
        *bench_lists(args.repeat, commune),
        *bench_review_list(args.repeat, commune, year),
    ]
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
