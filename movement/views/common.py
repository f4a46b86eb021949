"""Shared by the movement's pages: the kinds of record, and access → form → service → redirect
for creating, editing and listing any of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import scope_of
from core.forms import apply_errors
from core.http import AuthedRequest
from core.search import SearchQuerySet
from movement import forms as f
from movement import models as m
from movement import services
from movement.access import editable_places, require_edit, require_section
from places.models import Place

PAGE_SIZE = 50


@dataclass(frozen=True)
class Kind:
    """One kind of top-level record: its model, form, section and pages."""

    model: type[models.Model]
    form: type[f.PlaceForm]
    section: str
    title: str  # "Thêm …" / list heading noun
    url: str  # URL name prefix
    province_too: bool = False  # province admins may add province-level rows


KINDS: dict[str, Kind] = {
    "centre": Kind(
        m.LearningCentre, f.CentreForm, "centres", "trung tâm học tập cộng đồng", "centre"
    ),
    "member": Kind(m.Member, f.MemberForm, "members", "cán bộ, hội viên", "member"),
    "training": Kind(
        m.Training, f.TrainingForm, "trainings", "lớp tập huấn, hội nghị", "training", True
    ),
    "communication": Kind(
        m.Communication,
        f.CommunicationForm,
        "communication",
        "tin, bài, sự kiện",
        "communication",
        True,
    ),
    "contribution": Kind(
        m.Contribution, f.ContributionForm, "resources", "khoản huy động", "contribution"
    ),
    "estimate": Kind(m.BudgetEstimate, f.EstimateForm, "resources", "dự toán", "estimate", True),
    "commendation": Kind(
        m.Commendation,
        f.CommendationForm,
        "commendations",
        "đề nghị khen thưởng",
        "commendation",
        True,
    ),
}


def _year(request: AuthedRequest) -> int | None:
    raw = request.GET.get("nam", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None


def _this_year() -> int:
    return timezone.localdate().year


def _get(user: Any, kind: Kind, pk: int) -> Any:
    require_section(user, kind.section)
    manager: Any = kind.model._default_manager
    return get_object_or_404(manager.visible_to(user).select_related("place"), pk=pk)


def _place_for_create(request: AuthedRequest, kind: Kind) -> Place | None:
    places = editable_places(request.user, province_too=kind.province_too)
    raw = request.GET.get("xa") or request.POST.get("xa")
    if raw and raw.isdigit():
        found = next((p for p in places if p.pk == int(raw)), None)
        if found is None:
            raise Http404
        return found
    return places[0] if len(places) == 1 else None


def _form_page(
    request: AuthedRequest, form: forms.BaseForm, *, title: str, place: Place, back: str
) -> HttpResponse:
    return render(
        request,
        "movement/form.html",
        {"form": form, "title": title, "place": place, "back": back},
    )


def _create(request: AuthedRequest, key: str, **links: Any) -> HttpResponse:
    kind = KINDS[key]
    require_section(request.user, kind.section)
    place = _place_for_create(request, kind)
    if place is None:
        places = editable_places(request.user, province_too=kind.province_too)
        if not places:
            raise PermissionDenied(_("Bạn không có quyền thêm %(k)s.") % {"k": kind.title})
        return render(
            request,
            "movement/choose_place.html",
            {"title": _("Thêm %(k)s") % {"k": kind.title}, "places": places, "path": request.path},
        )
    form = kind.form(request.POST or None, request.FILES or None, place=place)
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.create(
                actor=request.user, model=kind.model, place=place, data=form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm %(o)s.") % {"o": obj})
            return redirect(_after(kind, obj))
    return _form_page(
        request,
        form,
        title=_("Thêm %(k)s — %(p)s") % {"k": kind.title, "p": place},
        place=place,
        back=reverse(
            "movement:resources" if kind.section == "resources" else f"movement:{kind.url}_list"
        ),
    )


def _after(kind: Kind, obj: Any) -> str:
    if kind.url in ("contribution", "estimate"):
        return reverse("movement:resources") + f"?nam={_record_year(obj)}"
    return reverse(f"movement:{kind.url}_detail", args=[obj.pk])


def _record_year(obj: Any) -> int:
    return obj.year if hasattr(obj, "year") else obj.date.year


def _edit(request: AuthedRequest, key: str, pk: int) -> HttpResponse:
    kind = KINDS[key]
    obj = _get(request.user, kind, pk)
    require_edit(request.user, obj.place)
    form = kind.form(request.POST or None, request.FILES or None, instance=obj, place=obj.place)
    if request.method == "POST" and form.is_valid():
        try:
            # The form already set the instance's fields; re-read so the audit sees the diff.
            fresh = kind.model._default_manager.get(pk=obj.pk)
            if isinstance(fresh, m.Commendation):
                services.update_proposal(
                    actor=request.user, commendation=fresh, data=form.cleaned_data
                )
            else:
                services.update(actor=request.user, obj=fresh, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect(_after(kind, obj))
    return _form_page(
        request, form, title=_("Sửa %(o)s") % {"o": obj}, place=obj.place, back=_after(kind, obj)
    )


def _list(
    request: AuthedRequest,
    key: str,
    template: str,
    queryset: SearchQuerySet,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    kind = KINDS[key]
    require_section(request.user, kind.section)
    chosen = _chosen_place(request)
    if chosen is not None:
        queryset = queryset.filter(place__path__startswith=chosen.path)
    queryset = queryset.search(request.GET.get("q"))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("q", None)
    return render(
        request,
        template,
        {
            "page": page,
            "q": request.GET.get("q", ""),
            "extra_query": (params.urlencode() + "&") if params else "",
            "query": request.GET.urlencode(),
            "communes": _filter_communes(request),
            "chosen": chosen,
            "year": _year(request),
            "can_create": bool(editable_places(request.user, province_too=kind.province_too)),
            "can_import": bool(editable_places(request.user)),
            **(extra or {}),
        },
    )


def _filter_communes(request: AuthedRequest) -> list[Place]:
    if not scope_of(request.user).is_province:
        return []
    return list(Place.objects.current().communes().order_by("name"))


def _chosen_place(request: AuthedRequest) -> Place | None:
    raw = request.GET.get("xa", "")
    if not raw.isdigit():
        return None
    return Place.objects.filter(pk=int(raw)).first()
