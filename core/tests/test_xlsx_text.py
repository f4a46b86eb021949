"""Security finding 6: user text in any xlsx the project writes is text, never a live formula.

Every workbook is fetched through the pages a person uses and reopened with openpyxl: a cell
holding user data has data_type "s" and the exact text; only the project's own formulas (the
percentages and sums of the annual report) have data_type "f"."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import close_response, make_citizen
from movement import models as m
from movement.tests import factories as mk
from places.models import Place
from registry.models import Clan, ImportJob, Organisation
from registry.tests.sheets import CITIZEN_HEADER, person, workbook
from registry.views import imports as import_views

EVIL = '=HYPERLINK("http://x","a")'
YEAR = 2026


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def open_book(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def cells(book: openpyxl.Workbook) -> list[Any]:
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def formulas(book: openpyxl.Workbook) -> list[str]:
    return [f"{c.parent.title}!{c.coordinate}" for c in cells(book) if c.data_type == "f"]


def cells_holding(book: openpyxl.Workbook, text: str) -> list[Any]:
    return [c for c in cells(book) if isinstance(c.value, str) and text in c.value]


def assert_text(book: openpyxl.Workbook, text: str, *, exact: bool = True) -> None:
    found = cells_holding(book, text)
    assert found, f"{text!r} is not in the workbook"
    for cell in found:
        assert cell.data_type == "s", f"{cell.coordinate} is a formula: {cell.value!r}"
        if exact:
            assert cell.value == text


def download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    content = (
        b"".join(response.streaming_content) if response.streaming else bytes(response.content)
    )
    close_response(response)
    return content


# (a) registry exports ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "plant"),
    [
        (
            "/so/cong-dan/xuat.xlsx",
            lambda w: make_citizen(w.village_a1, EVIL, 1980),
        ),
        (
            "/so/ho/xuat.xlsx",  # the head's name is shown in the household list
            lambda w: (
                type(w.citizens["an"]).objects.filter(pk=w.citizens["an"].pk).update(full_name=EVIL)
            ),
        ),
        (
            "/so/dong-ho/xuat.xlsx",
            lambda w: Clan.objects.filter(pk=w.clan_a.pk).update(name=EVIL),
        ),
        (
            "/so/don-vi/xuat.xlsx",
            lambda w: Organisation.objects.filter(pk=w.org_a.pk).update(name=EVIL),
        ),
    ],
)
def test_registry_export_writes_names_as_text(world, as_user, url, plant):
    plant(world)
    book = open_book(download(as_user("alice"), url))
    assert_text(book, EVIL)
    assert formulas(book) == []


def test_exported_formula_like_name_round_trips_unchanged(world, as_user):
    """Written as text, the name comes back as the same text: the import finds nothing to do."""
    make_citizen(world.village_a1, EVIL, 1980)
    client = as_user("cuong")
    exported = download(client, "/so/cong-dan/xuat.xlsx")
    response = client.post(
        "/so/nhap/citizens/",
        {"commune": world.commune_a.pk, "file": SimpleUploadedFile("so.xlsx", exported)},
    )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (job.status, job.created, job.updated, job.unchanged) == ("ready", 0, 0, 5), job.errors


# (b) the error workbook of an import ------------------------------------------------------


def test_error_workbook_echoes_user_cells_as_text(world, as_user):
    content = workbook(
        [
            person(),
            # a formula in the upload and a text cell that looks like one, on faulty rows
            person(**{"Họ và tên": "=1+1", "Số CCCD": "", "Thôn": "Thôn Không Có"}),
            person(**{"Họ và tên": "Vũ Văn Ngày", "Số CCCD": "", "Ngày sinh": "31/02/1990"}),
        ]
    )
    book = open_book(content)
    sheet = book.active
    name_col = CITIZEN_HEADER.index("Họ và tên") + 1
    work_col = CITIZEN_HEADER.index("Nơi làm việc") + 1
    assert sheet.cell(row=3, column=name_col).data_type == "f"  # the upload does hold a formula
    typed = sheet.cell(row=4, column=work_col)
    typed.value = "=2+2"
    typed.data_type = "s"  # as Excel stores '=2+2
    buffer = io.BytesIO()
    book.save(buffer)

    client = as_user("cuong")
    client.post(
        "/so/nhap/citizens/",
        {"commune": world.commune_a.pk, "file": SimpleUploadedFile("loi.xlsx", buffer.getvalue())},
    )
    job = ImportJob.objects.get()
    assert job.status == "invalid" and job.has_annotated, job.errors
    errors = open_book(download(client, f"/so/nhap-lan/{job.pk}/loi.xlsx"))
    assert formulas(errors) == []
    echoed = errors["Danh sách"].cell(row=4, column=work_col)
    assert (echoed.value, echoed.data_type) == ("=2+2", "s")
    assert errors["Danh sách"].cell(row=3, column=name_col).data_type != "f"
    # the error column itself is text too
    assert errors["Danh sách"].cell(row=3, column=len(CITIZEN_HEADER) + 1).data_type == "s"


# (c) import templates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "url"),
    [
        ("cuong", "/so/nhap/citizens/mau.xlsx"),
        ("cuong", "/so/nhap/households/mau.xlsx"),
        ("cuong", "/so/nhap/clans/mau.xlsx"),
        ("cuong", "/so/nhap/organisations/mau.xlsx"),
        ("cuong", "/phong-trao/nhap/hoi-vien/mau.xlsx"),
        ("cuong", "/phong-trao/nhap/nguon-luc/mau.xlsx"),
        ("alice", "/chi-tieu/bao-cao/mau.xlsx"),
        ("alice", "/dia-ban/nhap-thon/mau.xlsx"),
    ],
)
def test_templates_have_no_formula_cells(world, as_user, user, url):
    book = open_book(download(as_user(user), url))
    assert formulas(book) == []
    assert all(c.data_type == "s" for c in cells(book) if isinstance(c.value, str))


def test_template_text_starting_with_equals_stays_text(world, as_user, monkeypatch):
    line = "=Ghi chú: mỗi dòng một người"
    monkeypatch.setattr(import_views, "INSTRUCTIONS", [*import_views.INSTRUCTIONS, line])
    book = open_book(download(as_user("cuong"), "/so/nhap/citizens/mau.xlsx"))
    assert_text(book, line)
    assert formulas(book) == []


# (d) the annual statistics workbook -------------------------------------------------------


def test_annual_report_keeps_its_formulas_and_writes_names_as_text(world, as_user):
    m.Commendation.objects.create(
        place=world.commune_a,
        year=YEAR,
        subject_kind="individual",
        name=EVIL,
        reason="x",
        level="province",
        status="approved",
        exemplary=True,
    )
    Place.objects.filter(pk=world.commune_b.pk).update(name="=1+1")
    from stats.models import ReportStatus, StatReport

    StatReport.objects.create(  # figures to divide: the % columns are formulas
        commune=world.commune_a,
        year=YEAR,
        status=ReportStatus.APPROVED,
        households_total=100,
        households_registered=95,
        households_recognised=90,
    )
    book = open_book(download(as_user("alice"), f"/chi-tieu/bao-cao/tong-hop/{YEAR}.xlsx"))
    assert_text(book, EVIL, exact=False)  # "— Cá nhân": "<name>, <commune>"
    assert cells_holding(book, EVIL)[0].value == f"{EVIL}, {world.commune_a.name}"
    assert_text(book, "=1+1")  # the commune's name in "Theo xã" and "Phong trào"
    own = formulas(book)
    appendix = book["Phụ lục"]
    shares = [c for row in appendix.iter_rows() for c in row if c.data_type == "f"]
    assert shares and all(c.value.startswith("=IF(") for c in shares)  # the % columns
    per = book["Theo xã"]
    last = per.max_row
    assert per.cell(row=last, column=3).value.startswith("=SUM(")
    assert {name.split("!")[0] for name in own} == {"Phụ lục", "Theo xã"}


def test_review_workbook_has_no_formula(world, as_user):
    book = open_book(download(as_user("alice"), "/chi-tieu/bao-cao/so-ket/2024-2026.xlsx"))
    assert formulas(book) == []


# (e) movement exports ---------------------------------------------------------------------


def test_movement_exports_write_user_text_as_text(world, as_user):
    mk.member(world.commune_a, EVIL)
    mk.training(world.commune_a, "it", dt.date(YEAR, 3, 1), title=EVIL)
    m.Commendation.objects.create(
        place=world.commune_a,
        year=YEAR,
        subject_kind="individual",
        name=EVIL,
        reason="=1+1",
        level="province",
        status="approved",
    )
    client = as_user("alice")
    for kind in ("hoi-vien", "tap-huan", "khen-thuong"):
        book = open_book(download(client, f"/phong-trao/xuat/{kind}.xlsx"))
        assert_text(book, EVIL)
        assert formulas(book) == [], kind
