"""Figures the security tests measure, printed in the test run's summary.

`make security-report` runs those tests and prints the same lines.
"""

from __future__ import annotations

from collections import Counter

FIGURES: Counter[str] = Counter()

LABELS = {
    "routes": "URL patterns covered by an access rule",
    "api_operations": "API operations covered by an access rule",
    "door_checks": "door checks (route/operation × persona × inside/outside)",
    "fuzz_workbooks": "hostile workbooks fed to the importer (fuzz cases)",
    "schema_cases": "API calls generated from the OpenAPI schema",
    "faults_injected": "faults injected into imports, bulk actions, approvals, jobs",
    "rows_lost": "rows lost or half-applied under those faults",
}


def add_figure(name: str, amount: int = 1) -> None:
    FIGURES[name] += amount


def summary_lines() -> list[str]:
    if not FIGURES:
        return []
    return [f"{FIGURES[key]:>8}  {label}" for key, label in LABELS.items() if key in FIGURES]
