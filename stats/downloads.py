"""The report files as downloads: the annual report, the report to the Ministry and the national
association, and the plan's reviews. The province's, or a commune officer's own commune."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from accounts.models import Role
from accounts.scope import scope_of
from core.http import AuthedRequest, attachment, xlsx_response
from places.models import Place
from stats.exports import annual_data, annual_pdf, annual_xlsx
from stats.ministry import ministry_data, ministry_document, ministry_xlsx
from stats.report_docx import report_docx
from stats.report_layout import report_pdf
from stats.reviews import review_data, review_document, review_stem, review_xlsx

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORMATS = ("xlsx", "pdf", "docx")


def _require_reader(request: AuthedRequest) -> Place | None:
    scope = scope_of(request.user)
    if scope.is_province:
        return None
    communes = [a.place for a in scope.assignments if a.role == Role.COMMUNE_OFFICER]
    if not communes:
        raise Http404
    return communes[0]


def _file(content: bytes, stem: str, kind: str) -> HttpResponse:
    if kind == "xlsx":
        return xlsx_response(content, f"{stem}.xlsx")
    return attachment(content, f"{stem}.{kind}", PDF if kind == "pdf" else DOCX)


def annual_file(year: int, kind: str, place: Place | None = None) -> bytes:
    data = annual_data(year, place)
    return annual_xlsx(data) if kind == "xlsx" else annual_pdf(data)


def ministry_file(year: int, kind: str, place: Place | None = None) -> bytes:
    data = ministry_data(year, place)
    if kind == "xlsx":
        return ministry_xlsx(data)
    document = ministry_document(data)
    return report_pdf(document) if kind == "pdf" else report_docx(document)


def review_file(first: int, last: int, kind: str, place: Place | None = None) -> bytes:
    data = review_data(first, last, place)
    if kind == "xlsx":
        return review_xlsx(data)
    document = review_document(data)
    return report_pdf(document) if kind == "pdf" else report_docx(document)


@login_required
def annual(request: AuthedRequest, year: int, kind: str) -> HttpResponse:
    place = _require_reader(request)
    if kind not in ("xlsx", "pdf") or not 2019 < year < 2100:
        raise Http404
    return _file(annual_file(year, kind, place), f"bao-cao-{year}", kind)


@login_required
def ministry(request: AuthedRequest, year: int, kind: str) -> HttpResponse:
    place = _require_reader(request)
    if kind not in FORMATS or not 2019 < year < 2100:
        raise Http404
    return _file(ministry_file(year, kind, place), f"bao-cao-gui-bo-{year}", kind)


@login_required
def review(request: AuthedRequest, first: int, last: int, kind: str) -> HttpResponse:
    place = _require_reader(request)
    if kind not in FORMATS or not (2019 < first < last < 2100):
        raise Http404
    return _file(review_file(first, last, kind, place), review_stem(first, last), kind)
