"""Clans and organisations: registries whose members are other records."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import apply_errors, error_text
from core.http import AuthedRequest
from places.models import PlaceKind
from registry import privacy, queries, services
from registry.access import (
    can_edit_clan,
    can_edit_commune,
    can_edit_organisation,
    get_clan_or_404,
    get_organisation_or_404,
)
from registry.columns import CLAN_COLUMNS, ORGANISATION_COLUMNS, clan_rows, organisation_rows
from registry.forms import ClanForm, HouseholdRefForm, OrganisationForm, StaffForm
from registry.models import Citizen, Household, OrganisationKind, OrganisationLevel, ResidenceStatus
from registry.views.common import choose_commune, commune_for_create, export, list_page


@login_required
def clan_list(request: AuthedRequest) -> HttpResponse:
    qs, chosen = queries.clans(request.user, request.GET)
    return list_page(
        request,
        template="registry/clan_list.html",
        queryset=qs,
        chosen=chosen,
        extra={"q": request.GET.get("q", "")},
    )


@login_required
def clan_export(request: AuthedRequest) -> HttpResponse:
    qs, _chosen = queries.clans(request.user, request.GET)
    return export(
        request,
        name="dong-ho",
        title=_("Sổ dòng họ"),
        columns=CLAN_COLUMNS,
        rows=clan_rows(qs, privacy.View(request.user)),
        count=qs.count(),
        people=qs.filter(head__isnull=False).values_list("head_id", flat=True),
    )


@login_required
def clan_create(request: AuthedRequest) -> HttpResponse:
    commune = commune_for_create(request)
    if commune is None:
        return choose_commune(request, title=_("Thêm dòng họ"))
    form = ClanForm(request.POST or None, commune=commune)
    if request.method == "POST" and form.is_valid():
        try:
            clan = services.create_clan(actor=request.user, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm %(c)s.") % {"c": clan})
            return redirect("registry:clan_detail", pk=clan.pk)
    return render(
        request,
        "registry/group_form.html",
        {"form": form, "commune": commune, "title": _("Thêm dòng họ")},
    )


@login_required
def clan_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    clan = get_clan_or_404(request.user, pk, write=True)
    form = ClanForm(
        request.POST or None,
        commune=clan.commune,
        initial={
            "name": clan.name,
            "branch_name": clan.branch_name,
            "home_village": clan.home_village_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_clan(actor=request.user, clan=clan, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("registry:clan_detail", pk=clan.pk)
    return render(
        request,
        "registry/group_form.html",
        {"form": form, "commune": clan.commune, "title": _("Sửa %(c)s") % {"c": clan}},
    )


@login_required
def clan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    clan = get_clan_or_404(request.user, pk)
    households = (
        Household.objects.filter(clan=clan)
        .select_related("village__parent", "head")
        .order_by("village__parent__name", "code")
    )
    return render(
        request,
        "registry/clan_detail.html",
        {
            "clan": clan,
            "households": households,
            "can_edit": can_edit_clan(request.user, clan),
            "add_form": HouseholdRefForm(),
        },
    )


@login_required
@require_POST
def clan_household_add(request: AuthedRequest, pk: int) -> HttpResponse:
    clan = get_clan_or_404(request.user, pk, write=True)
    form = HouseholdRefForm(request.POST)
    if form.is_valid():
        code = form.cleaned_data["household_code"].strip()
        # A member household may live in another commune: "CODE" in the clan's commune, or "XA-CODE".
        household = (
            Household.objects.visible_to(request.user)
            .filter(commune=clan.commune, code=code)
            .first()
        )
        if household is None and "/" in code:
            commune_code, _sep, household_code = code.partition("/")
            # A clan's commune keeps its member list, and its households may live in
            # other communes its officers cannot see: for them the explicit "XA/CODE"
            # reaches any household. Others (clan managers) only reach what they see.
            reachable = (
                Household.objects.all()
                if can_edit_commune(request.user, clan.commune)
                else Household.objects.visible_to(request.user)
            )
            household = reachable.filter(
                commune__kind=PlaceKind.COMMUNE, commune__code=commune_code, code=household_code
            ).first()
        if household is None:
            messages.error(
                request, _("Không tìm thấy hộ “%(c)s” trong phạm vi của bạn.") % {"c": code}
            )
        else:
            try:
                services.set_household_clan(actor=request.user, household=household, clan=clan)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("Đã thêm %(h)s vào dòng họ.") % {"h": household})
    return redirect("registry:clan_detail", pk=clan.pk)


@login_required
def clan_household_remove(request: AuthedRequest, pk: int, household_pk: int) -> HttpResponse:
    """Removal asks first: GET shows what would be removed from what, the confirming POST
    removes it; a second POST finds it gone and says so (nothing changes)."""
    clan = get_clan_or_404(request.user, pk, write=True)
    household = (
        Household.objects.filter(pk=household_pk, clan=clan)
        .select_related("village", "head")
        .first()
    )
    if household is None:
        messages.info(request, _("Hộ này không còn trong dòng họ (có thể vừa được bỏ)."))
        return redirect("registry:clan_detail", pk=clan.pk)
    if request.method == "POST":
        try:
            services.set_household_clan(actor=request.user, household=household, clan=None)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã bỏ %(h)s khỏi %(c)s.") % {"h": household, "c": clan})
        return redirect("registry:clan_detail", pk=clan.pk)
    return render(
        request,
        "registry/remove_confirm.html",
        {
            "title": _("Bỏ hộ khỏi dòng họ"),
            "question": _("Bỏ %(h)s (%(v)s) khỏi %(c)s?")
            % {"h": household, "v": household.village.name, "c": clan},
            "effect": _(
                "Hộ vẫn ở trong sổ hộ gia đình; chỉ thôi là thành viên của dòng họ này. Việc bỏ "
                "được ghi vào lịch sử thay đổi của dòng họ."
            ),
            "button": _("Bỏ khỏi dòng họ"),
            "back": reverse("registry:clan_detail", args=[clan.pk]),
        },
    )


@login_required
def organisation_list(request: AuthedRequest) -> HttpResponse:
    qs, chosen = queries.organisations(request.user, request.GET)
    return list_page(
        request,
        template="registry/organisation_list.html",
        queryset=qs,
        chosen=chosen,
        extra={
            "q": request.GET.get("q", ""),
            "kinds": OrganisationKind.choices,
            "levels": OrganisationLevel.choices,
        },
    )


@login_required
def organisation_export(request: AuthedRequest) -> HttpResponse:
    qs, _chosen = queries.organisations(request.user, request.GET)
    return export(
        request,
        name="don-vi",
        title=_("Sổ đơn vị"),
        columns=ORGANISATION_COLUMNS,
        rows=organisation_rows(qs, privacy.View(request.user)),
        count=qs.count(),
        people=qs.filter(head__isnull=False).values_list("head_id", flat=True),
    )


@login_required
def organisation_create(request: AuthedRequest) -> HttpResponse:
    commune = commune_for_create(request)
    if commune is None:
        return choose_commune(request, title=_("Thêm đơn vị"))
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.create_organisation(
                actor=request.user, commune=commune, data=form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm %(o)s.") % {"o": organisation})
            return redirect("registry:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "registry/group_form.html",
        {"form": form, "commune": commune, "title": _("Thêm đơn vị")},
    )


@login_required
def organisation_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_or_404(request.user, pk, write=True)
    initial = {
        f: getattr(organisation, f) for f in ("name", "kind", "level", "declared_staff", "address")
    }
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(
                actor=request.user, organisation=organisation, data=form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("registry:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "registry/group_form.html",
        {
            "form": form,
            "commune": organisation.commune,
            "title": _("Sửa %(o)s") % {"o": organisation},
        },
    )


@login_required
def organisation_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_or_404(request.user, pk)
    staff = (
        Citizen.objects.filter(workplace=organisation, status=ResidenceStatus.ACTIVE)
        .select_related("village")
        .order_by("full_name")
    )
    return render(
        request,
        "registry/organisation_detail.html",
        {
            "organisation": organisation,
            "staff": staff,
            "can_edit": can_edit_organisation(request.user, organisation),
            "add_form": StaffForm(),
        },
    )


@login_required
@require_POST
def staff_add(request: AuthedRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_or_404(request.user, pk, write=True)
    form = StaffForm(request.POST)
    if form.is_valid():
        try:
            # Staff are people of the organisation's commune (any village) or already its own.
            people = Citizen.objects.filter(
                commune=organisation.commune
            ) | Citizen.objects.visible_to(request.user)
            citizen = services.resolve_citizen(people, form.cleaned_data["citizen"])
            services.set_workplace(actor=request.user, citizen=citizen, organisation=organisation)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Đã thêm %(n)s vào đơn vị.") % {"n": citizen})
    return redirect("registry:organisation_detail", pk=organisation.pk)


@login_required
def staff_remove(request: AuthedRequest, pk: int, citizen_pk: int) -> HttpResponse:
    """As `clan_household_remove`: asked first, done once."""
    organisation = get_organisation_or_404(request.user, pk, write=True)
    citizen = (
        Citizen.objects.filter(pk=citizen_pk, workplace=organisation)
        .select_related("village")
        .first()
    )
    if citizen is None:
        messages.info(request, _("Người này không còn trong đơn vị (có thể vừa được bỏ)."))
        return redirect("registry:organisation_detail", pk=organisation.pk)
    if request.method == "POST":
        try:
            services.set_workplace(actor=request.user, citizen=citizen, organisation=None)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Đã bỏ %(n)s khỏi %(o)s.") % {"n": citizen.full_name, "o": organisation.name},
            )
        return redirect("registry:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "registry/remove_confirm.html",
        {
            "title": _("Bỏ người khỏi đơn vị"),
            "question": _("Bỏ %(n)s (sinh năm %(y)s, %(v)s) khỏi %(o)s?")
            % {
                "n": citizen.full_name,
                "y": citizen.birth_year,
                "v": citizen.village.name,
                "o": organisation.name,
            },
            "effect": _(
                "Người này vẫn ở trong sổ công dân; chỉ không còn ghi là cán bộ, người lao động "
                "của đơn vị. Việc bỏ được ghi vào lịch sử thay đổi của người đó."
            ),
            "button": _("Bỏ khỏi đơn vị"),
            "back": reverse("registry:organisation_detail", args=[organisation.pk]),
        },
    )
