"""A closed-loop HTTP load for `bench.http_bench`: C connections, each sending its next
request as soon as the answer to the last one has been read (as `wrk` does), for a warm-up
and then S measured seconds, cycling through the given paths.

    python -m bench.http_load --host http://127.0.0.1:8765 --connections 16 --seconds 10 \\
        --header "Cookie: sessionid=…" --path "/chi-tieu/?nam=2025" --out f.json

One greenlet per connection in one process, through geventhttpclient (the HTTP client of
locust's FastHttpUser, pinned in uv.lock with locust): the lightest generator among the
project's packages. It shares the machine's two cores with gunicorn and PostgreSQL, so the
caller measures this process's own CPU time (`bench.http_bench.generate`).

The summary (`summarise`) counts the answers that arrive within the measured seconds:
requests/s, p50/p95/p99 and errors (an answer other than 200, or none).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import percentile


@dataclass(frozen=True)
class Sample:
    done: float  # seconds since the load started, when the answer had been read
    ms: float  # latency of this request, from sending it to having read the whole answer
    status: int  # the HTTP status; 0 when no answer came (refused, reset, timed out)


def summarise(
    samples: list[Sample], *, warmup: float, seconds: float, unfinished: int = 0
) -> dict[str, Any]:
    """The answers read within [warmup, warmup + seconds): what `wrk` prints. Errors: the
    answers other than 200 (status 0: no answer, the connection failed or timed out), and
    the `unfinished` requests, still unanswered GRACE seconds after the end."""
    end = warmup + seconds
    counted = [s for s in samples if warmup <= s.done < end]
    latencies = [s.ms for s in counted]
    errors = [str(s.status) for s in counted if s.status != 200]
    errors += ["unfinished"] * unfinished
    statuses: dict[str, int] = {}
    for status in errors:
        statuses[status] = statuses.get(status, 0) + 1
    return {
        "requests": len(counted),
        "requests_per_s": len(counted) / seconds if seconds > 0 else 0.0,
        "p50_ms": percentile(latencies, 50) if latencies else None,
        "p95_ms": percentile(latencies, 95) if latencies else None,
        "p99_ms": percentile(latencies, 99) if latencies else None,
        "max_ms": max(latencies) if latencies else None,
        "errors": len(errors),
        "error_statuses": statuses,
        "answered_late": sum(1 for s in samples if s.done >= end),
    }


GRACE = 5.0  # seconds to wait after the end for the answers still on their way


def load(
    host: str,
    paths: list[str],
    headers: dict[str, str],
    *,
    connections: int,
    duration: float,
) -> tuple[list[Sample], int]:
    """Every answer, and how many requests were still unanswered GRACE seconds after
    `duration` (their connections are then dropped)."""
    import gevent
    from geventhttpclient import HTTPClient
    from geventhttpclient.url import URL

    target = URL(host)
    samples: list[Sample] = []
    waiting: set[int] = set()
    started = time.perf_counter()
    deadline = started + duration

    def client() -> Any:
        return HTTPClient(
            target.host, target.port, concurrency=1, connection_timeout=10, network_timeout=30
        )

    def connection(k: int) -> None:
        http = client()
        turn = k  # the connections start at different paths of the cycle
        while time.perf_counter() < deadline:
            path = paths[turn % len(paths)]
            turn += 1
            waiting.add(k)
            sent = time.perf_counter()
            try:
                with http.get(path, headers=headers) as response:
                    response.read()
                    status = response.status_code
            except Exception:  # any failure to get an answer is an error
                status = 0
                http.close()
                http = client()
            done = time.perf_counter()
            waiting.discard(k)
            samples.append(Sample(done - started, (done - sent) * 1000, status))
        http.close()

    running = [gevent.spawn(connection, k) for k in range(connections)]
    gevent.joinall(running, timeout=duration + GRACE)
    unfinished = len(waiting)
    gevent.killall(running, block=True, timeout=5)
    return samples, unfinished


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.http_load")
    parser.add_argument("--host", required=True)
    parser.add_argument("--path", action="append", required=True, help="lặp lại được")
    parser.add_argument("--header", action="append", default=[], help="“Tên: giá trị”")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    headers = dict(h.split(": ", 1) for h in args.header)
    samples, unfinished = load(
        args.host,
        args.path,
        headers,
        connections=args.connections,
        duration=args.warmup + args.seconds,
    )
    summary = summarise(samples, warmup=args.warmup, seconds=args.seconds, unfinished=unfinished)
    args.out.write_text(json.dumps(summary), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
