"""Shared by background jobs."""

from __future__ import annotations

from django.db import close_old_connections, connection


def fresh_connection() -> None:
    """A worker between jobs drops stale connections. Run inline (the immediate backend)
    inside a request's transaction, closing would break that transaction: leave it."""
    if not connection.in_atomic_block:
        close_old_connections()
