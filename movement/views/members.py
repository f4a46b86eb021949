"""Association members (cán bộ, hội viên)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from core.http import AuthedRequest
from movement import models as m
from movement.access import can_edit, editable_places
from movement.views.common import KINDS, _create, _edit, _get, _list


@login_required
def member_list(request: AuthedRequest) -> HttpResponse:
    qs = m.Member.objects.visible_to(request.user).select_related("place", "village")
    if request.GET.get("can_bo") == "1":
        qs = qs.filter(is_cadre=True)
    return _list(
        request,
        "member",
        "movement/member_list.html",
        qs,
        {"can_import": bool(editable_places(request.user))},
    )


@login_required
def member_create(request: AuthedRequest) -> HttpResponse:
    return _create(request, "member")


@login_required
def member_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _edit(request, "member", pk)


@login_required
def member_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    member = _get(request.user, KINDS["member"], pk)
    trainings = m.Training.objects.filter(attendance__member=member).select_related("place")
    return render(
        request,
        "movement/member_detail.html",
        {
            "member": member,
            "trainings": trainings,
            "can_edit": can_edit(request.user, member.place),
        },
    )
