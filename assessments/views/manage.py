"""Registering, deciding, and the year's calendar."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scope import scope_of
from assessments import authority, queries, services
from assessments import permissions as can
from assessments.forms import DecisionForm, YearForm
from assessments.models import CycleYear, Decision, State
from assessments.subjects import subject_of
from core.forms import apply_errors, error_text
from core.http import AuthedRequest
from criteria.titles import PopulationGroup, Title
from places.models import Place


def _subject(user: Any, title: str, raw: str) -> Any:
    if not raw.isdigit():
        raise Http404
    return get_object_or_404(subject_of(title).visible(user), pk=int(raw))


@login_required
@require_POST
def register(request: AuthedRequest) -> HttpResponse:
    """Register one subject (from its own page) for a title and year."""
    title = request.POST.get("title", "")
    year = request.POST.get("year", "")
    if title not in Title.values or not year.isdigit():
        raise Http404
    subject = _subject(request.user, title, request.POST.get("subject", ""))
    group = request.POST.get("population_group", "")
    try:
        assessment = services.register(
            actor=request.user,
            title=title,
            year=int(year),
            subject=subject,
            population_group=group if group in PopulationGroup.values else "",
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect(request.POST.get("back") or reverse("assessments:list"))
    messages.success(
        request, _("Đã đăng ký %(t)s năm %(y)s.") % {"t": assessment.get_title_display(), "y": year}
    )
    return redirect("assessments:detail", pk=assessment.pk)


@login_required
def register_many(request: AuthedRequest) -> HttpResponse:
    """Register every household / person / clan / village / organisation of a place at once."""
    places = (
        Place.objects.visible_to(request.user)
        .current()
        .exclude(kind="province")
        .order_by("kind", "name")
    )
    error = ""
    if request.method == "POST":
        title = request.POST.get("title", "")
        year = request.POST.get("year", "")
        raw_place = request.POST.get("place", "")
        place = places.filter(pk=int(raw_place)).first() if raw_place.isdigit() else None
        if title not in Title.values or not year.isdigit() or len(year) != 4 or place is None:
            error = _("Chọn danh hiệu, năm và địa bàn.")
        else:
            try:
                count = services.register_many(
                    actor=request.user, title=title, year=int(year), place=place
                )
            except (ValidationError, PermissionDenied) as exc:
                error = error_text(exc)
            else:
                messages.success(
                    request,
                    _("Đã đăng ký thêm %(n)s hồ sơ %(t)s năm %(y)s tại %(p)s.")
                    % {"n": count, "t": Title(title).label, "y": year, "p": place},
                )
                return redirect(f"{reverse('assessments:list')}?nam={year}&danh_hieu={title}")
    return render(
        request,
        "assessments/register_many.html",
        {
            "places": places[:500],
            "titles": Title.choices,
            "year": timezone.localdate().year,
            "error": error,
            "posted": request.POST,
        },
    )


@login_required
def decision_list(request: AuthedRequest) -> HttpResponse:
    scope = scope_of(request.user)
    decisions = Decision.objects.select_related("authority_place").order_by("-signed_on", "-id")
    if not scope.is_province:
        condition = scope.path_filter(
            {"commune_officer", "village_officer"}, "authority_place__path"
        )
        decisions = decisions.filter(condition) if condition is not None else decisions.none()
    return render(request, "assessments/decision_list.html", {"decisions": decisions[:200]})


@login_required
def decision_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    decision = can.get_decision_or_404(request.user, pk)
    items = decision.assessments.visible_to(request.user).select_related(
        "village", "household__head", "organisation"
    )
    return render(
        request, "assessments/decision_detail.html", {"decision": decision, "items": items}
    )


def issuing_initial(group: authority.Issuing) -> dict[str, Any]:
    """A decision form's issuing body, superior body and signer, from the body's rule."""
    return {
        "authority": group.name,
        "superior": group.superior_name,
        "signer_title": group.authority.signer_title,
        "sign_form": group.authority.sign_form,
    }


@login_required
def decision_create(request: AuthedRequest) -> HttpResponse:
    """Record the decision for the proposed list of a title and year: one issuing body and
    its territory at a time (the page asks which when the user decides for several); the
    form offers only that territory's records, and says on what ground that body decides.
    Someone who can never decide is refused up front (the list offers no link)."""
    if not can.may_ever(request.user, can.can_decide):
        raise Http404
    qs, chosen = queries.listing(request.user, request.GET)
    decidable = [
        a
        for a in qs.filter(state=State.PROPOSED).select_related(
            "organisation", "criteria_set", "commune__parent"
        )
        if can.can_decide(request.user, a)
    ]
    back = f"{reverse('assessments:list')}?nam={chosen['nam']}&danh_hieu={chosen['danh_hieu']}"
    if not decidable and request.method == "GET":
        messages.error(
            request, _("Không có hồ sơ nào đã được đề nghị mà bạn có thẩm quyền quyết định.")
        )
        return redirect(back)
    groups = authority.by_issuer(decidable)
    group = authority.pick(groups, request.GET.get("noi", ""))
    if group is None:
        if request.method == "POST" or not groups:
            messages.error(request, _("Chọn cơ quan ban hành và địa bàn của quyết định."))
            return redirect(back)
        return render(
            request,
            "assessments/issuer_pick.html",
            {
                "groups": groups,
                "chosen": chosen,
                "params": request.GET.urlencode(),
                "what": _("quyết định công nhận"),
            },
        )
    form = DecisionForm(request.POST or None, initial=issuing_initial(group))
    if request.method == "POST" and form.is_valid():
        chosen_ids = {int(i) for i in request.POST.getlist("ids") if i.isdigit()}
        # Every record the user may decide that was ticked, this territory's or not: one
        # outside it is refused by name, not dropped unseen.
        selected = [a for a in decidable if a.pk in chosen_ids]
        refused = {
            a.pk: request.POST.get(f"reason_{a.pk}", "").strip()
            for a in selected
            if request.POST.get(f"refuse_{a.pk}")
        }
        missing_reason = [a for a in selected if a.pk in refused and not refused[a.pk]]
        if missing_reason:
            form.add_error(
                None,
                _("Ghi lý do không công nhận cho: %(n)s.")
                % {"n": ", ".join(a.subject_name for a in missing_reason)},
            )
        else:
            data = form.cleaned_data
            try:
                decision = services.decide(
                    actor=request.user,
                    assessments=selected,
                    number=data["number"],
                    signed_on=data["signed_on"],
                    signer_name=data["signer_name"],
                    signer_title=data["signer_title"],
                    sign_form=data["sign_form"],
                    authority=data["authority"],
                    superior=data["superior"],
                    authority_place=group.place,
                    not_recognised=refused,
                )
            except (ValidationError, PermissionDenied) as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Đã ghi %(d)s.") % {"d": decision})
                return redirect("assessments:decision_detail", pk=decision.pk)
    return render(
        request,
        "assessments/decision_form.html",
        {
            "form": form,
            "proposed": group.rows,
            "chosen": chosen,
            "group": group,
            "title_label": Title(chosen["danh_hieu"]).label,
        },
    )


@login_required
def years(request: AuthedRequest) -> HttpResponse:
    if not can.may_open_years(request.user):
        raise Http404
    scope = scope_of(request.user)
    communes = [
        c
        for c in Place.objects.visible_to(request.user).current().communes().order_by("name")
        if scope.covers(c, can.COMMUNE_EDITORS)
    ]
    form = YearForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        targets = [c for c in communes if str(c.pk) in request.POST.getlist("communes")] or (
            communes if request.POST.get("all") else []
        )
        if not targets:
            form.add_error(None, _("Chọn ít nhất một xã."))
        else:
            try:
                with transaction.atomic():
                    for commune in targets:
                        services.open_year(actor=request.user, commune=commune, year=data["year"])
            except (ValidationError, PermissionDenied) as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã mở năm %(y)s cho %(n)s xã, mỗi danh hiệu theo lịch riêng.")
                    % {"y": data["year"], "n": len(targets)},
                )
                return redirect("assessments:years")
    cycles = (
        CycleYear.objects.filter(commune__in=communes)
        .select_related("commune", "closed_by")
        .annotate(
            titles=Count("calendars"),
            titles_closed=Count("calendars", filter=Q(calendars__closed_at__isnull=False)),
        )
        .order_by("-year", "commune__name")[:300]
    )
    return render(
        request,
        "assessments/years.html",
        {
            "form": form,
            "communes": communes,
            "cycles": cycles,
            "is_province": scope.is_province_admin,
        },
    )


@login_required
@require_POST
def year_close(request: AuthedRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(CycleYear.objects.select_related("commune"), pk=pk)
    if not scope_of(request.user).covers(cycle.commune, can.COMMUNE_EDITORS):
        raise Http404
    services.close_year(actor=request.user, commune=cycle.commune, year=cycle.year)
    messages.success(
        request, _("Đã khóa sổ năm %(y)s của %(c)s.") % {"y": cycle.year, "c": cycle.commune}
    )
    return redirect("assessments:years")


@login_required
@require_POST
def year_reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(CycleYear.objects.select_related("commune"), pk=pk)
    if not scope_of(request.user).is_province_admin:
        raise Http404
    try:
        services.reopen_year(
            actor=request.user,
            commune=cycle.commune,
            year=cycle.year,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request, _("Đã mở lại năm %(y)s của %(c)s.") % {"y": cycle.year, "c": cycle.commune}
        )
    return redirect("assessments:years")
