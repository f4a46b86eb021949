"""A report (`stats.report_layout.ReportDocument`) as an editable Word file, laid out as the
decisions are (`recognition.word`: Times New Roman, Decree 30/2020/NĐ-CP): a portrait body,
then each annex in a landscape section of its own."""

from __future__ import annotations

import io
from typing import Any

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Mm, Twips

from recognition import fonts
from recognition.pdf import MOTTO, NATIONAL_NAME
from recognition.word import (
    _cell_xml,
    _column_widths,
    _no_borders,
    _paragraph,
    _rule,
    a4_document,
)
from stats.report_layout import Block, Grid, Heading, ReportDocument

CENTER = WD_ALIGN_PARAGRAPH.CENTER
LEFT = WD_ALIGN_PARAGRAPH.LEFT


def _grid(document: Any, grid: Grid, text_twips: int) -> None:
    widths = [round(text_twips * share) for share in grid.widths]
    table = document.add_table(rows=0, cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        column.w = Twips(width)
    head = "<w:trPr><w:tblHeader/></w:trPr>" + "".join(
        _cell_xml(h, w, bold=True, center=True) for h, w in zip(grid.header, widths, strict=True)
    )
    table._tbl.append(parse_xml(f"<w:tr {nsdecls('w')}>{head}</w:tr>"))
    for n, row in enumerate(grid.rows):
        bold = grid.bold_last and n == len(grid.rows) - 1
        cells = "".join(
            _cell_xml(value, w, bold=bold, center=i == 0)
            for i, (value, w) in enumerate(zip(row, widths, strict=True))
        )
        table._tbl.append(
            parse_xml(f"<w:tr {nsdecls('w')}><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>")
        )
    _paragraph(document, "")


def _blocks(document: Any, blocks: list[Block], text_twips: int) -> None:
    for block in blocks:
        if isinstance(block, Heading):
            _paragraph(document, block.text, bold=True)
        elif isinstance(block, Grid):
            _grid(document, block, text_twips)
        else:
            _paragraph(document, block.text, italic=block.italic, indent=True)


def report_docx(content: ReportDocument) -> bytes:
    document = a4_document()

    text_width = Mm(165)
    header = document.add_table(rows=1, cols=2)
    _no_borders(header)
    _column_widths(header, [Mm(66), Mm(99)])
    left, right = header.rows[0].cells
    left._tc.remove(left.paragraphs[0]._p)
    right._tc.remove(right.paragraphs[0]._p)
    for line in content.superior_lines:
        _paragraph(left, line, align=CENTER)
    for line in content.authority_lines:
        _paragraph(left, line, bold=True, align=CENTER)
    authority = max(fonts.width(x, fonts.SERIF_BOLD, 13) for x in content.authority_lines)
    _rule(left, authority * 0.4, Mm(66).pt)
    _paragraph(left, content.number_line, align=CENTER)
    _paragraph(right, NATIONAL_NAME, bold=True, align=CENTER, size=12)
    _paragraph(right, MOTTO, bold=True, align=CENTER)
    _rule(right, fonts.width(MOTTO, fonts.SERIF_BOLD, 13), Mm(99).pt)
    _paragraph(right, content.place_date, italic=True, align=CENTER)

    _paragraph(document, content.kind, bold=True, align=CENTER, size=14)
    _paragraph(document, content.subject_line, bold=True, align=CENTER)
    subject = min(fonts.width(content.subject_line, fonts.SERIF_BOLD, 13), text_width.pt)
    _rule(document, subject * 0.4, text_width.pt)
    if content.addressees:
        _paragraph(document, "Kính gửi:", align=CENTER)
        for line in content.addressees:
            _paragraph(document, f"- {line}", align=CENTER)
    _blocks(document, content.body, text_width.twips)

    footer = document.add_table(rows=1, cols=2)
    _no_borders(footer)
    recipients, signature = footer.rows[0].cells
    _paragraph(recipients, "Nơi nhận:", bold=True, italic=True, align=LEFT, size=12)
    for line in content.recipients:
        _paragraph(recipients, f"- {line}", align=LEFT, size=11)
    for line in content.signature_lines:
        _paragraph(signature, line, bold=True, align=CENTER)
    for _ in range(4):
        _paragraph(signature, "", align=CENTER)
    _paragraph(signature, content.signer_note, italic=True, align=CENTER)

    for annex in content.annexes:
        wide = document.add_section(WD_SECTION.NEW_PAGE)
        wide.orientation = WD_ORIENT.LANDSCAPE
        wide.page_width, wide.page_height = Mm(297), Mm(210)
        wide.left_margin, wide.right_margin = Mm(15), Mm(15)
        wide.top_margin, wide.bottom_margin = Mm(20), Mm(15)
        _paragraph(document, annex.title, bold=True, align=CENTER)
        _paragraph(document, annex.caption, italic=True, align=CENTER)
        _blocks(document, annex.blocks, Mm(267).twips)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
