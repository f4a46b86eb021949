"""Communication: news, articles and events, with their attachments."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render

from core import uploads
from core.http import AuthedRequest
from movement import models as m
from movement import services
from movement.access import can_edit
from movement.views.common import KINDS, _create, _edit, _get, _list, _year


@login_required
def communication_list(request: AuthedRequest) -> HttpResponse:
    qs = m.Communication.objects.visible_to(request.user).select_related("place", "event")
    year = _year(request)
    if year:
        qs = qs.filter(date__year=year)
    kind = request.GET.get("loai", "")
    if kind in m.MediaKind.values:
        qs = qs.filter(kind=kind)
    if request.GET.get("tuan_le") == "1":
        qs = qs.filter(learning_week=True)
    counts = qs.order_by().values("kind").annotate(n=Count("id")).values_list("kind", "n")
    return _list(
        request,
        "communication",
        "movement/communication_list.html",
        qs,
        {
            "kinds": m.MediaKind.choices,
            "counts": [(m.MediaKind(k).label, n) for k, n in counts],
        },
    )


@login_required
def communication_create(request: AuthedRequest) -> HttpResponse:
    return _create(request, "communication")


@login_required
def communication_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _edit(request, "communication", pk)


@login_required
def communication_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _get(request.user, KINDS["communication"], pk)
    return render(
        request,
        "movement/communication_detail.html",
        {
            "item": item,
            "activities": item.activities.order_by("date"),
            "can_edit": can_edit(request.user, item.place),
        },
    )


@login_required
def communication_file(request: AuthedRequest, pk: int) -> FileResponse:
    item = _get(request.user, KINDS["communication"], pk)
    if not item.attachment:
        raise Http404
    return uploads.file_response(
        services.ATTACHMENTS,
        item.attachment,
        content_type=item.attachment_type,
        name=item.attachment_name,
    )
