"""Indicators, targets and statistical reports."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from accounts.models import Role
from accounts.scope import scope_of
from api.registry import _service_errors
from api.schemas import Code, Count, Errors, Id, Message, Version, Year
from core.http import AuthedRequest
from places.models import Place, PlaceKind
from stats import services
from stats.compute import current_communes, figures, indicators
from stats.dashboard import Targets, milestone, province_place
from stats.definitions import DEFINITIONS, Definition, Term
from stats.figures import FIGURE_NAMES, INDICATORS
from stats.indicator_views import figure_label
from stats.models import StatReport, Target
from stats.views import READERS

router = Router(tags=["Chỉ tiêu, báo cáo"])


class IndicatorOut(Schema):
    code: str
    numerator: int | None
    total: int | None
    registered: int | None
    share_of_all: Decimal | None
    share_of_registered: Decimal | None
    target: Decimal | None
    target_year: int


class IndicatorsOut(Schema):
    place_id: int
    year: int
    official: bool
    communes_reported: int
    indicators: list[IndicatorOut]


class TargetOut(Schema):
    indicator: str
    place_id: int
    year: int
    source: str
    value: Decimal


class ReportOut(Schema):
    id: int
    commune_id: int
    year: int
    status: str
    version: int
    figures: dict[str, int | None]


class ReportIn(Schema):
    figures: dict[Code, Count | None]
    version: Version | None = None
    submit: bool = False


def _place(request: AuthedRequest, place_id: int | None) -> Place:
    if place_id is None:
        if scope_of(request.user).is_province:
            return province_place()
        communes = [
            a.place for a in scope_of(request.user).assignments if a.role == Role.COMMUNE_OFFICER
        ]
        if not communes:
            raise PermissionDenied
        return communes[0]
    place = get_object_or_404(
        Place.objects.visible_to(request.user).filter(
            kind__in=[PlaceKind.PROVINCE, PlaceKind.COMMUNE]
        ),
        pk=place_id,
    )
    if not scope_of(request.user).roles & {
        Role.PROVINCE_ADMIN,
        Role.PROVINCE_VIEWER,
        Role.COMMUNE_OFFICER,
    }:
        raise PermissionDenied
    return place


@router.get(
    "/indicators",
    response={200: IndicatorsOut, 403: Message},
    summary="Chỉ số của một địa bàn trong một năm",
)
def get_indicators(
    request: AuthedRequest, year: Year, place_id: Id | None = None, official: bool = True
) -> Any:
    try:
        place = _place(request, place_id)
    except PermissionDenied:
        return Status(403, {"detail": "Không có quyền xem số liệu."})
    communes = current_communes(place)
    data = figures(communes, year, official=official)
    values = indicators([f.values for f in data.values()])
    targets = Targets()
    province = province_place()
    target_year = milestone(year)
    return {
        "place_id": place.pk,
        "year": year,
        "official": official,
        "communes_reported": len(data),
        "indicators": [
            {
                "code": code,
                "numerator": v.numerator,
                "total": v.total,
                "registered": v.registered,
                "share_of_all": v.share_of_all,
                "share_of_registered": v.share_of_registered,
                "target": targets.for_place(code, place, province, target_year),
                "target_year": target_year,
            }
            for code, v in values.items()
        ],
    }


@router.get("/targets", response=list[TargetOut], summary="Chỉ tiêu đang áp dụng")
def list_targets(request: AuthedRequest, indicator: Code | None = None) -> Any:
    if not scope_of(request.user).roles & {
        Role.PROVINCE_ADMIN,
        Role.PROVINCE_VIEWER,
        Role.COMMUNE_OFFICER,
    }:
        return []
    qs = Target.objects.filter(replaced_at__isnull=True).order_by("indicator", "year", "source")
    if indicator in INDICATORS:
        qs = qs.filter(indicator=indicator)
    return [
        {
            "indicator": t.indicator,
            "place_id": t.place_id,
            "year": t.year,
            "source": t.source,
            "value": t.value,
        }
        for t in qs
    ]


class TermOut(Schema):
    figure: str
    figure_label: str
    definition: str


class BasisOut(Schema):
    document: str
    section: str


class DefinitionOut(Schema):
    code: str
    name: str
    unit: str
    population: str
    numerator: TermOut
    denominator: TermOut
    registered: TermOut | None
    sources: list[str]
    basis: list[BasisOut]
    status: str
    status_label: str
    reason: str


def _term_out(term: Term | None) -> dict[str, str] | None:
    if term is None:
        return None
    return {
        "figure": term.figure,
        "figure_label": figure_label(term),
        "definition": term.definition,
    }


def _definition_out(d: Definition) -> dict[str, Any]:
    return {
        "code": d.code,
        "name": d.name,
        "unit": d.unit,
        "population": d.population,
        "numerator": _term_out(d.numerator),
        "denominator": _term_out(d.denominator),
        "registered": _term_out(d.registered),
        "sources": list(d.sources),
        "basis": [{"document": b.document, "section": b.section} for b in d.basis],
        "status": d.status,
        "status_label": d.status_label,
        "reason": d.reason,
    }


@router.get(
    "/indicator-definitions",
    response={200: list[DefinitionOut], 403: Message},
    summary="Định nghĩa các chỉ số (tử số, mẫu số, nguồn, căn cứ)",
)
def list_indicator_definitions(request: AuthedRequest) -> Any:
    """The same definitions as the indicator pages and docs/indicators.md; status is
    "official" (the plan's words) or "proposal" (a reading, with its reason)."""
    if not scope_of(request.user).roles & READERS:
        return Status(403, {"detail": "Không có quyền xem số liệu."})
    return Status(200, [_definition_out(d) for d in DEFINITIONS.values()])


def _report_out(report: StatReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "commune_id": report.commune_id,
        "year": report.year,
        "status": report.status,
        "version": report.version,
        "figures": report.values(),
    }


@router.get(
    "/reports/{commune_id}/{year}",
    response={200: ReportOut, 403: Message, 404: Message},
    summary="Báo cáo thống kê của xã",
)
def get_report(request: AuthedRequest, commune_id: Id, year: Year) -> Any:
    try:
        place = _place(request, commune_id)
    except PermissionDenied:
        return Status(403, {"detail": "Không có quyền xem số liệu."})
    report = StatReport.objects.filter(commune=place, year=year).first()
    if report is None:
        return Status(404, {"detail": "Chưa lập báo cáo."})
    return Status(200, _report_out(report))


@router.put(
    "/reports/{commune_id}/{year}",
    response={200: ReportOut, 403: Message, 422: Errors},
    summary="Ghi (và gửi) báo cáo thống kê của xã",
)
def put_report(request: AuthedRequest, commune_id: Id, year: Year, payload: ReportIn) -> Any:
    place = get_object_or_404(Place.objects.visible_to(request.user).communes(), pk=commune_id)
    unknown = sorted(set(payload.figures) - set(FIGURE_NAMES))
    if unknown:
        return Status(422, {"errors": {name: ["Không có chỉ số này."] for name in unknown}})
    try:
        report = services.report_for(actor=request.user, commune=place, year=year)
        report = services.save_report(
            actor=request.user, report=report, values=payload.figures, version=payload.version
        )
        if payload.submit:
            report = services.submit_report(actor=request.user, report=report)
    except (ValidationError, PermissionDenied) as exc:
        return _service_errors(exc)
    return Status(200, _report_out(report))
