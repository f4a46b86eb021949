"""The load run: 200 simulated users for 5 minutes against gunicorn (4 workers) on the
benchmark database, over loopback — officers browsing lists and verifying, citizens
self-assessing, leaders opening dashboards and their home (`bench/locustfile.py`).

First a floor run: the same number of users on a minimal view (`/healthz`, one query)
for 10 s, so the figures can be read against what this machine does with no work at all.
The users start over `--ramp` seconds and each logs in through the login page (Argon2id);
the figures count from the moment all of them have started (locust `--reset-stats`), so
that 200 logins in the first seconds do not stand for the day's work. Locust runs on the
same two cores as the server and PostgreSQL: its own CPU time is measured and reported.

    DATABASE_URL=postgres://…/hoctap_bench_commune python -m bench.load_bench --out f.json
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.common import (
    BASE_DIR,
    BenchError,
    busy_share,
    machine_cpu,
    result,
    run_child,
    setup_django,
)

SUITE = "load"


def plan(seed: int) -> dict[str, Any]:
    """Who logs in, with which password, and what work waits for them."""
    from django.db.models import Count

    from accounts.models import Role, RoleAssignment
    from assessments.models import Assessment, State
    from bench.web_bench import large_commune, sample_queries
    from criteria.titles import Title
    from demo.scale import BENCH_PASSWORD
    from registry.models import Household

    commune = large_commune()
    rng = random.Random(seed)

    def users(role: str) -> list[Any]:
        rows = RoleAssignment.objects.active().filter(role=role).select_related("user", "place")
        return list(rows.order_by("id")[:200])

    households = dict(
        Household.objects.values_list("commune_id").annotate(n=Count("id")).order_by()
    )
    officers = []
    for assignment in users(Role.COMMUNE_OFFICER):
        waiting = list(
            Assessment.objects.filter(
                commune_id=assignment.place_id, title=Title.GDHT, state=State.SUBMITTED
            )
            .order_by("-id")
            .values_list("id", flat=True)[:300]
        )
        rng.shuffle(waiting)
        officers.append(
            {
                "username": assignment.user.username,
                "households": households.get(assignment.place_id, 0),
                "waiting": waiting,
            }
        )
    citizens = [{"username": a.user.username} for a in users(Role.CITIZEN)]
    leaders = [
        {"username": a.user.username}
        for a in users(Role.PROVINCE_ADMIN) + users(Role.PROVINCE_VIEWER)
    ]
    if not (officers and citizens and leaders):
        raise BenchError("Thiếu tài khoản cán bộ xã, công dân hoặc lãnh đạo tỉnh cho lượt tải.")
    return {
        "password": BENCH_PASSWORD,
        "accounts": {"officer": officers, "citizen": citizens, "leader": leaders},
        "names": sample_queries(commune, 50, seed),
        "communes": sorted({a.place_id for a in users(Role.COMMUNE_OFFICER)}),
    }


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise BenchError(f"gunicorn did not answer {url} within {seconds:.0f} s")


def wait_idle(url: str, seconds: float = 120) -> float:
    """Wait until `url` answers within 0.2 s: the requests a load left queued in gunicorn
    (from connections it dropped) are done and cannot slow the next measurement. Returns
    the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        sent = time.monotonic()
        try:
            with urllib.request.urlopen(url, timeout=seconds) as response:
                response.read()
        except OSError:
            time.sleep(0.5)
            continue
        if time.monotonic() - sent < 0.2:
            break
    return time.monotonic() - started


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_COOKIES": "0",
            "SECURE_SSL_REDIRECT": "0",
            "AXES_ENABLED": "0",
            # The simulated users all come from 127.0.0.1 and share a few accounts: one
            # client address, so the per-address limits would refuse the load itself.
            "LOGIN_RATE_PER_MINUTE": "100000",
            "SEARCH_RATE_PER_MINUTE": "100000",
            "LOG_LEVEL": "WARNING",
        }
    )
    env.setdefault("SECRET_KEY", "bench-only-not-secret")
    return env


@contextmanager
def gunicorn(port: int, workers: int) -> Iterator[str]:
    """gunicorn serving the project (sync workers, as deployed) on 127.0.0.1:`port`."""
    host = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=server_env(),
        start_new_session=True,  # its own process group: stopped with its workers below
    )
    try:
        wait_until_up(f"{host}/healthz")
        yield host
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # workers stuck in a request: stop them
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)


def run_locust(
    host: str,
    plan_path: Path,
    users: int,
    seconds: int,
    classes: list[str],
    prefix: Path,
    ramp: int = 5,
) -> dict[str, Any]:
    """A headless locust run; its stats and failures, and the CPU locust itself used."""
    command = [
        str(Path(sys.executable).parent / "locust"),
        "-f",
        str(BASE_DIR / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(max(1.0, users / max(1, ramp))),
        "--reset-stats",
        "--run-time",
        f"{seconds + ramp}s",
        "--host",
        host,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
        *classes,
    ]
    env = dict(os.environ, LOAD_PLAN=str(plan_path))
    before = machine_cpu()
    code, wall, cpu = run_child(command, env)
    if code != 0:
        raise BenchError(f"locust exited with {code}")
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    failures: list[dict[str, str]] = []
    failure_file = Path(f"{prefix}_failures.csv")
    if failure_file.exists():
        with failure_file.open(encoding="utf-8") as handle:
            failures = list(csv.DictReader(handle))
    return {
        "rows": rows,
        "failures": failures,
        "generator_cpu": cpu / wall if wall else None,
        "machine_busy": busy_share(before, machine_cpu()),
    }


def figures(
    name: str, run: dict[str, Any], floor: dict[str, Any] | None, users: int, seconds: int
) -> list[dict[str, Any]]:
    total = next(r for r in run["rows"] if r["Name"] == "Aggregated")
    floor_total = next(r for r in floor["rows"] if r["Name"] == "Aggregated") if floor else None

    def num(row: dict[str, str] | None, key: str) -> float | None:
        if row is None:
            return None
        value = row.get(key, "")
        return float(value) if value not in ("", "N/A") else None

    per_request = {
        r["Name"]: {
            "requests": int(r["Request Count"]),
            "failures": int(r["Failure Count"]),
            "p50_ms": num(r, "50%"),
            "p95_ms": num(r, "95%"),
            "p99_ms": num(r, "99%"),
        }
        for r in run["rows"]
        if r["Name"] != "Aggregated"
    }
    requests = int(total["Request Count"])
    errors = int(total["Failure Count"])
    note = (
        f"{users} users, {seconds} s after all have started, gunicorn 4 workers,"
        f" {requests:,} requests; locust's own CPU {share(run.get('generator_cpu'))} of one"
        f" core, all cores {share(run.get('machine_busy'))} busy"
    )
    return [
        result(
            SUITE,
            f"{name}: throughput",
            num(total, "Requests/s") or 0,
            "req/s",
            floor=num(floor_total, "Requests/s"),
            floor_name="the same users on /healthz",
            note=note,
            generator_cpu=run.get("generator_cpu"),
            machine_busy=run.get("machine_busy"),
        ),
        result(
            SUITE,
            f"{name}: p95 latency",
            num(total, "95%") or 0,
            "ms",
            p50=num(total, "50%"),
            p95=num(total, "95%"),
            p99=num(total, "99%"),
            n=requests,
            floor=num(floor_total, "95%"),
            floor_name="the same users on /healthz",
            goal=300,
            note=note,
            per_request=per_request,
        ),
        result(
            SUITE,
            f"{name}: errors",
            errors,
            "requests",
            goal=0,
            note="; ".join(
                f"{f['Method']} {f['Name']}: {f['Error'][:120]} ×{f['Occurrences']}"
                for f in run["failures"][:5]
            ),
        ),
    ]


def share(value: float | None) -> str:
    return "?" if value is None else f"{value:.0%}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load_bench")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--ramp", type=int, default=10, help="giây để khởi động hết người dùng")
    parser.add_argument("--floor-seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    setup_django()
    scratch = Path(tempfile.mkdtemp(prefix="load-", dir=BASE_DIR / "bench-results"))
    plan_path = scratch / "plan.json"
    plan_path.write_text(json.dumps(plan(args.seed), ensure_ascii=False), "utf-8")
    with gunicorn(args.port, args.workers) as host:
        floor = run_locust(
            host, plan_path, args.users, args.floor_seconds, ["FloorUser"], scratch / "floor"
        )
        run = run_locust(
            host,
            plan_path,
            args.users,
            args.seconds,
            ["OfficerUser", "CitizenUser", "LeaderUser"],
            scratch / "mix",
            ramp=args.ramp,
        )
    results = figures("load run (mixed users)", run, floor, args.users, args.seconds)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
