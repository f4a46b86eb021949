"""Assessment endpoints: read results, fill in a self-assessment, take review steps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from api.registry import _service_errors, paginate
from api.schemas import Code, Errors, Id, Message, Page, PageSize, Version, Year, page_of
from assessments import permissions as can
from assessments import services
from assessments.models import Assessment, State
from core.http import AuthedRequest
from core.text import nfc_any
from criteria.titles import Title

router = Router(tags=["Bình xét"])


class AssessmentOut(Schema):
    id: int
    title: str
    year: int
    subject_kind: str
    subject_name: str
    commune_id: int
    village_id: int | None
    criteria_set_id: int
    state: str
    answers: dict[str, Any]
    total: Decimal | None
    passed: bool | None
    band: str
    level: int
    result: dict[str, Any]
    returned_reasons: dict[str, str]
    version: int
    decision_id: int | None
    valid_until: dt.date | None


class AssessmentFilter(Schema):
    year: Year | None = None
    title: Code | None = None
    state: Code | None = None
    page: Page = 1
    page_size: PageSize = 50


class AnswersIn(Schema):
    answers: dict[str, Any]
    version: Version | None = None
    submit: bool = False


class StepIn(Schema):
    version: Version | None = None


class ReturnIn(Schema):
    reasons: dict[str, str]
    version: Version | None = None


@router.get("/assessments", response=page_of(AssessmentOut), summary="Danh sách hồ sơ bình xét")
def list_assessments(request: AuthedRequest, params: Query[AssessmentFilter]) -> dict[str, Any]:
    qs = Assessment.objects.visible_to(request.user).order_by("id")
    if params.year:
        qs = qs.filter(year=params.year)
    if params.title in Title.values:
        qs = qs.filter(title=params.title)
    if params.state in State.values:
        qs = qs.filter(state=params.state)
    return paginate(qs, params.page, params.page_size)


@router.get("/assessments/{assessment_id}", response=AssessmentOut, summary="Một hồ sơ và kết quả")
def get_assessment(request: AuthedRequest, assessment_id: Id) -> Assessment:
    return can.get_assessment_or_404(request.user, assessment_id)


@router.post(
    "/assessments/{assessment_id}/answers",
    response={200: AssessmentOut, 403: Message, 422: Errors},
    summary="Lưu (và nộp) bản tự đánh giá",
)
def save_answers(request: AuthedRequest, assessment_id: Id, payload: AnswersIn) -> Any:
    # Read, not write: the service checks the version (422) before the right (403).
    assessment = can.get_assessment_or_404(request.user, assessment_id)
    try:
        saved = services.save_answers(
            actor=request.user,
            assessment=assessment,
            answers={k: nfc_any(v) for k, v in payload.answers.items()},
            version=payload.version,
        )
        if payload.submit:
            saved = services.submit(actor=request.user, assessment=saved, version=saved.version)
    except (ValidationError, PermissionDenied) as exc:
        return _service_errors(exc)
    saved.refresh_from_db()
    return Status(200, saved)


@router.post(
    "/assessments/{assessment_id}/return",
    response={200: AssessmentOut, 403: Message, 422: Errors},
    summary="Trả lại để sửa, lý do theo tiêu chí",
)
def return_assessment(request: AuthedRequest, assessment_id: Id, payload: ReturnIn) -> Any:
    assessment = can.get_assessment_or_404(request.user, assessment_id, write="return")  # 403
    try:
        done = services.return_for_correction(
            actor=request.user,
            assessment=assessment,
            reasons={k: str(nfc_any(v)) for k, v in payload.reasons.items()},
            version=payload.version,
        )
    except (ValidationError, PermissionDenied) as exc:
        return _service_errors(exc)
    return Status(200, done)


@router.post(
    "/assessments/{assessment_id}/{step}",
    response={200: AssessmentOut, 403: Message, 404: Message, 422: Errors},
    summary="Bước bình xét: nộp (submit), xác nhận (verify), đề nghị công nhận (propose)",
)
def take_step(request: AuthedRequest, assessment_id: Id, step: Code, payload: StepIn) -> Any:
    assessment = can.get_assessment_or_404(request.user, assessment_id)
    chosen = services.STEPS.get(step)
    if chosen is None:
        return Status(404, {"detail": _("Không có bước “%(s)s”.") % {"s": step}})
    try:
        done = chosen.function(actor=request.user, assessment=assessment, version=payload.version)
    except (ValidationError, PermissionDenied) as exc:
        return _service_errors(exc)
    return Status(200, done)
