import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from places.models import Place

URL = "/dia-ban/nhap-thon/"


def workbook(rows, header=("Mã xã/phường", "Tên thôn/tổ dân phố", "Loại"), title_rows=0):
    wb = openpyxl.Workbook()
    ws = wb.active
    for i in range(title_rows):
        ws.append(["DANH SÁCH THÔN" if i == 0 else None])
    if title_rows:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=3)
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(client, data, dry_run=False, name="thon.xlsx"):
    payload = {"file": SimpleUploadedFile(name, data)}
    if dry_run:
        payload["dry_run"] = "on"
    return client.post(URL, payload)


def test_import_villages_commits_all_rows(world, as_user):
    data = workbook(
        [
            ("11953", "Thôn Lạc Hồng", ""),
            ("11953", "Tân Phong", "Tổ dân phố"),
            (11953, "Kim Đôi", "Thôn"),
        ]
    )
    response = upload(as_user("cuong"), data)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.committed and report.created == 3
    names = set(Place.objects.filter(parent=world.commune_a).values_list("name", flat=True))
    assert {"Thôn Lạc Hồng", "Tổ dân phố Tân Phong", "Thôn Kim Đôi"} <= names
    assert AuditEvent.objects.filter(action="village.import").count() == 3


def test_dry_run_saves_nothing(world, as_user):
    response = upload(as_user("cuong"), workbook([("11953", "Lạc Hồng", "Thôn")]), dry_run=True)
    assert response.context["report"].created == 1
    assert not response.context["report"].committed
    assert not Place.objects.villages().filter(short_name="Lạc Hồng").exists()


def test_header_under_a_merged_title_row_and_extra_column(world, as_user):
    data = workbook(
        [("11953", "Lạc Hồng", "Thôn", "ghi chú")],
        header=("Mã xã", "Tên thôn", "Loại", "Ghi chú"),
        title_rows=2,
    )
    report = upload(as_user("cuong"), data).context["report"]
    assert report.committed and report.created == 1
    assert any("Ghi chú" in w for w in report.warnings)


def test_unknown_commune_code_names_the_row_and_saves_nothing(world, as_user):
    data = workbook([("11953", "Lạc Hồng", "Thôn"), ("99999", "Tân Phong", "Thôn")])
    response = upload(as_user("alice"), data)
    assert response.status_code == 400
    errors = [str(e) for e in response.context["report"].errors]
    assert errors == [
        "Trang “Sheet”, dòng 3, cột “Mã xã/phường”: Không có xã/phường mã “99999” trong tỉnh."
    ]
    assert not Place.objects.villages().filter(short_name__in=["Lạc Hồng", "Tân Phong"]).exists()


def test_duplicate_name_in_commune_and_in_file(world, as_user):
    data = workbook(
        [("11953", "Đông Tảo", "Thôn"), ("11953", "Mới", "Thôn"), ("11953", "moi", "Thôn")]
    )
    errors = [str(e) for e in upload(as_user("cuong"), data).context["report"].errors]
    assert errors == [
        "Trang “Sheet”, dòng 2, cột “Tên thôn/tổ dân phố”: Phường Phố Hiến đã có “Thôn Đông Tảo”.",
        "Trang “Sheet”, dòng 4, cột “Tên thôn/tổ dân phố”: Trùng với dòng 3 trong tệp.",
    ]
    assert not Place.objects.filter(short_name="Mới").exists()


def test_rows_of_another_commune_are_out_of_scope(world, as_user):
    data = workbook([("12205", "Lạc Hồng", "Thôn")])
    errors = [str(e) for e in upload(as_user("cuong"), data).context["report"].errors]
    assert errors == [
        "Trang “Sheet”, dòng 2, cột “Mã xã/phường”: Xã Khoái Châu ngoài phạm vi bạn quản lý."
    ]


def test_bad_kind_is_reported(world, as_user):
    errors = [
        str(e)
        for e in upload(as_user("cuong"), workbook([("11953", "Lạc Hồng", "Làng")]))
        .context["report"]
        .errors
    ]
    assert "Loại “Làng” không hợp lệ" in errors[0] and "dòng 2" in errors[0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Ma xa,Ten thon\n11953,A\n", "Tệp không phải là bảng tính Excel .xlsx."),
        (b"PK\x03\x04garbage", "Tệp .xlsx bị hỏng, không đọc được."),
    ],
)
def test_non_xlsx_files_are_refused(world, as_user, data, message):
    response = upload(as_user("cuong"), data, name="thon.csv")
    assert response.status_code == 400
    assert [str(e) for e in response.context["report"].errors] == [message]


def test_sheet_without_required_headers(world, as_user):
    data = workbook([("11953", "A")], header=("Đơn vị", "Ghi chú"))
    errors = [str(e) for e in upload(as_user("cuong"), data).context["report"].errors]
    assert errors == [
        "Trang “Sheet” thiếu cột bắt buộc: Mã xã/phường, Tên thôn/tổ dân phố. Hãy dùng tệp mẫu."
    ]


def test_zip_bomb_is_refused(world, as_user):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 50_000_000)
    errors = [str(e) for e in upload(as_user("cuong"), buffer.getvalue()).context["report"].errors]
    assert errors and "nội dung nén bất thường" in errors[0]


def test_oversized_file_is_refused(world, as_user, settings):
    settings.IMPORT_MAX_BYTES = 1024
    data = workbook([("11953", f"Thôn {i}", "Thôn") for i in range(200)])
    errors = [str(e) for e in upload(as_user("cuong"), data).context["report"].errors]
    assert errors[0].startswith("Tệp quá lớn")


def test_template_download_roundtrips(world, as_user):
    response = as_user("cuong").get("/dia-ban/nhap-thon/mau.xlsx")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.worksheets[0][1]] == [
        "Mã xã/phường *",
        "Tên thôn/tổ dân phố *",
        "Loại",
    ]
    assert "Hướng dẫn" in wb.sheetnames
    ws = wb.worksheets[0]
    ws.append(["11953", "Lạc Hồng", "Thôn"])
    buffer = io.BytesIO()
    wb.save(buffer)
    assert upload(as_user("cuong"), buffer.getvalue()).context["report"].created == 1


@pytest.mark.parametrize("persona", ["vera", "van", "dan", "oscar", "olga"])
def test_import_page_is_for_village_managers_only(world, as_user, persona):
    assert as_user(persona).get(URL).status_code == 404
