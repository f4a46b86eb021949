"""The annual report's new sections: learning centres, training, communication, resources and
commendations, in the Excel and the PDF, for the province and for a commune."""

from __future__ import annotations

import io

import openpyxl
from pypdf import PdfReader

from movement import models as m
from movement.tests.test_indicators import YEAR, build


def _rows(sheet):
    return {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}


def test_annual_excel_has_the_movement_sheet(world, as_user):
    build(world)
    m.Commendation.objects.create(
        place=world.commune_a,
        year=YEAR,
        subject_kind="individual",
        name="Nguyễn Văn An",
        reason="x",
        level="province",
        status="approved",
        exemplary=True,
        decision="45/QĐ",
    )
    response = as_user("alice").get(f"/chi-tieu/bao-cao/tong-hop/{YEAR}.xlsx")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Phụ lục", "Theo xã", "Phong trào"]
    rows = _rows(wb["Phong trào"])
    assert rows["Số trung tâm đang hoạt động"] == 2
    assert rows["Xã có Chủ tịch/Phó Chủ tịch Hội tham gia quản lý trung tâm"] == "1/104 (0,96%)"
    assert rows["Số lớp học, hoạt động trong năm"] == 4
    assert rows["Lượt người tham gia"] == 150
    assert rows["Cán bộ khuyến học xã được tập huấn CNTT"] == "1/5 (20,00%)"
    assert rows["Cán bộ, hội viên được phổ biến tiêu chí"] == "2/7 (28,57%)"
    assert rows["Tổng cộng"] == 8_000_000 and rows["Dự toán năm"] == 16_000_000
    assert rows["Tỷ lệ so với dự toán"] == "50,00%"
    assert rows["Điển hình tiêu biểu"] == 1
    assert rows["— Cá nhân"] == "Nguyễn Văn An, Phường Phố Hiến"
    per = {row[0]: row for row in wb["Phong trào"].iter_rows(values_only=True) if row and row[0]}
    assert per["Phường Phố Hiến"][1:] == (1, "Có", 3, 100, 8_000_000, 16_000_000)
    assert per["Xã Khoái Châu"][1:] == (1, "Không", 1, 50, 0, 0)


def test_commune_report_covers_only_the_commune(world, as_user):
    build(world)
    response = as_user("binh").get(f"/chi-tieu/bao-cao/tong-hop/{YEAR}.xlsx")
    rows = _rows(openpyxl.load_workbook(io.BytesIO(response.content))["Phong trào"])
    assert rows["Số trung tâm đang hoạt động"] == 1
    assert rows["Xã có Chủ tịch/Phó Chủ tịch Hội tham gia quản lý trung tâm"] == "0/1 (0,00%)"
    assert rows["Lượt người tham gia"] == 50
    assert "Phường Phố Hiến" not in rows


def test_annual_pdf_has_the_sections(world, as_user):
    build(world)
    response = as_user("vera").get(f"/chi-tieu/bao-cao/tong-hop/{YEAR}.pdf")
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for title in (
        "I. Trung tâm học tập cộng đồng",
        "II. Bồi dưỡng, tập huấn, phổ biến",
        "III. Truyền thông",
        "IV. Huy động nguồn lực",
        "V. Khen thưởng",
    ):
        assert title in text
    assert "1/5 (20,00%)" in text
