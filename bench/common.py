"""What every benchmark of `make bench` shares: the guard, timing loops, the result shape.

A result is a dict (one line of the JSON file and of the terminal table):
`{suite, name, value, unit, p50, p95, p99, n, floor, floor_name, ratio, goal, goal_kind,
also, met, note}`. `value` is the figure the goal speaks of (p95 for latencies, requests/s
for a load run); `floor` is the same measure of the floor taken in the same run (a raw SQL
query returning the same data, or a minimal view); `ratio = value / floor`. `also` lists
the goal's other conditions (“≥ ¼ of the floor”, “p99 ≤ 500 ms”) with whether each holds:
`met` is true only when the main goal and every one of them hold.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench-results"


class BenchError(Exception):
    """The benchmark cannot go on (wrong database, missing data, a failed check)."""


def database_name(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return Path(parts.path).name
    return parts.path.lstrip("/")


def refuse_unless_bench(url: str) -> None:
    name = database_name(url)
    if "bench" not in name:
        raise BenchError(
            f"Từ chối chạy trên cơ sở dữ liệu “{name}”: tên không chứa “bench”"
            " (chỉ chạy trên cơ sở dữ liệu dành cho đo hiệu năng)."
        )


def setup_django() -> None:
    """Django for a benchmark process: production-like (DEBUG off keeps no query log)."""
    url = os.environ.get("DATABASE_URL", "")
    refuse_unless_bench(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("SECURE_COOKIES", "0")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # plain HTTP on loopback
    os.environ.setdefault("TASKS_BACKEND", "immediate")
    os.environ.setdefault("AXES_ENABLED", "0")
    # Every page is opened many times by the same users: the per-user search limit would
    # refuse the benchmark itself.
    os.environ.setdefault("SEARCH_RATE_PER_MINUTE", "100000")
    import django

    django.setup()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(command: list[str], env: dict[str, str]) -> tuple[int, float, float]:
    """Run a command to its end: (exit code, wall seconds, the child's own CPU seconds,
    user and system). A load generator shares the cores with the server it loads."""
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env)
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, time.monotonic() - started, usage.ru_utime + usage.ru_stime


def machine_cpu() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine since boot (Linux /proc/stat): the
    difference of two readings says how busy every core was in between."""
    with open("/proc/stat", encoding="ascii") as handle:
        # user nice system idle iowait irq softirq steal (guest time is inside user)
        ticks = [int(t) for t in handle.readline().split()[1:9]]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    return sum(ticks) - idle, sum(ticks)


def busy_share(before: tuple[int, int], after: tuple[int, int]) -> float | None:
    """The share (0–1) of all cores busy between two `machine_cpu` readings."""
    total = after[1] - before[1]
    return (after[0] - before[0]) / total if total > 0 else None


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0–100) of a non-empty list."""
    ordered = sorted(samples)
    rank = max(1, round(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def timed(
    call: Callable[[], Any],
    repeat: int,
    warmup: int = 3,
    *,
    budget: float | None = None,
    least: int = 5,
) -> list[float]:
    """Milliseconds of `repeat` calls after `warmup` untimed ones. With a `budget` in
    seconds, warming up and timing stop early once that much time has gone and at least
    `least` calls were timed (or one, past three budgets): a page that became slow cannot
    hold up the whole run (the figure's `n` says how many calls it rests on)."""
    started = time.perf_counter()

    def spent() -> float:
        return time.perf_counter() - started

    for _ in range(warmup):
        call()
        if budget is not None and spent() > budget / 4:
            break
    samples: list[float] = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
        if budget is not None and (
            (len(samples) >= least and spent() > budget) or spent() > 3 * budget
        ):
            break
    return samples


def latency(
    suite: str,
    name: str,
    samples: list[float],
    floor_samples: list[float] | None,
    *,
    goal: float | None,
    floor_name: str,
    note: str = "",
) -> dict[str, Any]:
    """A latency result: value = p95 in ms, compared with the floor's p95."""
    p95 = percentile(samples, 95)
    floor = percentile(floor_samples, 95) if floor_samples else None
    shown = "" if floor is None else f", floor {floor:.1f} ms"
    print(f"  {name}: p95 {p95:.1f} ms ({len(samples)} calls){shown}", flush=True)
    return result(
        suite,
        name,
        p95,
        "ms",
        p50=statistics.median(samples),
        p95=p95,
        p99=percentile(samples, 99),  # of 20 to 30 calls: the slowest
        n=len(samples),
        floor=floor,
        floor_name=floor_name,
        goal=goal,
        note=note,
    )


def result(
    suite: str,
    name: str,
    value: float,
    unit: str,
    *,
    floor: float | None = None,
    floor_name: str = "",
    goal: float | None = None,
    higher_is_better: bool = False,
    p50: float | None = None,
    p95: float | None = None,
    p99: float | None = None,
    n: int | None = None,
    note: str = "",
    also: dict[str, bool] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    met = None
    if goal is not None:
        met = value >= goal if higher_is_better else value <= goal
    if also:
        met = met is not False and all(also.values())
    return {
        "suite": suite,
        "name": name,
        "value": round(value, 3),
        "unit": unit,
        "p50": None if p50 is None else round(p50, 3),
        "p95": None if p95 is None else round(p95, 3),
        "p99": None if p99 is None else round(p99, 3),
        "n": n,
        "floor": None if floor is None else round(floor, 3),
        "floor_name": floor_name,
        "ratio": round(value / floor, 2) if floor else None,
        "goal": goal,
        "goal_kind": "≥" if higher_is_better else "≤",
        "also": dict(also or {}),
        "met": met,
        "note": note,
        **extra,
    }


def goal_text(figure: dict[str, Any]) -> str:
    """The goal as the table shows it: “≥ 100 req/s; ≥ ¼ of the floor; p99 ≤ 500 ms”,
    a condition that does not hold marked “(missed)”."""
    parts = []
    if figure["goal"] is not None:
        goal = figure["goal"]
        shown = f"{goal:,.0f}" if abs(goal) >= 100 or goal == int(goal) else f"{goal:,.2f}"
        reached = figure["value"] >= goal if figure["goal_kind"] == "≥" else figure["value"] <= goal
        text = f"{figure['goal_kind']} {shown} {figure['unit']}"
        parts.append(text if reached or not figure.get("also") else f"{text} (missed)")
    for label, ok in (figure.get("also") or {}).items():
        parts.append(label if ok else f"{label} (missed)")
    return "; ".join(parts)


def print_columns(
    headers: tuple[str, ...], lines: Sequence[tuple[str, ...]], right: set[int]
) -> None:
    """A plain-text table in the terminal; columns in `right` aligned to the right."""
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(headers)]

    def fmt(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    print()
    print(fmt(headers))
    print(fmt(tuple("-" * w for w in widths)))
    for line in lines:
        print(fmt(line))
