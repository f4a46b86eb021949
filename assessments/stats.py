"""The per-(year, commune, village, title, state) counts: recomputed from scratch and compared."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count

from assessments.models import Assessment, Rollup

Key = tuple[int, int, int, str, str]


def live_counts() -> dict[Key, int]:
    rows = Assessment.objects.values("year", "commune_id", "village_id", "title", "state").annotate(
        n=Count("id")
    )
    return {
        (r["year"], r["commune_id"], r["village_id"] or 0, r["title"], r["state"]): r["n"]
        for r in rows
    }


def stored_counts() -> dict[Key, int]:
    rows = Rollup.objects.exclude(count=0).values_list(
        "year", "commune_id", "village_key", "title", "state", "count"
    )
    return {(y, c, v, t, s): n for y, c, v, t, s, n in rows}


def differences() -> list[tuple[Key, int, int]]:
    """(key, stored, live) for every count that disagrees."""
    live, stored = live_counts(), stored_counts()
    return [
        (key, stored.get(key, 0), live.get(key, 0))
        for key in sorted(set(live) | set(stored))
        if live.get(key, 0) != stored.get(key, 0)
    ]


@transaction.atomic
def rebuild() -> int:
    Rollup.objects.all().delete()
    rows = [
        Rollup(year=y, commune_id=c, village_id=v or None, village_key=v, title=t, state=s, count=n)
        for (y, c, v, t, s), n in live_counts().items()
    ]
    Rollup.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
