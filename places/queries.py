from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from places.models import Place, PlaceKind, PlaceSuccession
from places.scope import scope_of


def children(place: Place, query: str = "") -> QuerySet[Place]:
    return Place.objects.current().filter(parent=place).search(query).order_by("name")


def village_counts(commune_ids: list[int]) -> dict[int, int]:
    rows = (
        Place.objects.current()
        .villages()
        .filter(parent_id__in=commune_ids)
        .values("parent_id")
        .annotate(n=Count("id"))
    )
    return {r["parent_id"]: r["n"] for r in rows}


def breadcrumbs(user: Any, place: Place) -> list[tuple[Place, bool]]:
    """Ancestors with whether the user may open each (others show as plain text)."""
    scope = scope_of(user)
    return [
        (p, scope.covers(p) or (scope.is_province and p.kind != PlaceKind.VILLAGE))
        for p in place.ancestors()
    ]


def predecessors(place: Place) -> QuerySet[PlaceSuccession]:
    return (
        PlaceSuccession.objects.filter(successor=place)
        .select_related("predecessor__parent")
        .order_by("predecessor__parent__name", "predecessor__name")
    )


def successors(place: Place) -> QuerySet[PlaceSuccession]:
    return PlaceSuccession.objects.filter(predecessor=place).select_related("successor")
