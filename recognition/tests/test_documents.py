import datetime as dt
import io
import logging
import re
from typing import Any

import pytest
from docx import Document
from pypdf import PdfReader

from assessments import services
from assessments.tests.helpers import YEAR, good_answers, open_years
from recognition import content, pdf, word
from recognition.models import Certificate, DecisionDocument
from recognition.services import document_for, render_certificates


@pytest.fixture
def decision(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    open_years(world)
    alice = world.users["alice"]
    items = []
    for key in ("a1", "a2"):
        assessment = services.register(
            actor=alice, title="GDHT", year=YEAR, subject=world.households[key]
        )
        assessment = services.save_answers(
            actor=alice, assessment=assessment, answers=good_answers(assessment)
        )
        for step in (services.submit, services.verify, services.propose):
            assessment = step(actor=alice, assessment=assessment)
        items.append(assessment)
    return services.decide(
        actor=alice,
        assessments=items,
        number="15/QĐ-UBND",
        signed_on=dt.date(YEAR, 11, 20),
        signer_name="Trần Văn Hùng",
        signer_title="Phó Chủ tịch",
        sign_form="KT.",
        authority="Ủy ban nhân dân Phường Phố Hiến",
    )


def pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.extend(p.text for p in cell.paragraphs)
    return "\n".join(lines)


EXPECTED = [
    "ỦY BAN NHÂN DÂN",
    "PHƯỜNG PHỐ HIẾN",
    "Số: 15/QĐ-UBND",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Phố Hiến, ngày 20 tháng 11 năm 2026",
    "QUYẾT ĐỊNH",
    "Về việc công nhận danh hiệu “Gia đình học tập” năm 2026",
    "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG PHỐ HIẾN",
    "Căn cứ Kế hoạch số 127/KH-UBND ngày 08 tháng 7 năm 2022",
    "QUYẾT ĐỊNH:",
    "Điều 1.",
    "Công nhận danh hiệu “Gia đình học tập” năm 2026 cho 2 hộ gia đình",
    "Điều 3.",
    "Nơi nhận:",
    "KT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "Trần Văn Hùng",
    "DANH SÁCH HỘ GIA ĐÌNH ĐƯỢC CÔNG NHẬN DANH HIỆU “GIA ĐÌNH HỌC TẬP” NĂM 2026",
    "Họ và tên chủ hộ",
    "Nguyễn Văn An",
    "Phạm Văn Dũng",
    "Thôn Đông Tảo",
]


def test_decision_pdf_and_docx_say_it_in_vietnamese(decision, caplog):
    caplog.set_level(logging.WARNING)
    document = document_for(decision)
    from recognition.services import storage_dir

    pdf_bytes = (storage_dir("decisions") / document.pdf_name).read_bytes()
    text = "\n".join(pdf_text(pdf_bytes))
    flat = " ".join(text.split())
    for expected in EXPECTED:
        assert " ".join(expected.split()) in flat, expected
    docx = docx_text((storage_dir("decisions") / document.docx_name).read_bytes())
    flat_docx = " ".join(docx.split())
    for expected in EXPECTED:
        assert expected in flat_docx, expected
    assert "missing glyph" not in caplog.text


LIBERATION = (
    "LiberationSerif",
    "LiberationSerif-Bold",
    "LiberationSerif-Italic",
    "LiberationSerif-BoldItalic",
)


def pdf_fonts(data: bytes) -> set[str]:
    """The base names of the fonts a PDF embeds, without their subset tag (ABCDEF+)."""
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def test_pdf_and_docx_of_a_decision_are_set_in_one_typeface(decision):
    """Decree 30/2020: Times New Roman. The Word copy names it; the PDF embeds its metric
    twin Liberation Serif and nothing else, so both copies break their lines alike."""
    from recognition.services import storage_dir

    document = document_for(decision)
    pdf_bytes = (storage_dir("decisions") / document.pdf_name).read_bytes()
    assert pdf_fonts(pdf_bytes) <= set(LIBERATION)
    assert "LiberationSerif" in pdf_fonts(pdf_bytes)
    docx = Document(io.BytesIO((storage_dir("decisions") / document.docx_name).read_bytes()))

    def face(paragraph, run):  # a run without its own font takes its style's, up the chain
        style = paragraph.style
        while run.font.name is None and style is not None and style.font.name is None:
            style = style.base_style
        return run.font.name or (style.font.name if style is not None else None)

    paragraphs = [*docx.paragraphs]
    for table in docx.tables:
        paragraphs += [p for row in table.rows for cell in row.cells for p in cell.paragraphs]
    named = {face(p, run) for p in paragraphs for run in p.runs if run.text.strip()}
    xml = docx.element.xml
    named |= set(re.findall(r'w:ascii="([^"]+)"', xml))
    assert named == {"Times New Roman"}


def test_decision_document_is_generated_once_and_kept(decision):
    first = document_for(decision)
    second = document_for(decision)
    assert first.pk == second.pk and first.pdf_sha256 == second.pdf_sha256
    assert DecisionDocument.objects.count() == 1
    # rendering again from the record gives the same text: the decision is immutable
    again = pdf.decision_pdf(content.build(decision))
    from recognition.services import storage_dir

    kept = (storage_dir("decisions") / first.pdf_name).read_bytes()
    assert pdf_text(again) == pdf_text(kept)


def test_every_recognised_subject_gets_a_certificate(decision):
    assert Certificate.objects.filter(assessment__decision=decision).count() == 2
    codes = set(Certificate.objects.values_list("code", flat=True))
    assert all(len(c) == 26 for c in codes) and len(codes) == 2
    printed, _ = render_certificates(decision)
    assert pdf_fonts(printed) <= set(LIBERATION) and len(PdfReader(io.BytesIO(printed)).pages) == 2


def test_a_certificate_heads_with_the_superior_and_the_whole_issuing_body(decision):
    """The certificate's heading is the decision's (Decree 30/2020, Appendix I): the superior
    body above the issuing body, whose name is printed whole on its two lines, not cut."""
    decision.superior = "Ủy ban nhân dân tỉnh Hưng Yên"
    decision.authority = "Ủy ban nhân dân Phường Phố Hiến"
    decision.save()
    printed, _ = render_certificates(decision)
    lines = [line.strip() for line in pdf_text(printed)[0].splitlines()]
    superior = lines.index("UBND TỈNH HƯNG YÊN")
    assert lines[superior + 1 : superior + 3] == ["ỦY BAN NHÂN DÂN", "PHƯỜNG PHỐ HIẾN"]
    decision.superior = ""
    decision.authority = "Hội Khuyến học Phường Phố Hiến có tên rất dài để thử cắt dòng"
    decision.save()
    printed, _ = render_certificates(decision)
    text = pdf_text(printed)[0]
    assert "UBND TỈNH HƯNG YÊN" not in text
    assert "PHƯỜNG PHỐ HIẾN CÓ TÊN RẤT DÀI ĐỂ THỬ CẮT DÒNG" in text


def long_content(rows: int) -> content.DecisionContent:
    return content.DecisionContent(
        authority_lines=["ỦY BAN NHÂN DÂN", "XÃ KHOÁI CHÂU"],
        number_line="Số: 7/QĐ-UBND",
        place_date="Khoái Châu, ngày 01 tháng 12 năm 2026",
        subject_line="Về việc công nhận danh hiệu “Gia đình học tập” năm 2026",
        issuer_line="CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ KHOÁI CHÂU",
        bases=["Căn cứ …;"],
        articles=[("Điều 1.", "Công nhận.")],
        recipients=["Lưu: VT."],
        signature_lines=["CHỦ TỊCH"],
        signer_name="Lê Văn A",
        annex_title="DANH SÁCH",
        annex_caption="(Kèm theo)",
        annex_header=["TT", "Họ và tên chủ hộ", "Mã hộ", "Thôn, tổ dân phố"],
        annex_rows=[
            [str(i), f"Nguyễn Thị Hộ {i}", f"KC-{i:05d}", "Thôn Đông Tảo"]
            for i in range(1, rows + 1)
        ],
    )


def test_long_annex_repeats_its_header_and_numbers_continuously():
    pages = pdf_text(pdf.decision_pdf(long_content(400)))
    annex_pages = [p for p in pages[1:] if "Nguyễn Thị Hộ" in p]
    assert len(annex_pages) >= 8
    for page in annex_pages:
        assert "Họ và tên chủ hộ" in page  # the header on every page
    rows = [
        (int(n), int(m))
        for page in annex_pages
        for n, m in re.findall(r"(\d+)\s*\nNguyễn Thị Hộ (\d+)", page)
    ]
    assert [n for n, _m in rows] == list(range(1, 401))  # numbering continuous across pages
    assert all(n == m for n, m in rows)


def test_long_annex_in_word_marks_the_header_row_to_repeat():
    document = Document(io.BytesIO(word.decision_docx(long_content(300))))
    table = document.tables[-1]
    assert len(table.rows) == 301
    first = table.rows[0]._tr
    assert (
        first.find(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader")
        is not None
    )
    assert table.rows[300].cells[0].text == "300"


def test_decree_30_layout_national_name_on_one_line_pages_numbered_from_the_second():
    """Decree 30/2020/NĐ-CP, Appendix I: the national name on one line; pages numbered
    from the second, at the top; the Word copy numbers its pages the same way."""
    data = pdf.decision_pdf(long_content(120))
    reader = PdfReader(io.BytesIO(data))
    first = reader.pages[0].extract_text().splitlines()
    assert any(line.strip().endswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") for line in first)
    assert not any(line.strip() == "1" for line in first)
    for number, page in enumerate(reader.pages[1:], start=2):
        top: list[tuple[float, str]] = []
        page.extract_text(visitor_text=lambda t, cm, tm, fd, fs, top=top: top.append((tm[5], t)))
        highest = max((y, t) for y, t in top if t.strip())
        assert highest[1].strip() == str(number)
    document = Document(io.BytesIO(word.decision_docx(long_content(120))))
    section = document.sections[0]
    assert section.different_first_page_header_footer is True
    assert 'w:instr="PAGE"' in section.header._element.xml
    assert not section.first_page_header._element.xml.count("PAGE")
