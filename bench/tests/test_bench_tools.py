"""The benchmark tools themselves: the guard against real databases, the form filler the
load run uses on real pages, and the percentiles in the result file."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bench.common import BenchError, percentile, refuse_unless_bench, result
from bench.forms import form_of, forms_of


@pytest.mark.parametrize(
    "url",
    [
        "postgres://postgres@127.0.0.1:5432/hoctap",
        "postgres://postgres@127.0.0.1:5432/hoctap_test",
        "sqlite:////tmp/db.sqlite3",
    ],
)
def test_refuses_a_database_that_is_not_for_benchmarks(url):
    with pytest.raises(BenchError, match="không chứa “bench”"):
        refuse_unless_bench(url)


def test_make_bench_runner_refuses_before_touching_anything():
    completed = subprocess.run(
        [sys.executable, "-m", "bench.run", "--db-url", "postgres://postgres@127.0.0.1:1/hoctap"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1
    assert "Từ chối chạy trên cơ sở dữ liệu “hoctap”" in completed.stderr


def test_percentiles_and_ratio():
    samples = [float(i) for i in range(1, 101)]
    assert percentile(samples, 50) == 50
    assert percentile(samples, 95) == 95
    assert percentile([7.0], 95) == 7
    row = result("web", "x", 120, "ms", floor=40, goal=150)
    assert row["ratio"] == 3 and row["met"] is True
    assert result("load", "rps", 10, "req/s", goal=20, higher_is_better=True)["met"] is False


def test_form_filler_walks_the_real_self_assessment(world):
    """The load run's citizen: the group form, each screen filled by `form_of`, submitted."""
    from assessments.models import Assessment, State
    from assessments.tests.helpers import open_years
    from portal.tests.test_portal import claimed

    open_years(world)
    client = claimed(world)
    page = client.get("/ca-nhan/danh-gia/")
    start = form_of(page.content.decode())
    assert start["population_group"]  # the first choice, as a hurried user leaves it
    page = client.post("/ca-nhan/danh-gia/", start, follow=True)
    screens = 0
    while not (
        submit := [(a, f) for a, f in forms_of(page.content.decode()) if a.endswith("/nop/")]
    ):
        fields = form_of(page.content.decode())
        assert "version" in fields and "csrfmiddlewaretoken" in fields
        page = client.post(page.redirect_chain[-1][0], fields, follow=True)
        screens += 1
        assert screens < 10
    assert screens >= 3
    client.post(submit[0][0], submit[0][1])
    assessment = Assessment.objects.get(title="CDHT", citizen=world.citizens["an"])
    assert assessment.state == State.SUBMITTED and assessment.self_submitted


def test_markdown_renders_the_figures_and_the_load_runs_requests():
    from bench.markdown import table

    p95 = result(
        "load",
        "load run (mixed users): p95 latency",
        84.0,
        "ms",
        p50=29.0,
        floor=9.0,
        goal=300,
        note="50 users, 120 s",
        per_request={
            "login": {"requests": 50, "failures": 0, "p50_ms": 270, "p95_ms": 410, "p99_ms": 640},
            "household list": {
                "requests": 456,
                "failures": 1,
                "p50_ms": 23,
                "p95_ms": 68,
                "p99_ms": 130,
            },
        },
    )
    report = {
        "results": [p95],
        "counts": {"households": 1_099_997},
        "scale": "province",
        "database": "hoctap_bench_province",
        "commit": "abc1234",
        "finished": "2026-11-29T01:30:00+00:00",
        "total_seconds": 282.4,
    }
    text = table(report)
    assert (
        "| load | load run (mixed users): p95 latency | 84.00 ms | 29.00 | 9.00 | 9.33 | ≤ 300 ms | met |"
        in text
    )
    assert "households 1,099,997" in text and "282 s in all" in text
    lines = text.splitlines()
    busiest = lines.index("| household list | 456 | 1 | 23 | 68 | 130 |")
    assert busiest < lines.index("| login | 50 | 0 | 270 | 410 | 640 |")
