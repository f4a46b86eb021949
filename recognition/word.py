"""The decision as an editable Word file, in the same layout as the PDF: Times New Roman,
the font Nghị định 30/2020/NĐ-CP prescribes and every office computer has; the PDF embeds
its metric twin (`recognition.fonts`), so both copies break their lines alike."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, Twips

from recognition import fonts
from recognition.content import DecisionContent
from recognition.fonts import WORD_FONT as FONT
from recognition.fonts import text as nfc
from recognition.pdf import MOTTO, NATIONAL_NAME


def _paragraph(
    container: Any,
    value: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
    size: int = 13,
    underline: bool = False,
    indent: bool = False,
) -> Any:
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(3)
    if indent:
        paragraph.paragraph_format.first_line_indent = Mm(10)
    if value:
        run = paragraph.add_run(nfc(value))
        run.bold, run.italic, run.underline = bold, italic, underline
        run.font.size = Pt(size)
        run.font.name = FONT
    return paragraph


def _rule(container: Any, length: float, box: float) -> None:
    """A thin solid line of `length` points centred in a `box` points wide: the bottom
    border of an empty paragraph indented from both sides (as the PDF draws it)."""
    paragraph = container.add_paragraph()
    side = max(box - length, 0) / 2
    paragraph.paragraph_format.left_indent = Pt(side)
    paragraph.paragraph_format.right_indent = Pt(side)
    paragraph.paragraph_format.space_after = Pt(3)
    paragraph.paragraph_format.line_spacing = Pt(2)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="5" w:space="0" '
            'w:color="000000"/></w:pBdr>'
        )
    )


def _column_widths(table: Any, widths: list[Any]) -> None:
    """Fixed widths, in the grid (which LibreOffice reads) and in every cell (Word)."""
    table.autofit = False
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        column.w = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _number_pages_from_the_second(section: Any) -> None:
    """Decree 30/2020, Appendix I: page numbers centred in the top margin, from page 2."""
    section.different_first_page_header_footer = True
    section.header_distance = Mm(10)
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph._p.append(
        parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:rPr>'
            f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"/><w:sz w:val="26"/>'
            "</w:rPr><w:t>2</w:t></w:r></w:fldSimple>"
        )
    )


def _no_borders(table: Any) -> None:
    borders = parse_xml(
        f"<w:tblBorders {nsdecls('w')}>"
        + "".join(
            f'<w:{side} w:val="nil"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + "</w:tblBorders>"
    )
    table._tbl.tblPr.append(borders)


def _cell_xml(value: str, width: int, *, bold: bool = False, center: bool = False) -> str:
    props = '<w:jc w:val="center"/>' if center else ""
    run_props = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"/><w:sz w:val="24"/>' + (
        "<w:b/>" if bold else ""
    )
    # A line break in the value ("\n") is a line break in the cell.
    text = "<w:br/>".join(
        f'<w:t xml:space="preserve">{escape(nfc(line))}</w:t>' for line in value.split("\n")
    )
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
        f"<w:p><w:pPr>{props}</w:pPr><w:r><w:rPr>{run_props}</w:rPr>{text}</w:r></w:p></w:tc>"
    )


def a4_document() -> Any:
    """A Word document set up as Decree 30/2020 (Appendix I) asks: A4 portrait, margins
    30/15/20/20 mm, the typeface at 13 pt, page numbers at the top from page 2."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(13)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    _number_pages_from_the_second(section)
    return document


def decision_docx(content: DecisionContent) -> bytes:
    document = a4_document()
    text_width = Mm(165).pt
    header = document.add_table(rows=1, cols=2)
    _no_borders(header)
    _column_widths(header, [Mm(66), Mm(99)])
    left, right = header.rows[0].cells
    left._tc.remove(left.paragraphs[0]._p)
    right._tc.remove(right.paragraphs[0]._p)
    for line in content.superior_lines:  # the superior body, not bold (Decree 30/2020)
        _paragraph(left, line, align=WD_ALIGN_PARAGRAPH.CENTER)
    for line in content.authority_lines:
        _paragraph(left, line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    authority = max(fonts.width(x, fonts.SERIF_BOLD, 13) for x in content.authority_lines)
    _rule(left, authority * 0.4, Mm(66).pt)
    _paragraph(left, content.number_line, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(right, NATIONAL_NAME, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=12)
    _paragraph(right, MOTTO, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _rule(right, fonts.width(MOTTO, fonts.SERIF_BOLD, 13), Mm(99).pt)
    _paragraph(right, content.place_date, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)

    _paragraph(document, "QUYẾT ĐỊNH", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=14)
    _paragraph(document, content.subject_line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    subject = min(fonts.width(content.subject_line, fonts.SERIF_BOLD, 13), text_width)
    _rule(document, subject * 0.4, text_width)
    _paragraph(document, content.issuer_line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=14)
    for basis in content.bases:
        _paragraph(document, basis, italic=True, indent=True)
    _paragraph(document, "QUYẾT ĐỊNH:", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=14)
    for label, body in content.articles:
        paragraph = _paragraph(document, indent=True)
        run = paragraph.add_run(nfc(label + " "))
        run.bold = True
        paragraph.add_run(nfc(body))

    footer = document.add_table(rows=1, cols=2)
    _no_borders(footer)
    recipients, signature = footer.rows[0].cells
    _paragraph(
        recipients, "Nơi nhận:", bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, size=12
    )
    for line in content.recipients:
        _paragraph(recipients, f"- {line}", align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
    for line in content.signature_lines:
        _paragraph(signature, line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for _ in range(4):
        _paragraph(signature, "", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(signature, content.signer_name, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)

    if content.annex_rows:
        document.add_page_break()
        _paragraph(document, content.annex_title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _paragraph(document, content.annex_caption, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        columns = len(content.annex_header)
        widths = (
            [round(9000 * share) for share in content.annex_widths]
            if content.annex_widths
            else {4: [700, 3700, 1800, 2800], 3: [900, 5000, 3100]}[columns]
        )
        table = document.add_table(rows=0, cols=columns)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
            column.w = Twips(width)
        # The header row repeats on every page (w:tblHeader); rows are built as XML at once:
        # python-docx's row-by-row API takes minutes for a 5,000-row annex.
        head = "<w:trPr><w:tblHeader/></w:trPr>" + "".join(
            _cell_xml(h, w, bold=True, center=True)
            for h, w in zip(content.annex_header, widths, strict=True)
        )
        rows = [f"<w:tr {nsdecls('w')}>{head}</w:tr>"]
        for row in content.annex_rows:
            cells = "".join(
                _cell_xml(value, w, center=i == 0)
                for i, (value, w) in enumerate(zip(row, widths, strict=True))
            )
            rows.append(f"<w:tr {nsdecls('w')}><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>")
        for xml in rows:
            table._tbl.append(parse_xml(xml))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
