"""The report to the Ministry and the national association, and the plan's reviews (Sơ kết
2021–2025, Tổng kết 2021–2030), through the download URLs and the command, in Excel, PDF and
Word: addressees, due date, preliminary/final figures, coverage, targets side by side, the 2020
baseline, the per-commune tables under today's map, the movement's work and exemplary models."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from docx import Document
from pypdf import PdfReader

from movement import models as m
from movement.tests import factories as mk
from places.models import Place
from stats.figures import FIGURE_NAMES
from stats.models import ReportStatus, StatReport
from stats.tests.test_small_province import A

# Commune A's figures of the small province, and any figure it does not name (added since)
# filled so that every indicator has a share: 10 of everything, 5 achieved.
VALUES = {**{n: 10 if n.endswith("_total") else 5 for n in FIGURE_NAMES}, **A}

YEAR = 2026
CODE_NAMES = re.compile(
    r"\b(gdht|dhht|cdht_thon|dvht|xa_ht|None|True|False|nan)\b|\b[a-z]+_[a-z_]+\b"
)


@pytest.fixture(autouse=True)
def old_hung_yen_baselines(db):
    """The plan's 2020 results on the old province (idempotent if the session loaded them)."""
    call_command("load_baselines", verbosity=0)


def approve_all(years, skip=()):
    communes = list(Place.objects.current().communes().order_by("name"))
    StatReport.objects.bulk_create(
        [
            StatReport(commune=c, year=y, status=ReportStatus.APPROVED, **VALUES)
            for y in years
            for c in communes
            if c.name not in skip
        ]
    )
    return communes


def seed_movement(world):
    """Two centres, a training, two communication items, a contribution and three
    commendations (two exemplary, one only approved) in the period."""
    a, b = world.commune_a, world.commune_b
    centre = mk.centre(a)
    mk.activity(centre, "Tin học cơ bản", dt.date(2022, 5, 10), 25)
    mk.activity(centre, "Pháp luật", dt.date(2024, 9, 1), 35)
    mk.centre(b, "TTHTCĐ Khoái Châu")
    mk.training(world.province, m.TrainingTopic.IT, dt.date(2023, 8, 1), level="province")
    for day in (dt.date(2022, 10, 1), dt.date(2025, 10, 2)):
        m.Communication.objects.create(
            place=a, kind="article", channel="Báo Hưng Yên", date=day, title="Tuần lễ học tập"
        )
    m.Contribution.objects.create(
        place=a,
        date=dt.date(2023, 6, 1),
        source="clan",
        donor="Quỹ họ Nguyễn",
        purpose="scholarship",
        cash=5_000_000,
    )
    for year, name, exemplary in (
        (2023, "Dòng họ Nguyễn Chi 2", True),
        (2025, "Trần Thị Em", True),
        (2024, "Thôn Đông Tảo", False),
    ):
        m.Commendation.objects.create(
            place=a if year != 2025 else b,
            year=year,
            subject_kind="collective" if "Thị" not in name else "individual",
            name=name,
            reason="Tiêu biểu trong phong trào",
            level="province",
            status="approved",
            exemplary=exemplary,
            decision=f"{year}/QĐ-UBND",
            decision_date=dt.date(year, 11, 20),
        )


def pdf_text(content: bytes) -> str:
    return " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(content)).pages
    )


def docx_text(content: bytes) -> tuple[str, list]:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return " ".join(" ".join(parts).split()), document.tables


def assert_no_code_names(text: str) -> None:
    found = CODE_NAMES.findall(text)
    assert not found, found


def percentage_cells(workbook):
    """Every cell under a header naming a percentage or a year's share, down to the table's
    end (the first empty first-column cell)."""
    header = re.compile(r"(%|^Năm \d{4}$)")
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows())
        for r, row in enumerate(rows):
            columns = [c.column for c in row if isinstance(c.value, str) and header.search(c.value)]
            if not columns or not any(c.value == "Chỉ tiêu" or c.value == "TT" for c in row):
                continue
            for below in rows[r + 1 :]:
                if below[0].value in (None, ""):
                    break
                for col in columns:
                    yield sheet.title, below[col - 1]


def assert_every_percentage_is_a_number(content: bytes) -> int:
    book = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    numbers = 0
    for title, cell in percentage_cells(book):
        if cell.value == "Không áp dụng":  # the "% of registered" of an indicator without one
            continue
        assert isinstance(cell.value, int | float), (title, cell.coordinate, cell.value)
        numbers += 1
    return numbers


def test_ministry_report_is_preliminary_with_the_missing_communes_listed(world, as_user):
    names = [c.name for c in Place.objects.current().communes().order_by("name")]
    missing = [names[3], names[20], names[40], names[60], names[80], names[100]]
    approve_all([YEAR], skip=missing)
    alice = as_user("alice")

    book = alice.get(f"/chi-tieu/bao-cao/gui-bo/{YEAR}.xlsx")
    assert "bao-cao-gui-bo-2026.xlsx" in book["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(book.content), data_only=True)
    head = [wb["Báo cáo"].cell(row=r, column=1).value for r in range(1, 6)]
    assert head[1] == "Kính gửi: Bộ Giáo dục và Đào tạo; Hội Khuyến học Việt Nam"
    assert head[2] == "Hạn gửi: 15/12/2026"
    assert head[3].startswith("Tính chất số liệu: Số liệu sơ bộ") and "98/104 xã, phường" in head[3]
    assert head[4] == "Phạm vi: 98/104 xã, phường có báo cáo đã duyệt"
    listed = [row[1] for row in wb["Xã chưa báo cáo"].iter_rows(min_row=3, values_only=True)]
    assert listed == sorted(missing)
    rows = {r[0]: r for r in wb["Báo cáo"].iter_rows(values_only=True) if r and r[0]}
    header = next(r for r in wb["Báo cáo"].iter_rows(values_only=True) if r[0] == "Chỉ tiêu")
    assert header[1:4] == (
        "Năm 2020 (tỉnh Hưng Yên cũ)",
        "Chỉ tiêu 2025 quốc gia",
        "Chỉ tiêu 2025 tỉnh",
    )
    assert header[9:11] == ("Chỉ tiêu 2030 quốc gia", "Chỉ tiêu 2030 tỉnh")
    gdht = rows["Gia đình học tập"]
    assert gdht[1:5] == (71, 70, 75, 200 * 98)  # baseline, national and provincial 2025, total
    assert gdht[7] == 80 and gdht[9:12] == (80, 80, "Đạt")  # 160/200 each; targets 2030
    assert rows["Dòng họ học tập"][11] == "Chưa đạt (còn 15%)"  # 60 % vs 75 %
    per = wb["Theo xã"]
    assert per.max_row == 3 + 104 + 1
    absent = next(r for r in per.iter_rows(values_only=True) if r[1] == missing[0])
    assert absent[4] == "Chưa có số liệu" and absent[-1] == "Chưa có báo cáo đã duyệt"

    for kind, read in (("pdf", pdf_text), ("docx", lambda c: docx_text(c)[0])):
        response = alice.get(f"/chi-tieu/bao-cao/gui-bo/{YEAR}.{kind}")
        assert response.status_code == 200
        text = read(response.content)
        for expected in (
            "Kính gửi:",
            "Bộ Giáo dục và Đào tạo",
            "Hội Khuyến học Việt Nam",
            "15/12",
            "Số liệu sơ bộ",
            "98/104 xã, phường",
            *missing,
            "của Chính phủ 70%, của tỉnh 75%",
            "tỉnh Hưng Yên cũ",
        ):
            assert expected in text, (kind, expected)
        assert_no_code_names(text)


def test_ministry_report_is_final_when_every_commune_is_approved(world, as_user):
    approve_all([YEAR])
    alice = as_user("alice")
    content = alice.get(f"/chi-tieu/bao-cao/gui-bo/{YEAR}.xlsx").content
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Báo cáo"]
    assert sheet["A4"].value.startswith("Tính chất số liệu: Số liệu chính thức")
    assert "104/104 xã, phường" in sheet["A4"].value
    assert assert_every_percentage_is_a_number(content) >= 104 * 6
    text = pdf_text(alice.get(f"/chi-tieu/bao-cao/gui-bo/{YEAR}.pdf").content)
    assert "Số liệu chính thức" in text and "Số liệu sơ bộ" not in text


@pytest.mark.parametrize(
    ("last", "name", "title"),
    [(2025, "Sơ kết", "SƠ KẾT"), (2030, "Tổng kết", "TỔNG KẾT")],
)
def test_reviews_in_every_format(world, as_user, last, name, title):
    approve_all(range(2021, last + 1))
    seed_movement(world)
    alice = as_user("alice")
    stem = "so-ket" if name == "Sơ kết" else "tong-ket"
    years = list(range(2021, last + 1))

    response = alice.get(f"/chi-tieu/bao-cao/so-ket/2021-{last}.xlsx")
    assert f"{stem}-2021-{last}.xlsx" in response["Content-Disposition"]
    assert assert_every_percentage_is_a_number(response.content) >= 104 * 6 * len(years)
    wb = openpyxl.load_workbook(io.BytesIO(response.content), data_only=True)
    main = wb.worksheets[0]
    assert main["A1"].value.startswith(f"{title} GIAI ĐOẠN 2021–{last}")
    assert "tỉnh Hưng Yên cũ" in main["A2"].value
    header = next(r for r in main.iter_rows(values_only=True) if r[0] == "Chỉ tiêu")
    assert header[1] == "Năm 2020 (tỉnh Hưng Yên cũ)"
    assert list(header[2 : 2 + len(years)]) == [f"Năm {y} (%)" for y in years]
    assert "Chỉ tiêu 2025 quốc gia" in header and "Chỉ tiêu 2025 tỉnh" in header
    assert (last == 2030) == ("Chỉ tiêu 2030 quốc gia" in header)
    gdht = next(r for r in main.iter_rows(values_only=True) if r[0] == "Gia đình học tập")
    assert gdht[1] == 71 and gdht[2 : 2 + len(years)] == (80,) * len(years)
    per = wb["Xã - Gia đình học tập"]
    communes = [r for r in per.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    assert len(communes) == 104
    work = {r[0]: r for r in wb["Phong trào"].iter_rows(values_only=True) if r and r[0]}
    assert work["Trung tâm học tập cộng đồng đang hoạt động"][-1] == 2
    assert work["Lớp học, hoạt động của trung tâm"][-1] == 2
    assert work["Lớp tập huấn, hội nghị phổ biến"][-1] == 1
    assert work["Tin, bài, sự kiện truyền thông"][-1] == 2
    assert work["Nguồn lực huy động: tổng cộng (đồng)"][-1] == 5_000_000
    assert work["Tập thể, cá nhân được khen thưởng"][-1] == 3
    assert work["— trong đó điển hình tiêu biểu"][-1] == 2
    models = [r[3] for r in wb["Điển hình tiêu biểu"].iter_rows(min_row=5, values_only=True)]
    assert models == ["Dòng họ Nguyễn Chi 2", "Trần Thị Em"]

    for kind in ("pdf", "docx"):
        response = alice.get(f"/chi-tieu/bao-cao/so-ket/2021-{last}.{kind}")
        assert f"{stem}-2021-{last}.{kind}" in response["Content-Disposition"]
        if kind == "pdf":
            text = pdf_text(response.content)
        else:
            text, tables = docx_text(response.content)
            communes_table = next(t for t in tables if t.rows[0].cells[1].text == "Xã, phường")
            assert len(communes_table.rows) == 1 + 104 + 1  # header, communes, the province
        for expected in (
            f"{name} {'5' if last == 2025 else '10'} năm",
            f"giai đoạn 2021–{last}",
            "I. KẾT QUẢ ĐẠT ĐƯỢC",
            "II. TỒN TẠI, HẠN CHẾ",
            "III. PHƯƠNG HƯỚNG, NHIỆM VỤ",
            "Phần này do cơ quan tổng hợp viết",
            "Năm 2020, tỉnh Hưng Yên cũ đạt 71%",
            "Gia đình học tập: năm",
            "Chính phủ",
            "104/104 xã, phường",
            "Dòng họ Nguyễn Chi 2",
            "Trần Thị Em",
            "điển hình tiêu biểu",
            "2 trung tâm học tập cộng đồng",
            "5.000.000 đồng",
        ):
            assert expected in text, (kind, expected)
        assert "Thôn Đông Tảo" not in text.split("Phụ lục IV")[-1]  # approved, not exemplary
        assert_no_code_names(text)


def test_the_narrative_says_what_is_behind_the_target(world, as_user):
    approve_all(range(2021, 2026))
    text, _tables = docx_text(
        as_user("alice").get("/chi-tieu/bao-cao/so-ket/2021-2025.docx").content
    )
    # DHHT is 60 % each year against the province's 73 % for 2025
    assert "Dòng họ học tập (60%, chỉ tiêu 73%)" in text
    assert "Dòng họ học tập: từ 60% lên 75%" in text  # the way to 2030


def test_a_commune_officer_gets_their_own_commune_and_outsiders_nothing(world, as_user):
    approve_all([YEAR])
    content = as_user("cuong").get(f"/chi-tieu/bao-cao/gui-bo/{YEAR}.xlsx").content
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert "1/1 xã, phường" in book["Báo cáo"]["A5"].value
    names = [r[1] for r in book["Theo xã"].iter_rows(min_row=4, values_only=True)]
    assert names == ["Phường Phố Hiến", "Cộng"]
    assert as_user("van").get(f"/chi-tieu/bao-cao/gui-bo/{YEAR}.pdf").status_code == 404
    assert as_user("alice").get(f"/chi-tieu/bao-cao/gui-bo/{YEAR}.odt").status_code == 404


def test_the_reports_page_links_every_file(world, as_user):
    page = as_user("vera").get(f"/chi-tieu/bao-cao/?nam={YEAR}").content.decode()
    for url in (
        f"/chi-tieu/bao-cao/gui-bo/{YEAR}.xlsx",
        f"/chi-tieu/bao-cao/gui-bo/{YEAR}.pdf",
        f"/chi-tieu/bao-cao/gui-bo/{YEAR}.docx",
        "/chi-tieu/bao-cao/so-ket/2021-2025.docx",
        "/chi-tieu/bao-cao/so-ket/2021-2030.docx",
        f"/chi-tieu/bao-cao/tong-hop/{YEAR}.xlsx",
    ):
        assert url in page, url


def test_export_report_writes_every_kind_and_format(world, tmp_path):
    approve_all(range(2021, 2031))
    for kind, fmt in [
        (kind, fmt)
        for kind in ("annual", "ministry", "so-ket", "tong-ket")
        for fmt in ("xlsx", "pdf", "docx")
        if (kind, fmt) != ("annual", "docx")
    ]:
        out = tmp_path / f"{kind}.{fmt}"
        call_command(
            "export_report", "--kind", kind, "--year", str(YEAR), "--format", fmt, "--out", str(out)
        )
        data = out.read_bytes()
        if fmt == "pdf":
            assert data.startswith(b"%PDF")
            assert_no_code_names(pdf_text(data))
        elif fmt == "docx":
            assert_no_code_names(docx_text(data)[0])
        else:
            assert assert_every_percentage_is_a_number(data) > 0, kind


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "quarter"], "Loại báo cáo “quarter” không có"),
        (["--kind", "ministry", "--format", "odt", "--year", "2026"], "Định dạng “odt” không có"),
        (["--kind", "ministry"], "Thiếu hoặc sai năm báo cáo"),
        (["--kind", "annual", "--format", "docx", "--year", "2026"], "bản Word là báo cáo gửi Bộ"),
        (["--kind", "so-ket", "--place", "00000"], "Không có xã/phường mã 00000"),
    ],
)
def test_export_report_errors_are_vietnamese(world, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_report", *args, "--out", str(tmp_path / "x"))
