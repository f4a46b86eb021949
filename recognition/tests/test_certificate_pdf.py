"""A batch of certificates draws fast without looking different (issue 20: 1,000 in one PDF in
5 s): the parts every certificate shares are one form XObject, the QR code is segno's symbol
drawn as vectors, its mask chosen by segno's rule on whole bit planes."""

from __future__ import annotations

import io
import random
from typing import Any

import segno
from pypdf import PageObject, PdfReader
from pypdf.generic import ContentStream
from segno import consts

from recognition import certificates_qr, pdf
from recognition.tests import drawn_qr

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def item(code: str, name: str) -> pdf.CertificateItem:
    return pdf.CertificateItem(
        code=code,
        display_code=code,
        verify_url=f"https://hoctap.hungyen.gov.vn/xac-minh/{code}",
        title_label="Gia đình học tập",
        subject_name=name,
        place_line="Thôn Đông Tảo, Xã Khoái Châu, Tỉnh Hưng Yên",
        year=2026,
        decision_line="Theo Quyết định số 15/QĐ-UBND ngày 20/11/2026 của Ủy ban nhân dân Xã Khoái Châu",
        authority="Ủy ban nhân dân Xã Khoái Châu",
        signature_lines=["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
        signer_name="Trần Văn Hùng",
        place_date="Khoái Châu, ngày 20 tháng 11 năm 2026",
        superior_lines=["UBND TỈNH HƯNG YÊN"],
        authority_lines=["ỦY BAN NHÂN DÂN", "XÃ KHOÁI CHÂU"],
    )


def rows(symbol: segno.QRCode) -> list[str]:
    return ["".join(str(bit) for bit in row) for row in symbol.matrix]


def test_every_certificate_places_one_shared_frame_and_its_own_qr_code():
    names = [
        "Gia đình ông/bà Nguyễn Văn An",
        "Gia đình ông/bà Lê Thị Bình",
        "Gia đình ông/bà Đỗ Văn Cường",
    ]
    codes = ["A" * 26, "B" * 26, "C" * 26]
    data = pdf.certificates_pdf(item(code, name) for code, name in zip(codes, names, strict=True))
    reader = PdfReader(io.BytesIO(data))
    placed = set()
    for page, name in zip(reader.pages, names, strict=True):
        forms = page["/Resources"]["/XObject"]
        invoked = [operands[0] for operands, operator in operations(page) if operator == b"Do"]
        assert invoked == list(forms)
        placed |= {reference.idnum for reference in forms.values()}
        text = " ".join(page.extract_text().split())
        # The shared parts print on every page, each page its own subject.
        for expected in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "GIẤY CÔNG NHẬN",
            "Đạt danh hiệu",
            name,
        ]:
            assert expected in text
    assert len(placed) == 1
    assert reader.get_object(placed.pop())["/Subtype"] == "/Form"
    assert drawn_qr.texts(data) == [f"https://hoctap.hungyen.gov.vn/xac-minh/{c}" for c in codes]


def operations(page: PageObject) -> list[tuple[list[Any], bytes]]:
    return ContentStream(page.get_contents(), page.pdf).operations


def test_the_qr_code_is_segnos_own_symbol_for_every_mask_level_and_size():
    """The mask is chosen as segno chooses it (ISO/IEC 18004 §7.8.3, lowest penalty, first
    of equals): for verification links of every mask, short links whose error level segno
    raises to Q, and longer texts up to version 32 (version information, three to six rows
    of alignment patterns, the 26-module step)."""
    rng = random.Random(20)
    masks, levels, versions = set(), set(), set()
    texts = [
        f"{base}/xac-minh/{''.join(rng.choice(ALPHABET) for _ in range(26))}"
        for base in ("https://hoctap.hungyen.gov.vn", "http://127.0.0.1:8000")
        for _ in range(30)
    ]
    texts += ["https://hoctap.vn/" + "x" * length for length in range(2, 70, 3)]
    texts += ["".join(rng.choice(ALPHABET) for _ in range(n)) for n in (200, 700, 1300, 2200)]
    for text in texts:
        symbol = segno.make_qr(text, error="m")
        assert certificates_qr.modules(text) == rows(symbol), text
        masks.add(symbol.mask)
        levels.add(symbol.error)
        versions.add(symbol.version)
    assert masks == set(range(8)) and levels == {"M", "Q"}
    assert {2, 3, 4, 5, 6, 8, 17, 24, 32} <= versions


def test_alignment_patterns_sit_where_annex_e_puts_them():
    for version in range(1, 41):
        expected = tuple(consts.ALIGNMENT_POS[version - 2]) if version > 1 else ()
        assert certificates_qr.alignment_centres(version) == expected, version
