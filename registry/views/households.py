from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scope import scope_of
from audit.models import AuditEvent
from core.forms import apply_errors, error_text
from core.http import AuthedRequest
from places.models import Place
from registry import queries, services
from registry.access import (
    can_edit_household,
    get_citizen_or_404,
    get_household_or_404,
    sees_clan,
)
from registry.columns import HOUSEHOLD_COLUMNS, household_rows
from registry.forms import HouseholdForm, MemberAddForm, MoveForm
from registry.models import Citizen, Clan, Household, Relation, ResidenceStatus
from registry.views.common import (
    choose_commune,
    commune_for_create,
    editable_villages,
    export,
    list_page,
)


@login_required
def household_list(request: AuthedRequest) -> HttpResponse:
    qs, chosen = queries.households(request.user, request.GET)
    return list_page(
        request,
        template="registry/household_list.html",
        queryset=qs,
        chosen=chosen,
        villages_too=True,
        extra={"q": request.GET.get("q", "")},
    )


@login_required
def household_export(request: AuthedRequest) -> HttpResponse:
    qs, _chosen = queries.households(request.user, request.GET)
    return export(
        request,
        name="ho-gia-dinh",
        title=_("Sổ hộ gia đình"),
        columns=HOUSEHOLD_COLUMNS,
        rows=household_rows(qs.iterator(chunk_size=2000)),
        count=qs.count(),
    )


def _clans_for(household_commune_id: int, current: int | None = None) -> QuerySet[Clan]:
    """The clans of the household's commune, and the one it belongs to now (a clan may
    count households of other communes; editing the household must not drop it)."""
    return Clan.objects.filter(Q(commune_id=household_commune_id) | Q(pk=current)).order_by(
        "name", "branch_name"
    )


@login_required
def household_create(request: AuthedRequest) -> HttpResponse:
    commune = commune_for_create(request, villages_too=True)
    if commune is None:
        return choose_commune(request, title=_("Thêm hộ gia đình"), villages_too=True)
    villages = editable_villages(request.user, commune)
    if not villages.exists():
        if Place.objects.current().villages().filter(parent=commune).exists():
            raise Http404  # villages there, none this user may write in
        # A commune without villages is not a dead end: say why, and lead to adding one.
        return render(
            request,
            "registry/needs_village.html",
            {
                "commune": commune,
                "can_add_village": scope_of(request.user).can_manage_villages(commune),
            },
        )
    form = HouseholdForm(request.POST or None, villages=villages, clans=_clans_for(commune.pk))
    if request.method == "POST" and form.is_valid():
        try:
            household = services.create_household(actor=request.user, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm %(h)s.") % {"h": household})
            return redirect("registry:household_detail", pk=household.pk)
    return render(request, "registry/household_form.html", {"form": form, "commune": commune})


@login_required
def household_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    household = get_household_or_404(request.user, pk, write=True)
    form = HouseholdForm(
        request.POST or None,
        villages=editable_villages(request.user, household.commune),
        clans=_clans_for(household.commune_id, household.clan_id),
        initial={
            "code": household.code,
            "address": household.address,
            "village": household.village_id,
            "clan": household.clan_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_household(
                actor=request.user, household=household, data=form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("registry:household_detail", pk=household.pk)
    return render(
        request,
        "registry/household_form.html",
        {"form": form, "commune": household.commune, "household": household},
    )


@login_required
def household_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    household = get_household_or_404(request.user, pk)
    # Through the household, so each member's `household` is this one (their relation as
    # shown reads the head from it, no query per member).
    members = list(household.members.order_by("birth_year", "id"))
    current = [m for m in members if m.status == ResidenceStatus.ACTIVE]
    former = [m for m in members if m.status != ResidenceStatus.ACTIVE]
    events = (
        AuditEvent.objects.for_object(household)
        .filter(action__startswith="household.member")
        .select_related("actor")[:50]
    )
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "members": current,
            "former": former,
            "events": events,
            "can_edit": can_edit_household(request.user, household),
            "clan_link": sees_clan(request.user, household.clan),
            "add_form": MemberAddForm(),
            "move_form": MoveForm(),
            "relations": Relation.choices,
        },
    )


@login_required
@require_POST
def member_add(request: AuthedRequest, pk: int) -> HttpResponse:
    household = get_household_or_404(request.user, pk, write=True)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            citizen = services.resolve_citizen(
                Citizen.objects.visible_to(request.user), form.cleaned_data["citizen"]
            )
            services.add_member(
                actor=request.user,
                household=household,
                citizen=citizen,
                relation=form.cleaned_data["relation"],
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Đã thêm %(n)s vào hộ.") % {"n": citizen})
    else:
        messages.error(request, _("Hãy nhập mã hoặc CCCD và chọn quan hệ."))
    return redirect("registry:household_detail", pk=household.pk)


@login_required
@require_POST
def member_move(request: AuthedRequest, pk: int) -> HttpResponse:
    citizen = get_citizen_or_404(request.user, pk, write=True)
    form = MoveForm(request.POST)
    back = citizen.household_id
    if form.is_valid():
        target = (
            Household.objects.visible_to(request.user)
            .filter(commune=citizen.commune, code=form.cleaned_data["household_code"])
            .first()
        )
        if target is None:
            messages.error(
                request,
                _("Không có hộ mã “%(c)s” trong xã.") % {"c": form.cleaned_data["household_code"]},
            )
        else:
            try:
                services.add_member(
                    actor=request.user,
                    household=target,
                    citizen=citizen,
                    relation=form.cleaned_data["relation"],
                )
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(
                    request, _("Đã chuyển %(n)s sang %(h)s.") % {"n": citizen, "h": target}
                )
    return (
        redirect("registry:household_detail", pk=back)
        if back
        else redirect("registry:citizen_detail", pk=citizen.pk)
    )


@login_required
@require_POST
def head_change(request: AuthedRequest, pk: int, citizen_pk: int) -> HttpResponse:
    household = get_household_or_404(request.user, pk, write=True)
    citizen = get_citizen_or_404(request.user, citizen_pk)
    previous = request.POST.get("previous_relation", Relation.OTHER)
    if previous not in Relation.values or previous == Relation.HEAD:
        previous = Relation.OTHER
    try:
        services.change_head(
            actor=request.user, household=household, citizen=citizen, previous_relation=previous
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Chủ hộ mới: %(n)s.") % {"n": citizen})
    return redirect("registry:household_detail", pk=household.pk)
