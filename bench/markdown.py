"""The result file of `make bench` as a Markdown table (for docs/benchmarks.md).

python -m bench.markdown bench-results/bench-commune.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.common import goal_text
from bench.run import number

SKIP = ("CPU of", "cyclic GC", "created", "updated", "baseline RSS", "floor:")


def table(report: dict) -> str:
    lines = [
        "| suite | measure | value | p50 | p99 | floor | × floor | goal | |",
        "|---|---|--:|--:|--:|--:|--:|---|---|",
    ]
    for r in report["results"]:
        if any(part in r["name"] for part in SKIP):
            continue
        verdict = "" if r["met"] is None else ("met" if r["met"] else "**missed**")
        lines.append(
            f"| {r['suite']} | {r['name']} | {number(r['value'])} {r['unit']} | "
            f"{number(r['p50'])} | {number(r.get('p99'))} | {number(r['floor'])} | "
            f"{'' if r['ratio'] is None else format(r['ratio'], '.2f')} | {goal_text(r)} |"
            f" {verdict} |"
        )
    counts = ", ".join(f"{k} {v:,}" for k, v in report["counts"].items())
    suites = ", ".join(f"{k} {v:.0f} s" for k, v in report.get("suite_seconds", {}).items())
    lines.append("")
    lines.append(
        f"Scale **{report['scale']}** ({counts}); database `{report['database']}`; commit"
        f" `{report['commit']}`; {report['finished']}; {report['total_seconds']:.0f} s in all"
        f"{f' ({suites})' if suites else ''}."
    )
    for r in report["results"]:
        if r.get("per_request"):
            lines += ["", *per_request(r)]
    return "\n".join(lines)


def per_request(figure: dict) -> list[str]:
    """The load run, request by request, busiest first."""
    rows = sorted(figure["per_request"].items(), key=lambda item: -item[1]["requests"])
    lines = [
        f"{figure['name']}, request by request ({figure['note']}):",
        "",
        "| request | count | failures | p50 ms | p95 ms | p99 ms |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for name, r in rows:
        lines.append(
            f"| {name} | {r['requests']:,} | {r['failures']:,} | {whole(r['p50_ms'])} | "
            f"{whole(r['p95_ms'])} | {whole(r['p99_ms'])} |"
        )
    return lines


def whole(ms: float | None) -> str:
    return "" if ms is None else f"{ms:,.0f}"


def main() -> int:
    for path in sys.argv[1:]:
        print(table(json.loads(Path(path).read_text("utf-8"))))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
