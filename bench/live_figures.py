"""Provisional figures for the benchmark database: `LiveFigures` of every current commune
for every year that has assessments, where missing.

In production each registration and registry write queues its commune's recount
(`stats.receivers`), so every commune-year with activity has its provisional figures. The
generator (`seed_demo --scale`) writes millions of rows in bulk, around those receivers,
and leaves them out: without this step the provisional dashboards of the benchmark would
show, and time, empty pages. Run by `make bench-db` after the generator and by `make bench`
after migrating (a database built before this step); it writes nothing when none is
missing.

    DATABASE_URL=postgres://…/hoctap_bench_commune python -m bench.live_figures
"""

from __future__ import annotations

import time

from bench.common import setup_django


def main() -> int:
    setup_django()
    from assessments.models import Assessment
    from places.models import Place
    from stats.compute import refresh_communes
    from stats.models import LiveFigures

    started = time.monotonic()
    counted = 0
    years = sorted(set(Assessment.objects.order_by().values_list("year", flat=True).distinct()))
    for year in reversed(years):  # the current year first: the one leaders watch move
        missing = (
            Place.objects.current()
            .communes()
            .exclude(pk__in=LiveFigures.objects.filter(year=year).values("commune"))
        )
        counted += refresh_communes(missing.values_list("pk", flat=True), year)
    print(
        f"Số liệu tạm tính: đếm {counted} xã-năm ({', '.join(map(str, years))})"
        f" trong {time.monotonic() - started:,.1f} s.",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
