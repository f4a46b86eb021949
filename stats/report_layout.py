"""A report (báo cáo) in the layout of Decree 30/2020/NĐ-CP, as plain blocks that the PDF
(`report_pdf`) and the Word copy (`stats.report_docx`) both render: the heading, the title,
"Kính gửi", the body (headings and paragraphs), the recipients and signature, then the annexes,
whose wide tables are printed on landscape pages."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    LongTable,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from recognition import fonts
from recognition.pdf import MOTTO, NATIONAL_NAME, _rule, _styles

T = fonts.text


@dataclass
class Heading:
    text: str


@dataclass
class Para:
    text: str
    italic: bool = False


@dataclass
class Grid:
    """A table; `widths` are shares of the text width; `bold_last` marks a totals row."""

    header: list[str]
    rows: list[list[str]]
    widths: list[float]
    bold_last: bool = False


Block = Heading | Para | Grid


@dataclass
class Annex:
    title: str
    caption: str
    blocks: list[Block]


@dataclass
class ReportDocument:
    authority_lines: list[str]
    number_line: str
    place_date: str
    kind: str  # "BÁO CÁO"
    subject_line: str
    addressees: list[str]
    body: list[Block]
    recipients: list[str]
    signature_lines: list[str]
    signer_note: str
    annexes: list[Annex] = field(default_factory=list)
    superior_lines: list[str] = field(default_factory=list)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(T(text)).replace("\n", "<br/>"), style)


def _page_number(canvas: Canvas, doc: BaseDocTemplate) -> None:
    """Pages numbered from the second, centred in the top margin (Decree 30/2020, App. I)."""
    if doc.page > 1:
        width, height = canvas._pagesize
        canvas.setFont(fonts.SERIF, 13)
        canvas.drawCentredString(width / 2, height - 12 * mm, str(doc.page))


def _grid(grid: Grid, s: dict[str, ParagraphStyle], width: float) -> LongTable:
    small = ParagraphStyle("grid", parent=s["cell"], fontSize=10, leading=12)
    head_style = ParagraphStyle("grid_head", parent=s["cell_head"], fontSize=10, leading=12)
    head = [_p(h, head_style) for h in grid.header]
    bold = ParagraphStyle("grid_bold", parent=small, fontName=fonts.SERIF_BOLD)
    body = [
        [_p(cell, bold if grid.bold_last and n == len(grid.rows) - 1 else small) for cell in row]
        for n, row in enumerate(grid.rows)
    ]
    table = LongTable([head, *body], colWidths=[width * f for f in grid.widths], repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
    ]
    table.setStyle(TableStyle(style))
    return table


def report_pdf(document: ReportDocument) -> bytes:
    s = _styles()
    buffer = io.BytesIO()
    portrait_width = A4[0] - 45 * mm
    wide = landscape(A4)
    landscape_width = wide[0] - 30 * mm
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        title=T(document.subject_line),
        author=T(" ".join(document.authority_lines)),
        invariant=True,
    )
    doc.addPageTemplates(
        [
            PageTemplate(
                id="portrait",
                frames=[Frame(30 * mm, 20 * mm, portrait_width, A4[1] - 40 * mm, id="p")],
                onPage=_page_number,
                pagesize=A4,
            ),
            PageTemplate(
                id="landscape",
                frames=[Frame(15 * mm, 15 * mm, landscape_width, wide[1] - 35 * mm, id="l")],
                onPage=_page_number,
                pagesize=wide,
            ),
        ]
    )
    authority = max(fonts.width(x, fonts.SERIF_BOLD, 13) for x in document.authority_lines)
    left: list[Any] = [_p(line, s["center"]) for line in document.superior_lines]
    left += [_p(line, s["center_bold"]) for line in document.authority_lines]
    left += [_rule(authority * 0.4), _p(document.number_line, s["center"])]
    right = [
        _p(NATIONAL_NAME, s["national"]),
        _p(MOTTO, s["center_bold"]),
        _rule(fonts.width(MOTTO, fonts.SERIF_BOLD, 13)),
        Spacer(1, 2),
        _p(document.place_date, s["italic_center"]),
    ]
    header = Table([[left, right]], colWidths=[portrait_width * 0.4, portrait_width * 0.6])
    header.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story: list[Any] = [
        header,
        _p(document.kind, s["title"]),
        _p(document.subject_line, s["center_bold"]),
        _rule(min(fonts.width(document.subject_line, fonts.SERIF_BOLD, 13), portrait_width) * 0.4),
        Spacer(1, 4),
    ]
    if document.addressees:
        story.append(_p("Kính gửi:", s["center"]))
        story += [_p(f"- {a}", s["center"]) for a in document.addressees]
        story.append(Spacer(1, 6))
    story += _blocks(document.body, s, portrait_width)
    recipients = [_p("Nơi nhận:", s["small_bold"])] + [
        _p(f"- {r}", s["small"]) for r in document.recipients
    ]
    signature: list[Any] = [_p(line, s["center_bold"]) for line in document.signature_lines]
    signature += [Spacer(1, 22 * mm), _p(document.signer_note, s["italic_center"])]
    sign = Table(
        [[recipients, signature]], colWidths=[portrait_width * 0.45, portrait_width * 0.55]
    )
    sign.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    story += [Spacer(1, 10), sign]
    for annex in document.annexes:
        story += [NextPageTemplate("landscape"), PageBreak()]
        story += [_p(annex.title, s["title"]), _p(annex.caption, s["italic_center"])]
        story.append(Spacer(1, 6))
        story += _blocks(annex.blocks, s, landscape_width)
    doc.build(story, canvasmaker=fonts.canvas)
    return buffer.getvalue()


def _blocks(blocks: list[Block], s: dict[str, ParagraphStyle], width: float) -> list[Any]:
    out: list[Any] = []
    heading = ParagraphStyle(
        "heading", parent=s["base"], fontName=fonts.SERIF_BOLD, spaceBefore=6, spaceAfter=3
    )
    for block in blocks:
        if isinstance(block, Heading):
            out.append(_p(block.text, heading))
        elif isinstance(block, Para):
            out.append(_p(block.text, s["basis"] if block.italic else s["article"]))
        else:
            out += [_grid(block, s, width), Spacer(1, 6)]
    return out
