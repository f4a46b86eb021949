"""PDFs in the layout of Vietnamese administrative documents (Nghị định 30/2020/NĐ-CP)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    HRFlowable,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from recognition import certificates_qr, fonts
from recognition.content import DecisionContent

T = fonts.text
# Decree 30/2020/NĐ-CP, Appendix I: the national name and the motto.
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def _styles() -> dict[str, ParagraphStyle]:
    fonts.register()
    base = ParagraphStyle(
        "base", fontName=fonts.SERIF, fontSize=13, leading=17, alignment=TA_JUSTIFY
    )
    return {
        "base": base,
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "national": ParagraphStyle(
            "national", parent=base, alignment=TA_CENTER, fontName=fonts.SERIF_BOLD, fontSize=12
        ),
        "center_bold": ParagraphStyle(
            "center_bold", parent=base, alignment=TA_CENTER, fontName=fonts.SERIF_BOLD
        ),
        "title": ParagraphStyle(
            "title",
            parent=base,
            alignment=TA_CENTER,
            fontName=fonts.SERIF_BOLD,
            fontSize=14,
            spaceBefore=12,
        ),
        "italic_center": ParagraphStyle(
            "italic_center", parent=base, alignment=TA_CENTER, fontName=fonts.SERIF_ITALIC
        ),
        "basis": ParagraphStyle(
            "basis", parent=base, fontName=fonts.SERIF_ITALIC, firstLineIndent=10 * mm, spaceAfter=3
        ),
        "article": ParagraphStyle("article", parent=base, firstLineIndent=10 * mm, spaceAfter=4),
        "small": ParagraphStyle("small", parent=base, fontSize=11, leading=13, alignment=TA_LEFT),
        "small_bold": ParagraphStyle(
            "small_bold",
            parent=base,
            fontSize=12,
            leading=14,
            fontName=fonts.SERIF_BOLD_ITALIC,
            alignment=TA_LEFT,
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=12, leading=14, alignment=TA_LEFT),
        "cell_head": ParagraphStyle(
            "cell_head",
            parent=base,
            fontSize=12,
            leading=14,
            alignment=TA_CENTER,
            fontName=fonts.SERIF_BOLD,
        ),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(T(text)).replace("\n", "<br/>"), style)


def _page_number(canvas: Canvas, doc: SimpleDocTemplate) -> None:
    """Decree 30/2020, Appendix I: pages numbered from the second, centred in the top
    margin, size 13–14."""
    if doc.page > 1:
        canvas.setFont(fonts.SERIF, 13)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 12 * mm, str(doc.page))


def _rule(width: float) -> HRFlowable:
    """A thin solid line, centred: under the authority's name and the "Về việc" line
    (1/3–1/2 of the line above) and under the motto (as long as the motto)."""
    return HRFlowable(width=width, thickness=0.6, color=colors.black, spaceBefore=1, spaceAfter=3)


def decision_pdf(content: DecisionContent) -> bytes:
    """The decision and its annex; the annex table repeats its header on every page."""
    s = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=30 * mm,
        rightMargin=15 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=T(content.subject_line),
        author=T(" ".join(content.authority_lines)),
        invariant=True,
    )
    width = A4[0] - 45 * mm
    # The superior body's name (not bold), the issuing authority's name (all its lines
    # bold), a short rule, the number.
    authority_width = max(fonts.width(x, fonts.SERIF_BOLD, 13) for x in content.authority_lines)
    left: list = [_p(line, s["center"]) for line in content.superior_lines]
    left += [_p(line, s["center_bold"]) for line in content.authority_lines]
    left += [_rule(authority_width * 0.4), _p(content.number_line, s["center"])]
    # The national name on one line (size 12–13), the motto with a rule as long as itself.
    right = [
        _p(NATIONAL_NAME, s["national"]),
        _p(MOTTO, s["center_bold"]),
        _rule(fonts.width(MOTTO, fonts.SERIF_BOLD, 13)),
        Spacer(1, 2),
        _p(content.place_date, s["italic_center"]),
    ]
    header = Table([[left, right]], colWidths=[width * 0.4, width * 0.6])
    header.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), fonts.SERIF),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story: list = [
        header,
        _p("QUYẾT ĐỊNH", s["title"]),
        _p(content.subject_line, s["center_bold"]),
        _rule(min(fonts.width(content.subject_line, fonts.SERIF_BOLD, 13), width) * 0.4),
        Spacer(1, 6),
    ]
    story.append(_p(content.issuer_line, s["title"]))
    story.append(Spacer(1, 6))
    story += [_p(b, s["basis"]) for b in content.bases]
    story.append(_p("QUYẾT ĐỊNH:", s["title"]))
    story.append(Spacer(1, 6))
    for label, text in content.articles:
        story.append(Paragraph(f"<b>{escape(T(label))}</b> {escape(T(text))}", s["article"]))
    recipients = [_p("Nơi nhận:", s["small_bold"])] + [
        _p(f"- {r}", s["small"]) for r in content.recipients
    ]
    signature = [_p(line, s["center_bold"]) for line in content.signature_lines]
    signature += [Spacer(1, 28 * mm), _p(content.signer_name, s["center_bold"])]
    sign_table = Table([[recipients, signature]], colWidths=[width * 0.45, width * 0.55])
    sign_table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), fonts.SERIF),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story += [Spacer(1, 10), sign_table]
    if content.annex_rows:
        story += [
            PageBreak(),
            _p(content.annex_title, s["title"]),
            _p(content.annex_caption, s["italic_center"]),
            Spacer(1, 8),
        ]
        story.append(annex_table(content, s, width))
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number, canvasmaker=fonts.canvas)
    return buffer.getvalue()


def annex_table(content: DecisionContent, s: dict[str, ParagraphStyle], width: float) -> LongTable:
    columns = len(content.annex_header)
    shares = (
        list(content.annex_widths) or {4: [0.08, 0.42, 0.2, 0.3], 3: [0.1, 0.55, 0.35]}[columns]
    )
    head = [_p(h, s["cell_head"]) for h in content.annex_header]
    # Plain strings (not Paragraphs) for the body: 5,000 rows lay out in seconds.
    body = [[T(cell) for cell in row] for row in content.annex_rows]
    table = LongTable([head, *body], colWidths=[width * f for f in shares], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), fonts.SERIF_BOLD),
                ("FONT", (0, 1), (-1, -1), fonts.SERIF, 12),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (0, 1), (0, -1), "CENTER"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ]
        )
    )
    return table


@dataclass
class CertificateItem:
    code: str
    display_code: str
    verify_url: str
    title_label: str
    subject_name: str
    place_line: str
    year: int
    decision_line: str
    authority: str
    signature_lines: list[str]
    signer_name: str
    place_date: str
    # The heading's left column as in the decision (Decree 30/2020, Appendix I): the
    # superior body (not bold) above the issuing body's lines (bold).
    superior_lines: list[str] = field(default_factory=list)
    authority_lines: list[str] = field(default_factory=list)


# The certificate's red: its double border, its title and the rule under the issuing body.
CERTIFICATE_RED = colors.HexColor("#8a1c1c")
# What every certificate of a document shares, drawn once and reused by each page.
CERTIFICATE_FRAME = "certificate_frame"
# The light margin drawn into the QR code's square, in modules, as before; the blank page
# around it makes the quiet zone wider than the 4 modules of ISO/IEC 18004 §6.3.8.
QR_BORDER = 2
DARK_RUN = re.compile("1+")


def _certificate_frame(canvas: Canvas, w: float, h: float) -> None:
    """The double border, the national name and motto, the title and the caption of the
    verification link: the same on every certificate, so one form XObject that each page
    places (a thousand certificates no longer redraw and re-encode them a thousand times)."""
    canvas.beginForm(CERTIFICATE_FRAME)
    canvas.setStrokeColor(CERTIFICATE_RED)
    canvas.setLineWidth(3)
    canvas.rect(10 * mm, 10 * mm, w - 20 * mm, h - 20 * mm)
    canvas.setLineWidth(0.8)
    canvas.rect(13 * mm, 13 * mm, w - 26 * mm, h - 26 * mm)
    canvas.setFillColor(colors.black)
    canvas.setFont(fonts.SERIF_BOLD, 13)
    canvas.drawCentredString(w / 2 + 40 * mm, h - 28 * mm, T(NATIONAL_NAME))
    canvas.drawCentredString(w / 2 + 40 * mm, h - 34 * mm, T(MOTTO))
    canvas.setFillColor(CERTIFICATE_RED)
    canvas.setFont(fonts.SERIF_BOLD, 34)
    canvas.drawCentredString(w / 2, h - 62 * mm, T("GIẤY CÔNG NHẬN"))
    canvas.setFillColor(colors.black)
    canvas.setFont(fonts.SERIF, 15)
    canvas.drawCentredString(w / 2, h - 76 * mm, T("Đạt danh hiệu"))
    canvas.setFont(fonts.SERIF, 9)
    canvas.drawString(60 * mm, 32 * mm, T("Kiểm tra giấy công nhận:"))
    canvas.endForm()


def _qr_path(url: str) -> tuple[int, str]:
    """The QR code of `url` as PDF path operators in module units, one rectangle per run of
    dark modules in a row, filled at once: sharp at any zoom and a few hundred bytes, where
    a PNG per page cost a third of a batch's time (drawn, decoded, re-compressed, ASCII85)."""
    rows = certificates_qr.modules(url)
    runs = [
        f"{run.start() + QR_BORDER} {y} {run.end() - run.start()} 1 re"
        for y, row in enumerate(rows, start=QR_BORDER)
        for run in DARK_RUN.finditer(row)
    ]
    return len(rows) + 2 * QR_BORDER, "\n".join(runs)


def _draw_qr(canvas: Canvas, url: str, x: float, y: float, side: float) -> None:
    """The QR code in the square of `side` points whose lower left corner is (x, y), its
    quiet zone included (left unpainted: the page is white)."""
    size, path = _qr_path(url)
    module = side / size
    canvas.saveState()
    canvas.setFillColor(colors.black)
    # Rows run downwards from the square's top edge, one unit per module.
    canvas.transform(module, 0, 0, -module, x, y + side)
    canvas.addLiteral(path + "\nf")
    canvas.restoreState()


def certificates_pdf(
    items: Iterable[CertificateItem], progress: Callable[[int], None] | None = None
) -> bytes:
    """One A4 landscape certificate per recognised subject, each with its QR code."""
    fonts.register()
    buffer = io.BytesIO()
    page = landscape(A4)
    canvas = fonts.canvas(buffer, pagesize=page, invariant=True)
    canvas.setTitle("Giấy công nhận")
    w, h = page
    _certificate_frame(canvas, w, h)
    for count, item in enumerate(items, start=1):
        canvas.doForm(CERTIFICATE_FRAME)
        canvas.setFillColor(colors.black)
        y = h - 28 * mm
        canvas.setFont(fonts.SERIF, 12)
        for line in item.superior_lines:
            canvas.drawCentredString(60 * mm, y, T(line))
            y -= 6 * mm
        canvas.setFont(fonts.SERIF_BOLD, 12)
        for line in item.authority_lines or [item.authority.upper()]:
            canvas.drawCentredString(60 * mm, y, T(line))
            y -= 6 * mm
        widest = max(
            fonts.width(line, fonts.SERIF_BOLD, 12)
            for line in item.authority_lines or [item.authority.upper()]
        )
        canvas.setStrokeColor(CERTIFICATE_RED)
        canvas.setLineWidth(0.6)
        canvas.line(60 * mm - widest * 0.2, y + 4 * mm, 60 * mm + widest * 0.2, y + 4 * mm)
        canvas.setFont(fonts.SERIF_BOLD, 26)
        canvas.drawCentredString(
            w / 2, h - 90 * mm, T(f"“{item.title_label.upper()}” NĂM {item.year}")
        )
        canvas.setFont(fonts.SERIF_BOLD, 22)
        canvas.drawCentredString(w / 2, h - 106 * mm, T(item.subject_name))
        canvas.setFont(fonts.SERIF, 14)
        canvas.drawCentredString(w / 2, h - 116 * mm, T(item.place_line))
        canvas.setFont(fonts.SERIF_ITALIC, 13)
        canvas.drawCentredString(w / 2, h - 126 * mm, T(item.decision_line))
        canvas.drawCentredString(w - 75 * mm, 62 * mm, T(item.place_date))
        canvas.setFont(fonts.SERIF_BOLD, 13)
        y = 55 * mm
        for line in item.signature_lines:
            canvas.drawCentredString(w - 75 * mm, y, T(line))
            y -= 6 * mm
        canvas.drawCentredString(w - 75 * mm, 22 * mm, T(item.signer_name))
        _draw_qr(canvas, item.verify_url, 22 * mm, 22 * mm, 34 * mm)
        canvas.setFont(fonts.SERIF, 9)
        canvas.drawString(60 * mm, 27 * mm, item.verify_url)
        canvas.setFont(fonts.SERIF_BOLD, 11)
        canvas.drawString(60 * mm, 21 * mm, T(f"Mã: {item.display_code}"))
        canvas.showPage()
        if progress is not None and count % 50 == 0:
            progress(count)
    canvas.save()
    return buffer.getvalue()
