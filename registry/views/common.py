from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render

from audit.services import record
from core import paging
from core.http import AuthedRequest, xlsx_response
from core.paging import ids_first_page, search_page
from core.search import CONTAINS, STARTS
from core.xlsx import Column, write_workbook
from places.models import Place
from registry import privacy
from registry.access import can_edit_village, editable_communes, require_registry_reader
from registry.queries import filter_places

PAGE_SIZE = 50


def list_page(
    request: AuthedRequest,
    *,
    template: str,
    queryset: QuerySet[Any],
    chosen: dict[str, Any],
    extra: dict[str, Any] | None = None,
    villages_too: bool = False,
) -> HttpResponse:
    """A registry list; `villages_too`: village officers may add to it (people, households)."""
    require_registry_reader(request.user)
    communes_to_edit = editable_communes(request.user)
    capped = False
    if request.GET.get("q", "").strip():
        page, capped = search_page(
            queryset, request.GET.get("page"), PAGE_SIZE, anywhere=chosen.get("cach") != STARTS
        )
    else:
        page = ids_first_page(queryset, request.GET.get("page"), PAGE_SIZE)
    params = request.GET.copy()
    params.pop("page", None)
    # The pager writes q itself; the other filters ride along in extra_query.
    others = params.copy()
    others.pop("q", None)
    communes, villages = filter_places(request.user, chosen.get("xa"))
    # Names from their start (core.search.find), or anywhere in them: the link to the other.
    switch = params.copy()
    if chosen.get("cach") == STARTS:
        switch["cach"] = CONTAINS
    elif request.GET.get("cach") == CONTAINS and chosen.get("cach") == CONTAINS:
        switch.pop("cach", None)
    else:
        switch = QueryDict()
    context = {
        "page": page,
        "capped": capped,
        "search_cap": paging.SEARCH_CAP,
        "params": params.urlencode(),
        "extra_query": (others.urlencode() + "&") if others else "",
        "chosen": chosen,
        "search_switch": switch.urlencode(),
        "q": "",
        "communes": communes,
        "villages": villages,
        # The "add" and "import" buttons show only to those whose pages open.
        "can_create": bool(communes_to_edit)
        or (villages_too and editable_villages(request.user).exists()),
        "can_import": bool(communes_to_edit),
        **(extra or {}),
    }
    return render(request, template, context)


def export(
    request: AuthedRequest,
    *,
    name: str,
    title: str,
    columns: list[Column],
    rows: Any,
    count: int,
    people: Any = None,
) -> HttpResponse:
    """The list as filtered, in the import template's layout. An export naming people
    (`people`: a queryset of citizen ids) is a personal-data disclosure: one event with
    the row count and which fields were in full, and one access row per person."""
    require_registry_reader(request.user)
    content = write_workbook(title=title, columns=columns, rows=rows)
    full = privacy.unmasked_fields(request.user)
    note = (
        f"{count} dòng; đầy đủ: {', '.join(full) or 'không (đã che)'}; "
        f"bộ lọc: {request.GET.urlencode()}"
    )
    if people is None:
        record(actor=request.user, action=f"export.{name}", note=note)
    else:
        privacy.record_disclosure(
            actor=request.user, action=f"export.{name}", citizen_ids=people, note=note
        )
    return xlsx_response(content, f"{name}.xlsx")


def commune_for_create(request: AuthedRequest, *, villages_too: bool = False) -> Place | None:
    """The commune a new record goes into: ?xa= among editable ones, or the only one.

    With `villages_too`, a village officer's commune counts (they add people and
    households in their own village).
    """
    communes = editable_communes(request.user)
    if villages_too and not communes:
        communes = [v.parent for v in editable_villages(request.user) if v.parent is not None][:1]
    raw = request.GET.get("xa") or request.POST.get("xa")
    if raw and raw.isdigit():
        return next((c for c in communes if c.pk == int(raw)), None)
    return communes[0] if len(communes) == 1 else None


def choose_commune(
    request: AuthedRequest, *, title: str, villages_too: bool = False
) -> HttpResponse:
    """When `commune_for_create` found none: a page to pick among several (province
    admins), or 404 when the user may create nowhere or asked for a commune not theirs."""
    communes = editable_communes(request.user)
    if villages_too and not communes:
        communes = [v.parent for v in editable_villages(request.user) if v.parent is not None][:1]
    if not communes or request.GET.get("xa") or request.POST.get("xa"):
        raise Http404
    return render(
        request,
        "registry/choose_commune.html",
        {"title": title, "communes": communes, "path": request.path},
    )


def editable_villages(user: Any, commune: Place | None = None) -> QuerySet[Place]:
    """Current villages the user may add people and households to."""
    villages = Place.objects.current().villages().visible_to(user)
    if commune is not None:
        villages = villages.filter(parent=commune)
    ids = [v.pk for v in villages.select_related("parent") if can_edit_village(user, v)]
    return Place.objects.filter(pk__in=ids).select_related("parent")
