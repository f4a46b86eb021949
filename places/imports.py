"""Villages from an xlsx sheet: commune code, village name, kind. All or nothing."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record_many
from core.text import fold
from core.xlsx import Column, ImportFileError, ImportReport, read_sheet, write_workbook
from places.models import VILLAGE_TYPES, Place, PlaceKind
from places.scope import scope_of
from places.services import split_village_name

COMMUNE_CODE = Column(
    "commune_code",
    "Mã xã/phường",
    required=True,
    aliases=("mã xã", "mã phường", "ma xa"),
    help="Mã đơn vị hành chính 5 chữ số của xã/phường (ví dụ 11953).",
    width=14,
)
NAME = Column(
    "name",
    "Tên thôn/tổ dân phố",
    required=True,
    aliases=("tên thôn", "thôn", "tên", "tên thôn, tổ dân phố"),
    help="Tên, có thể kèm loại (“Thôn Đông Tảo” hoặc “Đông Tảo”).",
    width=32,
)
KIND = Column(
    "unit_type",
    "Loại",
    aliases=("loại đơn vị",),
    choices=tuple(VILLAGE_TYPES),
    help="Để trống: lấy theo tên, mặc định là Thôn.",
    width=14,
)
COLUMNS = [COMMUNE_CODE, NAME, KIND]


def template() -> bytes:
    return write_workbook(
        title=_("Mẫu nhập danh sách thôn, tổ dân phố"),
        columns=COLUMNS,
        instructions=[
            _("Mỗi dòng một thôn/tổ dân phố. Giữ nguyên dòng tiêu đề."),
            _("Tệp được nhập toàn bộ hoặc không nhập dòng nào nếu có lỗi."),
        ],
    )


def import_villages(*, actor: Any, data: bytes, dry_run: bool = False) -> ImportReport:
    report = ImportReport()
    try:
        sheet = read_sheet(data, COLUMNS)
    except ImportFileError as exc:
        report.file_error(str(exc))
        return report
    report.sheet, report.warnings = sheet, sheet.warnings
    scope = scope_of(actor)
    communes = {p.code: p for p in Place.objects.current().communes()}
    existing: dict[tuple[int, str], str] = {}
    for village in Place.objects.current().villages().only("parent_id", "name"):
        existing[(village.parent_id or 0, fold(village.name))] = village.name
    seen: dict[tuple[int, str], int] = {}
    planned: list[Place] = []
    for row in sheet.rows:
        code = str(row.values.get("commune_code") or "").strip()
        if code.endswith(".0"):
            code = code[:-2]
        code = code.zfill(5) if code.isdigit() else code
        commune = communes.get(code)
        if not code:
            report.error(row, COMMUNE_CODE, _("Thiếu mã xã/phường."))
            continue
        if commune is None:
            report.error(
                row, COMMUNE_CODE, _("Không có xã/phường mã “%(c)s” trong tỉnh.") % {"c": code}
            )
            continue
        if not scope.can_manage_villages(commune):
            report.error(row, COMMUNE_CODE, _("%(c)s ngoài phạm vi bạn quản lý.") % {"c": commune})
            continue
        raw_name = str(row.values.get("name") or "").strip()
        raw_kind = str(row.values.get("unit_type") or "").strip()
        short_name, unit_type = split_village_name(raw_name, raw_kind)
        if not short_name:
            report.error(row, NAME, _("Thiếu tên thôn/tổ dân phố."))
            continue
        match = next((t for t in VILLAGE_TYPES if fold(t) == fold(unit_type)), None)
        if match is None:
            report.error(
                row,
                KIND,
                _("Loại “%(k)s” không hợp lệ; chọn: %(t)s.")
                % {"k": unit_type, "t": ", ".join(VILLAGE_TYPES)},
            )
            continue
        full = f"{match} {short_name}"
        key = (commune.pk, fold(full))
        if key in existing:
            report.error(row, NAME, _("%(c)s đã có “%(n)s”.") % {"c": commune, "n": existing[key]})
            continue
        if key in seen:
            report.error(row, NAME, _("Trùng với dòng %(r)s trong tệp.") % {"r": seen[key]})
            continue
        seen[key] = row.number
        planned.append(
            Place(
                kind=PlaceKind.VILLAGE,
                name=full,
                short_name=short_name,
                unit_type=match,
                parent=commune,
            )
        )
    if report.errors or dry_run:
        report.created = len(planned) if not report.errors else 0
        return report
    with transaction.atomic():
        for village in planned:
            village.save()
        record_many(actor=actor, action="village.import", objects=planned)
    report.created = len(planned)
    report.committed = True
    return report
