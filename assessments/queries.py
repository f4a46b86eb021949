from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404
from django.utils import timezone

from assessments.models import Assessment, State
from criteria.titles import Title
from places.models import Place


def get_assessment_or_404(user: Any, pk: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.visible_to(user).select_related(
            "commune",
            "village",
            "criteria_set",
            "household",
            "citizen",
            "clan",
            "organisation",
            "decision",
        ),
        pk=pk,
    )


def current_year(params: QueryDict) -> int:
    raw = params.get("nam", "")
    return int(raw) if raw.isdigit() and 2000 < int(raw) < 2200 else timezone.localdate().year


def listing(user: Any, params: QueryDict) -> tuple[QuerySet[Assessment], dict[str, Any]]:
    """The review list: one title and year, filtered by place, state, result, name."""
    year = current_year(params)
    title = params.get("danh_hieu", Title.GDHT)
    if title not in Title.values:
        raise Http404
    qs = Assessment.objects.visible_to(user).filter(title=title, year=year)
    chosen: dict[str, Any] = {"nam": year, "danh_hieu": title}
    for key in ("xa", "thon"):
        raw = params.get(key, "")
        if raw.isdigit():
            place = Place.objects.visible_to(user).filter(pk=int(raw)).first()
            qs = qs.filter(path__startswith=place.path) if place else qs.none()
            chosen[key] = place
    state = params.get("trang_thai", "")
    if state in State.values:
        qs = qs.filter(state=state)
        chosen["trang_thai"] = state
    result = params.get("ket_qua", "")
    if result == "dat":
        qs = qs.filter(passed=True)
    elif result == "chua_dat":
        qs = qs.exclude(passed=True)
    chosen["ket_qua"] = result
    query = params.get("q", "").strip()
    qs = qs.search(query)
    chosen["q"] = query
    # By place (commune, then its villages in the official code order), then name: a range
    # of the (title, year, path, state) index, so a page costs the same at any depth.
    return qs.select_related("village", "commune").order_by("path", "subject_name", "id"), chosen
