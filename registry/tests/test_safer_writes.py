"""Safer writes (issue 19): drop-downs from list ranges, an import preview that names every
change and warns before a row takes over somebody's record, removals that ask first."""

from __future__ import annotations

import io

import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries

from registry.columns import COLUMNS
from registry.models import Citizen, Household, ImportJob, ImportStatus
from registry.tests.sheets import person, workbook
from registry.tests.test_import_jobs import job_page, post_file


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize("kind", sorted(COLUMNS))
def test_every_template_drop_down_reads_a_list_range(world, as_user, kind):
    response = as_user("cuong").get(f"/so/nhap/{kind}/mau.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    data = book["Dữ liệu"]
    headers = [str(c.value).removesuffix(" *") for c in data[1]]
    choice_columns = {c.header: c.choices for c in COLUMNS[kind] if c.choices}
    validations = data.data_validations.dataValidation
    assert len(validations) == len(choice_columns)
    for validation in validations:
        sheet_name, _sep, cells = validation.formula1.rpartition("!")
        assert sheet_name == "'Danh mục'", validation.formula1  # a range, not '"a,b,c"'
        lists = book[sheet_name.strip("'")]
        assert lists.sheet_state == "hidden"
        min_col, min_row, _max_col, max_row = range_boundaries(cells.replace("$", ""))
        offered = [lists.cell(row=r, column=min_col).value for r in range(min_row, max_row + 1)]
        column = headers[range_boundaries(str(validation.sqref).split()[0])[0] - 1]
        assert offered == list(choice_columns[column])
    if kind == "citizens":
        # the label that an inline list split in three is one option of the range
        occupation = [v for v in validations if "Nông dân, lao động nông thôn" in _options(book, v)]
        assert len(occupation) == 1


def _options(book, validation) -> list[str]:
    cells = validation.formula1.rpartition("!")[2].replace("$", "")
    min_col, min_row, _c, max_row = range_boundaries(cells)
    return [book["Danh mục"].cell(row=r, column=min_col).value for r in range(min_row, max_row + 1)]


def takeover_file() -> bytes:
    """An's CCCD typed on somebody else's row: another name, another household."""
    return workbook(
        [
            person(
                **{
                    "Mã hộ": "PH-002",
                    "Họ và tên": "Trần Văn Bình",
                    "Ngày sinh": "1975",
                    "Số CCCD": "033075000123",
                    "Số điện thoại": "0901234567",
                    "Nghề nghiệp": "Khác",
                    "Thôn": "An Lạc",
                    "Quan hệ với chủ hộ": "Con",
                }
            )
        ]
    )


def test_preview_lists_each_change_and_warns_before_a_takeover(world, as_user):
    client = as_user("cuong")
    post_file(client, world.commune_a, takeover_file())
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.READY
    page = job_page(client, job)
    warning = page[page.index("Cần kiểm tra") : page.index("Các dòng sẽ cập nhật")]
    assert 'role="alert"' in page
    assert "Dòng 2: Số CCCD trên dòng này trùng với công dân đã có “Nguyễn Văn An”" in warning
    assert "(hộ PH-001, Thôn Đông Tảo)" in warning
    assert "đổi tên thành “Trần Văn Bình” và chuyển sang hộ PH-002" in warning
    listed = page[page.index("Các dòng sẽ cập nhật (1)") :]
    assert "Dòng 2 — Nguyễn Văn An" in listed
    assert "Họ và tên: Nguyễn Văn An → <strong>Trần Văn Bình</strong>" in listed
    assert "Hộ gia đình: hộ PH-001 → <strong>hộ PH-002</strong>" in listed
    assert "Thôn nơi ở: Thôn Đông Tảo → <strong>Thôn An Lạc</strong>" in listed
    assert "Quan hệ với chủ hộ: (trống) → <strong>Con</strong>" in listed
    assert 'name="acknowledge" value="1" required' in page
    # confirming without ticking the box writes nothing
    response = client.post(f"/so/nhap-lan/{job.pk}/xac-nhan/")
    assert response.status_code == 302
    job.refresh_from_db()
    an = Citizen.objects.get(pk=world.citizens["an"].pk)
    assert job.status == ImportStatus.READY and an.full_name == "Nguyễn Văn An"
    assert "đánh dấu ô xác nhận" in client.get(f"/so/nhap-lan/{job.pk}/").content.decode()
    # ticked: written, and the done page still says what changed
    client.post(f"/so/nhap-lan/{job.pk}/xac-nhan/", {"acknowledge": "1"})
    job.refresh_from_db()
    an.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (an.full_name, an.household) == ("Trần Văn Bình", world.households["a2"])
    assert "Các dòng đã cập nhật (1)" in job_page(client, job)


def test_a_plain_update_lists_its_change_without_alarm(world, as_user):
    client = as_user("cuong")
    row = person(
        **{
            "Mã hộ": "PH-002",
            "Họ và tên": "Phạm Văn Dũng",
            "Ngày sinh": "1960",
            "Số CCCD": "",
            "Số điện thoại": "0912000222",
            "Nghề nghiệp": "Nghỉ hưu",
            "Thôn": "An Lạc",
            "Quan hệ với chủ hộ": "Chủ hộ",
        }
    )
    post_file(client, world.commune_a, workbook([row]))
    job = ImportJob.objects.get()
    page = job_page(client, job)
    assert "Cần kiểm tra" not in page and 'name="acknowledge"' not in page
    assert "Dòng 2 — Phạm Văn Dũng" in page
    assert "Số điện thoại: (trống) → <strong>0912000222</strong>" in page
    assert "Nghề nghiệp: Khác → <strong>Nghỉ hưu</strong>" in page
    assert "retired" not in page and "occupation" not in page
    client.post(f"/so/nhap-lan/{job.pk}/xac-nhan/")
    dung = Citizen.objects.get(pk=world.citizens["dung"].pk)
    assert (dung.phone, dung.occupation) == ("0912000222", "retired")


def test_removing_a_household_from_a_clan_asks_first_and_happens_once(world, as_user):
    client = as_user("hoa")
    clan, household = world.clan_a, world.households["a1"]
    url = f"/so/dong-ho/{clan.pk}/bo-ho/{household.pk}/"
    detail = client.get(f"/so/dong-ho/{clan.pk}/").content.decode()
    assert f'href="{url}"' in detail and '<form method="post" action="' + url not in detail
    page = client.get(url).content.decode()
    assert "Bỏ hộ khỏi dòng họ" in page and "Nguyễn Văn An" in page and "Họ Nguyễn" in page
    assert Household.objects.get(pk=household.pk).clan == clan  # asking changed nothing
    first = client.post(url)
    second = client.post(url)  # a double click
    assert first.status_code == second.status_code == 302
    assert Household.objects.get(pk=household.pk).clan is None
    page = client.get(f"/so/dong-ho/{clan.pk}/").content.decode()
    assert "không còn trong dòng họ" in page


def test_removing_staff_asks_first_and_happens_once(world, as_user):
    client = as_user("olga")
    org, lan = world.org_a, world.citizens["lan"]
    url = f"/so/don-vi/{org.pk}/bo-nguoi/{lan.pk}/"
    page = client.get(url).content.decode()
    assert "Bỏ Lê Thị Lan (sinh năm 1978, Thôn Đông Tảo) khỏi Trường Tiểu học Phố Hiến?" in page
    assert Citizen.objects.get(pk=lan.pk).workplace == org
    client.post(url)
    client.post(url)
    assert Citizen.objects.get(pk=lan.pk).workplace is None
    # a viewer is refused before any confirmation page
    assert as_user("vera").get(url).status_code == 404


def test_adding_a_household_in_a_commune_without_villages_says_why_and_leads_on(world, as_user):
    """Issue 19: "Thêm hộ" in a commune without villages led to a 404; now the page says a
    household belongs to a village and offers to add one to whom may."""
    from places.models import Place

    # One of the province's communes the test world gives no village.
    empty = (
        Place.objects.current()
        .communes()
        .exclude(pk__in=Place.objects.current().villages().values("parent_id"))
        .first()
    )
    assert empty is not None
    page = as_user("alice").get(f"/so/ho/them/?xa={empty.pk}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "chưa có thôn, tổ dân phố nào trong sổ" in text
    assert f'href="/dia-ban/{empty.pk}/them-thon/"' in text
    assert as_user("alice").get(f"/dia-ban/{empty.pk}/them-thon/").status_code == 200
