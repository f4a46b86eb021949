"""Pages of the movement: access → form → service → redirect, for each kind of record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scope import scope_of
from core import uploads
from core.forms import apply_errors
from core.http import AuthedRequest
from core.search import SearchQuerySet
from movement import forms as f
from movement import indicators, services
from movement import models as m
from movement.access import (
    can_edit,
    editable_places,
    require_edit,
    require_section,
    reviewers_cover,
)
from places.models import Place, PlaceKind

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


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    scope = scope_of(request.user)
    require_section(request.user, "centres")
    year = _year(request) or _this_year()
    place: Place | None
    if scope.is_province:
        place = Place.objects.current().get(kind=PlaceKind.PROVINCE, parent__isnull=True)
    else:
        places = [a.place for a in scope.assignments if a.role in ("commune_officer",)]
        villages = [a.place.parent for a in scope.assignments if a.role == "village_officer"]
        place = (places or villages or [None])[0]
    if place is None:
        raise Http404
    return render(
        request,
        "movement/home.html",
        {
            "summary": indicators.summary(place, year),
            "year": year,
            "private": bool(scope.roles & {"province_admin", "province_viewer", "commune_officer"}),
        },
    )


# Learning centres ------------------------------------------------------------------------------


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


@login_required
def activity_list(request: AuthedRequest) -> HttpResponse:
    require_section(request.user, "centres")
    year = _year(request) or _this_year()
    centres = m.LearningCentre.objects.visible_to(request.user)
    qs = m.Activity.objects.filter(centre__in=centres, start_date__year=year).select_related(
        "centre__place", "village"
    )
    chosen = _chosen_place(request)
    if chosen is not None:
        qs = qs.filter(centre__place__path__startswith=chosen.path)
    qs = qs.search(request.GET.get("q"))
    totals = qs.aggregate(n=Count("id"), people=Sum("participants"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("q", None)
    return render(
        request,
        "movement/activity_list.html",
        {
            "page": page,
            "q": request.GET.get("q", ""),
            "extra_query": (params.urlencode() + "&") if params else "",
            "query": request.GET.urlencode(),
            "communes": _filter_communes(request),
            "chosen": chosen,
            "year": year,
            "totals": totals,
            "can_import": bool(editable_places(request.user)),
        },
    )


# Association members -----------------------------------------------------------------------------


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


# Trainings ---------------------------------------------------------------------------------------


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


# Communication -----------------------------------------------------------------------------------


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


# Resources ---------------------------------------------------------------------------------------


@login_required
def resources(request: AuthedRequest) -> HttpResponse:
    year = _year(request) or _this_year()
    qs = (
        m.Contribution.objects.visible_to(request.user)
        .filter(date__year=year)
        .select_related("place")
    )
    if request.GET.get("nguon") in m.Source.values:
        qs = qs.filter(source=request.GET["nguon"])
    if request.GET.get("muc_dich") in m.Purpose.values:
        qs = qs.filter(purpose=request.GET["muc_dich"])
    chosen = _chosen_place(request)
    scoped = qs.filter(place__path__startswith=chosen.path) if chosen else qs
    by_source = {
        row["source"]: row
        for row in scoped.order_by()
        .values("source")
        .annotate(cash=Sum("cash"), in_kind=Sum("in_kind"))
    }
    by_purpose = {
        row["purpose"]: row
        for row in scoped.order_by()
        .values("purpose")
        .annotate(cash=Sum("cash"), in_kind=Sum("in_kind"))
    }
    estimates = (
        m.BudgetEstimate.objects.visible_to(request.user).filter(year=year).select_related("place")
    )
    if chosen:
        estimates = estimates.filter(place__path__startswith=chosen.path)
    totals = scoped.aggregate(cash=Sum("cash"), in_kind=Sum("in_kind"))
    return _list(
        request,
        "contribution",
        "movement/resources.html",
        qs,
        {
            "shown_year": year,
            "sources": [(v, label, by_source.get(v)) for v, label in m.Source.choices],
            "purposes": [(v, label, by_purpose.get(v)) for v, label in m.Purpose.choices],
            "estimates": estimates,
            "estimate_total": sum(e.amount for e in estimates),
            "totals": {
                "cash": totals["cash"] or 0,
                "in_kind": totals["in_kind"] or 0,
                "all": (totals["cash"] or 0) + (totals["in_kind"] or 0),
            },
            "can_import": bool(editable_places(request.user)),
            "can_estimate": bool(editable_places(request.user, province_too=True)),
        },
    )


@login_required
def contribution_create(request: AuthedRequest) -> HttpResponse:
    return _create(request, "contribution")


@login_required
def contribution_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _edit(request, "contribution", pk)


@login_required
def estimate_create(request: AuthedRequest) -> HttpResponse:
    return _create(request, "estimate")


@login_required
def estimate_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _edit(request, "estimate", pk)


# Commendations -----------------------------------------------------------------------------------


@login_required
def commendation_list(request: AuthedRequest) -> HttpResponse:
    qs = m.Commendation.objects.visible_to(request.user).select_related("place", "village")
    year = _year(request)
    if year:
        qs = qs.filter(year=year)
    status = request.GET.get("trang_thai", "")
    if status in m.CommendationStatus.values:
        qs = qs.filter(status=status)
    return _list(
        request,
        "commendation",
        "movement/commendation_list.html",
        qs,
        {"statuses": m.CommendationStatus.choices},
    )


@login_required
def commendation_create(request: AuthedRequest) -> HttpResponse:
    return _create(request, "commendation")


@login_required
def commendation_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _edit(request, "commendation", pk)


@login_required
def commendation_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _get(request.user, KINDS["commendation"], pk)
    return render(
        request,
        "movement/commendation_detail.html",
        {
            "item": item,
            "can_edit": can_edit(request.user, item.place)
            and item.status == m.CommendationStatus.PROPOSED,
            "can_review": reviewers_cover(request.user, item.place, item.level),
        },
    )


@login_required
def commendation_review(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _get(request.user, KINDS["commendation"], pk)
    if not reviewers_cover(request.user, item.place, item.level):
        raise PermissionDenied(_("Bạn không có thẩm quyền xét đề nghị này."))
    form = f.ReviewForm(
        request.POST or None,
        initial={
            "status": item.status if item.status != m.CommendationStatus.PROPOSED else "",
            "decision": item.decision,
            "decision_date": item.decision_date,
            "exemplary": item.exemplary,
            "review_note": item.review_note,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.review_commendation(
                actor=request.user, commendation=item, data=form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi kết quả xét."))
            return redirect("movement:commendation_detail", pk=item.pk)
    return _form_page(
        request,
        form,
        title=_("Xét đề nghị: %(o)s") % {"o": item},
        place=item.place,
        back=reverse("movement:commendation_detail", args=[item.pk]),
    )


def exemplary(request: AuthedRequest, year: int) -> HttpResponse:
    """Public: the year's exemplary collectives and individuals — name and place only."""
    if not 2000 <= year <= 2100:
        raise Http404
    rows = (
        m.Commendation.objects.filter(
            year=year, exemplary=True, status=m.CommendationStatus.APPROVED
        )
        .select_related("place", "village")
        .order_by("subject_kind", "place__name", "name")
    )
    years = sorted(
        set(
            m.Commendation.objects.filter(exemplary=True).values_list("year", flat=True).distinct()
        ),
        reverse=True,
    )
    return render(
        request,
        "movement/exemplary.html",
        {
            "year": year,
            "collectives": [r for r in rows if r.subject_kind == m.SubjectKind.COLLECTIVE],
            "individuals": [r for r in rows if r.subject_kind == m.SubjectKind.INDIVIDUAL],
            "years": years,
        },
    )
