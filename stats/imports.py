"""Statistical reports from Excel: one row per commune and year — today's communes, or the
pre-2025 ones for the 2020–2024 history. All rows or none."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from accounts.scope import scope_of
from audit.services import record
from core.http import AuthedRequest, xlsx_response
from core.xlsx import Column, ImportFileError, ImportReport, read_sheet, write_workbook
from places.models import REFORM_DATE, Place
from stats.figures import FIGURES
from stats.models import ReportSource, ReportStatus, StatReport
from stats.services import approve_reports, check_values

CODE = Column(
    "commune_code",
    "Mã xã/phường",
    required=True,
    aliases=("mã xã", "mã đơn vị"),
    width=12,
    help="Năm trước 2025: mã xã cũ (trước sáp nhập); từ 2025: mã xã/phường hiện nay.",
)
YEAR = Column("year", "Năm", required=True, width=8)
COLUMNS = [CODE, YEAR, *[Column(f.name, f.label, width=16) for f in FIGURES]]


def template_bytes() -> bytes:
    return write_workbook(
        title=_("Mẫu báo cáo thống kê phong trào học tập suốt đời"),
        columns=COLUMNS,
        instructions=[
            _("Mỗi dòng là báo cáo của một xã trong một năm; để trống ô chưa có số liệu."),
            _(
                "Số liệu các năm 2020–2024 ghi theo xã cũ (trước 01/07/2025), hệ thống tự cộng sang xã mới."
            ),
        ],
    )


def import_reports(*, actor: User, data: bytes, dry_run: bool = False) -> ImportReport:
    report = ImportReport()
    try:
        sheet = read_sheet(data, COLUMNS)
    except ImportFileError as exc:
        report.file_error(str(exc))
        return report
    report.sheet, report.warnings = sheet, list(sheet.warnings)
    scope = scope_of(actor)
    places: dict[tuple[str, bool], Place] = {}
    for place in Place.objects.communes():
        places[(place.code or "", place.is_legacy)] = place
    existing = {(r.commune_id, r.year): r for r in StatReport.objects.all()}
    columns = {c.key: c for c in COLUMNS}
    planned: list[tuple[Place, int, dict[str, int | None]]] = []
    seen: dict[tuple[int, int], int] = {}
    for row in sheet.rows:
        code = str(row.values.get("commune_code") or "").strip().removesuffix(".0")
        year_raw = str(row.values.get("year") or "").strip().removesuffix(".0")
        if not year_raw.isdigit() or not 2000 <= int(year_raw) <= 2100:
            report.error(row, YEAR, _("Năm “%(y)s” không hợp lệ.") % {"y": year_raw})
            continue
        year = int(year_raw)
        legacy = year < REFORM_DATE.year
        place = places.get((code.zfill(5), legacy))
        if place is None:
            which = _("xã cũ (trước 01/07/2025)") if legacy else _("xã/phường hiện nay")
            report.error(row, CODE, _("Không có %(w)s mã “%(c)s”.") % {"w": which, "c": code})
            continue
        allowed = scope.is_province_admin or (
            not legacy and scope.covers(place, {Role.COMMUNE_OFFICER})
        )
        if not allowed:
            report.error(row, CODE, _("%(p)s ngoài phạm vi bạn được nhập.") % {"p": place})
            continue
        values: dict[str, int | None] = {}
        bad = False
        for figure in FIGURES:
            raw = row.values.get(figure.name)
            text = str(raw).strip().removesuffix(".0") if raw not in (None, "") else ""
            if not text:
                values[figure.name] = None
            elif text.isdigit():
                values[figure.name] = int(text)
            else:
                report.error(
                    row,
                    columns[figure.name],
                    _("“%(v)s” không phải số nguyên không âm.") % {"v": raw},
                )
                bad = True
        if bad:
            continue
        for name, messages in check_values(values).items():
            for message in messages:
                report.error(row, columns[name], message)
        key = (place.pk, year)
        if key in seen:
            report.error(row, CODE, _("Trùng với dòng %(r)s.") % {"r": seen[key]})
            continue
        seen[key] = row.number
        current = existing.get(key)
        if current is not None and current.status == ReportStatus.APPROVED:
            report.error(
                row,
                CODE,
                _("Báo cáo %(y)s của %(p)s đã được duyệt; cần mở lại trước khi nhập đè.")
                % {"y": year, "p": place},
            )
            continue
        planned.append((place, year, values))
    if report.errors or dry_run:
        report.created = (
            0 if report.errors else sum(1 for p, y, _v in planned if (p.pk, y) not in existing)
        )
        return report
    approve = scope.is_province_admin
    to_approve: list[StatReport] = []
    with transaction.atomic():
        for place, year, values in planned:
            found = existing.get((place.pk, year))
            if found is None:
                found = StatReport(commune=place, year=year)
                report.created += 1
            else:
                report.updated += 1
            for name, value in values.items():
                setattr(found, name, value)
            found.source = ReportSource.IMPORTED
            if approve:  # the province's own figures: submitted, then approved as any report
                found.status = ReportStatus.SUBMITTED
                to_approve.append(found)
            found.version += 1
            found.save()
            record(
                actor=actor,
                action="stat_report.import",
                obj=found,
                note=f"{found.get_status_display()}",
            )
        approve_reports(actor=actor, reports=to_approve)
    report.committed = True
    return report


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp Excel (.xlsx)"))
    dry_run = forms.BooleanField(
        label=gettext_lazy("Chỉ kiểm tra, chưa ghi"), required=False, initial=True
    )


def may_import(user: Any) -> bool:
    """Who gets the report template and imports reports (the reports page shows its two
    buttons only to them): the province admin and the commune officers."""
    return bool(scope_of(user).roles & {Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER})


def _require(request: AuthedRequest) -> None:
    if not may_import(request.user):
        raise Http404


@login_required
def template(request: AuthedRequest) -> HttpResponse:
    _require(request)
    return xlsx_response(template_bytes(), "mau-bao-cao-thong-ke.xlsx")


@login_required
def upload(request: AuthedRequest) -> HttpResponse:
    _require(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    result: Any = None
    if request.method == "POST" and form.is_valid():
        result = import_reports(
            actor=request.user,
            data=form.cleaned_data["file"].read(),
            dry_run=form.cleaned_data["dry_run"],
        )
    status = 400 if result is not None and result.errors else 200
    return render(request, "stats/import.html", {"form": form, "report": result}, status=status)
