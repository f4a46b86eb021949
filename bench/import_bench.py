"""The citizen-import benchmark behind `make bench-import`.

    python -m bench.import_bench [--rows N] [--db sqlite|postgres|both] [--out FILE]
                                 [--repeat N] [--profile] [--check-goals]

For each database it builds a fresh benchmark database (migrate, `load_places`,
40 villages in Xã Khoái Châu), generates the workbook once (cached under
bench-results/ by row count), then runs each measurement in its own fresh
subprocess so that peak RSS belongs to that phase alone:

* floor: python-calamine reading every row of the workbook (best of 3);
* floor: a raw bulk insert of as many narrow rows (COPY on PostgreSQL,
  executemany on SQLite) into a plain table, committed (best of 3);
* dry run: `run_import(dry_run=True)` on the empty commune;
* commit: `run_import(dry_run=False)` — validates again, then writes;
* re-import: the same file again as a dry run, which must plan nothing.

It prints a table and writes a JSON list of
{name, value, unit, floor, ratio, db, rows}; `ratio` is always value / floor.

This parent process stays free of Django on purpose: on Linux a child's
`ru_maxrss` starts from its parent's peak, so a heavy parent would inflate
every child's figure.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.common import BenchError, database_name, print_columns, refuse_unless_bench

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench-results"
SQLITE_FILE = RESULTS / "hoctap_bench.sqlite3"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/hoctap_bench"
COMMUNE_CODE = "12205"  # Xã Khoái Châu
VILLAGE_COUNT = 40
VILLAGE_SEED = 12205
WORKBOOK_SEED = 1
FLOOR_REPEATS = 3
GOAL_ROWS_PER_SECOND = 10_000.0
GOAL_PEAK_MB = 500.0

# The code under test; its fingerprint is printed so figures can be tied to a version.
MEASURED_SOURCES = [
    "registry/imports/__init__.py",
    "registry/imports/base.py",
    "registry/imports/citizen_rows.py",
    "registry/imports/citizens.py",
    "registry/imports/citizen_writes.py",
    "registry/imports/households.py",
    "registry/imports/groups.py",
    "registry/imports/audit.py",
    "registry/forms.py",
    "registry/fields.py",
    "registry/identity.py",
    "registry/columns.py",
    "core/bulk.py",
    "core/xlsx.py",
    "core/text.py",
]
# What the cached workbook depends on: regenerated when any of these changes.
WORKBOOK_SOURCES = [
    "bench/workbooks.py",
    "demo/generator.py",
    "demo/names.py",
    "registry/columns.py",
]

PHASES = {
    "dry-run": "dry run",
    "commit": "commit",
    "reimport": "re-import (dry run)",
}


# --------------------------------------------------------------------------------------
# Children: one fresh process per measurement (`--child PHASE`).
# --------------------------------------------------------------------------------------


def fingerprint(sources: list[str]) -> str:
    import hashlib

    digest = hashlib.sha256()
    for name in sources:
        path = BASE_DIR / name
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:12]


def peak_mb() -> float:
    """Peak resident set size of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def village_specs() -> list[tuple[str, str]]:
    """The benchmark's villages as (unit type, short name); deterministic."""
    from demo.generator import Generator

    return Generator(VILLAGE_SEED).village_names(VILLAGE_COUNT)


def setup_django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()


def child_setup(args: argparse.Namespace) -> dict[str, Any]:
    """Migrate, load the map and create the villages in the (empty) benchmark database."""
    from django.core.management import call_command

    from places.models import Place, PlaceKind

    with open(os.devnull, "w") as quiet:
        call_command("migrate", interactive=False, verbosity=0, stdout=quiet)
        call_command("load_places", stdout=quiet)
    commune = Place.objects.current().communes().get(code=COMMUNE_CODE)
    for unit_type, name in village_specs():
        if not Place.objects.villages().filter(parent=commune, short_name=name).exists():
            Place(
                kind=PlaceKind.VILLAGE,
                name=f"{unit_type} {name}",
                short_name=name,
                unit_type=unit_type,
                parent=commune,
            ).save()
    villages = list(Place.objects.current().villages().filter(parent=commune))
    return {"commune": str(commune), "villages": len(villages)}


def child_workbook(args: argparse.Namespace) -> dict[str, Any]:
    """Write the citizens workbook (no database needed)."""
    from bench.workbooks import citizens_workbook

    start = time.perf_counter()
    names = [f"{unit_type} {name}" for unit_type, name in village_specs()]
    rows = citizens_workbook(
        Path(args.workbook), villages=names, people=args.rows, seed=WORKBOOK_SEED
    )
    return {"rows": rows, "villages": names, "seconds": time.perf_counter() - start}


def child_read_floor(args: argparse.Namespace) -> dict[str, Any]:
    """python-calamine alone: open the workbook from memory and walk every row."""
    import io

    import python_calamine

    data = Path(args.workbook).read_bytes()
    start_mb = peak_mb()
    best = float("inf")
    count = 0
    for _attempt in range(FLOOR_REPEATS):
        start = time.perf_counter()
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        count = sum(1 for _row in workbook.get_sheet_by_index(0).iter_rows()) - 1
        best = min(best, time.perf_counter() - start)
        del workbook
    return {"seconds": best, "rows": count, "peak_mb": peak_mb(), "start_mb": start_mb}


def child_insert_floor(args: argparse.Namespace) -> dict[str, Any]:
    """A raw bulk insert of `rows` narrow rows into a plain (logged) table, committed."""
    from django.db import connection, transaction

    rows = [(i, f"Nguyễn Văn Bench {i}", 1940 + i % 80) for i in range(1, args.rows + 1)]
    start_mb = peak_mb()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_floor")
        cursor.execute(
            "CREATE TABLE bench_floor (id bigint PRIMARY KEY,"
            " full_name varchar(120) NOT NULL, birth_year integer NOT NULL)"
        )
    best = float("inf")
    try:
        for _attempt in range(FLOOR_REPEATS):
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM bench_floor")
            start = time.perf_counter()
            with transaction.atomic(), connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                    sql = "COPY bench_floor (id, full_name, birth_year) FROM STDIN"
                    with raw.copy(sql) as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    cursor.executemany(
                        "INSERT INTO bench_floor (id, full_name, birth_year) VALUES (%s, %s, %s)",
                        rows,
                    )
            best = min(best, time.perf_counter() - start)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_floor")
    return {"seconds": best, "rows": len(rows), "peak_mb": peak_mb(), "start_mb": start_mb}


def busy_cpu_seconds() -> float:
    """CPU time used by the whole machine since boot, all CPUs (from /proc/stat)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int | None) -> float:
    """CPU time of another local process (the PostgreSQL backend serving us)."""
    if pid is None:
        return 0.0
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class GcTimer:
    """Wall time spent in the cyclic garbage collector while installed."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self.started


def child_import(args: argparse.Namespace) -> dict[str, Any]:
    """One `run_import` of the workbook; the progress hook marks when writing starts."""
    import gc

    from django.db import connection

    from places.models import Place
    from registry.imports import run_import
    from registry.models import Citizen, Household

    commune = Place.objects.current().communes().get(code=COMMUNE_CODE)
    backend: int | None = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
    path = Path(args.workbook)
    data = path.read_bytes()
    code = fingerprint(MEASURED_SOURCES)
    dry_run = args.child != "commit"
    marks: list[tuple[float, float]] = []

    def progress(fraction: float, stage: str) -> None:
        marks.append((fraction, time.perf_counter()))

    def run() -> Any:
        return run_import(
            kind="citizens",
            actor=None,
            commune=commune,
            data=data,
            dry_run=dry_run,
            filename=path.name,
            progress=progress,
        )

    start_mb = peak_mb()
    gc_timer = GcTimer()
    gc.callbacks.append(gc_timer)
    busy_start, backend_start = busy_cpu_seconds(), process_cpu_seconds(backend)
    cpu_start = time.process_time()
    start = time.perf_counter()
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        report = profiler.runcall(run)
        profiler.dump_stats(str(args.profile))
    else:
        report = run()
    end = time.perf_counter()
    cpu = time.process_time() - cpu_start
    backend_cpu = process_cpu_seconds(backend) - backend_start
    busy = busy_cpu_seconds() - busy_start
    gc.callbacks.remove(gc_timer)
    result_mb = peak_mb()
    write_start = next((t for fraction, t in marks if fraction >= 0.9), None)
    return {
        "seconds": end - start,
        "validate_seconds": (write_start or end) - start,
        "write_seconds": end - write_start if write_start is not None else None,
        "peak_mb": result_mb,
        "start_mb": start_mb,
        "cpu_seconds": cpu,
        "backend_cpu_seconds": backend_cpu,
        "other_cpu_seconds": max(busy - cpu - backend_cpu, 0.0),
        "gc_seconds": gc_timer.seconds,
        "code": code,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "committed": report.committed,
        "errors": len(report.errors),
        "first_errors": [str(e) for e in report.errors[:5]],
        "warnings": len(report.warnings),
        "citizens_in_db": Citizen.objects.filter(commune=commune).count(),
        "households_in_db": Household.objects.filter(commune=commune).count(),
    }


CHILDREN: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "setup": child_setup,
    "workbook": child_workbook,
    "read-floor": child_read_floor,
    "insert-floor": child_insert_floor,
    "dry-run": child_import,
    "commit": child_import,
    "reimport": child_import,
}


def run_child(args: argparse.Namespace) -> None:
    setup_django()
    result = CHILDREN[args.child](args)
    Path(args.result).write_text(json.dumps(result, ensure_ascii=False), "utf-8")


# --------------------------------------------------------------------------------------
# Parent: databases, the cached workbook, the children, the table and the JSON.
# --------------------------------------------------------------------------------------


@dataclass
class Metric:
    name: str
    value: float
    unit: str
    floor: float | None
    db: str
    rows: int

    @property
    def ratio(self) -> float | None:
        return self.value / self.floor if self.floor else None

    def as_json(self) -> dict[str, Any]:
        ratio = self.ratio
        return {
            "name": self.name,
            "value": round(self.value, 3),
            "unit": self.unit,
            "floor": round(self.floor, 3) if self.floor is not None else None,
            "ratio": round(ratio, 3) if ratio is not None else None,
            "db": self.db,
            "rows": self.rows,
        }


def child_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-not-secret",
            "DEBUG": "0",  # DEBUG=1 would keep every query in memory
            "TASKS_BACKEND": "immediate",
        }
    )
    return env


def spawn(phase: str, database_url: str, **options: Any) -> dict[str, Any]:
    """Run `--child phase` in a fresh interpreter and return what it reported."""
    with tempfile.NamedTemporaryFile(
        "w", suffix=".json", prefix=f"{phase}-", dir=RESULTS, delete=False
    ) as handle:
        result_path = Path(handle.name)
    command = [sys.executable, "-m", "bench.import_bench", "--child", phase]
    command += ["--result", str(result_path)]
    for key, value in options.items():
        if value is not None:
            command += [f"--{key.replace('_', '-')}", str(value)]
    try:
        completed = subprocess.run(command, cwd=BASE_DIR, env=child_env(database_url), check=False)
        if completed.returncode != 0:
            raise BenchError(f"phase {phase} failed (exit {completed.returncode})")
        result: dict[str, Any] = json.loads(result_path.read_text("utf-8"))
        return result
    finally:
        result_path.unlink(missing_ok=True)


def fresh_sqlite() -> str:
    url = f"sqlite:///{SQLITE_FILE}"
    refuse_unless_bench(url)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
    return url


def fresh_postgres(url: str) -> str:
    """Drop and create the benchmark database (connecting to the `postgres` database)."""
    import psycopg
    from psycopg import sql

    refuse_unless_bench(url)
    name = database_name(url)
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url


def server_version(db: str, url: str) -> str:
    if db == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {row[0] if row else '?'}"


def ensure_workbook(rows: int, scratch_url: str) -> tuple[Path, int]:
    """The cached workbook for `rows`, regenerated when missing or its generator changed."""
    path = RESULTS / f"citizens-{rows}.xlsx"
    meta_path = path.with_suffix(".json")
    source = fingerprint(WORKBOOK_SOURCES)
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text("utf-8"))
        if (meta.get("requested"), meta.get("seed"), meta.get("source")) == (
            rows,
            WORKBOOK_SEED,
            source,
        ):
            return path, int(meta["rows"])
    print(f"Generating {path.relative_to(BASE_DIR)} ({rows:,} citizens)…", flush=True)
    result = spawn("workbook", scratch_url, workbook=path, rows=rows)
    meta = {
        "requested": rows,
        "rows": result["rows"],
        "seed": WORKBOOK_SEED,
        "source": source,
        "villages": result["villages"],
    }
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    print(
        f"  {result['rows']:,} rows, {path.stat().st_size / 1048576:.1f} MB,"
        f" {result['seconds']:.1f} s",
        flush=True,
    )
    return path, int(result["rows"])


def check(condition: bool, message: str) -> None:
    if not condition:
        raise BenchError(message)


def one_round(
    db: str, url: str, workbook: Path, rows: int, profile: bool
) -> dict[str, dict[str, Any]]:
    """Set up a fresh database, measure both floors and the three phases once."""
    print(f"\n[{db}] fresh database {database_name(url)}: migrate, load_places, villages…")
    setup = spawn("setup", url)
    print(f"[{db}] {setup['commune']}: {setup['villages']} villages", flush=True)

    def profile_path(phase: str) -> Path | None:
        return RESULTS / f"profile-{db}-{phase}.pstats" if profile else None

    print(f"[{db}] floor: python-calamine read…", flush=True)
    found = {"read": spawn("read-floor", url, workbook=workbook)}
    check(found["read"]["rows"] == rows, f"calamine read {found['read']['rows']} rows, not {rows}")
    print(f"[{db}] floor: raw bulk insert…", flush=True)
    found["insert"] = spawn("insert-floor", url, rows=rows)
    for phase in PHASES:
        print(f"[{db}] {PHASES[phase]}…", flush=True)
        found[phase] = outcome = spawn(phase, url, workbook=workbook, profile=profile_path(phase))
        check(
            outcome["errors"] == 0,
            f"{phase}: {outcome['errors']} errors, e.g. {outcome['first_errors']}",
        )
        print(f"[{db}]   {outcome['seconds']:.2f} s, {outcome['peak_mb']:.0f} MB", flush=True)
    dry, commit, again = found["dry-run"], found["commit"], found["reimport"]
    check(dry["created"] == rows, f"dry run planned {dry['created']} creates, expected {rows}")
    check(commit["committed"], "commit did not commit")
    check(commit["citizens_in_db"] == rows, f"commit left {commit['citizens_in_db']} citizens")
    check(
        (again["created"], again["updated"], again["unchanged"]) == (0, 0, rows),
        f"re-import planned {again['created']} creates and {again['updated']} updates",
    )
    return found


def bench_database(
    db: str,
    fresh: Callable[[], str],
    workbook: Path,
    rows: int,
    *,
    profile: bool,
    repeat: int,
) -> tuple[list[Metric], dict[str, Any]]:
    """`repeat` rounds on fresh databases; each measurement keeps its fastest round."""
    rounds = []
    for number in range(repeat):
        if repeat > 1:
            print(f"\n[{db}] round {number + 1} of {repeat}", flush=True)
        url = fresh()
        rounds.append(one_round(db, url, workbook, rows, profile))
    best = {key: min((r[key] for r in rounds), key=lambda o: o["seconds"]) for key in rounds[0]}
    read, insert = best["read"], best["insert"]
    phases = {phase: best[phase] for phase in PHASES}
    dry, commit, again = phases["dry-run"], phases["commit"], phases["reimport"]

    metrics: list[Metric] = []

    def add(name: str, value: float, unit: str, floor: float | None) -> None:
        metrics.append(Metric(name, value, unit, floor, db, rows))

    floors = {
        "dry-run": (read["seconds"], read["peak_mb"]),
        "commit": (read["seconds"] + insert["seconds"], max(read["peak_mb"], insert["peak_mb"])),
        "reimport": (read["seconds"], read["peak_mb"]),
    }
    for phase, label in PHASES.items():
        outcome = phases[phase]
        floor_seconds, floor_mb = floors[phase]
        add(f"{label}: time", outcome["seconds"], "s", floor_seconds)
        add(f"{label}: throughput", rows / outcome["seconds"], "rows/s", rows / floor_seconds)
        add(f"{label}: peak RSS", outcome["peak_mb"], "MB", floor_mb)
    add("commit: read + validate step", commit["validate_seconds"], "s", read["seconds"])
    add("commit: write step", commit["write_seconds"], "s", insert["seconds"])
    add("re-import (dry run): created", again["created"], "rows", None)
    add("re-import (dry run): updated", again["updated"], "rows", None)
    for phase, label in PHASES.items():
        outcome = phases[phase]
        add(f"{label}: CPU of the importing process", outcome["cpu_seconds"], "s", None)
        add(f"{label}: of which cyclic GC", outcome["gc_seconds"], "s", None)
        if db == "postgres":
            add(
                f"{label}: CPU of its PostgreSQL backend", outcome["backend_cpu_seconds"], "s", None
            )
        add(f"{label}: CPU of other processes", outcome["other_cpu_seconds"], "s", None)
    add("floor: calamine read: time", read["seconds"], "s", None)
    add("floor: calamine read: peak RSS", read["peak_mb"], "MB", None)
    add("floor: raw bulk insert: time", insert["seconds"], "s", None)
    add("floor: raw bulk insert: peak RSS", insert["peak_mb"], "MB", None)
    add("python + django baseline RSS", dry["start_mb"], "MB", None)
    details = {
        "code": sorted({p["code"] for p in phases.values()}),
        "version": server_version(db, url),
        "households": commit["households_in_db"],
        "warnings": dry["warnings"],
        "rounds": repeat,
    }
    return metrics, details


def metric_value(metrics: list[Metric], db: str, name: str) -> float:
    return next(m.value for m in metrics if m.db == db and m.name == name)


def goal_of(metric: Metric) -> str:
    if metric.name.endswith(": throughput") and not metric.name.startswith("floor"):
        return "met" if metric.value >= GOAL_ROWS_PER_SECOND else "MISSED (≥ 10,000 rows/s)"
    if metric.name.endswith(": peak RSS") and not metric.name.startswith("floor"):
        return "met" if metric.value <= GOAL_PEAK_MB else "MISSED (≤ 500 MB)"
    return ""


def number(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    return f"{value:,.2f}" if unit in ("s", "") else f"{value:,.0f}"


def machine() -> str:
    import platform

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} CPUs, {memory:.1f} GiB RAM, Python {platform.python_version()},"
        f" {platform.system()} {platform.release()}"
    )


def print_table(metrics: list[Metric]) -> None:
    headers = ("db", "measure", "value", "unit", "floor", "× floor", "goal")
    lines = [
        (
            m.db,
            m.name,
            number(m.value, m.unit),
            m.unit,
            number(m.floor, m.unit),
            "" if m.ratio is None else f"{m.ratio:.2f}",
            goal_of(m),
        )
        for m in metrics
    ]
    print_columns(headers, lines, right={2, 4, 5})


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.import_bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--rows", type=int, default=100_000, help="citizens in the workbook")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--out", type=Path, default=RESULTS / "import.json")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL),
        help="PostgreSQL benchmark database (dropped and re-created; name must contain 'bench')",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="run the import phases under cProfile (bench-results/profile-*.pstats); "
        "timings are then inflated",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="rounds on fresh databases; each figure is the fastest round's (shared machines)",
    )
    parser.add_argument(
        "--check-goals",
        action="store_true",
        help="exit 1 when a goal is missed",
    )
    return parser.parse_args(argv)


def parse_child_args(argv: list[str]) -> argparse.Namespace:
    """Internal: how the parent runs one measurement in a fresh process."""
    parser = argparse.ArgumentParser(prog="python -m bench.import_bench --child")
    parser.add_argument("--child", choices=sorted(CHILDREN), required=True)
    parser.add_argument("--result", required=True)
    parser.add_argument("--workbook")
    parser.add_argument("--rows", type=int, default=0)
    parser.add_argument("--profile", type=Path)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--child" in argv:
        run_child(parse_child_args(argv))
        return 0
    args = parse_args(argv)
    if args.rows < 1 or args.repeat < 1:
        print("--rows and --repeat must be positive", file=sys.stderr)
        return 2
    RESULTS.mkdir(exist_ok=True)
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    metrics: list[Metric] = []
    details: dict[str, dict[str, Any]] = {}
    try:
        if "postgres" in dbs:
            refuse_unless_bench(args.pg_url)
        workbook, rows = ensure_workbook(args.rows, f"sqlite:///{SQLITE_FILE}")
        for db in dbs:
            found, info = bench_database(
                db,
                fresh_sqlite if db == "sqlite" else functools.partial(fresh_postgres, args.pg_url),
                workbook,
                rows,
                profile=args.profile,
                repeat=args.repeat,
            )
            metrics += found
            details[db] = info
    except BenchError as exc:
        print(f"bench-import: {exc}", file=sys.stderr)
        return 1
    print_table(metrics)
    print(f"machine: {machine()}")
    for db, info in details.items():
        print(
            f"{db}: {info['version']}, {rows:,} citizens in {info['households']:,} households;"
            f" code under test {', '.join(info['code'])}; fastest of {info['rounds']} round(s)"
        )
        if len(info["code"]) > 1:
            print(f"Warning: the importer's source changed between the {db} phases.")
    busy = [
        m
        for m in metrics
        if m.name.endswith("CPU of other processes")
        and m.value > 0.1 * metric_value(metrics, m.db, m.name.split(":")[0] + ": time")
    ]
    if busy:
        print(
            "Note: other processes used the CPU during "
            + ", ".join(f"{m.db} {m.name.split(':')[0]}" for m in busy)
            + "; on a shared machine those times are inflated."
        )
    if args.profile:
        print("Profiled run: the timings above include cProfile overhead.")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps([m.as_json() for m in metrics], ensure_ascii=False, indent=1) + "\n", "utf-8"
    )
    print(f"Wrote {args.out}")
    missed = [m for m in metrics if goal_of(m).startswith("MISSED")]
    return 1 if args.check_goals and missed else 0


if __name__ == "__main__":
    sys.exit(main())
