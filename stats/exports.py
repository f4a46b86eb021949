"""The annual report (Excel with live formulas, and PDF), and what the ministry report
(`stats.ministry`) and the reviews (`stats.reviews`) share with it: the indicator lists, the
percentage cells, the per-commune and movement sheets, the 2020 baseline."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from core.xlsx import Formula, append_row, put, save_workbook
from movement import report as movement_report
from places.models import Place, PlaceKind
from recognition import fonts
from recognition.pdf import _styles
from stats import summary
from stats.compute import CommuneFigures, current_communes, indicators
from stats.dashboard import Targets, province_place
from stats.figures import INDICATORS, IndicatorCode
from stats.models import Target, TargetSource

# Every indicator, in the order of their definitions (`stats.figures.INDICATORS`).
APPENDIX = list(INDICATORS)
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
    found: dict[int, CommuneFigures] = field(default_factory=dict)  # commune id → its figures


def annual_data(year: int, place: Place | None = None) -> AnnualData:
    province = province_place()
    communes = current_communes(place)
    found = summary.read(place or province, communes, [year], official=True)[year]
    data, per = found.figures, found.per_commune
    return AnnualData(
        place or province,
        year,
        communes,
        per,
        indicators([f.values for f in data.values()]),
        Targets(),
        province,
        data,
    )


OLD_HUNG_YEN = "33"  # the map code of Hưng Yên before and after the 2025 merger
BASELINE_LABEL = "Năm 2020 (tỉnh Hưng Yên cũ)"
BASELINE_NOTE = (
    "Kết quả năm 2020 là của tỉnh Hưng Yên cũ, trước khi hợp nhất với tỉnh Thái Bình "
    "(01/07/2025), theo Phụ lục Kế hoạch 127/KH-UBND ngày 08/7/2022; không phải số liệu "
    "của tỉnh Hưng Yên mới, nên không so sánh trực tiếp với kết quả các năm sau."
)


def baselines() -> dict[str, Decimal]:
    """The plan's 2020 results, old Hưng Yên's (`stats load_baselines` keeps them on the old
    province, map code 33; earlier data kept them on today's province, of the same code);
    never another territory's (old Thái Bình's)."""
    found: dict[str, Decimal] = {}
    rows = Target.objects.filter(
        year=2020,
        source=TargetSource.ACHIEVED,
        replaced_at__isnull=True,
        place__kind=PlaceKind.PROVINCE,
        place__code=OLD_HUNG_YEN,
    ).order_by("set_at")
    for row in rows:
        found[row.indicator] = row.value
    return found


THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD = PatternFill("solid", fgColor="DDEBF7")


NO_FIGURE = "Chưa có số liệu"
NO_SUBJECT = "Không có đối tượng"


def _pct_formula(num: str, den: str, part: int | None, whole: int | None) -> Formula | str:
    """part/whole in %, rounded as Excel's ROUND does (halves away from zero); a text saying
    why when there is nothing to divide, so that no percentage cell is left blank."""
    if part is None or whole is None:
        return NO_FIGURE
    if not whole:
        return NO_SUBJECT
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
    _appendix_table(ws, d)

    per = _per_commune_sheet(wb, d)
    work = _movement_sheet(wb, d)
    _landscape(ws, per, work)
    return save_workbook(wb)


def _appendix_table(ws: Any, d: AnnualData) -> None:
    """Each indicator: the 2020 baseline, the national and provincial targets side by side,
    the year's total, registered and achieved, and both shares."""
    headers = [
        "Chỉ tiêu",
        BASELINE_LABEL,
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
    base = baselines()
    for code in APPENDIX:
        value = d.province[code]
        row = ws.max_row + 1
        append_row(
            ws,
            [
                str(IndicatorCode(code).label),
                _num(base.get(code)),
                _num(t.get(code, p, 2025, TargetSource.NATIONAL)),
                _num(t.get(code, p, 2025, TargetSource.PROVINCE)),
                value.total,
                value.registered,
                value.numerator,
                _pct_formula(f"G{row}", f"E{row}", value.numerator, value.total),
                _pct_formula(f"G{row}", f"F{row}", value.numerator, value.registered)
                if INDICATORS[code].registered
                else "Không áp dụng",
                _num(t.get(code, p, 2030, TargetSource.NATIONAL)),
                _num(t.get(code, p, 2030, TargetSource.PROVINCE)),
            ],
        )
    _style(ws, header_row, len(headers))
    ws.column_dimensions["A"].width = 52


def source_of(found: CommuneFigures | None) -> str:
    """Where a commune's figure comes from, in words."""
    if found is None:
        return "Chưa có báo cáo đã duyệt"
    if found.from_legacy:
        text = "Cộng từ xã cũ: " + ", ".join(found.from_legacy)
        missing = getattr(found, "legacy_missing", [])
        if missing:
            text += "; thiếu báo cáo: " + ", ".join(missing)
        if found.split_warning:
            text += " (có xã cũ bị chia tách)"
        return text
    return "Báo cáo đã duyệt"


def _landscape(*sheets: Any) -> None:
    for sheet in sheets:
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _per_commune_sheet(wb: Workbook, d: AnnualData) -> Any:
    per = wb.create_sheet("Theo xã")
    put(per["A1"], f"KẾT QUẢ THEO XÃ, PHƯỜNG NĂM {d.year}")
    per["A1"].font = Font(bold=True, size=13)
    head = ["TT", "Xã, phường"]
    for code in PER_COMMUNE:
        label = str(IndicatorCode(code).label)
        head += [f"{label}: tổng số", f"{label}: đạt", f"{label}: tỷ lệ %"]
    head.append("Nguồn số liệu")
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
        cells.append(source_of(d.found.get(commune.pk)))
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
    per.column_dimensions[get_column_letter(len(head))].width = 40
    return per


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
    base = baselines()
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
        "2020 (Hưng Yên cũ)",
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
                _fmt(base.get(code)),
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
