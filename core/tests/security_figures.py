"""Figures the security tests measure, printed in the test run's summary.

`make security-report` runs those tests and prints the same lines; `make fuzz` runs
the three fuzzers with a large budget and prints their counts.

FUZZ_EXAMPLES is the fuzzers' one budget knob, in hypothesis examples per API operation;
the others scale with it: the importer's generated workbooks ×10/3, each form's POST
×1/12 and each page's query string ×1/24 (at least one each). Unset, it is the small
CI sample FUZZ_EXAMPLES_CI (12: about 2,000 cases in all, ~45 s) that `make test`
runs; `make fuzz` sets FUZZ_EXAMPLES=300 (10,000 cases or more).

In a parallel run (pytest-xdist) each worker counts its own tests; conftest.py hands each
worker's `worker_figures()` to the controller, which `merge_figures()` them: the printed
figures are those of a run in one process.
"""

from __future__ import annotations

import os
from collections import Counter

from hypothesis import HealthCheck, settings

FIGURES: Counter[str] = Counter()

LABELS = {
    "routes": "URL patterns covered by an access rule",
    "api_operations": "API operations covered by an access rule",
    "door_checks": "door checks (route/operation × persona × inside/outside)",
    "fuzz_workbooks": "hostile workbooks fed to the importer (fuzz cases)",
    "fuzz_forms": "generated form posts and query strings sent to the pages (fuzz cases)",
    "schema_cases": "API calls generated from the OpenAPI schema",
    "faults_injected": "faults injected into imports, bulk actions, approvals, jobs",
    "rows_lost": "rows lost or half-applied under those faults",
}

# The fuzzers' counters: cases run, and distinct 5xx faults (or exceptions) among them.
FUZZERS = {"importer": "fuzz_workbooks", "forms": "fuzz_forms", "API": "schema_cases"}
ERRORS = {"importer": "fuzz_workbooks_500", "forms": "fuzz_forms_500", "API": "schema_cases_500"}

FUZZ_EXAMPLES_CI = 12


def fuzz_examples(weight: float = 1.0, minimum: int = 1) -> int:
    """Hypothesis `max_examples` for one fuzz target: FUZZ_EXAMPLES × weight."""
    raw = os.environ.get("FUZZ_EXAMPLES", "").strip()
    base = int(raw) if raw else FUZZ_EXAMPLES_CI
    return max(minimum, round(base * weight))


# The fuzzers' shared hypothesis settings; each sets its own max_examples from the knob.
# Derandomized: a run is reproducible, and a larger budget walks further down the same
# sequence. No example database (nothing is written under .hypothesis/).
settings.register_profile(
    "fuzz",
    max_examples=fuzz_examples(),
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
FUZZ = settings.get_profile("fuzz")


def add_figure(name: str, amount: int = 1) -> None:
    FIGURES[name] += amount


# The 5xx faults seen, by fuzzer, route or operation and error: one fault counts once,
# however often hypothesis replays the case that found it.
FAULTS: set[tuple[str, str, str]] = set()


def count_case(fuzzer: str, fault: tuple[str, str] | None = None) -> None:
    """One generated case run by `fuzzer` ("importer", "forms", "API"); `fault` when it
    got a 5xx answer (for the importer: an exception escaped), as (where, error)."""
    add_figure(FUZZERS[fuzzer])
    if fault is not None and (fuzzer, *fault) not in FAULTS:
        FAULTS.add((fuzzer, *fault))
        add_figure(ERRORS[fuzzer])


def worker_figures() -> dict[str, object]:
    """This process's figures, for the controller of a parallel run (pytest-xdist): the
    counters, and the distinct faults themselves (a fault two workers found counts once)."""
    counts = {key: amount for key, amount in FIGURES.items() if key not in ERRORS.values()}
    return {"figures": counts, "faults": sorted(list(fault) for fault in FAULTS)}


def merge_figures(figures: dict[str, object]) -> None:
    """Add one worker's `worker_figures()` to this process's: counters summed, faults
    counted once across workers, so the totals are those of a run in one process."""
    counts = figures.get("figures", {})
    assert isinstance(counts, dict)
    for key, amount in counts.items():
        add_figure(key, amount)
    faults = figures.get("faults", [])
    assert isinstance(faults, list)
    for fuzzer, where, error in faults:
        if (fuzzer, where, error) not in FAULTS:
            FAULTS.add((fuzzer, where, error))
            add_figure(ERRORS[fuzzer])


def fuzz_lines() -> list[str]:
    """The line `fuzz cases: importer N, forms N, API N, total N; 500s: N`, when any ran."""
    if not any(FIGURES[key] for key in FUZZERS.values()):
        return []
    counts = ", ".join(f"{name} {FIGURES[key]}" for name, key in FUZZERS.items())
    total = sum(FIGURES[key] for key in FUZZERS.values())
    errors = sum(FIGURES[key] for key in ERRORS.values())
    return [f"fuzz cases: {counts}, total {total}; 500s: {errors}"]


def summary_lines() -> list[str]:
    if not FIGURES:
        return []
    lines = [f"{FIGURES[key]:>8}  {label}" for key, label in LABELS.items() if key in FIGURES]
    return lines + fuzz_lines()
