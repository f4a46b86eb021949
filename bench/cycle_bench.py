"""The December rush on the write side: one review step on 5,000 assessments, and
`rebuild_stats` over the whole database.

* **bulk verify** — the commune officer of the large commune posts "Xác nhận" on the
  filtered list (GDHT, the year with most submitted records, state "submitted") for 5,000
  records, through the page (`/binh-xet/hang-loat/`), the way the browser does it. It runs
  inside a transaction that is rolled back at the end, after checking that the rollups
  agree with the assessments (so the benchmark database can be reused). Floor: one raw
  `UPDATE` of the same 5,000 rows' state.
* **rebuild_stats** — `python manage.py rebuild_stats` in this process, then `--check`.
  Floor: the raw `GROUP BY` it is built from.

    DATABASE_URL=postgres://…/hoctap_bench_commune python -m bench.cycle_bench --out f.json
"""

from __future__ import annotations

import argparse
import io
import json
import time
from pathlib import Path
from typing import Any

from bench.common import BenchError, result, setup_django

SUITE = "cycle"


class RollbackError(Exception):
    pass


def bench_bulk_verify(count: int) -> list[dict[str, Any]]:
    from django.db import connection, transaction
    from django.db.models import Count

    from accounts.models import Role
    from assessments.models import Assessment, State
    from assessments.stats import differences, rebuild
    from bench.web_bench import client_for, large_commune, user_with_role
    from criteria.titles import Title

    commune = large_commune()
    waiting = Assessment.objects.filter(
        commune=commune, title=Title.GDHT, state=State.SUBMITTED
    ).order_by()
    best = waiting.values("year").annotate(n=Count("id")).order_by("-n").first()
    if best is None or best["n"] < count:
        raise BenchError(
            f"Xã {commune} chỉ có {best['n'] if best else 0} hồ sơ GDHT chờ xác nhận, cần {count}."
        )
    year = best["year"]
    # The page posts its filters, not 5,000 ids: inside the transaction, the records beyond
    # the first `count` are set aside (state "registered", rollups rebuilt) before the clock
    # starts, so that the filtered list holds exactly `count`.
    all_ids = sorted(waiting.filter(year=year).values_list("id", flat=True))
    ids, excess = all_ids[:count], all_ids[count:]
    client = client_for(user_with_role(Role.COMMUNE_OFFICER, commune))
    filters = {"nam": str(year), "danh_hieu": Title.GDHT, "trang_thai": State.SUBMITTED}
    figures: dict[str, float] = {}
    try:
        with transaction.atomic():
            if excess:
                Assessment.objects.filter(pk__in=excess).update(state=State.REGISTERED)
                rebuild()
            with transaction.atomic():
                started = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE assessments_assessment SET state = %s, version = version + 1"
                        " WHERE id = ANY(%s)"
                        if connection.vendor == "postgresql"
                        else "UPDATE assessments_assessment SET state = %s,"
                        f" version = version + 1 WHERE id IN ({','.join(map(str, ids))})",
                        [State.VERIFIED, ids]
                        if connection.vendor == "postgresql"
                        else [State.VERIFIED],
                    )
                figures["floor"] = time.perf_counter() - started
                transaction.set_rollback(True)
            started = time.perf_counter()
            response = client.post(
                "/binh-xet/hang-loat/",
                {**filters, "xa": str(commune.pk), "step": "verify", "confirm": str(count)},
                follow=True,
            )
            figures["value"] = time.perf_counter() - started
            page = response.content.decode()
            if f"Đã xác nhận {count} hồ sơ" not in page.replace(".", "").replace(",", ""):
                raise BenchError(f"bulk verify did not confirm {count} records: {page[:2000]}")
            done = Assessment.objects.filter(id__in=ids, state=State.VERIFIED).count()
            if done != count:
                raise BenchError(f"bulk verify left {done} of {count} verified")
            started = time.perf_counter()
            diffs = differences()
            figures["check"] = time.perf_counter() - started
            if diffs:
                raise BenchError(f"rollups disagree after bulk verify: {diffs[:5]}")
            raise RollbackError
    except RollbackError:
        pass
    return [
        result(
            SUITE,
            f"bulk verify {count:,} assessments (page, one transaction)",
            figures["value"],
            "s",
            floor=figures["floor"],
            floor_name="raw UPDATE of the same rows",
            goal=10,
            note=f"rollups agree afterwards (checked in {figures['check']:.1f} s); rolled back;"
            " the time includes the list page the browser is sent back to",
        )
    ]


def bench_rebuild() -> list[dict[str, Any]]:
    from django.core.management import call_command
    from django.db import connection

    from assessments.models import Assessment

    total = Assessment.objects.count()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT year, commune_id, village_id, title, state, count(*)"
            " FROM assessments_assessment GROUP BY year, commune_id, village_id, title, state"
        )
        cursor.fetchall()
    floor = time.perf_counter() - started
    started = time.perf_counter()
    call_command("rebuild_stats", stdout=io.StringIO())
    value = time.perf_counter() - started
    started = time.perf_counter()
    out = io.StringIO()
    try:
        call_command("rebuild_stats", check=True, stdout=out, stderr=out)
    except SystemExit as exc:
        raise BenchError(f"rebuild_stats --check disagrees: {out.getvalue()[:2000]}") from exc
    check = time.perf_counter() - started
    return [
        result(
            SUITE,
            f"rebuild_stats ({total:,} assessments)",
            value,
            "s",
            floor=floor,
            floor_name="raw GROUP BY over assessments",
            goal=60,
            note=f"--check agrees ({check:.1f} s)",
        )
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cycle_bench")
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    setup_django()
    results = [*bench_rebuild(), *bench_bulk_verify(args.count)]
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
