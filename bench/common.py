"""What every benchmark of `make bench` shares: the guard, timing loops, the result shape.

A result is a dict (one line of the JSON file and of the terminal table):
`{suite, name, value, unit, p50, p95, n, floor, floor_name, ratio, goal, met, note}`.
`value` is the figure the goal speaks of (p95 for latencies); `floor` is the same measure
of the floor taken in the same run (a raw SQL query returning the same data, or a
minimal view); `ratio = value / floor`.
"""

from __future__ import annotations

import os
import resource
import statistics
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
    import django

    django.setup()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0–100) of a non-empty list."""
    ordered = sorted(samples)
    rank = max(1, round(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def timed(call: Callable[[], Any], repeat: int, warmup: int = 3) -> list[float]:
    """Milliseconds of `repeat` calls after `warmup` untimed ones."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
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
    return result(
        suite,
        name,
        p95,
        "ms",
        p50=statistics.median(samples),
        p95=p95,
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
    **extra: Any,
) -> dict[str, Any]:
    met = None
    if goal is not None:
        met = value >= goal if higher_is_better else value <= goal
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
        "met": met,
        "note": note,
        **extra,
    }


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
