"""Shared by background jobs: a fresh connection per job, and how a job shows it is alive.

A job that writes for minutes must be told apart from one whose process was killed
(a restart, an out-of-memory kill, a deploy): both leave the job's row saying
"running". Two signs, both written by the running process:

* its *process token* (`worker_token`): host, boot, pid namespace, pid and the
  process's start time. Seen from the same machine and pid namespace, the token
  answers exactly and at once (`process_alive`): the pid is gone, or now belongs to a
  process started at another time, means the job's process is dead.
* its *heartbeat* (`heartbeat`): a thread of that process stamps the job every few
  seconds through its own database connection. From another machine or container the
  token cannot be checked, and a heartbeat older than a threshold is the sign.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import close_old_connections, connection, connections

logger = logging.getLogger(__name__)


def fresh_connection() -> None:
    """A worker between jobs drops stale connections. Run inline (the immediate backend)
    inside a request's transaction, closing would break that transaction: leave it."""
    if not connection.in_atomic_block:
        close_old_connections()


def _read(path: str) -> str:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return ""


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux /proc), "" if no such process."""
    stat = _read(f"/proc/{pid}/stat")
    # the command name (field 2) is in parentheses and may hold spaces: count after it
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else ""


def _place() -> tuple[str, str, str]:
    """Where pids mean the same thing: host name, boot, pid namespace."""
    try:
        pidns = os.readlink("/proc/self/ns/pid")
    except OSError:
        pidns = ""
    return socket.gethostname(), _read("/proc/sys/kernel/random/boot_id"), pidns


def worker_token() -> str:
    """This process, so that another one can later tell whether it still runs."""
    pid = os.getpid()
    return "|".join([*_place(), str(pid), _start_time(pid)])[:200]


def process_alive(token: str) -> bool | None:
    """Whether the process that wrote `token` still runs: True or False when it can be
    looked at from here (same host, boot and pid namespace, Linux /proc), None when it
    cannot (another machine or container, no /proc, no token): then only a heartbeat
    tells. A pid reused by a later process has another start time: dead."""
    parts = token.split("|")
    if len(parts) != 5:
        return None
    host, boot, pidns, pid, start = parts
    if not (boot and pidns and start and pid.isdigit()) or (host, boot, pidns) != _place():
        return None
    return _start_time(int(pid)) == start


@contextmanager
def heartbeat(beat: Callable[[], object], *, every: float) -> Iterator[None]:
    """Call `beat` every `every` seconds from a thread while the block runs.

    The thread has its own database connection, so its stamps are committed at once
    whatever the block's transaction does. A stamp that fails (SQLite's single writer
    busy with this very job's write, a dropped connection) is skipped: the next one
    tries again. Run inline inside a transaction (the immediate backend in the tests),
    stamps could not be seen by anyone and the thread's connection would wait on this
    one: no thread then.
    """
    if connection.in_atomic_block:
        yield
        return
    stop = threading.Event()

    def loop() -> None:
        try:
            while not stop.wait(every):
                try:
                    beat()
                except Exception:  # the next beat tries again
                    logger.debug("heartbeat failed", exc_info=True)
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=loop, name="job-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=60)
