from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.labels import describe
from audit.models import AuditEvent
from core.forms import apply_errors
from core.http import AuthedRequest
from places.models import Place
from registry import privacy, queries, services
from registry.access import can_edit_citizen, get_citizen_or_404, get_household_or_404
from registry.columns import CITIZEN_COLUMNS, citizen_rows
from registry.forms import CitizenForm, MergeForm, StatusForm, citizen_initial
from registry.models import (
    Citizen,
    Gender,
    Household,
    Occupation,
    Organisation,
    ResidenceStatus,
)
from registry.views.common import (
    choose_commune,
    commune_for_create,
    editable_villages,
    export,
    list_page,
)


def search_limited(request: AuthedRequest) -> HttpResponse:
    response = render(request, "registry/search_limited.html", status=429)
    response["Retry-After"] = "60"
    return response


@login_required
def citizen_list(request: AuthedRequest) -> HttpResponse:
    if not queries.search_allowed(request):
        return search_limited(request)
    qs, chosen = queries.citizens(request.user, request.GET)
    return list_page(
        request,
        template="registry/citizen_list.html",
        queryset=qs,
        chosen=chosen,
        villages_too=True,
        extra={
            "q": request.GET.get("q", ""),
            "occupations": Occupation.choices,
            "genders": Gender.choices,
            "statuses": ResidenceStatus.choices,
        },
    )


@login_required
def citizen_export(request: AuthedRequest) -> HttpResponse:
    if not queries.search_allowed(request):
        return search_limited(request)
    qs, _chosen = queries.citizens(request.user, request.GET, where="xuất Excel")
    qs = qs.select_related("village", "household", "workplace")
    return export(
        request,
        name="cong-dan",
        title=_("Sổ công dân"),
        columns=CITIZEN_COLUMNS,
        rows=citizen_rows(qs.iterator(chunk_size=2000), privacy.View(request.user)),
        count=qs.count(),
        people=qs.values_list("pk", flat=True).iterator(chunk_size=5000),
    )


def _save_citizen(request: AuthedRequest, form: CitizenForm, citizen=None, household=None):  # type: ignore[no-untyped-def]
    data = {**form.cleaned_data}
    allow = bool(data.pop("confirm_duplicate", False))
    confirm_login = bool(data.pop("confirm_login_change", False))
    try:
        if citizen is None:
            return services.create_citizen(
                actor=request.user, data=data, household=household, allow_duplicate=allow
            )
        return services.update_citizen(
            actor=request.user,
            citizen=citizen,
            data=data,
            allow_duplicate=allow,
            confirm_login_change=confirm_login,
        )
    except services.PossibleDuplicate as exc:
        form.add_error("confirm_duplicate", exc.messages[0])
    except (ValidationError, PermissionDenied) as exc:
        apply_errors(form, exc)
    return None


@login_required
def citizen_create(request: AuthedRequest) -> HttpResponse:
    household = None
    commune: Place | None
    raw_household = request.GET.get("ho") or request.POST.get("ho")
    if raw_household and raw_household.isdigit():
        household = get_household_or_404(request.user, int(raw_household))
        commune = household.commune
    else:
        commune = commune_for_create(request, villages_too=True)
        if commune is None:
            return choose_commune(request, title=_("Thêm công dân"), villages_too=True)
    villages = editable_villages(request.user, commune)
    if household is not None:  # a new member lives where the household lives
        villages = villages.filter(pk=household.village_id)
    if not villages.exists():
        raise Http404
    initial = {"village": household.village_id} if household else {}
    form = CitizenForm(request.POST or None, villages=villages, commune=commune, initial=initial)
    if request.method == "POST" and form.is_valid():
        citizen = _save_citizen(request, form, household=household)
        if citizen is not None:
            messages.success(request, _("Đã thêm %(n)s.") % {"n": citizen})
            return (
                redirect("registry:household_detail", pk=household.pk)
                if household
                else redirect("registry:citizen_detail", pk=citizen.pk)
            )
    return render(
        request,
        "registry/citizen_form.html",
        {"form": form, "commune": commune, "household": household},
    )


@login_required
def citizen_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    citizen = get_citizen_or_404(request.user, pk)
    view = privacy.View(request.user, reveal=request.GET.get("hien") == "cccd")
    if view.reveal_identity and citizen.identity_number:
        privacy.record_disclosure(
            actor=request.user,
            action="personal.reveal",
            citizen_ids=[citizen.pk],
            obj=citizen,
            note="xem số CCCD đầy đủ",
        )
    # Linked records are named and linked only as far as the reader's scope goes: an
    # organisation manager reading her staff does not see their household's head.
    visible = Citizen.objects.visible_to(request.user)
    duplicates = [
        d
        for d in services.possible_duplicates(
            full_name=citizen.full_name,
            birth_year=citizen.birth_year,
            village=citizen.village,
            exclude=citizen.pk,
        )
        if visible.filter(pk=d.pk).exists()
    ]
    return render(
        request,
        "registry/citizen_detail.html",
        {
            "citizen": citizen,
            "personal": {
                "identity": view.identity_number(citizen, page=True),
                "phone": view.phone_number(citizen),
                "birth": view.birth_text(citizen),
                "can_reveal": view.identity
                and not view.reveal_identity
                and bool(citizen.identity_number),
            },
            "can_edit": can_edit_citizen(request.user, citizen),
            "household_visible": citizen.household_id is not None
            and Household.objects.visible_to(request.user).filter(pk=citizen.household_id).exists(),
            "workplace_visible": citizen.workplace_id is not None
            and Organisation.objects.visible_to(request.user)
            .filter(pk=citizen.workplace_id)
            .exists(),
            "duplicates": duplicates,
            "status_form": StatusForm(initial={"on": timezone.localdate()}),
            "merge_form": MergeForm(),
        },
    )


@login_required
def citizen_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    citizen = get_citizen_or_404(request.user, pk, write=True)
    villages = editable_villages(request.user, citizen.commune)
    form = CitizenForm(
        request.POST or None,
        villages=villages,
        commune=citizen.commune,
        workplace=citizen.workplace,
        initial=citizen_initial(citizen),
        has_account=citizen.user_id is not None,
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_citizen(request, form, citizen=citizen)
        if saved is not None:
            messages.success(request, _("Đã lưu."))
            return redirect("registry:citizen_detail", pk=citizen.pk)
    return render(
        request,
        "registry/citizen_form.html",
        {"form": form, "commune": citizen.commune, "citizen": citizen},
    )


@login_required
def citizen_status(request: AuthedRequest, pk: int, status: str) -> HttpResponse:
    citizen = get_citizen_or_404(request.user, pk, write=True)
    if status not in ResidenceStatus.values:
        raise Http404
    form = StatusForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_status(
                actor=request.user,
                citizen=citizen,
                status=status,
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
            )
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi: %(s)s.") % {"s": ResidenceStatus(status).label})
            return redirect("registry:citizen_detail", pk=citizen.pk)
    return render(
        request,
        "registry/simple_form.html",
        {"form": form, "title": f"{ResidenceStatus(status).label}: {citizen}", "back": citizen},
    )


@login_required
def citizen_merge(request: AuthedRequest, pk: int) -> HttpResponse:
    citizen = get_citizen_or_404(request.user, pk, write=True)
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            other = get_citizen_or_404(request.user, form.cleaned_data["other_id"])
            services.merge_citizens(actor=request.user, keep=citizen, other=other)
        except Http404:
            form.add_error("other_id", _("Không tìm thấy hồ sơ này trong phạm vi của bạn."))
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã gộp hồ sơ."))
            return redirect("registry:citizen_detail", pk=citizen.pk)
    return render(
        request,
        "registry/simple_form.html",
        {"form": form, "title": _("Gộp hồ sơ trùng vào %(n)s") % {"n": citizen}, "back": citizen},
    )


@login_required
def citizen_history(request: AuthedRequest, pk: int) -> HttpResponse:
    """The record's own events and those of every record merged into it."""
    citizen = get_citizen_or_404(request.user, pk)
    ids = [citizen.pk, *services.merged_ids(citizen)]
    events = list(AuditEvent.objects.for_ids(Citizen, ids).select_related("actor")[:500])
    for event in events:  # old and new values of personal fields are masked like the page
        describe(event, privacy.mask_changes(request.user, event.changes))
    return render(
        request,
        "registry/citizen_history.html",
        {
            "citizen": citizen,
            "events": events,
            "merged": [str(i) for i in ids[1:]],
            "disclosures": [describe(e) for e in privacy.disclosures_of(ids)[:500]],
        },
    )
