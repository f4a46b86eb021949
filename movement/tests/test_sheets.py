"""Excel: template, export → edit → import round trip, and a broken sheet that saves nothing."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from movement import models as m
from movement.tests import factories as mk


def _upload(client, kind: str, content: bytes, **params):
    return client.post(
        reverse("movement:import", args=[kind])
        + ("?xa=" + str(params["xa"]) if "xa" in params else ""),
        {"file": SimpleUploadedFile("tep.xlsx", content)},
    )


def _book(header, rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH HỘI VIÊN XÃ"])  # a title row above the header, as communes send them
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_members_round_trip(world, as_user):
    client = as_user("cuong")
    template = client.get(reverse("movement:import_template", args=["hoi-vien"]))
    header = [
        c.value.rstrip(" *") for c in openpyxl.load_workbook(io.BytesIO(template.content)).active[1]
    ]
    assert header[:3] == ["Mã hệ thống", "Họ và tên", "Năm sinh"]
    content = _book(
        header,
        [
            [None, "Đỗ  Thị Hoa", 1970, "Đông Tảo", "Chủ tịch Hội", "Có", 2015, None],
            [None, "Vũ Văn Nam", None, "Thôn An Lạc", "hội viên", "Không", None, None],
        ],
    )
    response = _upload(client, "hoi-vien", content)
    assert response.status_code == 200, response.content.decode()
    hoa = m.Member.objects.get(full_name="Đỗ Thị Hoa")
    assert (hoa.village, hoa.position, hoa.is_cadre, hoa.joined_year) == (
        world.village_a1,
        "chair",
        True,
        2015,
    )
    assert m.Member.objects.get(full_name="Vũ Văn Nam").village == world.village_a2
    assert AuditEvent.objects.filter(action="movement.member.import").count() == 2

    exported = client.get(reverse("movement:export", args=["hoi-vien"]))
    wb = openpyxl.load_workbook(io.BytesIO(exported.content))
    ws = wb.active
    rows = {r[1].value: r for r in ws.iter_rows(min_row=2)}
    rows["Vũ Văn Nam"][5].value = "Có"  # now a cadre
    buffer = io.BytesIO()
    wb.save(buffer)
    response = _upload(client, "hoi-vien", buffer.getvalue())
    assert response.status_code == 200
    assert "Mới: <strong>0</strong> · Cập nhật: <strong>2</strong>" in response.content.decode()
    assert m.Member.objects.count() == 2
    assert m.Member.objects.get(full_name="Vũ Văn Nam").is_cadre


def test_broken_sheet_names_row_and_field_and_saves_nothing(world, as_user):
    mk.centre(world.commune_a, "TTHTCĐ Phố Hiến")
    client = as_user("cuong")
    header = ["Trung tâm", "Loại", "Chủ đề", "Từ ngày", "Đến ngày", "Số người tham gia", "Thôn"]
    content = _book(
        header,
        [
            [
                "TTHTCĐ Phố Hiến",
                "Lớp học, bồi dưỡng",
                "Tin học",
                "05/03/2026",
                None,
                30,
                "Đông Tảo",
            ],
            ["TTHTCĐ Phố Hiến", "Lớp học", "Sai loại", "05/03/2026", None, 30, None],
            ["Trung tâm lạ", "Lớp học, bồi dưỡng", "Sai trung tâm", "05/03/2026", None, 30, None],
            [
                "TTHTCĐ Phố Hiến",
                "Chuyên đề, nói chuyện",
                "Sai ngày",
                "31/02/2026",
                None,
                "nhiều",
                "Phú Thọ",
            ],
        ],
    )
    response = _upload(client, "hoat-dong", content)
    assert response.status_code == 400
    text = response.content.decode()
    assert "chưa nhập dòng nào" in text
    assert "dòng 4, cột “Loại”: “Lớp học” không có trong danh sách" in text
    assert "dòng 5, cột “Trung tâm”: Xã không có trung tâm “Trung tâm lạ”" in text
    assert "dòng 6, cột “Thôn”: Không có thôn “Phú Thọ” trong xã" in text  # B's village
    assert m.Activity.objects.count() == 0
    # The same file without the bad rows goes in.
    good = _book(
        header,
        [["TTHTCĐ Phố Hiến", "Lớp học, bồi dưỡng", "Tin học", "05/03/2026", None, 30, "Đông Tảo"]],
    )
    assert _upload(client, "hoat-dong", good).status_code == 200
    activity = m.Activity.objects.get()
    assert (activity.start_date, activity.participants, activity.village) == (
        dt.date(2026, 3, 5),
        30,
        world.village_a1,
    )


def test_dates_and_numbers_are_checked_per_cell(world, as_user):
    mk.centre(world.commune_a, "TTHTCĐ Phố Hiến")
    header = ["Trung tâm", "Loại", "Chủ đề", "Từ ngày", "Số người tham gia"]
    content = _book(
        header, [["TTHTCĐ Phố Hiến", "Lớp học, bồi dưỡng", "Sai", "31/02/2026", "nhiều"]]
    )
    text = _upload(as_user("cuong"), "hoat-dong", content).content.decode()
    assert "dòng 3, cột “Từ ngày”" in text and "dòng 3, cột “Số người tham gia”" in text


def test_contributions_import_and_file_errors(world, as_user):
    client = as_user("cuong")
    header = [
        "Ngày",
        "Nguồn",
        "Người, đơn vị đóng góp",
        "Mục đích",
        "Tiền mặt (đồng)",
        "Hiện vật quy ra tiền (đồng)",
        "Hiện vật",
    ]
    content = _book(
        header, [["01/06/2026", "Quỹ dòng họ", "Họ Nguyễn", "Học bổng", 2000000, None, None]]
    )
    assert _upload(client, "nguon-luc", content).status_code == 200
    assert m.Contribution.objects.get().cash == 2_000_000
    response = _upload(client, "nguon-luc", b"not a workbook")
    assert (
        response.status_code == 400 and "không phải là bảng tính Excel" in response.content.decode()
    )
    missing = _book(["Ngày", "Nguồn"], [["01/06/2026", "Quỹ dòng họ"]])
    response = _upload(client, "nguon-luc", missing)
    assert "thiếu cột bắt buộc" in response.content.decode()


def test_import_scope(world, as_user):
    content = _book(["Họ và tên"], [["Ai đó"]])
    assert _upload(as_user("vera"), "hoi-vien", content).status_code == 403
    assert _upload(as_user("olga"), "hoi-vien", content).status_code == 404
    assert _upload(as_user("cuong"), "hoi-vien", content, xa=world.commune_b.pk).status_code == 404
    # A province admin picks the commune first.
    assert b"?xa=" in as_user("alice").get(reverse("movement:import", args=["hoi-vien"])).content
    assert _upload(as_user("alice"), "hoi-vien", content, xa=world.commune_b.pk).status_code == 200
    assert m.Member.objects.get().place == world.commune_b


def test_communication_and_trainings_round_trip_commendations_export_only(world, as_user):
    client = as_user("cuong")
    header = [
        "Loại",
        "Kênh",
        "Ngày",
        "Tiêu đề",
        "Đường dẫn",
        "Tuần lễ học tập suốt đời",
        "Số người tham gia",
    ]
    content = _book(
        header,
        [
            ["Sự kiện", "Nhà văn hóa", "01/10/2026", "Khai mạc Tuần lễ", None, "Có", 300],
            [
                "Bài viết",
                "Báo Hưng Yên",
                "05/10/2026",
                "Phố Hiến học tập",
                "https://baohungyen.vn/a",
                "Không",
                None,
            ],
            ["Bài viết", "Báo Hưng Yên", "05/09/2026", "Sai tháng", None, "Có", None],
        ],
    )
    response = _upload(client, "truyen-thong", content)
    assert response.status_code == 400
    text = response.content.decode()
    assert "dòng 5, cột “Loại”: Tuần lễ hưởng ứng học tập suốt đời là một sự kiện." in text
    assert not m.Communication.objects.exists()
    good = _book(
        header, [["Sự kiện", "Nhà văn hóa", "01/10/2026", "Khai mạc Tuần lễ", None, "Có", 300]]
    )
    assert _upload(client, "truyen-thong", good).status_code == 200
    week = m.Communication.objects.get()
    assert week.learning_week and week.participants == 300 and week.place == world.commune_a

    t = mk.training(world.commune_a, "criteria", dt.date(2026, 2, 1), "Phổ biến tiêu chí")
    mk.attend(t, mk.member(world.commune_a, "Đỗ Thị Hoa"))
    exported = client.get(reverse("movement:export", args=["tap-huan"]))
    wb = openpyxl.load_workbook(io.BytesIO(exported.content))
    row = [c.value for c in wb.active[2]]
    assert row[1:] == [
        "Phổ biến bộ tiêu chí các mô hình học tập",
        "Phổ biến tiêu chí",
        "01/02/2026",
        "Cấp xã",
        None,
        1,
    ]
    wb.active["C2"] = "Phổ biến tiêu chí năm 2026"
    buffer = io.BytesIO()
    wb.save(buffer)
    assert _upload(client, "tap-huan", buffer.getvalue()).status_code == 200
    t.refresh_from_db()
    assert t.title == "Phổ biến tiêu chí năm 2026" and m.Training.objects.count() == 1
    assert t.attendance.count() == 1  # attendance is kept on the page, untouched by the sheet

    m.Commendation.objects.create(
        place=world.commune_a,
        year=2026,
        subject_kind="individual",
        name="Nguyễn Văn An",
        reason="x",
        level="province",
    )
    exported = client.get(reverse("movement:export", args=["khen-thuong"]))
    names = [
        r[3]
        for r in openpyxl.load_workbook(io.BytesIO(exported.content)).active.iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert names == ["Nguyễn Văn An"]
    assert client.get(reverse("movement:import", args=["khen-thuong"])).status_code == 404
    assert as_user("van").get(reverse("movement:export", args=["khen-thuong"])).status_code == 404
