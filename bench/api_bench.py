"""The JSON API's long lists at scale: keyset pages, deep pages by cursor, name search.

Each list is requested through Django's test client in this process (the whole request:
middleware, the bearer-token check, queries, the JSON answer), as the large commune's
officer and as the province admin, `--repeat` times after three warm-ups; the figure is
the p95 server time. The floor is a raw SQL query returning the same rows, timed the
same way in the same run. A page deep in is reached by the cursor the API gives after
the row before it (`api.paging`), not by walking the pages before it.

The tokens, the last-used stamps and the audit events of the requests are written inside
one transaction that is rolled back at the end: the benchmark database is left as it was.

    DATABASE_URL=postgres://…/hoctap_bench_province python -m bench.api_bench --out f.json
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.common import BenchError, latency, setup_django, timed

SUITE = "api"
GOAL_COMMUNE_PAGE = 50  # issue 20: an API citizen list page of a large commune, p95 ≤ 50 ms
PAGE = 50
DEEP_PAGE = 400


def api_getter(client: Any, key: str, url: str) -> Any:
    def call() -> None:
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {key}")
        if response.status_code != 200:
            raise BenchError(f"GET {url} → {response.status_code}: {response.content[:200]!r}")
        _ = response.content

    return call


def url(path: str, **params: Any) -> str:
    given = {k: v for k, v in params.items() if v not in (None, "")}
    return f"/api/v1{path}?{urlencode(given)}" if given else f"/api/v1{path}"


def deep_cursor(listing: Any, model: Any, queryset: Any, params: Any) -> tuple[str, list[Any]]:
    """The cursor the API gives at the end of page DEEP_PAGE - 1, and its key values."""
    from api import paging
    from api.registry import filters_of

    row = queryset.order_by(*listing.key).values_list(*listing.key)[
        (DEEP_PAGE - 1) * PAGE - 1 : (DEEP_PAGE - 1) * PAGE
    ]
    found = list(row)
    if not found:
        raise BenchError(f"Danh sách {listing.name} ngắn hơn {DEEP_PAGE} trang.")
    after = list(found[0])
    return paging.encode(listing, after, "", filters_of(params)), after


CITIZEN_FLOOR = (
    "SELECT c.*, h.head_id FROM registry_citizen c"
    " LEFT JOIN registry_household h ON h.id = c.household_id"
    " WHERE {scope} {after} ORDER BY c.search_key, c.id LIMIT 51"
)
SEARCH_FLOOR = (
    "SELECT c.*, h.head_id FROM registry_citizen c"
    " LEFT JOIN registry_household h ON h.id = c.household_id"
    " WHERE {scope} c.search_key LIKE %s ORDER BY c.search_key, c.id LIMIT 51"
)
# Substring matches collected through the trigram index first (as core.paging does).
INSIDE_FLOOR = (
    "WITH m AS MATERIALIZED (SELECT c.id, c.search_key FROM registry_citizen c"
    " WHERE {scope} c.search_key LIKE %s)"
    " SELECT c.*, h.head_id FROM m JOIN registry_citizen c ON c.id = m.id"
    " LEFT JOIN registry_household h ON h.id = c.household_id"
    " ORDER BY m.search_key, m.id LIMIT 51"
)
HOUSEHOLD_FLOOR = (
    "SELECT h.* FROM registry_household h WHERE {scope} ORDER BY h.commune_id, h.code LIMIT 51"
)
ASSESSMENT_FLOOR = (
    "SELECT a.* FROM assessments_assessment a WHERE a.path LIKE %s AND a.year = %s"
    " ORDER BY a.path, a.id LIMIT 51"
)


def bench_lists(repeat: int, seed: int, year: int) -> list[dict[str, Any]]:
    from django.test import Client

    from accounts.models import Role
    from api.models import ApiToken
    from api.registry import CITIZENS, ListParams
    from bench.web_bench import cycle_calls, large_commune, raw, sample_queries, user_with_role
    from registry.models import Citizen

    commune = large_commune()
    people = Citizen.objects.filter(commune=commune).count()
    names = sample_queries(commune, 20, seed)
    inside = [" ".join(name.split()[-2:]) for name in names]
    client = Client()
    results = []
    cases: tuple[tuple[str, Any, str, list[Any], str, float | None], ...] = (
        (
            f"large commune ({people:,} people), officer",
            user_with_role(Role.COMMUNE_OFFICER, commune),
            "c.commune_id = %s",
            [commune.pk],
            commune.path,
            GOAL_COMMUNE_PAGE,
        ),
        ("whole province, admin", user_with_role(Role.PROVINCE_ADMIN), "TRUE", [], "1.", None),
    )
    for label, user, scope, scope_params, path, goal in cases:
        _token, key = ApiToken.issue(user=user, name="bench")

        def get(address: str, key: str = key) -> Any:
            return api_getter(client, key, address)

        def floor(sql: str, params: list[Any]) -> list[float]:
            return timed(raw(sql, params), repeat)

        results.append(
            latency(
                SUITE,
                f"citizen list page 1, {label}",
                timed(get(url("/citizens", page_size=PAGE)), repeat),
                floor(CITIZEN_FLOOR.format(scope=scope, after=""), scope_params),
                goal=goal,
                floor_name="raw SQL: the page's rows",
            )
        )
        visible = Citizen.objects.visible_to(user)
        cursor, after = deep_cursor(
            CITIZENS, Citizen, visible, ListParams.model_validate({"page_size": PAGE})
        )
        results.append(
            latency(
                SUITE,
                f"citizen list page {DEEP_PAGE} by cursor, {label}",
                timed(get(url("/citizens", page_size=PAGE, cursor=cursor)), repeat),
                floor(
                    CITIZEN_FLOOR.format(scope=scope, after="AND (c.search_key, c.id) > (%s, %s)"),
                    [*scope_params, *after],
                ),
                goal=goal,
                floor_name="raw SQL: the page's rows after the cursor",
                note=f"the cursor after row {(DEEP_PAGE - 1) * PAGE:,}",
            )
        )
        for kind, queries, sql, pattern, note in (
            ("name search", names, SEARCH_FLOOR, "{q}%", "full names from their start"),
            (
                "search inside names",
                inside,
                INSIDE_FLOOR,
                "%{q}%",
                "the last two words of the names",
            ),
        ):
            pages = cycle_calls([get(url("/citizens", q=q, page_size=PAGE)) for q in queries])
            floors = cycle_calls(
                [
                    raw(sql.format(scope=scope + " AND"), [*scope_params, pattern.format(q=q)])
                    for q in queries
                ]
            )
            results.append(
                latency(
                    SUITE,
                    f"citizen {kind} q=, {label}",
                    timed(pages, repeat),
                    timed(floors, repeat),
                    goal=None,
                    floor_name="raw SQL: the first page of matches",
                    note=f"{len(queries)} {note}, typed without diacritics, e.g. “{queries[0]}”",
                )
            )
        household_scope = scope.replace("c.", "h.")
        results.append(
            latency(
                SUITE,
                f"household list page 1, {label}",
                timed(get(url("/households", page_size=PAGE)), repeat),
                floor(HOUSEHOLD_FLOOR.format(scope=household_scope), scope_params),
                goal=None,
                floor_name="raw SQL: the page's rows",
            )
        )
        results.append(
            latency(
                SUITE,
                f"assessment list {year} page 1, {label}",
                timed(get(url("/assessments", year=year, page_size=PAGE)), repeat),
                floor(ASSESSMENT_FLOOR, [f"{path}%", year]),
                goal=None,
                floor_name="raw SQL: the page's rows",
            )
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.api_bench")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=0, help="mặc định: năm có nhiều hồ sơ nhất")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--db-url", help="mặc định: DATABASE_URL")
    args = parser.parse_args(argv)
    if args.db_url:
        os.environ["DATABASE_URL"] = args.db_url
    # Every timed search is one of the user's searches: the per-minute limit would cut the
    # run short (the limit's own cost, one cache read, stays in the figures).
    os.environ.setdefault("SEARCH_RATE_PER_MINUTE", "1000000")
    setup_django()
    from django.db import transaction
    from django.db.models import Count

    from assessments.models import Assessment

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
    with transaction.atomic():
        results = bench_lists(args.repeat, args.seed, year)
        transaction.set_rollback(True)  # tokens, last-used stamps, disclosure events
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
