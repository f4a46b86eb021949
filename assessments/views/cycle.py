"""The review pages: the list of a title's year, one assessment, its steps."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import authority, queries, services
from assessments import permissions as can
from assessments.evidence import FOLDER, add_evidence
from assessments.forms import EvidenceForm, VersionForm
from assessments.models import EDITABLE_STATES, OPEN_STATES, Assessment, State
from core import uploads
from core.forms import DATABASE_FAILED, apply_errors, error_text
from core.http import AuthedRequest
from core.paging import ids_first_page
from criteria.engine import spec_of
from criteria.forms import answers_form_class, answers_from, initial_answers
from criteria.models import CriterionKind
from criteria.titles import Title
from places.models import Place


@login_required
def assessment_list(request: AuthedRequest) -> HttpResponse:
    qs, chosen = queries.listing(request.user, request.GET)
    page = ids_first_page(qs, request.GET.get("page"), 50)
    params = request.GET.copy()
    params.pop("page", None)
    places = Place.objects.visible_to(request.user).current()
    communes = list(places.communes().order_by("name"))
    commune = chosen.get("xa") or (communes[0] if len(communes) == 1 else None)
    villages = (
        list(places.villages().filter(parent=commune).order_by("name"))
        if commune
        else list(places.villages().order_by("name")[:50])
        if not communes
        else []
    )
    return render(
        request,
        "assessments/list.html",
        {
            "page": page,
            "chosen": chosen,
            "titles": Title.choices,
            "states": State.choices,
            "communes": communes,
            "villages": villages,
            "extra_query": (params.urlencode() + "&") if params else "",
            "params": params.urlencode(),
            # Only what the user may ever take (the guard of assessments:bulk and of the
            # decision form, assessments.permissions.may_ever); the rest is not offered.
            "bulk_steps": {
                name: step.label
                for name, step in services.STEPS.items()
                if can.may_ever(request.user, step.may)
            },
            "may_decide": can.may_ever(request.user, can.can_decide),
            "may_open_years": can.may_open_years(request.user),
        },
    )


@login_required
def bulk_action(request: AuthedRequest) -> HttpResponse:
    """A review step on the filtered list: a confirmation with the count, then all or nothing."""
    name = request.POST.get("step") or request.GET.get("step", "")
    step = services.STEPS.get(name)
    # Refused up front, before a confirmation page, to whom can never take the step.
    if step is None or not can.may_ever(request.user, step.may):
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    qs, chosen = queries.listing(request.user, source)
    targets = qs.filter(state=step.bulk_source)
    ids = request.POST.getlist("ids") if request.method == "POST" else request.GET.getlist("ids")
    if ids:
        targets = targets.filter(pk__in=[int(i) for i in ids if i.isdigit()])
    count = targets.count()
    if request.method == "POST" and request.POST.get("confirm") == str(count):
        try:
            # Only what `bulk` holds each row to (its id and the version listed): the
            # service locks and reads the rows itself.
            listed = list(targets.select_related(None).only("pk", "version"))
            done = services.bulk(actor=request.user, step=step.name, assessments=listed)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(
                request,
                _("Không thực hiện được, chưa thay đổi hồ sơ nào: %(e)s") % {"e": error_text(exc)},
            )
        except DatabaseError:
            # The connection dropped or the database refused mid-way: the transaction is gone.
            messages.error(request, DATABASE_FAILED)
        else:
            messages.success(
                request,
                _("Đã %(s)s %(n)s hồ sơ.") % {"s": str(step.label).lower(), "n": done},
            )
        return redirect(
            f"{reverse('assessments:list')}?nam={chosen['nam']}&danh_hieu={chosen['danh_hieu']}"
        )
    if request.method == "POST" and request.POST.get("confirm"):
        messages.error(
            request,
            _("Danh sách vừa thay đổi (nay có %(n)s hồ sơ); hãy xác nhận lại.") % {"n": count},
        )
    return render(
        request,
        "assessments/bulk_confirm.html",
        {
            "step": step.name,
            "label": step.label,
            "count": count,
            "targets": targets[:100],
            "params": source,
            "ids": ids,
        },
    )


def _detail_context(
    request: AuthedRequest, assessment: Assessment, form: Any = None
) -> dict[str, Any]:
    spec = spec_of(assessment.criteria_set)
    editable = assessment.state in EDITABLE_STATES and can.can_fill(request.user, assessment)
    if form is None and editable:
        form = answers_form_class(spec)(
            initial=initial_answers(spec, assessment.answers, assessment.version)
        )
    results = assessment.result.get("criteria", {})
    evidence: dict[str, list[Any]] = {}
    for item in assessment.evidence.all():
        evidence.setdefault(item.criterion_code, []).append(item)
    groups = []
    for group in spec.groups:
        rows = []
        for criterion in group.criteria:
            rows.append(
                {
                    "spec": criterion,
                    "field": form[f"c_{criterion.code}"]
                    if form is not None and f"c_{criterion.code}" in form.fields
                    else None,
                    "result": results.get(criterion.code, {}),
                    "derived": assessment.derived.get(criterion.code),
                    "returned": assessment.returned_reasons.get(criterion.code, ""),
                    "evidence": evidence.get(criterion.code, []),
                }
            )
        groups.append({"spec": group, "rows": rows})
    state = assessment.state
    return {
        "assessment": assessment,
        "set": assessment.criteria_set,
        "groups": groups,
        "form": form,
        "editable": editable,
        "can_submit": editable,
        "can_verify": state == State.SUBMITTED and can.can_verify(request.user, assessment),
        "can_propose": state == State.VERIFIED and can.can_propose(request.user, assessment),
        "can_return": state in services.RETURNABLE and can.can_return(request.user, assessment),
        "can_revoke": state == State.RECOGNISED and can.can_decide(request.user, assessment),
        "is_open": state in OPEN_STATES,
        "failing": assessment.result.get("failing", []),
        "evidence_form": EvidenceForm(),
        "general_return": assessment.returned_reasons.get("", ""),
    }


@login_required
def assessment_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = can.get_assessment_or_404(request.user, pk, write=request.method == "POST")
    form = None
    if request.method == "POST":
        if assessment.state not in EDITABLE_STATES:
            raise Http404
        spec = spec_of(assessment.criteria_set)
        form = answers_form_class(spec)(request.POST)
        if form.is_valid():
            try:
                services.save_answers(
                    actor=request.user,
                    assessment=assessment,
                    answers=answers_from(spec, form.cleaned_data),
                    version=form.cleaned_data["version"],
                )
            except (ValidationError, PermissionDenied) as exc:
                _answer_errors(form, exc)
            else:
                if request.POST.get("and_submit"):
                    assessment.refresh_from_db()
                    return _step(request, assessment, "submit", assessment.version)
                messages.success(request, _("Đã lưu bản tự đánh giá."))
                return redirect("assessments:detail", pk=assessment.pk)
    return render(request, "assessments/detail.html", _detail_context(request, assessment, form))


def _answer_errors(form: Any, exc: ValidationError | PermissionDenied) -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for code, errors in exc.error_dict.items():
            field = f"c_{code}" if f"c_{code}" in form.fields else None
            for error in errors:
                form.add_error(field, error)
    else:
        apply_errors(form, exc)


@login_required
def derived_fragment(request: AuthedRequest, pk: int) -> HttpResponse:
    """Recomputed derived values while the assessment is open (polled by the page)."""
    assessment = can.get_assessment_or_404(request.user, pk)
    if assessment.state in OPEN_STATES:
        services.recompute(assessment)
    context = _detail_context(request, assessment)
    return render(request, "assessments/_result.html", context)


def _step(
    request: AuthedRequest, assessment: Assessment, name: str, version: int | None
) -> HttpResponse:
    step = services.STEPS[name]
    try:
        step.function(actor=request.user, assessment=assessment, version=version)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, str(step.done))
    return redirect("assessments:detail", pk=assessment.pk)


@login_required
@require_POST
def assessment_step(request: AuthedRequest, pk: int, step: str) -> HttpResponse:
    if step not in services.STEPS:
        raise Http404
    assessment = can.get_assessment_or_404(request.user, pk, write=step)
    form = VersionForm(request.POST)
    if not form.is_valid():
        raise Http404
    return _step(request, assessment, step, form.cleaned_data["version"])


@login_required
def assessment_return(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = can.get_assessment_or_404(request.user, pk, write="return")
    spec = spec_of(assessment.criteria_set)
    error = ""
    if request.method == "POST":
        reasons = {c.code: request.POST.get(f"r_{c.code}", "") for c in spec.criteria}
        reasons[""] = request.POST.get("r_general", "")
        version = request.POST.get("version", "")
        try:
            services.return_for_correction(
                actor=request.user,
                assessment=assessment,
                reasons=reasons,
                version=int(version) if version.isdigit() else None,
            )
        except (ValidationError, PermissionDenied) as exc:
            error = error_text(exc)
        else:
            messages.success(request, _("Đã trả lại hồ sơ để sửa."))
            return redirect("assessments:detail", pk=assessment.pk)
    context = _detail_context(request, assessment)
    return render(
        request,
        "assessments/return.html",
        {
            "assessment": assessment,
            "groups": [
                {
                    "spec": group["spec"],
                    "rows": [
                        {
                            **row,
                            "answer": answer_text(row["spec"], assessment.answers),
                            "posted": request.POST.get(f"r_{row['spec'].code}", ""),
                        }
                        for row in group["rows"]
                    ],
                }
                for group in context["groups"]
            ],
            "failing": context["failing"],
            "error": error,
            "posted": request.POST,
        },
    )


def _shown(number: Any) -> str:
    return f"{Decimal(str(number)).normalize():f}".replace(".", ",")


def answer_text(criterion: Any, answers: dict[str, Any]) -> str:
    """What the file answered for one criterion, in words (the officer reads it before
    returning it); "" for a computed one (its figures are shown instead)."""
    if criterion.kind == CriterionKind.DERIVED:
        return ""
    value = answers.get(criterion.code)
    if value is None or value == "":
        return _("Chưa trả lời")
    if criterion.kind == CriterionKind.YESNO:
        return _("Có") if value else _("Không")
    if criterion.kind == CriterionKind.SCORE:
        return _("%(v)s/%(m)s điểm") % {"v": _shown(value), "m": _shown(criterion.points)}
    if criterion.kind == CriterionKind.CHOICE:
        options = criterion.options
        if isinstance(value, int) and 0 <= value < len(options):
            return str(options[value].get("label", ""))
        return _("Chưa trả lời")
    return f"{_shown(value)} {criterion.unit}".strip()


@login_required
def assessment_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    """A title is revoked by a revocation decision: its form, this record ticked."""
    assessment = can.get_assessment_or_404(request.user, pk, write="decide")
    place = authority.authority_of(assessment).territory(assessment)
    return redirect(
        f"{reverse('assessments:revocation_create')}?nam={assessment.year}"
        f"&danh_hieu={assessment.title}&noi={place.pk}&chon={assessment.pk}"
    )


@login_required
@require_POST
def evidence_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = can.get_assessment_or_404(request.user, pk, write=True)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            add_evidence(
                actor=request.user,
                assessment=assessment,
                criterion_code=form.cleaned_data["criterion"],
                upload=form.cleaned_data["file"],
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Đã thêm minh chứng."))
    else:
        messages.error(request, _("Hãy chọn tệp minh chứng."))
    return redirect("assessments:detail", pk=assessment.pk)


@login_required
def evidence_file(request: AuthedRequest, pk: int, evidence_pk: int) -> FileResponse:
    assessment = can.get_assessment_or_404(request.user, pk)
    item = get_object_or_404(assessment.evidence, pk=evidence_pk)
    return uploads.file_response(
        FOLDER, item.stored_name, content_type=item.content_type, name=item.original_name
    )
