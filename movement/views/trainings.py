"""Trainings and conferences, and who attended them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.forms import apply_errors
from core.http import AuthedRequest
from movement import models as m
from movement import services
from movement.access import can_edit, editable_places
from movement.views.common import KINDS, _create, _edit, _get, _list, _year
from places.models import Place, PlaceKind


@login_required
def training_list(request: AuthedRequest) -> HttpResponse:
    qs = (
        m.Training.objects.visible_to(request.user)
        .select_related("place")
        .annotate(n=Count("attendance"))
        .order_by("-date", "title")
    )
    year = _year(request)
    if year:
        qs = qs.filter(date__year=year)
    topic = request.GET.get("noi_dung", "")
    if topic in m.TrainingTopic.values:
        qs = qs.filter(topic=topic)
    return _list(
        request, "training", "movement/training_list.html", qs, {"topics": m.TrainingTopic.choices}
    )


@login_required
def training_create(request: AuthedRequest) -> HttpResponse:
    return _create(request, "training")


@login_required
def training_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _edit(request, "training", pk)


def _attendance_communes(request: AuthedRequest, training: m.Training) -> list[Place]:
    """Whose members the user may mark present: the training's commune, or for a province
    training each commune the user edits."""
    if training.place.kind == PlaceKind.COMMUNE:
        return [training.place] if can_edit(request.user, training.place) else []
    return [p for p in editable_places(request.user) if p.kind == PlaceKind.COMMUNE]


@login_required
def training_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    training = _get(request.user, KINDS["training"], pk)
    visible = m.Member.objects.visible_to(request.user)
    attendees = (
        m.Member.objects.filter(attendance__training=training, pk__in=visible.values("pk"))
        .select_related("place", "village")
        .order_by("place__name", "full_name")
    )
    return render(
        request,
        "movement/training_detail.html",
        {
            "training": training,
            "attendees": attendees,
            "total": training.attendance.count(),
            "can_edit": can_edit(request.user, training.place),
            "attendance_communes": _attendance_communes(request, training),
        },
    )


class AttendanceForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        queryset=m.Member.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )


@login_required
def training_attendance(request: AuthedRequest, pk: int) -> HttpResponse:
    training = _get(request.user, KINDS["training"], pk)
    communes = _attendance_communes(request, training)
    if not communes:
        raise PermissionDenied(_("Bạn không ghi được danh sách dự lớp này."))
    raw = request.GET.get("xa") or request.POST.get("xa") or ""
    commune = next((c for c in communes if str(c.pk) == raw), None)
    if raw and commune is None:
        raise Http404
    if not raw and len(communes) == 1:
        commune = communes[0]
    if commune is None:
        return render(
            request,
            "movement/choose_place.html",
            {
                "title": _("Điểm danh — %(t)s") % {"t": training},
                "places": communes,
                "path": request.path,
            },
        )
    members = (
        m.Member.objects.filter(place=commune).active_in(training.date.year).order_by("full_name")
    )
    form = AttendanceForm(
        request.POST or None,
        initial={"members": list(members.filter(attendance__training=training))},
    )
    field = form.fields["members"]
    assert isinstance(field, forms.ModelMultipleChoiceField)
    field.queryset = members
    field.label = _("Cán bộ, hội viên %(c)s đã dự") % {"c": commune}
    if request.method == "POST" and form.is_valid():
        try:
            added, removed = services.set_attendance(
                actor=request.user,
                training=training,
                commune=commune,
                members=list(form.cleaned_data["members"]),
            )
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("Đã ghi: thêm %(a)s, bỏ %(r)s.") % {"a": added, "r": removed}
            )
            return redirect("movement:training_detail", pk=training.pk)
    return render(
        request,
        "movement/form.html",
        {
            "form": form,
            "title": _("Danh sách dự — %(t)s") % {"t": training},
            "place": commune,
            "hidden": {"xa": commune.pk},
            "back": reverse("movement:training_detail", args=[training.pk]),
        },
    )
