"""Assessment endpoints: read results, fill in a self-assessment, take review steps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from api.paging import Listing
from api.registry import PAGED, PAGED_422, _service_errors, paginate, start_of
from api.schemas import Code, Errors, Id, Message, PageParams, Version, Year, page_of
from assessments import permissions as can
from assessments import services
from assessments.models import Assessment, Decision, Revocation, State
from core.http import AuthedRequest
from core.text import nfc_any
from criteria.titles import Title
from places.access import get_place_or_404
from registry.access import ReadOnly

router = Router(tags=["Bình xét"])
MAX_DECISION_ROWS = 5000


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


class AssessmentFilter(PageParams):
    year: Year | None = None
    title: Code | None = None
    state: Code | None = None


# By place (the village's or commune's path: a scope is one range of the path index) and
# id within a place: a commune officer's page is read from the index, not sorted.
ASSESSMENTS = Listing("assessments", ("path", "id"))


class AnswersIn(Schema):
    answers: dict[str, Any]
    version: Version | None = None
    submit: bool = False


class StepIn(Schema):
    version: Version | None = None


class ReturnIn(Schema):
    reasons: dict[str, str]
    version: Version | None = None


@router.get(
    "/assessments",
    response={200: page_of(AssessmentOut), 422: Errors},
    summary="Danh sách hồ sơ bình xét",
    description="Thứ tự: theo địa bàn (thôn, xã) rồi id. " + PAGED,
    openapi_extra=PAGED_422,
)
def list_assessments(request: AuthedRequest, params: Query[AssessmentFilter]) -> Any:
    start = start_of(ASSESSMENTS, Assessment, params)
    if isinstance(start, Status):
        return start
    qs = Assessment.objects.visible_to(request.user)
    if params.year:
        qs = qs.filter(year=params.year)
    if params.title in Title.values:
        qs = qs.filter(title=params.title)
    if params.state in State.values:
        qs = qs.filter(state=params.state)
    # A year's records are counted from the (title, year, path, state) index (15 ms for
    # the province's 10,001 first); by path, the other years' records are read and
    # dropped (0.2 s).
    count_order = ("title", "year", "path") if params.year else ()
    return paginate(qs, ASSESSMENTS, start, params, "", count_order=count_order)


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


class SignedIn(Schema):
    """What a recognition and a revocation decision both carry: the records, the number, the
    date, the signer and the issuing body."""

    assessment_ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_DECISION_ROWS)]
    number: Annotated[str, Field(min_length=1, max_length=40)]
    signed_on: dt.date
    signer_name: Annotated[str, Field(min_length=1, max_length=120)]
    signer_title: Annotated[str, Field(min_length=1, max_length=120)]
    sign_form: Annotated[str, Field(max_length=4)] = ""
    authority: Annotated[str, Field(max_length=200)] = ""
    superior: Annotated[str, Field(max_length=200)] | None = None
    # The issuing body's territory (a commune, or the province for a title it decides);
    # by default the first record's. A record outside it is refused by name.
    authority_place_id: Id | None = None


class DecisionIn(SignedIn):
    not_recognised: dict[
        Annotated[str, Field(max_length=20)], Annotated[str, Field(max_length=500)]
    ] = {}


class DecisionOut(Schema):
    id: int
    number: str
    authority: str
    superior: str
    authority_place_id: int
    signed_on: dt.date
    signer_name: str
    signer_title: str
    sign_form: str
    title: str
    year: int
    assessment_ids: list[int]


def _signed_out(signed: Decision | Revocation, schema: type[Schema]) -> dict[str, Any]:
    return {
        **{name: getattr(signed, name) for name in schema.model_fields if name != "assessment_ids"},
        "assessment_ids": sorted(signed.assessments.values_list("pk", flat=True)),
    }


def _decision_out(decision: Decision) -> dict[str, Any]:
    return _signed_out(decision, DecisionOut)


def _decidable(request: AuthedRequest, payload: SignedIn) -> list[Assessment]:
    """The payload's records in its order, each one the user may decide (and so revoke):
    one outside the user's sight is a 404, one the user only sees a 403, as on its page."""
    ids = list(dict.fromkeys(payload.assessment_ids))
    found = {
        a.pk: a
        for a in Assessment.objects.visible_to(request.user)
        .select_related("commune", "organisation")
        .filter(pk__in=ids)
    }
    if len(found) != len(ids):
        raise Http404
    for assessment in found.values():
        if not can.can_decide(request.user, assessment):
            raise ReadOnly(str(can.WRITES["decide"][1]))
    return [found[pk] for pk in ids]


def _signing(request: AuthedRequest, payload: SignedIn) -> dict[str, Any] | Status:
    """The signing fields both decisions pass to their service, NFC-normalised, or the
    422 answer naming the field that is wrong."""
    if payload.sign_form not in ("", "KT.", "TM."):
        return Status(422, {"errors": {"sign_form": [_("Thể thức ký là KT., TM. hoặc để trống.")]}})
    if payload.signed_on > timezone.localdate():
        return Status(422, {"errors": {"signed_on": [_("Ngày ký không được ở tương lai.")]}})
    place = None
    if payload.authority_place_id is not None:
        place = get_place_or_404(request.user, payload.authority_place_id)
    return {
        "number": str(nfc_any(payload.number)),
        "signed_on": payload.signed_on,
        "signer_name": str(nfc_any(payload.signer_name)),
        "signer_title": str(nfc_any(payload.signer_title)),
        "sign_form": payload.sign_form,
        "authority": str(nfc_any(payload.authority)),
        "superior": None if payload.superior is None else str(nfc_any(payload.superior)),
        "authority_place": place,
    }


@router.post(
    "/decisions",
    response={201: DecisionOut, 403: Message, 404: Message, 422: Errors},
    summary="Ghi quyết định công nhận (hồ sơ đã đề nghị của một danh hiệu, một năm, một cơ quan)",
)
def create_decision(request: AuthedRequest, payload: DecisionIn) -> Any:
    chosen = _decidable(request, payload)
    within = {a.pk for a in chosen}
    refused: dict[int, str] = {}
    for key, reason in payload.not_recognised.items():
        if not key.isdigit() or int(key) not in within:
            return Status(
                422,
                {
                    "errors": {
                        "not_recognised": [_("Hồ sơ %(k)s không có trong quyết định.") % {"k": key}]
                    }
                },
            )
        refused[int(key)] = str(nfc_any(reason)).strip()
    signing = _signing(request, payload)
    if isinstance(signing, Status):
        return signing
    try:
        decision = services.decide(
            actor=request.user, assessments=chosen, not_recognised=refused, **signing
        )
    except (ValidationError, PermissionDenied) as exc:
        return _service_errors(exc)
    return Status(201, _decision_out(decision))


@router.get(
    "/decisions/{decision_id}",
    response={200: DecisionOut, 404: Message},
    summary="Một quyết định công nhận (cho người xem được cả quyết định)",
)
def get_decision(request: AuthedRequest, decision_id: Id) -> Any:
    return Status(
        200, _decision_out(can.get_decision_or_404(request.user, decision_id, whole=True))
    )


class RevocationIn(SignedIn):
    reason: Annotated[str, Field(min_length=1, max_length=2000)]
    # A key of the caller's choosing: the same request sent twice records one revocation.
    key: Annotated[str, Field(max_length=40)] = ""


class RevocationOut(DecisionOut):
    reason: str


def _revocation_out(revocation: Revocation) -> dict[str, Any]:
    return _signed_out(revocation, RevocationOut)


@router.post(
    "/revocations",
    response={201: RevocationOut, 403: Message, 404: Message, 422: Errors},
    summary="Ghi quyết định thu hồi danh hiệu đã công nhận (một danh hiệu, một năm, một cơ quan)",
)
def create_revocation(request: AuthedRequest, payload: RevocationIn) -> Any:
    chosen = _decidable(request, payload)  # who may decide a title may revoke it
    key = str(nfc_any(payload.key)).strip()
    if key:
        done = Revocation.objects.filter(key=key).first()
        if done is not None and can.sees_whole_decision(request.user, done):
            return Status(201, _revocation_out(done))  # the same request, sent again
    signing = _signing(request, payload)
    if isinstance(signing, Status):
        return signing
    try:
        revocation = services.revoke(
            actor=request.user,
            assessments=chosen,
            reason=str(nfc_any(payload.reason)).strip(),
            key=key,
            **signing,
        )
    except (ValidationError, PermissionDenied) as exc:
        return _service_errors(exc)
    return Status(201, _revocation_out(revocation))


@router.get(
    "/revocations/{revocation_id}",
    response={200: RevocationOut, 404: Message},
    summary="Một quyết định thu hồi (cho người xem được cả quyết định)",
)
def get_revocation(request: AuthedRequest, revocation_id: Id) -> Any:
    return Status(200, _revocation_out(can.get_revocation_or_404(request.user, revocation_id)))
