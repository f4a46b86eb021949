"""Learning centres and what hangs off them: board members, activities, self-evaluations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import apply_errors
from core.http import AuthedRequest
from movement import forms as f
from movement import models as m
from movement import services
from movement.access import can_edit, require_edit
from movement.views.common import KINDS, _create, _edit, _form_page, _get, _list, _this_year, _year


@login_required
def centre_list(request: AuthedRequest) -> HttpResponse:
    year = _year(request) or _this_year()
    qs = (
        m.LearningCentre.objects.visible_to(request.user)
        .select_related("place", "merged_into")
        .annotate(
            n_activities=Count(
                "activities", filter=models.Q(activities__start_date__year=year), distinct=True
            )
        )
        .order_by("place__name", "name")
    )
    return _list(request, "centre", "movement/centre_list.html", qs, {"shown_year": year})


@login_required
def centre_create(request: AuthedRequest) -> HttpResponse:
    return _create(request, "centre")


@login_required
def centre_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _edit(request, "centre", pk)


@login_required
def centre_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    centre = _get(request.user, KINDS["centre"], pk)
    return render(
        request,
        "movement/centre_detail.html",
        {
            "centre": centre,
            "board": centre.board.all(),
            "activities": centre.activities.select_related("village")[:200],
            "evaluations": centre.evaluations.all(),
            "merged_from": centre.merged_from.all(),
            "can_edit": can_edit(request.user, centre.place),
            "leader_now": centre.board.filter(
                association_leader=True, end_date__isnull=True
            ).exists(),
        },
    )


CHILD_FORMS: dict[str, tuple[type[forms.ModelForm[Any]], type[models.Model], str]] = {
    "board": (f.BoardMemberForm, m.BoardMember, "thành viên Ban quản lý"),
    "activity": (f.ActivityForm, m.Activity, "hoạt động"),
    "evaluation": (f.EvaluationForm, m.SelfEvaluation, "tự đánh giá"),
}


@login_required
def centre_child(
    request: AuthedRequest, pk: int, child: str, child_pk: int | None = None
) -> HttpResponse:
    """Add or edit a board member, an activity or a yearly self-evaluation of a centre."""
    if child not in CHILD_FORMS:
        raise Http404
    centre = _get(request.user, KINDS["centre"], pk)
    require_edit(request.user, centre.place)
    form_class, model, noun = CHILD_FORMS[child]
    instance = (
        get_object_or_404(model._default_manager.filter(centre=centre), pk=child_pk)
        if child_pk
        else None
    )
    kwargs: dict[str, Any] = {"instance": instance}
    if issubclass(form_class, f.PlaceForm):
        kwargs["place"] = centre.place
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            if instance is None:
                if (
                    child == "evaluation"
                    and centre.evaluations.filter(year=form.cleaned_data["year"]).exists()
                ):
                    raise ValidationError(
                        {"year": _("Năm này đã có tự đánh giá; hãy sửa bản đã có.")}
                    )
                services.create(
                    actor=request.user,
                    model=model,
                    place=None,
                    data=form.cleaned_data,
                    centre=centre,
                )
            else:
                fresh = model._default_manager.get(pk=instance.pk)
                services.update(actor=request.user, obj=fresh, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu %(n)s.") % {"n": noun})
            return redirect("movement:centre_detail", pk=centre.pk)
    title = (_("Sửa %(n)s") if instance else _("Thêm %(n)s")) % {"n": noun}
    return _form_page(
        request,
        form,
        title=f"{title} — {centre}",
        place=centre.place,
        back=reverse("movement:centre_detail", args=[centre.pk]),
    )


@login_required
@require_POST
def centre_child_delete(request: AuthedRequest, pk: int, child: str, child_pk: int) -> HttpResponse:
    if child not in CHILD_FORMS:
        raise Http404
    centre = _get(request.user, KINDS["centre"], pk)
    require_edit(request.user, centre.place)
    _form, model, noun = CHILD_FORMS[child]
    obj = get_object_or_404(model._default_manager.filter(centre=centre), pk=child_pk)
    services.delete(actor=request.user, obj=obj)
    messages.success(request, _("Đã xóa %(n)s.") % {"n": noun})
    return redirect("movement:centre_detail", pk=centre.pk)
