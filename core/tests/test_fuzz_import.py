"""Hostile workbooks against the Excel importer: every one ends in a clear error or a
correct import, never an exception, and the huge ones are refused before parsing.

Bounded: a few dozen generated workbooks in CI (hypothesis, derandomized), each under
a deadline; FUZZ_EXAMPLES (core/tests/security_figures.py) scales the generated ones
(`make fuzz`: a thousand). The importer does not depend on the database vendor for
this, so it runs in both suites but small.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from core.tests.security_figures import FUZZ, count_case, fuzz_examples
from core.xlsx import ImportFileError, ImportReport, check_xlsx
from registry.imports import run_import
from registry.models import Citizen
from registry.tests.sheets import CITIZEN_HEADER, person

NASTY_TEXT = [
    "",
    " ",
    "=1+1",
    '=HYPERLINK("http://x","y")',
    "@SUM(A1)",
    "+84 912 000 111",
    "Nguye\u0302\u0303n Va\u0306n A",  # NFD
    "\u202eRTL\u202c",
    "Lê\u200bThị\u200d",  # zero-width space / joiner
    "\ufeffBOM",
    "x" * 40000,
    "😀👨‍👩‍👧",
    "\x00\x07",
    "<script>alert(1)</script>",
    "1e308",
    "-0",
    "31/02/1990",
    "9999999999999999999999",
]
cell = st.one_of(
    st.none(),
    st.sampled_from(NASTY_TEXT),
    st.text(max_size=60),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
)


def build(rows: list[list[object]], header: list[str]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        values = []
        for value in row:
            if isinstance(value, str):
                # openpyxl refuses control characters; a real file can hold them escaped
                value = "".join(ch for ch in value if ch >= " " or ch in "\t\n")
            if isinstance(value, float) and value != value:
                value = None
            if isinstance(value, float) and value in (float("inf"), float("-inf")):
                value = "inf"
            values.append(value)
        ws.append(values)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def import_outcome(world, data: bytes) -> ImportReport:
    return run_import(
        kind="citizens",
        actor=world.users["cuong"],
        commune=world.commune_a,
        data=data,
        dry_run=True,
        filename="fuzz.xlsx",
    )


def counted_import(world, data: bytes) -> ImportReport:
    """One fuzz case: an exception out of the importer counts as the page's 500."""
    try:
        report = import_outcome(world, data)
    except Exception as exc:
        count_case("importer", ("run_import", f"{type(exc).__name__}: {exc}"))
        raise
    count_case("importer")
    return report


@pytest.fixture
def fuzz_world(world):
    return world


@settings(FUZZ, max_examples=fuzz_examples(10 / 3), deadline=5000)
@given(
    rows=st.lists(st.lists(cell, min_size=0, max_size=len(CITIZEN_HEADER) + 2), max_size=8),
    keep_header=st.booleans(),
)
def test_generated_workbooks_end_in_an_error_or_an_import(fuzz_world, rows, keep_header):
    header = CITIZEN_HEADER if keep_header else [f"Cột {n}" for n in range(len(CITIZEN_HEADER))]
    data = build(rows, header)
    before = Citizen.objects.count()
    report = counted_import(fuzz_world, data)  # no exception may escape
    assert isinstance(report, ImportReport)
    for error in report.errors:
        assert str(error).strip()  # every error says something
    assert Citizen.objects.count() == before  # a dry run writes nothing


@settings(FUZZ, max_examples=15, deadline=5000)
@given(
    name=st.sampled_from(NASTY_TEXT[6:10]),
    phone=st.sampled_from(["0912 000 111", "+84912000111", "091200011１"]),
)
def test_unicode_edge_cases_import_normalised_or_refused(fuzz_world, name, phone):
    data = build([person(**{"Họ và tên": f"{name} Hùng", "Số điện thoại": phone})], CITIZEN_HEADER)
    report = counted_import(fuzz_world, data)
    if report.ok:
        assert report.created == 1
    else:
        assert all(e.row == 2 and e.column for e in report.errors), [str(e) for e in report.errors]


def raw_xlsx(sheet_xml_chunks, *, declare_rows: int | None) -> bytes:
    """A minimal .xlsx whose one sheet streams from `sheet_xml_chunks` (no openpyxl:
    a million rows are written in about a second)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
        )
        with z.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            if declare_rows is not None:
                sheet.write(f'<dimension ref="A1:C{declare_rows}"/>'.encode())
            sheet.write(b"<sheetData>")
            for chunk in sheet_xml_chunks:
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def million_rows():
    row = '<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>Nguyễn Văn {n}</t></is></c></row>'
    batch = []
    for n in range(1, 1_000_001):
        batch.append(row.format(n=n))
        if len(batch) == 20000:
            yield "".join(batch).encode()
            batch = []
    yield "".join(batch).encode()


def test_a_million_row_sheet_is_refused_before_parsing():
    data = raw_xlsx(million_rows(), declare_rows=1_000_000)
    with pytest.raises(ImportFileError, match=r"1\.000\.000 dòng, quá giới hạn"):
        check_xlsx(data)
    count_case("importer")


def test_a_zip_bomb_is_refused_by_its_ratio(world, as_user):
    zeros = (b"<row/>" * 100_000 for _ in range(60))  # ~36 MB that packs into a few KB
    data = raw_xlsx(zeros, declare_rows=None)
    assert len(data) < 200_000
    with pytest.raises(ImportFileError, match="nén bất thường"):
        check_xlsx(data)
    response = as_user("cuong").post(
        "/so/nhap/citizens/",
        {"commune": world.commune_a.pk, "file": SimpleUploadedFile("bom.xlsx", data)},
    )
    assert response.status_code == 200
    assert "nén bất thường" in response.content.decode()
    count_case("importer")


def test_not_a_workbook_and_a_broken_one_get_clear_errors():
    for data, message in (
        (b"%PDF-1.4 not excel", "không phải là bảng tính Excel"),
        (b"PK\x03\x04" + b"\x00" * 100, "bị hỏng"),
    ):
        with pytest.raises(ImportFileError, match=message):
            check_xlsx(data)
        count_case("importer")
