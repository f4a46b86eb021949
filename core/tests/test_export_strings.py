"""Issue 19, "no dead ends": the files an official downloads (the annual report, the report
to the Ministry, the reviews, a decision and its revocation, the registry's exports) carry no
code names, reprs or unfilled templates either — the crawl's own check (`raw_strings`), run
over their text as LibreOffice or a PDF reader would show it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from assessments import services
from assessments.tests.helpers import YEAR, open_years, recognise
from core.tests.test_crawl import raw_strings
from stats.models import ReportStatus, StatReport


def text_of(name: str, data: bytes) -> str:
    if name.endswith(".pdf"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    if name.endswith(".docx"):
        document = Document(io.BytesIO(data))
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            lines += [cell.text for row in table.rows for cell in row.cells]
        return "\n".join(lines)
    book = load_workbook(io.BytesIO(data))
    return "\n".join(
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None and cell.data_type != "f"
    )


@pytest.fixture
def files(world, settings, tmp_path):
    """A recognised household (a decision, then its revocation) and an approved report."""
    settings.MEDIA_ROOT = tmp_path
    open_years(world)
    alice = world.users["alice"]
    held = recognise(
        world,
        services.register(actor=alice, title="GDHT", year=YEAR, subject=world.households["a1"]),
    )
    revocation = services.revoke(
        actor=alice,
        assessments=[held],
        number="9/QĐ-UBND",
        signed_on=dt.date(YEAR, 11, 28),
        signer_name="Nguyễn Văn Ký",
        signer_title="Chủ tịch",
        reason="Kê khai không trung thực",
    )
    StatReport.objects.create(
        commune=world.commune_a,
        year=YEAR,
        status=ReportStatus.APPROVED,
        households_total=100,
        households_registered=95,
        households_recognised=90,
    )
    return [
        f"/chi-tieu/bao-cao/tong-hop/{YEAR}.xlsx",
        f"/chi-tieu/bao-cao/tong-hop/{YEAR}.pdf",
        f"/chi-tieu/bao-cao/gui-bo/{YEAR}.xlsx",
        f"/chi-tieu/bao-cao/gui-bo/{YEAR}.pdf",
        f"/chi-tieu/bao-cao/gui-bo/{YEAR}.docx",
        "/chi-tieu/bao-cao/so-ket/2021-2025.docx",
        "/chi-tieu/bao-cao/so-ket/2021-2030.pdf",
        f"/cong-nhan/quyet-dinh/{held.decision_id}/van-ban.pdf",
        f"/cong-nhan/quyet-dinh/{held.decision_id}/van-ban.docx",
        f"/cong-nhan/thu-hoi/{revocation.pk}/van-ban.pdf",
        f"/cong-nhan/thu-hoi/{revocation.pk}/van-ban.docx",
        "/so/cong-dan/xuat.xlsx",
        "/so/ho/xuat.xlsx",
        "/so/dong-ho/xuat.xlsx",
        "/so/don-vi/xuat.xlsx",
    ]


def test_downloaded_files_carry_no_code_names_or_reprs(world, as_user, files):
    alice = as_user("alice")
    found: dict[str, list[str]] = {}
    for url in files:
        response = alice.get(url)
        assert response.status_code == 200, url
        data = b"".join(response.streaming_content) if response.streaming else response.content
        text = text_of(url, data)
        assert len(text) > 200, url  # a real document, read back
        bad = list(raw_strings(text))
        if bad:
            found[url] = bad[:5]
    assert found == {}, found


def test_the_check_catches_a_code_name_in_a_file():
    assert list(raw_strings("Danh hiệu: GDHT, trạng thái state: submitted"))
