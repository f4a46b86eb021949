"""The citizen's side: claim an account, assess yourself step by step, follow your titles."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scope import REQUEST_REVIEWERS, scope_of
from assessments import services as cycle
from assessments.models import Assessment, State
from assessments.permissions import get_assessment_or_404
from assessments.subjects import CITIZEN_AGE_NOTE, citizen_of_age, old_enough, suggested_group
from audit.labels import note_text
from audit.services import record
from core import ratelimit
from core.forms import apply_errors, error_text
from core.http import AuthedRequest
from criteria.engine import spec_of
from criteria.forms import answers_form_class, answers_from, initial_answers
from criteria.titles import PopulationGroup, Title
from places.models import Place
from portal import levels, mydata, services
from portal.forms import (
    ChangeForm,
    ClaimForm,
    CodeForm,
    CommuneChoiceForm,
    GroupForm,
    RegisterForm,
)
from portal.models import AccountRequest, ChangeRequest, RequestStatus
from registry import privacy
from registry.access import acts_for_household, get_citizen_or_404
from registry.models import Citizen, ResidenceStatus

BACKEND = "accounts.backends.UsernameOrPhoneBackend"


def _citizen(request: AuthedRequest) -> Citizen:
    citizen = getattr(request.user, "citizen_record", None)
    if citizen is None:
        raise Http404
    return citizen


def claim_view(request: HttpRequest) -> HttpResponse:
    form = ClaimForm(request.POST or None)
    throttled = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            answer = services.claim(
                identity=data["identity_number"],
                full_name=data["full_name"],
                birth=data["birth"],
                phone=data["phone"],
                password=data["password"],
                client=ratelimit.client_address(request) or "unknown",
            )
        except services.Throttled:
            throttled = True
        else:
            if answer.token:
                return redirect("portal:claim_code", token=answer.token)
            return render(request, "portal/pending.html", {"kind": "claim"})
    status = 429 if throttled else 200
    return render(
        request, "portal/claim.html", {"form": form, "throttled": throttled}, status=status
    )


def claim_code(request: HttpRequest, token: str) -> HttpResponse:
    """Type the code sent to the phone on file. Every token gets this page, whether or not
    a code was sent (the claim's answer is the same whatever exists)."""
    form = CodeForm(request.POST or None)
    throttled = False
    if request.method == "POST" and form.is_valid():
        try:
            user = services.confirm_code(
                token=token,
                code=form.cleaned_data["code"].strip(),
                client=ratelimit.client_address(request) or "unknown",
            )
        except services.Throttled:
            throttled = True
        else:
            if user is not None:
                login(request, user, backend=BACKEND)
                messages.success(
                    request,
                    _("Đã nhận tài khoản. Từ nay đăng nhập bằng số CCCD hoặc số điện thoại."),
                )
                return redirect("portal:home")
            form.add_error(
                "code",
                _("Mã không đúng, đã hết hạn hoặc đã thử quá 5 lần. Hãy gửi lại yêu cầu."),
            )
    return render(
        request,
        "portal/claim_code.html",
        {"form": form, "throttled": throttled},
        status=429 if throttled else 200,
    )


def register_view(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("xa") or request.POST.get("xa")
    commune = (
        Place.objects.current().communes().filter(pk=raw).first()
        if raw and str(raw).isdigit()
        else None
    )
    if commune is None:
        return render(
            request,
            "portal/register_commune.html",
            {"form": CommuneChoiceForm(request.GET or None)},
        )
    form = RegisterForm(request.POST or None, commune=commune)
    if request.method == "POST" and form.is_valid():
        try:
            services.register(
                data=form.cleaned_data,
                password=form.cleaned_data["password"],
                client=ratelimit.client_address(request) or "unknown",
            )
        except services.Throttled:
            return render(
                request,
                "portal/register.html",
                {"form": form, "commune": commune, "throttled": True},
                status=429,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return render(request, "portal/pending.html", {"kind": "register"})
    return render(request, "portal/register.html", {"form": form, "commune": commune})


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    citizen = getattr(request.user, "citizen_record", None)
    if citizen is None:
        return redirect("home")
    mine = (
        Assessment.objects.visible_to(request.user)
        .select_related("decision", "criteria_set")
        .order_by("-year", "title")
    )
    rows = [(a, resume_step(a)) for a in mine]
    year = timezone.localdate().year
    return render(
        request,
        "portal/home.html",
        {
            "citizen": citizen,
            "rows": rows,
            "is_head": acts_for_household(citizen),
            "has_cdht": mine.filter(title=Title.CDHT, year=year, citizen=citizen).exists(),
            # A child too young for every form is told so, not offered a button that refuses.
            "of_age": any(old_enough(citizen, year, g) for g in PopulationGroup.values),
            "age_note": CITIZEN_AGE_NOTE,
            "year": year,
            "site_url": request.build_absolute_uri("/")[:-1],
            "notices": request.user.notices.all()[:5],
            "pending_change": services.pending_change(citizen),
        },
    )


@login_required
def start_cdht(request: AuthedRequest) -> HttpResponse:
    citizen = _citizen(request)
    year = timezone.localdate().year
    existing = Assessment.objects.filter(title=Title.CDHT, year=year, citizen=citizen).first()
    if existing is not None:
        return redirect("portal:step", pk=existing.pk, step=resume_step(existing))
    suggested = suggested_group(citizen)
    # Only the forms the citizen is old enough for (the ages and why: assessments.subjects).
    choices = [
        (value, f"{label}{_(' (gợi ý theo hồ sơ)') if value == suggested else ''}")
        for value, label in PopulationGroup.choices
        if old_enough(citizen, year, value)
    ]
    if not choices:
        messages.error(request, _("Chưa đến tuổi xét danh hiệu. %(n)s") % {"n": CITIZEN_AGE_NOTE})
        return redirect("portal:home")
    form = GroupForm(request.POST or None, choices=choices, initial={"population_group": suggested})
    if request.method == "POST" and form.is_valid():
        try:
            assessment = cycle.register(
                actor=request.user,
                title=Title.CDHT,
                year=year,
                subject=citizen,
                population_group=form.cleaned_data["population_group"],
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
            return redirect("portal:home")
        return redirect("portal:step", pk=assessment.pk, step=1)
    return render(request, "portal/start.html", {"form": form, "year": year})


@login_required
def household(request: AuthedRequest) -> HttpResponse:
    citizen = _citizen(request)
    if not acts_for_household(citizen) or citizen.household is None:
        raise Http404
    year = timezone.localdate().year
    members = list(
        citizen.household.members.filter(status=ResidenceStatus.ACTIVE)
        .filter(citizen_of_age(year))
        .order_by("birth_year")
    )
    held = set(
        Assessment.objects.holding(Title.CDHT, year)
        .filter(citizen__in=members)
        .values_list("citizen_id", flat=True)
    )
    registered = set(
        Assessment.objects.filter(title=Title.CDHT, year=year, citizen__in=members).values_list(
            "citizen_id", flat=True
        )
    )
    gdht = Assessment.objects.filter(
        title=Title.GDHT, year=year, household=citizen.household
    ).first()
    if request.method == "POST":
        try:
            gdht = gdht or cycle.register(
                actor=request.user, title=Title.GDHT, year=year, subject=citizen.household
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            return redirect("portal:step", pk=gdht.pk, step=resume_step(gdht))
    rows = [(m, m.pk in held, m.pk in registered) for m in members]
    return render(
        request,
        "portal/household.html",
        {
            "household": citizen.household,
            "rows": rows,
            "gdht": gdht,
            "year": year,
            "age_note": CITIZEN_AGE_NOTE,
        },
    )


def _screens(spec: Any) -> list[Any]:
    """The criteria groups a citizen fills, one per screen (derived-only groups skipped)."""
    return [g for g in spec.groups if any(c.kind != "derived" for c in g.criteria)]


def resume_step(assessment: Assessment) -> int:
    """The first screen with an unanswered question; the summary once all are answered."""
    screens = _screens(spec_of(assessment.criteria_set))
    for number, group in enumerate(screens, start=1):
        if any(c.kind != "derived" and c.code not in assessment.answers for c in group.criteria):
            return number
    return len(screens) + 1


@login_required
def step(request: AuthedRequest, pk: int, step: int) -> HttpResponse:
    """One competency (criteria group) per screen; every "next" saves, so a dropped
    connection or a logout loses nothing and the form resumes where it stopped."""
    assessment = get_assessment_or_404(request.user, pk, own=True)
    spec = spec_of(assessment.criteria_set)
    groups = _screens(spec)
    editable = assessment.state in (State.REGISTERED, State.RETURNED)
    if step < 1 or step > len(groups) + 1:
        raise Http404
    if step == len(groups) + 1 or not editable:
        return _summary(request, assessment, spec, len(groups), editable)
    group = groups[step - 1]
    form_class = answers_form_class(spec)
    names = [f"c_{c.code}" for c in group.criteria if c.kind != "derived"]
    initial = initial_answers(spec, assessment.answers, assessment.version)
    # A 0–10 indicator offers labelled levels; a saved score that is a level shows as the
    # chosen level, any other as the typed number (portal.levels).
    leveled = [c for c in group.criteria if levels.has_levels(c)]
    chosen: dict[str, Any] = {}
    for criterion in leveled:
        saved = initial.get(f"c_{criterion.code}")
        if saved is not None and levels.is_level(saved):
            chosen[criterion.code] = initial.pop(f"c_{criterion.code}")
    data = None
    conflicts: dict[str, str] = {}
    if request.method == "POST":
        data = request.POST.copy()
        conflicts = levels.merge(data, leveled)
        chosen = {c.code: data.get(f"l_{c.code}", "") for c in leveled}
    form = form_class(data, initial=initial)
    for name in list(form.fields):
        if name not in names and name != "version":
            del form.fields[name]
    valid = form.is_valid() if data is not None else False
    for name, message in conflicts.items():
        if name in form.fields:
            form.add_error(name, message)
    if request.method == "POST" and valid and not conflicts:
        try:
            cycle.save_answers(
                actor=request.user,
                assessment=assessment,
                answers=answers_from(spec, form.cleaned_data),
                version=form.cleaned_data["version"],
            )
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
                for code, errors in exc.error_dict.items():
                    for error in errors:
                        form.add_error(f"c_{code}" if f"c_{code}" in form.fields else None, error)
            else:
                apply_errors(form, exc)
        else:
            target = step - 1 if request.POST.get("back") else step + 1
            return redirect("portal:step", pk=assessment.pk, step=max(target, 1))
    criteria = [
        (
            c,
            form[f"c_{c.code}"] if f"c_{c.code}" in form.fields else None,
            assessment.returned_reasons.get(c.code, ""),
            levels.options(c, chosen.get(c.code)) if levels.has_levels(c) else [],
        )
        for c in group.criteria
    ]
    return render(
        request,
        "portal/step.html",
        {
            "assessment": assessment,
            "group": group,
            "criteria": criteria,
            "form": form,
            "step": step,
            "steps": len(groups) + 1,
            "general_return": assessment.returned_reasons.get("", ""),
            "levels_note": levels.note(spec) if leveled else "",
        },
    )


def _summary(
    request: AuthedRequest, assessment: Assessment, spec: Any, last_step: int, editable: bool
) -> HttpResponse:
    if editable:
        cycle.recompute(assessment)
    results = assessment.result.get("criteria", {})
    rows = [(c, results.get(c.code, {}), assessment.derived.get(c.code)) for c in spec.criteria]
    return render(
        request,
        "portal/summary.html",
        {
            "assessment": assessment,
            "rows": rows,
            "failing": assessment.result.get("failing", []),
            "editable": editable,
            "last_step": last_step,
        },
    )


@login_required
@require_POST
def submit(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_or_404(request.user, pk, own=True)
    version = request.POST.get("version", "")
    try:
        cycle.submit(
            actor=request.user,
            assessment=assessment,
            version=int(version) if version.isdigit() else None,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect("portal:step", pk=assessment.pk, step=1)
    messages.success(request, _("Đã nộp bản tự đánh giá. Cán bộ thôn sẽ xem xét."))
    return redirect("portal:home")


@login_required
def details(request: AuthedRequest) -> HttpResponse:
    """The citizen's details and their change requests. While one waits for the officer
    the form is not offered again (a second identical request would be refused): the
    page shows what was asked and when, and how to take it back to ask otherwise."""
    citizen = _citizen(request)
    pending = services.pending_change(citizen)
    form = (
        None if pending is not None else ChangeForm(request.POST or None, commune=citizen.commune)
    )
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        changes = {
            "phone": data["phone"] or None,
            "occupation": data["occupation"] or None,
            "workplace": data["workplace"].pk if data["workplace"] else None,
            "village": data["village"].pk if data["village"] else None,
        }
        try:
            services.request_change(
                actor=request.user, citizen=citizen, changes=changes, reason=data["reason"]
            )
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã gửi đề nghị; cán bộ thôn sẽ xác nhận."))
            return redirect("portal:details")
    elif request.method == "POST" and pending is not None:
        messages.error(
            request,
            _(
                "Bạn còn một đề nghị đang chờ cán bộ thôn xác nhận; muốn sửa lại, hãy rút đề nghị đó trước."
            ),
        )
        return redirect("portal:details")
    requests = [
        (r, services.change_lines(r))
        for r in citizen.change_requests.select_related("citizen")[:20]
    ]
    return render(
        request,
        "portal/details.html",
        {"citizen": citizen, "form": form, "pending": pending, "requests": requests},
    )


@login_required
@require_POST
def withdraw_change(request: AuthedRequest, pk: int) -> HttpResponse:
    citizen = _citizen(request)
    item = get_object_or_404(ChangeRequest, pk=pk, citizen=citizen)
    try:
        done = services.withdraw_change(actor=request.user, request=item)
    except PermissionDenied as exc:
        messages.error(request, error_text(exc))
    else:
        if done.status == RequestStatus.WITHDRAWN:
            messages.success(request, _("Đã rút đề nghị; bạn có thể gửi đề nghị mới."))
        else:
            messages.error(
                request,
                _("Đề nghị đã được cán bộ thôn xử lý (%(s)s), không rút được nữa.")
                % {"s": done.get_status_display()},
            )
    return redirect("portal:details")


def _officer_villages(request: AuthedRequest) -> list[Place]:
    scope = scope_of(request.user)
    if not scope.roles & REQUEST_REVIEWERS:  # the menu's link asks the same (nav_requests)
        raise Http404
    return list(Place.objects.visible_to(request.user).current().villages())


@login_required
def review(request: AuthedRequest) -> HttpResponse:
    villages = _officer_villages(request)
    accounts = AccountRequest.objects.filter(
        status=RequestStatus.PENDING, village__in=villages
    ).select_related("village", "citizen")
    changes = ChangeRequest.objects.filter(
        status=RequestStatus.PENDING, citizen__village__in=villages
    ).select_related("citizen__village")
    rows = [
        (r, services.candidates(r) if r.citizen is None else [], services.same_identity_records(r))
        for r in accounts
    ]
    # Beside each request the officer sees the matching records' phones and birth dates.
    shown = [r.citizen_id for r, _c, _s in rows if r.citizen_id] + [
        c.pk for _r, candidates, _s in rows for c in candidates
    ]
    if shown:
        privacy.record_disclosure(
            actor=request.user, action="portal.review", citizen_ids=shown, note="duyệt tài khoản"
        )
    change_rows = [(c, services.change_lines(c)) for c in changes]
    return render(request, "portal/review.html", {"accounts": rows, "changes": change_rows})


@login_required
@require_POST
def review_account(request: AuthedRequest, pk: int) -> HttpResponse:
    villages = _officer_villages(request)
    item = get_object_or_404(AccountRequest, pk=pk, village__in=villages)
    try:
        if request.POST.get("action") == "reject":
            services.reject(actor=request.user, request=item, note=request.POST.get("note", ""))
            messages.success(request, _("Đã từ chối yêu cầu."))
        else:
            raw = request.POST.get("link_to", "")
            link = (
                Citizen.objects.visible_to(request.user).filter(pk=raw).first()
                if raw.isdigit()
                else None
            )
            citizen = services.approve(actor=request.user, request=item, link_to=link)
            messages.success(request, _("Đã xác nhận tài khoản của %(n)s.") % {"n": citizen})
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    return redirect("portal:review")


@login_required
@require_POST
def review_change(request: AuthedRequest, pk: int) -> HttpResponse:
    villages = _officer_villages(request)
    item = get_object_or_404(ChangeRequest, pk=pk, citizen__village__in=villages)
    try:
        services.decide_change(
            actor=request.user,
            request=item,
            approve_it=request.POST.get("action") != "reject",
            note=request.POST.get("note", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Đã xử lý đề nghị."))
    return redirect("portal:review")


@login_required
@require_POST
def password_reset(request: AuthedRequest, citizen_pk: int) -> HttpResponse:
    _officer_villages(request)
    citizen = get_citizen_or_404(request.user, citizen_pk)
    try:
        password = services.reset_password(actor=request.user, citizen=citizen)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect(reverse("registry:citizen_detail", args=[citizen.pk]))
    return render(request, "portal/password.html", {"citizen": citizen, "password": password})


@login_required
def my_data(request: AuthedRequest) -> HttpResponse:
    """What the system holds about me, and who has seen or exported my personal data."""
    citizen = _citizen(request)
    return render(
        request,
        "portal/my_data.html",
        {
            "citizen": citizen,
            "disclosures": [
                (e, mydata.disclosure_label(e.action), note_text(e.note))
                for e in privacy.disclosures_of([citizen.pk])[:200]
            ],
        },
    )


@login_required
def my_data_file(request: AuthedRequest, kind: str) -> HttpResponse:
    """Everything about me as a file (JSON for machines, PDF for people); recorded."""
    citizen = _citizen(request)
    if kind not in ("json", "pdf"):
        raise Http404
    data = mydata.collect(citizen)
    record(actor=request.user, action="portal.own_data", obj=citizen, note=kind)
    if kind == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2, default=str),
            content_type="application/json; charset=utf-8",
        )
    else:
        response = HttpResponse(mydata.as_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="du-lieu-cua-toi.{kind}"'
    response["Cache-Control"] = "no-store"
    return response
