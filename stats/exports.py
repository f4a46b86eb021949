"""The annual report (Excel with live formulas, and PDF) and the five-year review."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from accounts.models import Role
from accounts.scope import scope_of
from core.http import AuthedRequest, attachment, xlsx_response
from core.xlsx import Formula, append_row, put, save_workbook
from movement import report as movement_report
from places.models import Place, PlaceKind
from recognition import fonts
from recognition.pdf import _styles
from stats.compute import current_communes, figures, indicators
from stats.dashboard import Targets, province_place
from stats.figures import INDICATORS, IndicatorCode
from stats.models import TargetSource

APPENDIX = [
    IndicatorCode.GDHT,
    IndicatorCode.DHHT,
    IndicatorCode.CDHT_THON,
    IndicatorCode.DVHT,
    IndicatorCode.DVHT_ENTERPRISE,
    IndicatorCode.WORKERS_CDHT,
    IndicatorCode.STAFF_CDHT,
    IndicatorCode.DIGITAL,
    IndicatorCode.SELF_UPDATED,
    IndicatorCode.CADRES_IT,
    IndicatorCode.MEMBERS_BRIEFED,
    IndicatorCode.CLC_CHAIR,
    IndicatorCode.LEARNING_COMMUNE,
]
PER_COMMUNE = [
    IndicatorCode.GDHT,
    IndicatorCode.DHHT,
    IndicatorCode.CDHT_THON,
    IndicatorCode.DVHT,
    IndicatorCode.WORKERS_CDHT,
    IndicatorCode.STAFF_CDHT,
]


@dataclass
class AnnualData:
    place: Place
    year: int
    communes: list[Place]
    per_commune: dict[int, dict[str, Any]]  # commune id → indicator values
    province: dict[str, Any]
    targets: Targets
    province_place: Place


def annual_data(year: int, place: Place | None = None) -> AnnualData:
    province = province_place()
    communes = current_communes(place)
    data = figures(communes, year, official=True)
    per = {pk: indicators([f.values]) for pk, f in data.items()}
    return AnnualData(
        place or province,
        year,
        communes,
        per,
        indicators([f.values for f in data.values()]),
        Targets(),
        province,
    )


THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD = PatternFill("solid", fgColor="DDEBF7")


def _pct_formula(num: str, den: str, part: int | None, whole: int | None) -> Formula:
    """part/whole in %, rounded as Excel's ROUND does (halves away from zero)."""
    cached: Decimal | str = ""
    if part is not None and whole:
        cached = (Decimal(part) * 100 / Decimal(whole)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
    return Formula(f'=IF(AND(ISNUMBER({den}),{den}>0),ROUND({num}/{den}*100,2),"")', cached)


def annual_xlsx(d: AnnualData) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Phụ lục"
    put(
        ws["A1"],
        f"KẾT QUẢ THỰC HIỆN PHONG TRÀO HỌC TẬP SUỐT ĐỜI NĂM {d.year} — {d.place.name.upper()}",
    )
    ws["A1"].font = Font(bold=True, size=13)
    put(
        ws["A2"],
        "Tỷ lệ tính trên tổng số đối tượng (không phải trên số đăng ký), theo báo cáo đã được tỉnh duyệt.",
    )
    headers = [
        "Chỉ tiêu",
        "Kết quả 2020",
        "Chỉ tiêu 2025 quốc gia",
        "Chỉ tiêu 2025 tỉnh",
        f"{d.year}: tổng số",
        f"{d.year}: đăng ký",
        f"{d.year}: đạt",
        f"{d.year}: tỷ lệ % tổng số",
        f"{d.year}: tỷ lệ % đăng ký",
        "Chỉ tiêu 2030 quốc gia",
        "Chỉ tiêu 2030 tỉnh",
    ]
    ws.append([])
    append_row(ws, headers)
    header_row = ws.max_row
    t, p = d.targets, d.province_place
    for code in APPENDIX:
        value = d.province[code]
        row = ws.max_row + 1
        append_row(
            ws,
            [
                str(IndicatorCode(code).label),
                _num(t.get(code, p, 2020, TargetSource.ACHIEVED)),
                _num(t.get(code, p, 2025, TargetSource.NATIONAL)),
                _num(t.get(code, p, 2025, TargetSource.PROVINCE)),
                value.total,
                value.registered,
                value.numerator,
                _pct_formula(f"G{row}", f"E{row}", value.numerator, value.total),
                _pct_formula(f"G{row}", f"F{row}", value.numerator, value.registered)
                if INDICATORS[code].registered
                else "",
                _num(t.get(code, p, 2030, TargetSource.NATIONAL)),
                _num(t.get(code, p, 2030, TargetSource.PROVINCE)),
            ],
        )
    _style(ws, header_row, len(headers))
    ws.column_dimensions["A"].width = 52

    per = wb.create_sheet("Theo xã")
    put(per["A1"], f"KẾT QUẢ THEO XÃ, PHƯỜNG NĂM {d.year}")
    per["A1"].font = Font(bold=True, size=13)
    head = ["TT", "Xã, phường"]
    for code in PER_COMMUNE:
        label = str(IndicatorCode(code).label)
        head += [f"{label}: tổng số", f"{label}: đạt", f"{label}: tỷ lệ %"]
    per.append([])
    append_row(per, head)
    top = per.max_row
    sums = [[0, 0] for _code in PER_COMMUNE]  # (total, achieved) per indicator, for the SUMs
    for index, commune in enumerate(d.communes, start=1):
        row = per.max_row + 1
        values = d.per_commune.get(commune.pk, {})
        cells: list[Any] = [index, commune.name]
        for n, code in enumerate(PER_COMMUNE):
            col_total = get_column_letter(3 + n * 3)
            col_done = get_column_letter(4 + n * 3)
            value = values.get(code)
            cells += [
                value.total if value else None,
                value.numerator if value else None,
                _pct_formula(
                    f"{col_done}{row}",
                    f"{col_total}{row}",
                    value.numerator if value else None,
                    value.total if value else None,
                ),
            ]
            sums[n][0] += value.total if value and value.total else 0
            sums[n][1] += value.numerator if value and value.numerator else 0
        append_row(per, cells)
    last = per.max_row
    total_row = last + 1
    totals: list[Any] = ["", "Toàn tỉnh" if d.place.kind == PlaceKind.PROVINCE else "Cộng"]
    for n in range(len(PER_COMMUNE)):
        col_total, col_done = get_column_letter(3 + n * 3), get_column_letter(4 + n * 3)
        whole, part = sums[n]
        totals += [
            Formula(f"=SUM({col_total}{top + 1}:{col_total}{last})", whole),
            Formula(f"=SUM({col_done}{top + 1}:{col_done}{last})", part),
            _pct_formula(f"{col_done}{total_row}", f"{col_total}{total_row}", part, whole),
        ]
    append_row(per, totals)
    for cell in per[total_row]:
        cell.font = Font(bold=True)
    _style(per, top, len(head))
    per.column_dimensions["B"].width = 26
    work = _movement_sheet(wb, d)
    for sheet in (ws, per, work):
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return save_workbook(wb)


def _movement_sheet(wb: Workbook, d: AnnualData) -> Any:
    """Learning centres, training, communication, resources and commendations (plan III, V)."""
    work = wb.create_sheet("Phong trào")
    put(
        work["A1"],
        f"TRUNG TÂM HỌC TẬP CỘNG ĐỒNG, TẬP HUẤN, TRUYỀN THÔNG, NGUỒN LỰC, KHEN THƯỞNG NĂM {d.year}",
    )
    work["A1"].font = Font(bold=True, size=13)
    for section in movement_report.sections(d.place, d.year):
        work.append([])
        append_row(work, [section.title])
        work.cell(row=work.max_row, column=1).font = Font(bold=True)
        for label, value in section.rows:
            append_row(work, [label, value])
    work.append([])
    append_row(work, ["VI. Theo xã, phường"])
    work.cell(row=work.max_row, column=1).font = Font(bold=True)
    append_row(work, movement_report.COMMUNE_HEADERS)
    top = work.max_row
    for row in movement_report.commune_rows(d.place, d.year):
        append_row(work, row)
    _style(work, top, len(movement_report.COMMUNE_HEADERS))
    work.column_dimensions["A"].width = 60
    work.freeze_panes = None
    return work


def _num(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _style(ws: Any, header_row: int, width: int) -> None:
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = HEAD
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for row in ws.iter_rows(min_row=header_row, max_row=ws.max_row, max_col=width):
        for cell in row:
            cell.border = BOX
    for col in range(2, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 14
    ws.freeze_panes = ws.cell(row=header_row + 1, column=3 if ws.title == "Theo xã" else 2)
    ws.print_title_rows = f"{header_row}:{header_row}"


def _share(value: Any) -> str:
    share = value.share_of_all if value else None
    return f"{share}".replace(".", ",") if share is not None else "—"


def _fmt(value: Decimal | None) -> str:
    return f"{value.normalize():f}".replace(".", ",") if value is not None else "—"


def annual_pdf(d: AnnualData) -> bytes:
    s = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        invariant=True,
    )
    t, p = d.targets, d.province_place
    story: list[Any] = [
        Paragraph(
            escape(fonts.text(f"KẾT QUẢ THỰC HIỆN PHONG TRÀO HỌC TẬP SUỐT ĐỜI NĂM {d.year}")),
            s["title"],
        ),
        Paragraph(escape(fonts.text(d.place.name)), s["center_bold"]),
        Paragraph(
            escape(
                fonts.text(
                    "Tỷ lệ % tính trên tổng số đối tượng; số liệu theo báo cáo đã được tỉnh duyệt."
                )
            ),
            s["italic_center"],
        ),
        Spacer(1, 6),
    ]
    head = [
        "Chỉ tiêu",
        "Kết quả 2020",
        "2025 quốc gia",
        "2025 tỉnh",
        f"Năm {d.year}: đạt/tổng số",
        f"Tỷ lệ % {d.year}",
        "2030 quốc gia",
        "2030 tỉnh",
    ]
    rows = [[Paragraph(escape(fonts.text(h)), s["cell_head"]) for h in head]]
    for code in APPENDIX:
        value = d.province[code]
        rows.append(
            [
                Paragraph(escape(fonts.text(str(IndicatorCode(code).label))), s["cell"]),
                _fmt(t.get(code, p, 2020, TargetSource.ACHIEVED)),
                _fmt(t.get(code, p, 2025, TargetSource.NATIONAL)),
                _fmt(t.get(code, p, 2025, TargetSource.PROVINCE)),
                f"{value.numerator if value.numerator is not None else '—'}/{value.total if value.total is not None else '—'}",
                _share(value),
                _fmt(t.get(code, p, 2030, TargetSource.NATIONAL)),
                _fmt(t.get(code, p, 2030, TargetSource.PROVINCE)),
            ]
        )
    story.append(
        _table(rows, [85 * mm, 22 * mm, 22 * mm, 22 * mm, 35 * mm, 22 * mm, 22 * mm, 22 * mm])
    )
    story += [
        Spacer(1, 10),
        Paragraph(escape(fonts.text("KẾT QUẢ THEO XÃ, PHƯỜNG (tỷ lệ % tổng số)")), s["title"]),
    ]
    per_head = ["TT", "Xã, phường", *[str(IndicatorCode(c).label) for c in PER_COMMUNE]]
    per_rows = [[Paragraph(escape(fonts.text(h)), s["cell_head"]) for h in per_head]]
    for index, commune in enumerate(d.communes, start=1):
        values = d.per_commune.get(commune.pk, {})
        per_rows.append(
            [str(index), fonts.text(commune.name), *[_share(values.get(c)) for c in PER_COMMUNE]]
        )
    per_rows.append(["", fonts.text("Toàn bộ"), *[_share(d.province[c]) for c in PER_COMMUNE]])
    story.append(_table(per_rows, [12 * mm, 55 * mm, *[33 * mm] * len(PER_COMMUNE)]))
    for section in movement_report.sections(d.place, d.year):
        story += [Spacer(1, 8), Paragraph(escape(fonts.text(section.title)), s["center_bold"])]
        section_rows = [
            [Paragraph(escape(fonts.text(h)), s["cell_head"]) for h in ("Nội dung", "Kết quả")]
        ]
        for label, value in section.rows:
            section_rows.append(
                [
                    Paragraph(escape(fonts.text(label)), s["cell"]),
                    Paragraph(escape(fonts.text(f"{value}")), s["cell"]),
                ]
            )
        story.append(_table(section_rows, [150 * mm, 100 * mm]))
    doc.build(story, canvasmaker=fonts.canvas)
    return buffer.getvalue()


def _table(rows: list[list[Any]], widths: list[float]) -> LongTable:
    table = LongTable(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), fonts.SERIF_BOLD),
                ("FONT", (0, 1), (-1, -1), fonts.SERIF, 10),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (1, 1), (-1, -1), "CENTER"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ]
        )
    )
    return table


def review_rows(
    first: int, last: int, place: Place | None = None
) -> tuple[list[str], list[list[Any]]]:
    """The five-year review: each indicator year by year, the change, and the end target."""
    province = province_place()
    communes = current_communes(place)
    targets = Targets()
    by_year = {
        y: indicators([f.values for f in figures(communes, y, official=True).values()])
        for y in range(first, last + 1)
    }
    head = [
        "Chỉ tiêu",
        *[str(y) for y in range(first, last + 1)],
        "Tăng/giảm (điểm %)",
        f"Chỉ tiêu {last} tỉnh",
        "Đánh giá",
    ]
    rows = []
    for code in APPENDIX:
        shares = [by_year[y][code].share_of_all for y in range(first, last + 1)]
        known = [v for v in shares if v is not None]
        change = known[-1] - known[0] if len(known) >= 2 else None
        target = targets.get(code, province, last, TargetSource.PROVINCE)
        verdict = (
            "—" if not known or target is None else ("Đạt" if known[-1] >= target else "Chưa đạt")
        )
        rows.append(
            [
                str(IndicatorCode(code).label),
                *[float(v) if v is not None else None for v in shares],
                float(change) if change is not None else None,
                _num(target),
                verdict,
            ]
        )
    return head, rows


def review_name(first: int, last: int) -> str:
    """Plan 127/KH-UBND §III.5.b: the 5-year review ("Sơ kết", Q1/2026) and the review of
    the whole period 2021–2030 ("Tổng kết", Q2/2030)."""
    return "Tổng kết" if (first, last) == (2021, 2030) else "Sơ kết"


def review_xlsx(first: int, last: int, place: Place | None = None) -> bytes:
    head, rows = review_rows(first, last, place)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    name = review_name(first, last)
    ws.title = f"{name} {first}-{last}"
    put(ws["A1"], f"{name.upper()} GIAI ĐOẠN {first}–{last}: TỶ LỆ ĐẠT CÁC DANH HIỆU (% TỔNG SỐ)")
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    append_row(ws, head)
    header_row = ws.max_row
    for row in rows:
        append_row(ws, row)
    _style(ws, header_row, len(head))
    ws.column_dimensions["A"].width = 52
    return save_workbook(wb)


def review_pdf(first: int, last: int, place: Place | None = None) -> bytes:
    s = _styles()
    head, rows = review_rows(first, last, place)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        invariant=True,
    )
    table_rows = [[Paragraph(escape(fonts.text(h)), s["cell_head"]) for h in head]]
    for row in rows:
        table_rows.append(
            [
                Paragraph(escape(fonts.text(row[0])), s["cell"]),
                *[
                    ("—" if v is None else f"{v}".replace(".", ","))
                    if not isinstance(v, str)
                    else fonts.text(v)
                    for v in row[1:]
                ],
            ]
        )
    widths = [80 * mm, *[(doc.width - 80 * mm) / (len(head) - 1)] * (len(head) - 1)]
    doc.build(
        [
            Paragraph(
                escape(fonts.text(f"{review_name(first, last).upper()} GIAI ĐOẠN {first}–{last}")),
                s["title"],
            ),
            Spacer(1, 8),
            _table(table_rows, widths),
        ],
        canvasmaker=fonts.canvas,
    )
    return buffer.getvalue()


def _require_reader(request: AuthedRequest) -> Place | None:
    scope = scope_of(request.user)
    if scope.is_province:
        return None
    communes = [a.place for a in scope.assignments if a.role == Role.COMMUNE_OFFICER]
    if not communes:
        raise Http404
    return communes[0]


@login_required
def annual(request: AuthedRequest, year: int, kind: str) -> HttpResponse:
    place = _require_reader(request)
    if kind not in ("xlsx", "pdf") or not 2019 < year < 2100:
        raise Http404
    data = annual_data(year, place)
    if kind == "xlsx":
        return xlsx_response(annual_xlsx(data), f"bao-cao-{year}.xlsx")
    return attachment(annual_pdf(data), f"bao-cao-{year}.pdf", "application/pdf")


@login_required
def review(request: AuthedRequest, first: int, last: int, kind: str) -> HttpResponse:
    place = _require_reader(request)
    if kind not in ("xlsx", "pdf") or not (2019 < first < last < 2100):
        raise Http404
    stem = f"{'tong-ket' if review_name(first, last) == 'Tổng kết' else 'so-ket'}-{first}-{last}"
    if kind == "xlsx":
        return xlsx_response(review_xlsx(first, last, place), f"{stem}.xlsx")
    return attachment(review_pdf(first, last, place), f"{stem}.pdf", "application/pdf")


def generated_on() -> str:
    return timezone.localdate().strftime("%d/%m/%Y")
