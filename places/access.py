from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404

from places.models import Place, PlaceKind
from places.scope import scope_of


def get_place_or_404(user: Any, pk: int) -> Place:
    return get_object_or_404(Place.objects.visible_to(user).select_related("parent"), pk=pk)


def get_managed_commune_or_404(user: Any, pk: int) -> Place:
    """A commune whose villages the user may change; anything else is 404."""
    place = get_place_or_404(user, pk)
    if place.kind != PlaceKind.COMMUNE or not scope_of(user).can_manage_villages(place):
        raise Http404
    return place


def get_managed_village_or_404(user: Any, pk: int) -> Place:
    place = get_place_or_404(user, pk)
    if (
        place.kind != PlaceKind.VILLAGE
        or place.parent is None
        or not scope_of(user).can_manage_villages(place.parent)
    ):
        raise Http404
    return place
