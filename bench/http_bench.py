"""Key pages under many connections: gunicorn with 4 workers on the benchmark database, and
for each page a closed-loop load of 16 connections for 10 s (`bench.http_load`, after 1 s
of warm-up), beside the floor — `/healthz` (one `SELECT 1`) at the same concurrency, in
the same run, on the same server.

Pages: the province dashboard (last year's official figures; this year's provisional
ones), the large commune's dashboard (the same two years), the province admin's and the
commune officer's home, the name search anywhere in the names across the province (the
last two words of 20 real names, cycled) and the API's citizen list of the large commune
(page 1, with an API key). Each figure: requests/s, p50, p95, p99, errors, the ratio to
the floor's requests/s, and the CPU the load generator itself used.

The sessions and the API key it needs are made here and deleted at the end.

    DATABASE_URL=postgres://…/hoctap_bench_commune python -m bench.http_bench --out f.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.common import (
    BASE_DIR,
    BenchError,
    busy_share,
    machine_cpu,
    result,
    run_child,
    setup_django,
)

SUITE = "http"
FLOOR_NAME = "/healthz at the same connections, same run"
GOAL_RPS = 100  # issue 20: ≥ 100 requests/s at 16 connections on 4 workers …
FLOOR_SHARE = 0.25  # … and ≥ ¼ of the floor's requests/s …
GOAL_P99_MS = 500  # … with p99 ≤ 500 ms


@dataclass
class Target:
    name: str
    paths: list[str]
    headers: dict[str, str] = field(default_factory=dict)
    goal: bool = True  # the issue's goal for dashboards and role homes applies


def figure(
    name: str,
    summary: dict[str, Any],
    floor: dict[str, Any] | None,
    *,
    goal: bool,
    connections: int,
    seconds: float,
    generator_cpu: float | None,
) -> dict[str, Any]:
    """One page's row: requests/s against the floor's, with the issue's conditions."""
    rps = summary["requests_per_s"]
    floor_rps = floor["requests_per_s"] if floor else None
    p99 = summary["p99_ms"]
    also: dict[str, bool] = {}
    if goal:
        also["≥ ¼ of the floor"] = floor_rps is not None and rps >= FLOOR_SHARE * floor_rps
        also[f"p99 ≤ {GOAL_P99_MS} ms"] = p99 is not None and p99 <= GOAL_P99_MS
    also["0 errors"] = summary["errors"] == 0
    errors = ", ".join(f"{k}×{v}" for k, v in sorted(summary["error_statuses"].items()))
    cpu = "?" if generator_cpu is None else f"{generator_cpu:.0%}"
    return result(
        SUITE,
        f"{name}, {connections} connections",
        rps,
        "req/s",
        p50=summary["p50_ms"],
        p95=summary["p95_ms"],
        p99=p99,
        n=summary["requests"],
        floor=floor_rps,
        floor_name=FLOOR_NAME,
        goal=GOAL_RPS if goal else None,
        higher_is_better=True,
        also=also,
        note=(
            f"{summary['requests']:,} requests in {seconds:g} s; errors {summary['errors']}"
            f"{f' ({errors})' if errors else ''}; the generator used {cpu} of one core"
        ),
        errors=summary["errors"],
        generator_cpu=generator_cpu,
    )


def session_cookie(user: Any) -> dict[str, str]:
    """A logged-in session of `user`, as the browser's cookie header (saved in the
    database, where every gunicorn worker finds it)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={key}"}


def targets(seed: int) -> tuple[list[Target], list[Any]]:
    """The pages and who opens them; the API key and sessions to delete afterwards."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from accounts.models import Role
    from api.models import ApiToken
    from bench.web_bench import large_commune, sample_queries, user_with_role
    from stats.map import default_year

    commune = large_commune()
    admin = session_cookie(user_with_role(Role.PROVINCE_ADMIN))
    officer_user = user_with_role(Role.COMMUNE_OFFICER, commune)
    officer = session_cookie(officer_user)
    token, key = ApiToken.issue(user=officer_user, name="đo hiệu năng (bench)")
    official, current = default_year(official=True), timezone.localdate().year
    inside = [" ".join(n.split()[-2:]) for n in sample_queries(commune, 20, seed)]
    pages = [
        Target(f"province dashboard, official {official}", [f"/chi-tieu/?nam={official}"], admin),
        Target(
            f"province dashboard, provisional {current}",
            [f"/chi-tieu/?nam={current}&so_lieu=tam_tinh"],
            admin,
        ),
        Target(
            f"large commune dashboard, official {official}",
            [f"/chi-tieu/xa/{commune.pk}/?nam={official}"],
            officer,
        ),
        Target(
            f"large commune dashboard, provisional {current}",
            [f"/chi-tieu/xa/{commune.pk}/?nam={current}&so_lieu=tam_tinh"],
            officer,
        ),
        Target("home of the province admin", ["/"], admin),
        Target("home of the commune officer (large commune)", ["/"], officer),
        Target(
            "name search inside names, whole province (admin)",
            [f"/so/cong-dan/?q={quote(q)}" for q in inside],
            admin,
            goal=False,
        ),
        Target(
            "API citizen list, large commune, page 1",
            [f"/api/v1/citizens?commune_id={commune.pk}"],
            {"Authorization": f"Bearer {key}"},
            goal=False,
        ),
    ]
    keys = [h["Cookie"].split("=", 1)[1] for h in (admin, officer)]
    return pages, [token, Session.objects.filter(session_key__in=keys)]


def generate(
    host: str, target: Target, *, connections: int, seconds: float, scratch: Path
) -> tuple[dict[str, Any], float | None]:
    """One closed-loop load in its own process: its summary, and its CPU share of one core."""
    out = scratch / "summary.json"
    command = [
        *(sys.executable, "-m", "bench.http_load", "--host", host),
        *("--connections", str(connections), "--seconds", str(seconds), "--out", str(out)),
    ]
    for path in target.paths:
        command += ["--path", path]
    for name, value in target.headers.items():
        command += ["--header", f"{name}: {value}"]
    code, wall, cpu = run_child(command, env=dict(os.environ))
    if code != 0:
        raise BenchError(f"bench.http_load exited with {code} on {target.name}")
    return json.loads(out.read_text("utf-8")), (cpu / wall if wall else None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.http_bench")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    setup_django()
    from bench.load_bench import gunicorn, wait_idle

    pages, leftovers = targets(args.seed)
    scratch = Path(tempfile.mkdtemp(prefix="http-", dir=BASE_DIR / "bench-results"))
    results = []
    shares: list[float] = []
    try:
        before = machine_cpu()
        with gunicorn(args.port, args.workers) as host:
            floor_target = Target("/healthz (the floor)", ["/healthz"], goal=False)
            floor, cpu = generate(
                host,
                floor_target,
                connections=args.connections,
                seconds=args.seconds,
                scratch=scratch,
            )
            rows = [(floor_target, floor, cpu)]
            for target in pages:
                summary, cpu = generate(
                    host,
                    target,
                    connections=args.connections,
                    seconds=args.seconds,
                    scratch=scratch,
                )
                rows.append((target, summary, cpu))
                waited = wait_idle(f"{host}/healthz")
                print(
                    f"  {target.name}: {summary['requests_per_s']:.1f} req/s,"
                    f" p99 {summary['p99_ms'] or 0:.0f} ms, errors {summary['errors']}"
                    f" (then {waited:.0f} s until the server was idle)",
                    flush=True,
                )
        busy = busy_share(before, machine_cpu())
    finally:
        for leftover in leftovers:
            leftover.delete()
        shutil.rmtree(scratch, ignore_errors=True)
    for target, summary, cpu in rows:
        if cpu is not None:
            shares.append(cpu)
        results.append(
            figure(
                target.name,
                summary,
                None if target is floor_target else floor,
                goal=target.goal,
                connections=args.connections,
                seconds=args.seconds,
                generator_cpu=cpu,
            )
        )
    if shares:
        results.append(
            result(
                SUITE,
                "the load generator's own CPU (share of one core, mean of the runs)",
                100 * sum(shares) / len(shares),
                "%",
                note=(
                    f"highest {100 * max(shares):.0f} %; all cores busy"
                    f" {'?' if busy is None else f'{busy:.0%}'} over the whole suite"
                ),
            )
        )
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
