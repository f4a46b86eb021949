"""The plan's reviews (Kế hoạch 127/KH-UBND §III.5.b): the 5-year "Sơ kết 2021–2025" (Q1/2026)
and the 10-year "Tổng kết 2021–2030" (Q2/2030). Each indicator year by year beside the 2020
baseline (old Hưng Yên's) and the national and provincial targets; per-commune tables under
today's map; the movement's work of the period; its exemplary models. Excel, PDF and Word."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.xlsx import append_row, put, save_workbook
from movement import indicators as movement_indicators
from movement import models as mm
from places.models import Place, PlaceKind
from stats import summary
from stats.compute import (
    CommuneFigures,
    IndicatorValue,
    current_communes,
    indicators,
)
from stats.coverage import Coverage
from stats.dashboard import Targets, province_place
from stats.exports import (
    APPENDIX,
    BASELINE_LABEL,
    BASELINE_NOTE,
    NO_FIGURE,
    PER_COMMUNE,
    _landscape,
    _num,
    _style,
    baselines,
    source_of,
)
from stats.figures import IndicatorCode
from stats.models import TargetSource
from stats.report_layout import Annex, Block, Grid, Heading, Para, ReportDocument

EXEMPLARY_RULE = (
    "Điển hình tiêu biểu của giai đoạn là các tập thể, cá nhân có đề nghị khen thưởng đã được "
    "duyệt (có số quyết định) trong các năm của giai đoạn và được cấp xét duyệt đánh dấu "
    "“điển hình tiêu biểu” trên hệ thống; chưa gồm các điển hình do cơ quan khác biểu dương "
    "ngoài hệ thống."
)
# Sheet names (31 characters at most) for the per-commune sheets.
SHEET: dict[str, str] = {
    IndicatorCode.GDHT: "Xã - Gia đình học tập",
    IndicatorCode.DHHT: "Xã - Dòng họ học tập",
    IndicatorCode.CDHT_THON: "Xã - Cộng đồng học tập",
    IndicatorCode.DVHT: "Xã - Đơn vị học tập",
    IndicatorCode.WORKERS_CDHT: "Xã - Người lao động CDHT",
    IndicatorCode.STAFF_CDHT: "Xã - Cán bộ ĐVHT đạt CDHT",
}


def review_name(first: int, last: int) -> str:
    """Plan 127/KH-UBND §III.5.b: the 5-year review ("Sơ kết", Q1/2026) and the review of
    the whole period 2021–2030 ("Tổng kết", Q2/2030)."""
    return "Tổng kết" if (first, last) == (2021, 2030) else "Sơ kết"


def review_stem(first: int, last: int) -> str:
    return f"{'tong-ket' if review_name(first, last) == 'Tổng kết' else 'so-ket'}-{first}-{last}"


@dataclass
class ReviewData:
    first: int
    last: int
    place: Place
    province: Place
    communes: list[Place]
    found: dict[int, dict[int, CommuneFigures]]  # year → commune id → figures
    by_year: dict[int, dict[str, IndicatorValue]]  # year → indicator → the place's value
    per_commune: dict[int, dict[int, dict[str, IndicatorValue]]]  # year → commune id → …
    coverage: dict[int, Coverage]
    base: dict[str, Decimal]
    targets: Targets
    work: dict[int, movement_indicators.Summary]
    exemplary: list[mm.Commendation]

    @property
    def name(self) -> str:
        return review_name(self.first, self.last)

    @property
    def years(self) -> list[int]:
        return list(range(self.first, self.last + 1))

    @property
    def milestones(self) -> list[int]:
        return [y for y in (2025, 2030) if y <= self.last] or [self.last]

    @property
    def latest(self) -> int:
        """The last year of the period with any approved figure (else the last year)."""
        known = [y for y in self.years if self.coverage[y].covered]
        return known[-1] if known else self.last

    def target(self, code: str, year: int, source: str) -> Decimal | None:
        return self.targets.get(code, self.province, year, source)

    def share(self, year: int, code: str) -> Decimal | None:
        return self.by_year[year][code].share_of_all

    def commune_share(self, year: int, commune: Place, code: str) -> Decimal | None:
        values = self.per_commune[year].get(commune.pk)
        return values[code].share_of_all if values else None


def review_data(first: int, last: int, place: Place | None = None) -> ReviewData:
    province = province_place()
    communes = current_communes(place)
    years = list(range(first, last + 1))
    where = place or province
    ready = summary.read(where, communes, years, official=True)
    found = {y: ready[y].figures for y in years}
    return ReviewData(
        first=first,
        last=last,
        place=where,
        province=province,
        communes=communes,
        found=found,
        by_year={y: indicators([f.values for f in found[y].values()]) for y in years},
        per_commune={y: ready[y].per_commune for y in years},
        coverage={y: ready[y].coverage for y in years},
        base=baselines(),
        targets=Targets(),
        work={y: movement_indicators.summary(where, y) for y in years},
        exemplary=list(
            mm.Commendation.objects.in_place(where)
            .filter(
                year__gte=first,
                year__lte=last,
                status=mm.CommendationStatus.APPROVED,
                exemplary=True,
            )
            .select_related("place")
            .order_by("year", "subject_kind", "name")
        ),
    )


def _pct(value: Decimal | None) -> str:
    return f"{value.normalize():f}%".replace(".", ",") if value is not None else "—"


def _cell(value: Decimal | None) -> float | str:
    return float(value) if value is not None else NO_FIGURE


def _money(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _verdict(r: ReviewData, code: str) -> str:
    target = r.target(code, r.milestones[-1], TargetSource.PROVINCE)
    share = r.share(r.latest, code)
    if share is None or target is None:
        return "—"
    return "Đạt" if share >= target else f"Chưa đạt (còn {_pct(target - share)})"


def _change(r: ReviewData, code: str) -> Decimal | None:
    known = [r.share(y, code) for y in r.years if r.share(y, code) is not None]
    return known[-1] - known[0] if len(known) >= 2 else None  # type: ignore[operator]


# Rows of the movement's work: (label, attribute of the summary, how the period adds up).
WORK = [
    ("Trung tâm học tập cộng đồng đang hoạt động", "centres", "last"),
    ("Xã, phường có trung tâm", "communes_with_centre", "last"),
    ("Xã có Chủ tịch/Phó Chủ tịch Hội tham gia quản lý trung tâm", "communes_with_leader", "last"),
    ("Lớp học, hoạt động của trung tâm", "activities", "sum"),
    ("Lượt người tham gia", "participants", "sum"),
    ("Lớp tập huấn, hội nghị phổ biến", "trainings", "sum"),
    ("Tin, bài, sự kiện truyền thông", "communication", "sum"),
    ("Sự kiện Tuần lễ hưởng ứng học tập suốt đời", "learning_week_events", "sum"),
    ("Nguồn lực huy động: tiền mặt (đồng)", "cash", "sum"),
    ("Nguồn lực huy động: hiện vật quy ra tiền (đồng)", "in_kind", "sum"),
    ("Nguồn lực huy động: tổng cộng (đồng)", "resources", "sum"),
    ("Tập thể, cá nhân được khen thưởng", "commendations_approved", "sum"),
    ("— trong đó điển hình tiêu biểu", "exemplary", "sum"),
]


def work_total(r: ReviewData, attribute: str, how: str) -> int:
    values = [int(getattr(r.work[y], attribute)) for y in r.years]
    return values[-1] if how == "last" else sum(values)


def _indicator_head(r: ReviewData) -> list[str]:
    head = ["Chỉ tiêu", BASELINE_LABEL, *[f"Năm {y} (%)" for y in r.years]]
    head.append(f"Tăng/giảm {r.first}–{r.last} (điểm %)")
    for year in r.milestones:
        head += [f"Chỉ tiêu {year} quốc gia", f"Chỉ tiêu {year} tỉnh"]
    head.append(f"Đánh giá so với chỉ tiêu {r.milestones[-1]} của tỉnh")
    return head


def review_xlsx(r: ReviewData) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"{r.name} {r.first}-{r.last}"
    put(
        ws["A1"],
        f"{r.name.upper()} GIAI ĐOẠN {r.first}–{r.last}: TỶ LỆ ĐẠT CÁC CHỈ TIÊU (% TỔNG SỐ)",
    )
    ws["A1"].font = Font(bold=True, size=13)
    put(ws["A2"], BASELINE_NOTE)
    put(
        ws["A3"],
        "Số xã, phường có báo cáo đã duyệt: "
        + "; ".join(f"năm {y}: {r.coverage[y].label}" for y in r.years),
    )
    ws.append([])
    head = _indicator_head(r)
    append_row(ws, head)
    top = ws.max_row
    for code in APPENDIX:
        change = _change(r, code)
        cells: list[Any] = [
            str(IndicatorCode(code).label),
            _num(r.base.get(code)) if code in r.base else "Không có số liệu năm 2020",
            *[_cell(r.share(y, code)) for y in r.years],
            float(change) if change is not None else "Chưa đủ hai năm có số liệu",
        ]
        for year in r.milestones:
            cells += [
                _num(r.target(code, year, TargetSource.NATIONAL)),
                _num(r.target(code, year, TargetSource.PROVINCE)),
            ]
        cells.append(_verdict(r, code))
        append_row(ws, cells)
    _style(ws, top, len(head))
    ws.column_dimensions["A"].width = 52
    sheets = [ws]
    for code in PER_COMMUNE:
        sheets.append(_commune_sheet(wb, r, code))
    sheets.append(_work_sheet(wb, r))
    sheets.append(_exemplary_sheet(wb, r))
    _landscape(*sheets)
    return save_workbook(wb)


def _commune_sheet(wb: Workbook, r: ReviewData, code: str) -> Any:
    sheet = wb.create_sheet(SHEET[code])
    put(
        sheet["A1"],
        f"{IndicatorCode(code).label.upper()} THEO XÃ, PHƯỜNG (ĐỊA GIỚI HIỆN NAY), "
        f"{r.first}–{r.last}: TỶ LỆ % TỔNG SỐ",
    )
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    head = ["TT", "Xã, phường", *[f"Năm {y}" for y in r.years], f"Nguồn số liệu năm {r.latest}"]
    append_row(sheet, head)
    top = sheet.max_row
    for index, commune in enumerate(r.communes, start=1):
        append_row(
            sheet,
            [
                index,
                commune.name,
                *[_cell(r.commune_share(y, commune, code)) for y in r.years],
                source_of(r.found[r.latest].get(commune.pk)),
            ],
        )
    total = "Toàn tỉnh" if r.place.kind == PlaceKind.PROVINCE else "Cộng"
    append_row(sheet, ["", total, *[_cell(r.share(y, code)) for y in r.years]])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    _style(sheet, top, len(head))
    sheet.freeze_panes = sheet.cell(row=top + 1, column=3)
    sheet.column_dimensions["B"].width = 26
    sheet.column_dimensions[get_column_letter(len(head))].width = 40
    return sheet


def _work_sheet(wb: Workbook, r: ReviewData) -> Any:
    sheet = wb.create_sheet("Phong trào")
    put(sheet["A1"], f"CÔNG TÁC PHONG TRÀO GIAI ĐOẠN {r.first}–{r.last}")
    sheet["A1"].font = Font(bold=True, size=13)
    put(
        sheet["A2"],
        "Đếm từ hồ sơ trên hệ thống; trung tâm và xã: số cuối giai đoạn; các dòng khác: cộng các năm.",
    )
    sheet.append([])
    head = ["Nội dung", *[str(y) for y in r.years], "Cả giai đoạn"]
    append_row(sheet, head)
    top = sheet.max_row
    for label, attribute, how in WORK:
        append_row(
            sheet,
            [
                label,
                *[int(getattr(r.work[y], attribute)) for y in r.years],
                work_total(r, attribute, how),
            ],
        )
    _style(sheet, top, len(head))
    sheet.column_dimensions["A"].width = 60
    return sheet


EXEMPLARY_HEAD = [
    "TT",
    "Năm",
    "Tập thể, cá nhân",
    "Tên",
    "Xã, phường",
    "Hình thức khen thưởng",
    "Quyết định",
]


def _exemplary_rows(r: ReviewData) -> list[list[str]]:
    rows = []
    for index, c in enumerate(r.exemplary, start=1):
        decision = c.decision + (f" ngày {c.decision_date:%d/%m/%Y}" if c.decision_date else "")
        rows.append(
            [
                str(index),
                str(c.year),
                c.get_subject_kind_display(),
                c.name,
                c.place.name,
                c.get_level_display(),
                decision,
            ]
        )
    return rows


def _exemplary_sheet(wb: Workbook, r: ReviewData) -> Any:
    sheet = wb.create_sheet("Điển hình tiêu biểu")
    put(sheet["A1"], f"ĐIỂN HÌNH TIÊU BIỂU GIAI ĐOẠN {r.first}–{r.last} ({len(r.exemplary)})")
    sheet["A1"].font = Font(bold=True, size=13)
    put(sheet["A2"], EXEMPLARY_RULE)
    sheet.append([])
    append_row(sheet, EXEMPLARY_HEAD)
    top = sheet.max_row
    for row in _exemplary_rows(r):
        append_row(sheet, row)
    _style(sheet, top, len(EXEMPLARY_HEAD))
    sheet.column_dimensions["D"].width = 36
    sheet.column_dimensions["E"].width = 26
    sheet.column_dimensions["F"].width = 36
    return sheet


def _results(r: ReviewData) -> list[Block]:
    blocks: list[Block] = []
    final = r.milestones[-1]
    for code in APPENDIX:
        label = IndicatorCode(code).label
        known = [(y, r.share(y, code)) for y in r.years if r.share(y, code) is not None]
        if not known:
            blocks.append(Para(f"- {label}: chưa có số liệu được duyệt trong giai đoạn."))
            continue
        (y0, v0), (y1, v1) = known[0], known[-1]
        text = f"- {label}: năm {y1} đạt {_pct(v1)}"
        if y1 != y0:
            change = v1 - v0  # type: ignore[operator]
            word = "tăng" if change >= 0 else "giảm"
            text += f", {word} {_pct(abs(change))[:-1]} điểm % so với năm {y0} ({_pct(v0)})"
        national = r.target(code, final, TargetSource.NATIONAL)
        province = r.target(code, final, TargetSource.PROVINCE)
        if province is not None or national is not None:
            text += (
                f"; chỉ tiêu năm {final} của Chính phủ {_pct(national)}, của tỉnh {_pct(province)}"
                f": {_verdict(r, code).lower()}"
            )
        if code in r.base:
            text += f". Năm 2020, tỉnh Hưng Yên cũ đạt {_pct(r.base[code])}"
        blocks.append(Para(text + "."))
    return blocks


def _shortfalls(r: ReviewData) -> list[Block]:
    final = r.milestones[-1]
    behind = []
    for code in APPENDIX:
        target = r.target(code, final, TargetSource.PROVINCE)
        share = r.share(r.latest, code)
        if target is not None and share is not None and share < target:
            behind.append(f"{IndicatorCode(code).label} ({_pct(share)}, chỉ tiêu {_pct(target)})")
    blocks: list[Block] = []
    if behind:
        blocks.append(
            Para(
                f"Đến năm {r.latest}, các chỉ tiêu chưa đạt chỉ tiêu năm {final} của tỉnh: "
                + "; ".join(behind)
                + "."
            )
        )
    else:
        blocks.append(
            Para(
                f"Đến năm {r.latest}, không có chỉ tiêu có số liệu nào dưới chỉ tiêu năm {final} của tỉnh."
            )
        )
    lacking = [f"năm {y}: {r.coverage[y].label}" for y in r.years if not r.coverage[y].complete]
    if lacking:
        blocks.append(
            Para(
                "Số liệu chưa đầy đủ (số xã, phường có báo cáo đã duyệt): "
                + "; ".join(lacking)
                + "."
            )
        )
    return blocks


def _work_sentence(r: ReviewData) -> str:
    t = {attribute: work_total(r, attribute, how) for _label, attribute, how in WORK}
    return (
        f"Cuối giai đoạn có {t['centres']} trung tâm học tập cộng đồng đang hoạt động ở "
        f"{t['communes_with_centre']} xã, phường; {t['communes_with_leader']} xã có Chủ tịch "
        f"hoặc Phó Chủ tịch Hội Khuyến học tham gia quản lý trung tâm. Trong giai đoạn, các "
        f"trung tâm tổ chức {_money(t['activities'])} lớp học, hoạt động với "
        f"{_money(t['participants'])} lượt người tham gia; {t['trainings']} lớp tập huấn, hội nghị "
        f"phổ biến; {t['communication']} tin, bài, sự kiện truyền thông; huy động "
        f"{_money(t['resources'])} đồng (tiền mặt {_money(t['cash'])} đồng, hiện vật quy ra tiền "
        f"{_money(t['in_kind'])} đồng); {t['commendations_approved']} lượt tập thể, cá nhân được "
        f"khen thưởng, trong đó {t['exemplary']} điển hình tiêu biểu."
    )


def _directions(r: ReviewData) -> list[Block]:
    if r.last >= 2030:
        return [
            Para(
                "Chỉ tiêu của giai đoạn sau năm 2030 chưa được ban hành; phương hướng nêu theo "
                "văn bản mới của Chính phủ và của tỉnh khi có."
            )
        ]
    gaps = []
    for code in APPENDIX:
        target = r.target(code, 2030, TargetSource.PROVINCE)
        share = r.share(r.latest, code)
        if target is not None and share is not None and share < target:
            gaps.append(
                f"{IndicatorCode(code).label}: từ {_pct(share)} lên {_pct(target)} "
                f"(thêm {_pct(target - share)[:-1]} điểm %)"
            )
    if not gaps:
        return [
            Para("Các chỉ tiêu có số liệu đã đạt chỉ tiêu năm 2030 của tỉnh; tiếp tục duy trì.")
        ]
    return [Para("Để đạt chỉ tiêu năm 2030 của tỉnh, cần nâng: " + "; ".join(gaps) + ".")]


def _summary_grid(r: ReviewData) -> Grid:
    final = r.milestones[-1]
    latest = r.latest
    first_known = r.first
    rows = [
        [
            str(IndicatorCode(code).label),
            _pct(r.base.get(code)),
            _pct(r.share(first_known, code)),
            _pct(r.share(latest, code)),
            _pct(r.target(code, final, TargetSource.NATIONAL)),
            _pct(r.target(code, final, TargetSource.PROVINCE)),
            _verdict(r, code),
        ]
        for code in APPENDIX
    ]
    return Grid(
        [
            "Chỉ tiêu",
            "2020 (Hưng Yên cũ)",
            f"Năm {first_known}",
            f"Năm {latest}",
            f"{final}: Chính phủ",
            f"{final}: tỉnh",
            "Đánh giá",
        ],
        rows,
        [0.3, 0.11, 0.1, 0.1, 0.11, 0.1, 0.18],
    )


def _years_grid(r: ReviewData) -> Grid:
    head = _indicator_head(r)
    rows = []
    for code in APPENDIX:
        change = _change(r, code)
        row = [
            str(IndicatorCode(code).label),
            _pct(r.base.get(code)),
            *[_pct(r.share(y, code)) for y in r.years],
            _pct(change)[:-1] if change is not None else "—",
        ]
        for year in r.milestones:
            row += [
                _pct(r.target(code, year, TargetSource.NATIONAL)),
                _pct(r.target(code, year, TargetSource.PROVINCE)),
            ]
        rows.append([*row, _verdict(r, code)])
    rows.append(
        [
            "Số xã, phường có báo cáo đã duyệt",
            "",
            *[r.coverage[y].label.split()[0] for y in r.years],
            *[""] * (len(head) - 2 - len(r.years)),
        ]
    )
    rest = len(head) - 1
    return Grid(head, rows, [0.2, *[0.8 / rest] * rest])


def _communes_grid(r: ReviewData) -> Grid:
    year = r.latest
    rows = []
    for index, commune in enumerate(r.communes, start=1):
        rows.append(
            [
                str(index),
                commune.name,
                *[_pct(r.commune_share(year, commune, c)) for c in PER_COMMUNE],
                source_of(r.found[year].get(commune.pk)),
            ]
        )
    total = "Toàn tỉnh" if r.place.kind == PlaceKind.PROVINCE else "Cộng"
    rows.append(["", total, *[_pct(r.share(year, c)) for c in PER_COMMUNE], ""])
    return Grid(
        ["TT", "Xã, phường", *[str(IndicatorCode(c).label) for c in PER_COMMUNE], "Nguồn số liệu"],
        rows,
        [0.04, 0.14, *[0.1] * len(PER_COMMUNE), 0.22],
        bold_last=True,
    )


def _work_grid(r: ReviewData) -> Grid:
    rows = [
        [
            label,
            *[_money(int(getattr(r.work[y], attribute))) for y in r.years],
            _money(work_total(r, attribute, how)),
        ]
        for label, attribute, how in WORK
    ]
    columns = len(r.years) + 1
    return Grid(
        ["Nội dung", *[str(y) for y in r.years], "Cả giai đoạn"],
        rows,
        [0.3, *[0.7 / columns] * columns],
    )


def review_document(r: ReviewData) -> ReportDocument:
    span = f"{r.first}–{r.last}"
    when = "quý I/2026" if r.name == "Sơ kết" else "quý II/2030"
    what = "Sơ kết 5 năm" if r.name == "Sơ kết" else "Tổng kết 10 năm"
    body: list[Block] = [
        Para(
            "Thực hiện Kế hoạch số 127/KH-UBND ngày 08/7/2022 của Ủy ban nhân dân tỉnh về đẩy "
            "mạnh phong trào học tập suốt đời trong gia đình, dòng họ, cộng đồng, đơn vị giai "
            f"đoạn 2021-2030 (mục III.5.b: {what.lower()} vào {when}), Ủy ban nhân dân tỉnh báo "
            f"cáo {what.lower()} giai đoạn {span} như sau:"
        ),
        Para(
            "Số liệu theo báo cáo của xã, phường đã được tỉnh duyệt, tính theo địa giới 104 xã, "
            "phường hiện nay (các năm trước 01/07/2025 cộng từ báo cáo của các xã cũ); tỷ lệ "
            "tính trên tổng số đối tượng. " + BASELINE_NOTE
        ),
        Heading("I. KẾT QUẢ ĐẠT ĐƯỢC"),
        Heading("1. Các mô hình học tập và Công dân học tập"),
        *_results(r),
        _summary_grid(r),
        Heading("2. Công tác phong trào"),
        Para(_work_sentence(r)),
        Heading("3. Điển hình tiêu biểu"),
        Para(
            f"Giai đoạn {span} có {len(r.exemplary)} tập thể, cá nhân điển hình tiêu biểu "
            "(danh sách tại Phụ lục IV). " + EXEMPLARY_RULE
        ),
        Heading("4. Đánh giá chung"),
        Para(
            "Phần này do cơ quan tổng hợp viết: nhận định chung về kết quả, những cách làm hay "
            "của địa phương, đơn vị trong giai đoạn.",
            italic=True,
        ),
        Heading("II. TỒN TẠI, HẠN CHẾ"),
        *_shortfalls(r),
        Heading("Nguyên nhân"),
        Para(
            "Phần này do cơ quan tổng hợp viết: nguyên nhân khách quan, chủ quan của những tồn "
            "tại, hạn chế nêu trên.",
            italic=True,
        ),
        Heading("III. PHƯƠNG HƯỚNG, NHIỆM VỤ"),
        *_directions(r),
        Heading("Nhiệm vụ, giải pháp trọng tâm và kiến nghị"),
        Para(
            "Phần này do cơ quan tổng hợp viết: nhiệm vụ, giải pháp trọng tâm giai đoạn tới và "
            "kiến nghị, đề xuất với Trung ương, với tỉnh.",
            italic=True,
        ),
        Para("(Có các phụ lục kèm theo.)", italic=True),
    ]
    return ReportDocument(
        authority_lines=["ỦY BAN NHÂN DÂN", "TỈNH HƯNG YÊN"],
        number_line="Số:        /BC-UBND",
        place_date=f"Hưng Yên, ngày       tháng       năm {2026 if r.name == 'Sơ kết' else 2030}",
        kind="BÁO CÁO",
        subject_line=(
            f"{what} thực hiện phong trào học tập suốt đời trong gia đình, dòng họ, cộng đồng, "
            f"đơn vị giai đoạn {span}"
        ),
        addressees=[],
        body=body,
        recipients=[
            "Bộ Giáo dục và Đào tạo;",
            "Hội Khuyến học Việt Nam;",
            "Hội Khuyến học tỉnh;",
            "Lưu: VT.",
        ],
        signature_lines=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
        signer_note="(Ký, ghi rõ họ tên, đóng dấu)",
        annexes=[
            Annex(
                f"Phụ lục I. CÁC CHỈ TIÊU TỪNG NĂM, GIAI ĐOẠN {span}",
                "Tỷ lệ % trên tổng số đối tượng; năm 2020 là của tỉnh Hưng Yên cũ",
                [_years_grid(r)],
            ),
            Annex(
                f"Phụ lục II. KẾT QUẢ THEO XÃ, PHƯỜNG NĂM {r.latest}",
                f"Địa giới hiện nay; {r.coverage[r.latest].label} có báo cáo đã duyệt; "
                "số liệu từng năm ở bản Excel",
                [_communes_grid(r)],
            ),
            Annex(
                f"Phụ lục III. CÔNG TÁC PHONG TRÀO GIAI ĐOẠN {span}",
                "Đếm từ hồ sơ trên hệ thống; trung tâm và xã: số cuối giai đoạn; các dòng khác: "
                "cộng các năm",
                [_work_grid(r)],
            ),
            Annex(
                f"Phụ lục IV. ĐIỂN HÌNH TIÊU BIỂU GIAI ĐOẠN {span}",
                EXEMPLARY_RULE,
                [
                    Grid(
                        EXEMPLARY_HEAD,
                        _exemplary_rows(r)
                        or [["", "", "", "Chưa có điển hình nào trên hệ thống", "", "", ""]],
                        [0.05, 0.07, 0.1, 0.25, 0.18, 0.2, 0.15],
                    )
                ],
            ),
        ],
    )
