"""The yearly report to the Ministry of Education and Training and the national study-promotion
association: addressees, due date, preliminary or final figures, coverage, and each indicator
beside its national and provincial targets. Excel (formulas with their values), PDF and Word.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core.xlsx import append_row, put, save_workbook
from movement import indicators as movement_indicators
from movement import report as movement_report
from places.models import Place, PlaceKind
from stats.coverage import Coverage, coverage
from stats.dashboard import milestone
from stats.exports import (
    APPENDIX,
    BASELINE_NOTE,
    PER_COMMUNE,
    AnnualData,
    _appendix_table,
    _landscape,
    _movement_sheet,
    _per_commune_sheet,
    annual_data,
    baselines,
    source_of,
)
from stats.figures import IndicatorCode
from stats.models import TargetSource
from stats.report_layout import Annex, Block, Grid, Heading, Para, ReportDocument

# Whom the report goes to and when. Plan 127/KH-UBND lists the Hội Khuyến học Việt Nam among
# the recipients of the plan but sets no yearly report date; the Ministry and 15 December come
# from the project's domain notes (the national programmes' yearly reporting), so both are
# labelled a proposal to be checked against the Ministry's guidance.
ADDRESSEES = ["Bộ Giáo dục và Đào tạo", "Hội Khuyến học Việt Nam"]
DUE_DAY, DUE_MONTH = 15, 12
SOURCES = [
    "Nơi nhận: Hội Khuyến học Việt Nam là nơi nhận Kế hoạch 127/KH-UBND ngày 08/7/2022; "
    "Bộ Giáo dục và Đào tạo theo lịch báo cáo hằng năm của các Chương trình theo Quyết định "
    "387/QĐ-TTg và 677/QĐ-TTg ghi trong tài liệu nghiệp vụ của hệ thống (đề xuất, cần đối "
    "chiếu văn bản hướng dẫn của Bộ).",
    "Hạn gửi ngày 15/12 hằng năm: đề xuất theo tài liệu nghiệp vụ của hệ thống; Kế hoạch "
    "127/KH-UBND không quy định ngày gửi báo cáo năm.",
    "Chỉ tiêu: Phụ lục Kế hoạch 127/KH-UBND (của tỉnh) và Quyết định 387/QĐ-TTg, 677/QĐ-TTg "
    "(của Chính phủ); tỷ lệ tính trên tổng số đối tượng, không phải trên số đăng ký.",
    BASELINE_NOTE,
]
FINAL = "Số liệu chính thức"
PRELIMINARY = "Số liệu sơ bộ"


@dataclass
class MinistryData:
    annual: AnnualData
    coverage: Coverage

    @property
    def year(self) -> int:
        return self.annual.year

    @property
    def status(self) -> str:
        return FINAL if self.coverage.complete else PRELIMINARY

    @property
    def due(self) -> str:
        return f"{DUE_DAY:02d}/{DUE_MONTH:02d}/{self.year}"

    def status_sentence(self) -> str:
        c = self.coverage
        if c.complete:
            return f"{FINAL}: tổng hợp từ báo cáo đã được tỉnh duyệt của đủ {c.label}."
        missing = ", ".join(p.name for p in c.missing)
        return (
            f"{PRELIMINARY}: tổng hợp từ báo cáo đã được tỉnh duyệt của {c.label}; "
            f"{len(c.missing)} xã, phường chưa có báo cáo được duyệt: {missing}. "
            f"Số liệu trở thành chính thức khi đủ {c.total}/{c.total} xã, phường."
        )


def ministry_data(year: int, place: Place | None = None) -> MinistryData:
    d = annual_data(year, place)
    return MinistryData(d, coverage(d.communes, d.found))


def _pct(value: Decimal | None) -> str:
    return f"{value}%".replace(".", ",") if value is not None else "chưa có số liệu"


def _target(value: Decimal | None) -> str:
    return f"{value.normalize():f}%".replace(".", ",") if value is not None else "không đặt"


def _targets(m: MinistryData, code: str) -> dict[tuple[int, str], Decimal | None]:
    t, p = m.annual.targets, m.annual.province_place
    return {
        (y, s): t.get(code, p, y, s)
        for y in (2025, 2030)
        for s in (TargetSource.NATIONAL, TargetSource.PROVINCE)
    }


def verdict(share: Decimal | None, target: Decimal | None) -> str:
    if share is None or target is None:
        return "—"
    if share >= target:
        return "Đạt"
    return f"Chưa đạt (còn {_target(target - share)})"


def ministry_xlsx(m: MinistryData) -> bytes:
    d = m.annual
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Báo cáo"
    lines = [
        f"BÁO CÁO KẾT QUẢ PHONG TRÀO HỌC TẬP SUỐT ĐỜI NĂM {m.year} — {d.place.name.upper()}",
        "Kính gửi: " + "; ".join(ADDRESSEES),
        f"Hạn gửi: {m.due}",
        f"Tính chất số liệu: {m.status_sentence()}",
        f"Phạm vi: {m.coverage.label} có báo cáo đã duyệt",
    ]
    for line in lines:
        append_row(ws, [line])
    ws["A1"].font = Font(bold=True, size=13)
    _appendix_table(ws, d)
    top = ws.max_row
    milestone_year = milestone(m.year)
    put(ws.cell(row=top - len(APPENDIX), column=12), f"So với chỉ tiêu {milestone_year} của tỉnh")
    for n, code in enumerate(APPENDIX, start=1):
        target = d.targets.get(code, d.province_place, milestone_year, TargetSource.PROVINCE)
        put(
            ws.cell(row=top - len(APPENDIX) + n, column=12),
            verdict(d.province[code].share_of_all, target),
        )
    ws.column_dimensions["L"].width = 24
    ws.append([])
    append_row(ws, ["Nguồn các mốc và chỉ tiêu"])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    for line in SOURCES:
        append_row(ws, [line])
    for row in ws.iter_rows(min_row=2, max_row=5, max_col=1):
        row[0].alignment = Alignment(wrap_text=False)
    per = _per_commune_sheet(wb, d)
    missing = wb.create_sheet("Xã chưa báo cáo")
    put(
        missing["A1"],
        f"XÃ, PHƯỜNG CHƯA CÓ BÁO CÁO ĐƯỢC DUYỆT NĂM {m.year} ({len(m.coverage.missing)})",
    )
    missing["A1"].font = Font(bold=True, size=13)
    append_row(missing, ["TT", "Xã, phường"])
    for index, place in enumerate(m.coverage.missing, start=1):
        append_row(missing, [index, place.name])
    missing.column_dimensions["B"].width = 30
    work = _movement_sheet(wb, d)
    _landscape(ws, per, missing, work)
    return save_workbook(wb)


def _sentences(m: MinistryData) -> list[Block]:
    d = m.annual
    blocks: list[Block] = []
    for code in APPENDIX:
        value = d.province[code]
        t = _targets(m, code)
        figure = (
            f"{value.numerator}/{value.total}, đạt {_pct(value.share_of_all)}"
            if value.total and value.numerator is not None
            else "chưa có số liệu"
        )
        goals = [
            f"năm {y} của Chính phủ {_target(t[(y, TargetSource.NATIONAL)])}, của tỉnh "
            f"{_target(t[(y, TargetSource.PROVINCE)])}"
            for y in (2025, 2030)
            if t[(y, TargetSource.NATIONAL)] is not None
            or t[(y, TargetSource.PROVINCE)] is not None
        ]
        aim = "; chỉ tiêu " + "; ".join(goals) if goals else "; Kế hoạch không đặt chỉ tiêu"
        blocks.append(Para(f"- {IndicatorCode(code).label}: {figure}{aim}."))
    return blocks


def _targets_grid(m: MinistryData) -> Grid:
    d = m.annual
    base = baselines()
    rows = []
    for code in APPENDIX:
        value = d.province[code]
        t = _targets(m, code)
        rows.append(
            [
                str(IndicatorCode(code).label),
                _target(base.get(code)) if code in base else "—",
                f"{value.numerator}/{value.total}"
                if value.total and value.numerator is not None
                else "—",
                _pct(value.share_of_all) if value.share_of_all is not None else "—",
                _target(t[(2025, TargetSource.NATIONAL)]),
                _target(t[(2025, TargetSource.PROVINCE)]),
                _target(t[(2030, TargetSource.NATIONAL)]),
                _target(t[(2030, TargetSource.PROVINCE)]),
            ]
        )
    return Grid(
        [
            "Chỉ tiêu",
            "Năm 2020 (Hưng Yên cũ)",
            f"Năm {m.year}: đạt/tổng số",
            f"Tỷ lệ năm {m.year}",
            "2025: Chính phủ",
            "2025: tỉnh",
            "2030: Chính phủ",
            "2030: tỉnh",
        ],
        rows,
        [0.3, 0.1, 0.12, 0.1, 0.095, 0.095, 0.095, 0.095],
    )


def per_commune_grid(d: AnnualData) -> Grid:
    rows = []
    for index, commune in enumerate(d.communes, start=1):
        values = d.per_commune.get(commune.pk, {})
        rows.append(
            [
                str(index),
                commune.name,
                *[
                    _pct(values[c].share_of_all) if c in values and values[c].total else "—"
                    for c in PER_COMMUNE
                ],
                source_of(d.found.get(commune.pk)),
            ]
        )
    total = "Toàn tỉnh" if d.place.kind == PlaceKind.PROVINCE else "Cộng"
    rows.append(["", total, *[_pct(d.province[c].share_of_all) for c in PER_COMMUNE], ""])
    return Grid(
        ["TT", "Xã, phường", *[str(IndicatorCode(c).label) for c in PER_COMMUNE], "Nguồn số liệu"],
        rows,
        [0.04, 0.14, *[0.1] * len(PER_COMMUNE), 0.22],
        bold_last=True,
    )


def movement_blocks(place: Place, year: int) -> list[Block]:
    blocks: list[Block] = []
    for section in movement_report.sections(place, year):
        blocks.append(Heading(section.title))
        blocks.append(
            Grid(
                ["Nội dung", "Kết quả"],
                [[label, _text(value)] for label, value in section.rows],
                [0.6, 0.4],
            )
        )
    return blocks


def _text(value: Any) -> str:
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


def ministry_document(m: MinistryData) -> ReportDocument:
    d = m.annual
    s = movement_indicators.summary(d.place, m.year)
    body: list[Block] = [
        Para(
            "Thực hiện Quyết định số 387/QĐ-TTg ngày 25/3/2022 và Quyết định số 677/QĐ-TTg "
            "ngày 03/6/2022 của Thủ tướng Chính phủ; Kế hoạch số 127/KH-UBND ngày 08/7/2022 "
            "của Ủy ban nhân dân tỉnh về đẩy mạnh phong trào học tập suốt đời trong gia đình, "
            "dòng họ, cộng đồng, đơn vị giai đoạn 2021-2030, Ủy ban nhân dân tỉnh Hưng Yên báo "
            f"cáo kết quả năm {m.year} như sau:"
        ),
        Heading("I. TÍNH CHẤT VÀ PHẠM VI SỐ LIỆU"),
        Para(m.status_sentence()),
        Para(
            "Tỷ lệ tính trên tổng số đối tượng (hộ, dòng họ, thôn, đơn vị…), không phải trên số "
            "đăng ký; số liệu theo báo cáo của xã, phường đã được tỉnh duyệt."
        ),
        Heading("II. KẾT QUẢ CÁC CHỈ TIÊU SO VỚI CHỈ TIÊU CỦA CHÍNH PHỦ VÀ CỦA TỈNH"),
        *_sentences(m),
        _targets_grid(m),
        Heading("III. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI PHONG TRÀO"),
        Para(
            f"Năm {m.year}, toàn tỉnh có {s.centres} trung tâm học tập cộng đồng đang hoạt động "
            f"ở {s.communes_with_centre}/{s.communes} xã, phường, tổ chức {_text(s.activities)} "
            f"lớp học, hoạt động với {_text(s.participants)} lượt người tham gia; "
            f"{s.trainings} lớp tập huấn, hội nghị phổ biến; {s.communication} tin, bài, sự kiện "
            f"truyền thông; huy động {_text(s.resources)} đồng (tiền mặt {_text(s.cash)} đồng, "
            f"hiện vật quy ra tiền {_text(s.in_kind)} đồng); {s.commendations_approved} tập thể, "
            f"cá nhân được khen thưởng, trong đó {s.exemplary} điển hình tiêu biểu."
        ),
        Heading("IV. KHÓ KHĂN, VƯỚNG MẮC VÀ KIẾN NGHỊ, ĐỀ XUẤT"),
        Para(
            "Phần này do cơ quan tổng hợp viết trước khi trình ký: những khó khăn, vướng mắc "
            "trong năm và kiến nghị với Bộ Giáo dục và Đào tạo, Hội Khuyến học Việt Nam.",
            italic=True,
        ),
        Para("(Có các phụ lục kèm theo.)", italic=True),
        Heading("Nguồn các mốc và chỉ tiêu"),
        *[Para(line, italic=True) for line in SOURCES],
    ]
    return ReportDocument(
        authority_lines=["ỦY BAN NHÂN DÂN", "TỈNH HƯNG YÊN"],
        number_line="Số:        /BC-UBND",
        place_date=f"Hưng Yên, ngày       tháng       năm {m.year}",
        kind="BÁO CÁO",
        subject_line=(
            "Kết quả thực hiện phong trào học tập suốt đời trong gia đình, dòng họ, cộng đồng, "
            f"đơn vị năm {m.year} ({m.status.lower()})"
        ),
        addressees=ADDRESSEES,
        body=body,
        recipients=["Như trên;", "Hội Khuyến học tỉnh;", "Sở Giáo dục và Đào tạo;", "Lưu: VT."],
        signature_lines=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
        signer_note="(Ký, ghi rõ họ tên, đóng dấu)",
        annexes=[
            Annex(
                f"Phụ lục I. KẾT QUẢ THEO XÃ, PHƯỜNG NĂM {m.year}",
                f"Tỷ lệ % trên tổng số đối tượng; {m.coverage.label} có báo cáo đã duyệt",
                [per_commune_grid(d)],
            ),
            Annex(
                f"Phụ lục II. CÔNG TÁC PHONG TRÀO NĂM {m.year}",
                "Đếm từ hồ sơ trung tâm học tập cộng đồng, tập huấn, truyền thông, nguồn lực, "
                "khen thưởng trên hệ thống",
                movement_blocks(d.place, m.year),
            ),
        ],
    )
