"""Recounts of provisional figures that must not hold up the write that asked for them."""

from __future__ import annotations

from django_tasks import task

from core.tasks import fresh_connection
from stats.compute import refresh_communes


@task()
def recount_live(commune_ids: list[int], year: int) -> None:
    """A commune's whole provisional count (about 30 queries over its registry): queued
    after a registry write or a registration commits, so an officer's edit or a citizen's
    registration does not wait for it (with the immediate backend it runs right after)."""
    fresh_connection()
    refresh_communes(commune_ids, year)
