"""`make bench-db`: a fresh PostgreSQL database filled by `seed_demo --scale`.

    python -m bench.bench_db --scale commune|province [--seed N] [--pg-url URL]

Drops and creates the database (its name must contain "bench"), migrates, loads the
map, criteria and targets, then runs the generator, printing each step's time and the
generator's peak memory, and ends with `VACUUM (ANALYZE)`: after a load of millions of
rows autovacuum would do the same within minutes (setting the visibility map that
index-only scans need), and it must not do it in the middle of a benchmark. Each step runs in its own process so that the figures are
that step's alone (this parent stays free of Django).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time

from bench.import_bench import BASE_DIR, fresh_postgres

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/hoctap_bench_{scale}"


def step(args: list[str], url: str) -> tuple[float, float]:
    """Run `manage.py args` in a child; (seconds, peak RSS of the child in MB)."""
    env = {**os.environ, "DATABASE_URL": url}
    env.setdefault("SECRET_KEY", "bench-only")
    started = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest child so far: exact for the generator, which is the largest
    return time.monotonic() - started, max(after, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=["tiny", "commune", "province"], default="commune")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--years", default="")
    parser.add_argument("--pg-url", default="")
    args = parser.parse_args()
    url = args.pg_url or DEFAULT_URL.format(scale=args.scale)
    fresh_postgres(url)  # refuses a name without "bench"
    print(f"Cơ sở dữ liệu {url} đã tạo mới.", flush=True)
    total = time.monotonic()
    for command in (
        ["migrate", "--noinput", "--verbosity", "0"],
        ["load_places"],
        ["load_criteria"],
        ["load_targets"],
        ["load_baselines"],
    ):
        seconds, _peak = step(command, url)
        print(f"  {command[0]}: {seconds:,.1f} s", flush=True)
    seed = ["seed_demo", "--scale", args.scale, "--seed", str(args.seed)]
    if args.years:
        seed += ["--years", args.years]
    seconds, peak = step(seed, url)
    print(f"seed_demo --scale {args.scale}: {seconds:,.1f} s, RAM đỉnh {peak:,.0f} MB", flush=True)
    started = time.monotonic()
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "bench.live_figures"], cwd=BASE_DIR, env=env, check=True)
    print(f"  bench.live_figures: {time.monotonic() - started:,.1f} s", flush=True)
    print(f"  VACUUM (ANALYZE): {vacuum(url):,.1f} s", flush=True)
    print(f"tổng cộng {time.monotonic() - total:,.1f} s", flush=True)


def vacuum(url: str) -> float:
    import psycopg

    started = time.monotonic()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    return time.monotonic() - started


if __name__ == "__main__":
    main()
