"""The import pages: upload → check (a job) → confirm → done, and what a bad file shows."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from conftest import close_response
from registry.models import Citizen, Household, ImportJob
from registry.tests.sheets import CITIZEN_HEADER, person, workbook

UPLOAD = "/so/nhap/citizens/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def post_file(client, commune, content: bytes, name: str = "dan-cu.xlsx", url: str = UPLOAD):
    return client.post(url, {"commune": commune.pk, "file": SimpleUploadedFile(name, content)})


def job_page(client, job: ImportJob) -> str:
    response = client.get(f"/so/nhap-lan/{job.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def good_file() -> bytes:
    return workbook(
        [
            person(),
            person(
                **{
                    "Họ và tên": "Đỗ Minh Khôi",
                    "Ngày sinh": "05/09/2015",
                    "Số CCCD": "",
                    "Số điện thoại": "",
                    "Quan hệ với chủ hộ": "Con",
                    "Đang đi học": "Có",
                }
            ),
        ]
    )


def bad_file() -> bytes:
    return workbook(
        [
            person(),
            person(**{"Họ và tên": "Vũ Văn Thôn", "Thôn": "Thôn Không Có", "Số CCCD": ""}),
            person(**{"Họ và tên": "Vũ Văn Ngày", "Ngày sinh": "31/02/1990", "Số CCCD": ""}),
        ]
    )


def test_upload_page(world, as_user):
    response = as_user("cuong").get(UPLOAD)
    page = response.content.decode()
    assert "Nhập sổ công dân từ Excel" in page and 'enctype="multipart/form-data"' in page
    assert response.context["form"]["commune"].value() == world.commune_a.pk  # his only commune
    assert 'href="/so/nhap/citizens/mau.xlsx"' in page


def test_upload_check_confirm(world, as_user):
    client = as_user("cuong")
    response = post_file(client, world.commune_a, good_file())
    job = ImportJob.objects.get()
    assert response["Location"] == f"/so/nhap-lan/{job.pk}/"
    assert (job.kind, job.commune, job.created_by, job.filename) == (
        "citizens",
        world.commune_a,
        world.users["cuong"],
        "dan-cu.xlsx",
    )
    assert (job.status, job.created, job.updated, job.unchanged) == ("ready", 2, 0, 0)
    assert not Citizen.objects.filter(full_name="Đỗ Văn Hùng").exists()  # checked, not written
    page = job_page(client, job)
    assert "Nhập sổ công dân: dan-cu.xlsx" in page and "Kiểm tra xong, chờ xác nhận" in page
    assert (
        "Mới: <strong>2</strong> · Cập nhật: <strong>0</strong> · Không đổi: <strong>0</strong>"
        in page
    )
    assert "Xác nhận ghi 2 dòng" in page and "Sẽ tạo 1 hộ mới theo mã hộ trong tệp." in page

    response = client.post(f"/so/nhap-lan/{job.pk}/xac-nhan/")
    assert response["Location"] == f"/so/nhap-lan/{job.pk}/"
    job.refresh_from_db()
    assert job.status == "done" and job.finished_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "Đã nhập: 2 mới, 0 cập nhật." in page and "Đã nhập" in page
    assert "Xác nhận ghi" not in page
    assert set(
        Citizen.objects.filter(household__code="PH-100").values_list("full_name", flat=True)
    ) == {
        "Đỗ Văn Hùng",
        "Đỗ Minh Khôi",
    }
    household = Household.objects.get(code="PH-100")
    assert household.head.full_name == "Đỗ Văn Hùng" and household.commune == world.commune_a
    (created,) = AuditEvent.objects.filter(action="citizen.import_create")
    assert created.actor == world.users["cuong"]
    assert created.changes == {"created": [None, 2]}
    for member in Citizen.objects.filter(full_name__in=["Đỗ Văn Hùng", "Đỗ Minh Khôi"]):
        assert created in AuditEvent.objects.for_object(member)  # each person's history finds it
    assert AuditEvent.objects.filter(action="household.import_create").count() == 1

    # a second click commits nothing more
    before = (Citizen.objects.count(), Household.objects.count(), AuditEvent.objects.count())
    response = client.post(f"/so/nhap-lan/{job.pk}/xac-nhan/")
    assert response.status_code == 302
    assert (
        Citizen.objects.count(),
        Household.objects.count(),
        AuditEvent.objects.count(),
    ) == before
    assert (
        "Lần nhập này không ở trạng thái chờ xác nhận."
        not in client.get(response["Location"]).content.decode()
    )

    # the same file again: matched, nothing new
    post_file(client, world.commune_a, good_file())
    again = ImportJob.objects.order_by("-id").first()
    assert (again.status, again.created, again.updated, again.unchanged) == ("ready", 0, 0, 2)
    # and the upload page lists both runs
    listed = client.get(UPLOAD).context["jobs"]
    assert [j.pk for j in listed] == [again.pk, job.pk]


def test_file_with_errors(world, as_user):
    client = as_user("cuong")
    post_file(client, world.commune_a, bad_file(), name="loi.xlsx")
    job = ImportJob.objects.get()
    assert job.status == "invalid" and job.has_annotated
    assert job.errors == [
        "Trang “Danh sách”, dòng 3, cột “Thôn”: Không có thôn “Thôn Không Có” trong Phường Phố Hiến.",
        "Trang “Danh sách”, dòng 4, cột “Ngày sinh”: Ngày sinh phải ghi dạng dd/mm/yyyy hoặc chỉ năm (yyyy).",
    ]
    page = job_page(client, job)
    assert "Có lỗi, chưa nhập" in page and "2 lỗi — chưa ghi dòng nào" in page
    assert "Không có thôn “Thôn Không Có” trong Phường Phố Hiến." in page
    assert "Xác nhận ghi" not in page
    assert f'href="/so/nhap-lan/{job.pk}/loi.xlsx"' in page

    # confirming an invalid job is refused and writes nothing
    response = client.post(f"/so/nhap-lan/{job.pk}/xac-nhan/")
    assert (
        "Lần nhập này không ở trạng thái chờ xác nhận."
        in client.get(response["Location"]).content.decode()
    )
    job.refresh_from_db()
    assert job.status == "invalid"
    assert Citizen.objects.count() == 5 and not Household.objects.filter(code="PH-100").exists()
    assert not AuditEvent.objects.filter(action__endswith="import_create").exists()

    # the annotated copy marks the bad cells and explains each row
    response = client.get(f"/so/nhap-lan/{job.pk}/loi.xlsx")
    assert response.status_code == 200
    assert "loi-loi.xlsx" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    close_response(response)
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Danh sách"]
    village_col = CITIZEN_HEADER.index("Thôn") + 1
    birth_col = CITIZEN_HEADER.index("Ngày sinh") + 1
    error_col = len(CITIZEN_HEADER) + 1
    assert sheet.cell(row=1, column=error_col).value == "Lỗi"
    bad_village = sheet.cell(row=3, column=village_col)
    assert bad_village.value == "Thôn Không Có"
    assert bad_village.fill.fgColor.rgb.endswith("F8CBAD")
    assert bad_village.comment.text == "Không có thôn “Thôn Không Có” trong Phường Phố Hiến."
    assert sheet.cell(row=3, column=error_col).value == (
        "Thôn: Không có thôn “Thôn Không Có” trong Phường Phố Hiến."
    )
    assert sheet.cell(row=4, column=birth_col).comment is not None
    # the good row is left as it was
    assert sheet.cell(row=2, column=error_col).value is None
    assert sheet.cell(row=2, column=village_col).comment is None
    assert not sheet.cell(row=2, column=village_col).fill.fgColor.rgb.endswith("F8CBAD")


def test_errors_file_only_when_there_is_one(world, as_user):
    client = as_user("cuong")
    post_file(client, world.commune_a, good_file())
    job = ImportJob.objects.get()
    assert not job.has_annotated
    assert client.get(f"/so/nhap-lan/{job.pk}/loi.xlsx").status_code == 404
    assert "loi.xlsx" not in job_page(client, job)


def test_errors_file_is_for_the_jobs_commune_only(world, as_user):
    post_file(as_user("cuong"), world.commune_a, bad_file())
    job = ImportJob.objects.get()
    assert as_user("binh").get(f"/so/nhap-lan/{job.pk}/loi.xlsx").status_code == 404
    assert as_user("vera").get(f"/so/nhap-lan/{job.pk}/loi.xlsx").status_code == 404
    response = as_user("alice").get(f"/so/nhap-lan/{job.pk}/loi.xlsx")
    assert response.status_code == 200
    close_response(response)


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"Ho va ten,Gioi tinh\nAn,Nam\n", "dan-cu.csv"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "dan-cu.xls"),  # the old Excel format
        (b"%PDF-1.4 ...", "dan-cu.xlsx"),  # the name says xlsx, the content does not
        (b"PK\x03\x04 broken zip", "dan-cu.xlsx"),
    ],
)
def test_not_a_workbook_is_refused_at_upload(world, as_user, media, content, name):
    client = as_user("cuong")
    response = post_file(client, world.commune_a, content, name=name)
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors in (
        ["Tệp không phải là bảng tính Excel .xlsx."],
        ["Tệp .xlsx bị hỏng, không đọc được."],
    )
    assert errors[0] in response.content.decode()
    assert not ImportJob.objects.exists()
    assert not (media / "imports").exists() or not any((media / "imports").iterdir())
    assert Citizen.objects.count() == 5


def test_workbook_without_the_required_headers(world, as_user):
    client = as_user("cuong")
    data = workbook([["Nguyễn Văn Tèo", "0912000999"]], header=["Tên người", "SĐT"])
    post_file(client, world.commune_a, data, name="khong-tieu-de.xlsx")
    job = ImportJob.objects.get()
    assert job.status == "invalid" and not job.has_annotated
    message = (
        "Trang “Danh sách” thiếu cột bắt buộc: Họ và tên, Giới tính, Ngày sinh, Thôn. "
        "Hãy dùng tệp mẫu."
    )
    assert job.errors == [message]
    page = job_page(client, job)
    assert message in page and "Xác nhận ghi" not in page
    assert client.get(f"/so/nhap-lan/{job.pk}/loi.xlsx").status_code == 404
    assert Citizen.objects.count() == 5


def test_workbook_with_headers_only(world, as_user):
    client = as_user("cuong")
    post_file(client, world.commune_a, workbook([]))
    job = ImportJob.objects.get()
    assert job.status == "invalid"
    assert job.errors == ["Trang “Danh sách” không có dòng dữ liệu nào."]


def test_upload_form_errors(world, as_user):
    client = as_user("alice")
    response = client.post(UPLOAD, {"commune": world.commune_a.pk})
    assert response.context["form"].errors == {"file": ["Trường này là bắt buộc."]}
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("a.xlsx", good_file())})
    assert list(response.context["form"].errors) == ["commune"]  # the province admin must choose
    assert not ImportJob.objects.exists()


def test_template_download_round_trips(world, as_user):
    client = as_user("cuong")
    response = client.get("/so/nhap/citizens/mau.xlsx")
    assert response.status_code == 200
    assert "mau-nhap-citizens.xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Dữ liệu", "Hướng dẫn", "Danh mục"]  # the drop-downs' lists
    assert book["Danh mục"].sheet_state == "hidden"
    sheet = book["Dữ liệu"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["Mã hệ thống", "Mã hộ", "Họ và tên *", "Giới tính *", "Ngày sinh *"]
    guide = "\n".join(str(c.value) for row in book["Hướng dẫn"].iter_rows() for c in row if c.value)
    assert "Mẫu nhập sổ công dân" in guide and "dd/mm/yyyy" in guide
    # filled in (by header: a new field adds its own column) and sent back, it imports
    typed = {
        "Mã hộ": "PH-300",
        "Họ và tên *": "Hà Thị Lan",
        "Giới tính *": "Nữ",
        "Ngày sinh *": "1992",
        "Thôn *": "Đông Tảo",
        "Quan hệ với chủ hộ": "Chủ hộ",
    }
    sheet.append([typed.get(h) for h in header])
    buffer = io.BytesIO()
    book.save(buffer)
    post_file(client, world.commune_a, buffer.getvalue(), name="mau.xlsx")
    job = ImportJob.objects.get()
    assert (job.status, job.created) == ("ready", 1), job.errors
    client.post(f"/so/nhap-lan/{job.pk}/xac-nhan/")
    assert Citizen.objects.get(full_name="Hà Thị Lan").household.code == "PH-300"


@pytest.mark.parametrize("kind", ["households", "clans", "organisations"])
def test_other_templates_and_empty_uploads(world, as_user, kind):
    client = as_user("cuong")
    template = client.get(f"/so/nhap/{kind}/mau.xlsx")
    assert template.status_code == 200
    post_file(client, world.commune_a, template.content, url=f"/so/nhap/{kind}/")
    job = ImportJob.objects.get()
    assert job.kind == kind and job.status == "invalid"
    assert job.errors == ["Trang “Dữ liệu” không có dòng dữ liệu nào."]


def test_job_page_while_running_polls(world, as_user):
    job = ImportJob.objects.create(
        kind="citizens",
        commune=world.commune_a,
        created_by=world.users["cuong"],
        filename="lon.xlsx",
        stored_file="x.xlsx",
        status="validating",
        progress=0.4,
        stage="Kiểm tra dòng 40000/100000",
    )
    client = as_user("cuong")
    page = job_page(client, job)
    assert "Đang kiểm tra" in page and "40% Kiểm tra dòng 40000/100000" in page
    assert f'hx-get="/so/nhap-lan/{job.pk}/"' in page and 'http-equiv="refresh"' in page
    partial = client.get(f"/so/nhap-lan/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<section id="job"') and "<html" not in partial
    # a job still being checked cannot be confirmed
    client.post(f"/so/nhap-lan/{job.pk}/xac-nhan/")
    job.refresh_from_db()
    assert job.status == "validating"


def test_other_registries_import_through_the_pages(world, as_user):
    client = as_user("cuong")
    organisations = workbook(
        [["Công ty May Phố Hiến", "Doanh nghiệp", "", 120]],
        header=["Tên đơn vị", "Loại hình", "Cấp", "Số lao động"],
    )
    post_file(client, world.commune_a, organisations, url="/so/nhap/organisations/")
    job = ImportJob.objects.get()
    assert (job.status, job.created) == ("ready", 1), job.errors
    client.post(f"/so/nhap-lan/{job.pk}/xac-nhan/")
    names = [o.name for o in client.get("/so/don-vi/").context["page"]]
    assert names == ["Công ty May Phố Hiến", "Trường Tiểu học Phố Hiến"]
    clans = workbook([["Họ Lê", "Chi 1", "An Lạc"]], header=["Dòng họ", "Chi", "Thôn gốc"])
    post_file(client, world.commune_a, clans, url="/so/nhap/clans/")
    job = ImportJob.objects.order_by("-id").first()
    assert (job.status, job.created) == ("ready", 1), job.errors
    client.post(f"/so/nhap-lan/{job.pk}/xac-nhan/")
    assert [str(c) for c in client.get("/so/dong-ho/").context["page"]] == [
        "Họ Lê — Chi 1",
        "Họ Nguyễn — Chi 2",
    ]
