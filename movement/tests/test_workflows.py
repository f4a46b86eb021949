"""Creating and changing records through the pages: saved, validated, audited."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from audit.models import AuditEvent
from conftest import close_response
from movement import models as m
from movement.tests import factories as mk


def test_officer_builds_a_centre_with_board_activities_and_evaluation(world, as_user):
    client = as_user("cuong")
    response = client.post(
        reverse("movement:centre_create"),
        {
            "name": "  Trung tâm   HTCĐ Phố Hiến ",
            "established_on": "01/09/2012",
            "decision": "12/QĐ-UBND",
        },
    )
    centre = m.LearningCentre.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "movement:centre_detail", args=[centre.pk]
    )
    assert centre.name == "Trung tâm HTCĐ Phố Hiến" and centre.place == world.commune_a
    assert centre.established_on == dt.date(2012, 9, 1)
    assert AuditEvent.objects.filter(
        action="movement.learningcentre.create", object_id=str(centre.pk)
    ).exists()

    add = lambda child, data: client.post(  # noqa: E731
        reverse("movement:centre_child_add", args=[centre.pk, child]), data
    )
    assert (
        add(
            "board",
            {
                "full_name": "Nguyễn Thị Hội",
                "role": "deputy",
                "association_leader": "on",
                "start_date": "01/01/2026",
            },
        ).status_code
        == 302
    )
    response = add(
        "activity",
        {
            "kind": "course",
            "topic": "Tin học",
            "start_date": "05/03/2026",
            "participants": "30",
            "village": world.village_a1.pk,
        },
    )
    assert response.status_code == 302
    # A village of another commune is not a choice.
    response = add(
        "activity",
        {
            "kind": "course",
            "topic": "Sai thôn",
            "start_date": "05/03/2026",
            "participants": "3",
            "village": world.village_b1.pk,
        },
    )
    assert response.status_code == 200 and "Sai thôn" not in m.Activity.objects.values_list(
        "topic", flat=True
    )
    assert "hợp lệ" in response.content.decode()
    # The end cannot precede the start.
    response = add(
        "activity",
        {
            "kind": "talk",
            "topic": "Ngược",
            "start_date": "05/03/2026",
            "end_date": "01/03/2026",
            "participants": "3",
        },
    )
    assert response.status_code == 200 and not m.Activity.objects.filter(topic="Ngược").exists()
    assert (
        add(
            "evaluation", {"year": "2026", "rating": "good", "summary": "Hoạt động đều"}
        ).status_code
        == 302
    )
    response = add("evaluation", {"year": "2026", "rating": "fair"})
    assert response.status_code == 200 and "Năm này đã có tự đánh giá" in response.content.decode()

    page = client.get(reverse("movement:centre_detail", args=[centre.pk])).content.decode()
    assert "Nguyễn Thị Hội" in page and "Tin học" in page and "Hoạt động đều" in page
    assert "<strong>Chưa có</strong>" not in page  # the vice-chair is on the board

    activity = m.Activity.objects.get(topic="Tin học")
    response = client.post(
        reverse("movement:centre_child_edit", args=[centre.pk, "activity", activity.pk]),
        {"kind": "course", "topic": "Tin học", "start_date": "05/03/2026", "participants": "35"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="movement.activity.update")
    assert event.changes["participants"] == [30, 35]
    response = client.post(
        reverse("movement:centre_child_delete", args=[centre.pk, "activity", activity.pk])
    )
    assert response.status_code == 302 and not m.Activity.objects.filter(pk=activity.pk).exists()
    assert AuditEvent.objects.filter(
        action="movement.activity.delete", object_id=str(centre.pk)
    ).exists()


def test_merging_a_centre_needs_a_date_and_edits_are_audited(world, as_user):
    old, new = mk.centre(world.commune_a, "TTHTCĐ cũ"), mk.centre(world.commune_a, "TTHTCĐ mới")
    client = as_user("cuong")
    url = reverse("movement:centre_edit", args=[old.pk])
    response = client.post(url, {"name": "TTHTCĐ cũ", "merged_into": new.pk})
    assert response.status_code == 200 and "cần có ngày sáp nhập" in response.content.decode()
    response = client.post(
        url,
        {
            "name": "TTHTCĐ cũ",
            "merged_into": new.pk,
            "closed_on": "30/06/2025",
            "established_on": "01/05/2010",
        },
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.merged_into == new and old.closed_on == dt.date(2025, 6, 30)
    event = AuditEvent.objects.get(action="movement.learningcentre.update", object_id=str(old.pk))
    assert event.changes["closed_on"] == [None, "2025-06-30"]
    assert (
        "TTHTCĐ cũ" in client.get(reverse("movement:centre_detail", args=[new.pk])).content.decode()
    )


def test_attendance_at_a_province_training_builds_each_persons_record(world, as_user):
    t = mk.training(
        world.province, "it", dt.date(2026, 4, 1), "Tập huấn CNTT tỉnh", level="province"
    )
    a1 = mk.member(world.commune_a, "Đỗ Thị Hoa", cadre=True)
    a2 = mk.member(world.commune_a, "Vũ Văn Nam", cadre=True)
    b1 = mk.member(world.commune_b, "Trần Văn Bắc", cadre=True)
    cuong = as_user("cuong")
    url = reverse("movement:training_attendance", args=[t.pk])
    page = cuong.get(url).content.decode()
    assert "Đỗ Thị Hoa" in page and "Trần Văn Bắc" not in page
    # A member of another commune cannot be slipped in.
    response = cuong.post(url, {"xa": world.commune_a.pk, "members": [a1.pk, b1.pk]})
    assert response.status_code == 200 and not m.Attendance.objects.exists()
    response = cuong.post(url, {"xa": world.commune_a.pk, "members": [a1.pk, a2.pk]})
    assert response.status_code == 302
    assert set(m.Attendance.objects.values_list("member_id", flat=True)) == {a1.pk, a2.pk}
    as_user("binh").post(url, {"xa": world.commune_b.pk, "members": [b1.pk]})
    cuong.post(url, {"xa": world.commune_a.pk, "members": [a1.pk]})  # a2 was marked by mistake
    assert set(m.Attendance.objects.values_list("member_id", flat=True)) == {a1.pk, b1.pk}
    assert AuditEvent.objects.filter(action="movement.training.attendance").count() == 3
    page = cuong.get(reverse("movement:member_detail", args=[a1.pk])).content.decode()
    assert "Tập huấn CNTT tỉnh" in page
    page = cuong.get(reverse("movement:training_detail", args=[t.pk])).content.decode()
    assert "Đỗ Thị Hoa" in page and "Trần Văn Bắc" not in page  # binh's people stay binh's
    # The viewer reads but cannot mark anyone present.
    assert as_user("vera").get(url).status_code == 403


def test_learning_week_is_an_october_event_with_its_activities(world, as_user):
    client = as_user("cuong")
    url = reverse("movement:communication_create")
    base = {
        "kind": "event",
        "channel": "Nhà văn hóa",
        "title": "Tuần lễ HTSĐ 2026",
        "learning_week": "on",
    }
    response = client.post(url, {**base, "date": "01/09/2026"})
    assert response.status_code == 200 and "tháng 10" in response.content.decode()
    response = client.post(url, {**base, "kind": "article", "date": "01/10/2026"})
    assert response.status_code == 200 and "là một sự kiện" in response.content.decode()
    assert client.post(url, {**base, "date": "01/10/2026"}).status_code == 302
    week = m.Communication.objects.get(learning_week=True)
    response = client.post(
        url,
        {
            "kind": "event",
            "channel": "Thư viện",
            "title": "Ngày hội đọc sách",
            "date": "03/10/2026",
            "event": week.pk,
            "participants": "120",
            "link": "hoctap.vn/bai-1",
        },
    )
    assert response.status_code == 302
    child = m.Communication.objects.get(title="Ngày hội đọc sách")
    assert child.event == week and child.link == "https://hoctap.vn/bai-1"
    page = client.get(reverse("movement:communication_detail", args=[week.pk])).content.decode()
    assert "Ngày hội đọc sách" in page
    page = client.get(
        reverse("movement:communication_list"), {"nam": 2026, "tuan_le": "1"}
    ).content.decode()
    assert "Tuần lễ HTSĐ 2026" in page and "Ngày hội đọc sách" not in page
    page = client.get(reverse("movement:communication_list"), {"nam": 2026}).content.decode()
    assert "Sự kiện 2" in page


def test_contributions_and_estimate_totals(world, as_user):
    client = as_user("cuong")
    url = reverse("movement:contribution_create")
    response = client.post(
        url,
        {"date": "01/06/2026", "source": "clan", "donor": "Họ Nguyễn", "purpose": "scholarship"},
    )
    assert response.status_code == 200 and "Cần ghi số tiền" in response.content.decode()
    response = client.post(
        url,
        {
            "date": "01/06/2026",
            "source": "enterprise",
            "donor": "Công ty",
            "purpose": "centre",
            "in_kind": "2000000",
        },
    )
    assert response.status_code == 200 and "Hãy ghi hiện vật" in response.content.decode()
    for data in (
        {"source": "clan", "donor": "Họ Nguyễn", "purpose": "scholarship", "cash": "3.000.000 đ"},
        {
            "source": "enterprise",
            "donor": "Công ty",
            "purpose": "centre",
            "in_kind": "2000000",
            "in_kind_description": "Máy tính",
        },
    ):
        assert (
            client.post(
                url, {"date": "01/06/2026", "cash": "0", "in_kind": "0", **data}
            ).status_code
            == 302
        )
    estimate = reverse("movement:estimate_create")
    response = client.post(
        estimate,
        {"year": "2026", "amount": "1000", "scholarships": "2000", "rewards": "0", "centre": "0"},
    )
    assert response.status_code == 200 and "lớn hơn tổng dự toán" in response.content.decode()
    assert (
        client.post(
            estimate,
            {
                "year": "2026",
                "amount": "10000000",
                "scholarships": "0",
                "rewards": "0",
                "centre": "0",
            },
        ).status_code
        == 302
    )
    response = client.post(
        estimate,
        {"year": "2026", "amount": "1", "scholarships": "0", "rewards": "0", "centre": "0"},
    )
    assert "Đã có dự toán năm 2026" in response.content.decode()
    page = client.get(reverse("movement:resources"), {"nam": 2026}).content.decode()
    assert "Tổng cộng <strong>5.000.000 đ</strong>" in page
    assert "dự toán 10.000.000 đ" in page
    page = client.get(reverse("movement:home"), {"nam": 2026}).content.decode()
    assert "5.000.000 đ" in page and "50,00" in page


def test_history_navigation_and_village_officer_home(world, as_user):
    c = mk.centre(world.commune_a)
    as_user("cuong").post(
        reverse("movement:centre_edit", args=[c.pk]), {"name": "TTHTCĐ Phố Hiến mới"}
    )
    history = reverse("audit:history", args=["movement.learningcentre", c.pk])
    page = as_user("cuong").get(history)
    assert page.status_code == 200 and "TTHTCĐ Phố Hiến mới" in page.content.decode()
    assert as_user("binh").get(history).status_code == 404
    home = as_user("van").get(reverse("movement:home")).content.decode()
    assert 'href="/phong-trao/"' in home  # the menu link
    assert "Trung tâm học tập cộng đồng đang hoạt động" in home
    assert "Nguồn lực xã hội hóa" not in home and "/phong-trao/nguon-luc/" not in home
    assert 'href="/phong-trao/"' not in as_user("dan").get("/", follow=True).content.decode()


def test_a_communication_item_carries_a_checked_file(
    world, as_user, settings, tmp_path, django_capture_on_commit_callbacks
):
    """The article, script or photo goes with the item: checked by its content, capped,
    served only to those who see the item; replaced or removed on the edit page."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = as_user("cuong")
    url = reverse("movement:communication_create")
    base = {
        "kind": "article",
        "channel": "Đài truyền thanh xã",
        "title": "Bài về Gia đình học tập",
        "date": "05/03/2026",
    }

    def post(target, name, content, **extra):
        upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
        return client.post(target, {**base, **extra, "attachment_file": upload})

    def stored_files():
        return sorted(p.name for p in (tmp_path / "communication").glob("*"))

    # a text file named .pdf, and a file over 10 MB: refused, nothing saved, no file left
    page = post(url, "bai.pdf", b"chi la chu").content.decode()
    assert "Tệp “bai.pdf” không phải ảnh (JPEG, PNG, WebP), PDF hay Word (.docx)." in page
    page = post(url, "bai.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024)).content.decode()
    assert "Tệp quá 10 MB." in page
    assert not m.Communication.objects.exists() and stored_files() == []

    pdf = b"%PDF-1.4\n% bai bao\n"
    assert post(url, "Bài báo.pdf", pdf).status_code == 302
    item = m.Communication.objects.get()
    assert (item.attachment_name, item.attachment_type, item.attachment_size) == (
        "Bài báo.pdf",
        "application/pdf",
        len(pdf),
    )
    assert stored_files() == [item.attachment]
    file_url = reverse("movement:communication_file", args=[item.pk])
    detail = client.get(reverse("movement:communication_detail", args=[item.pk])).content.decode()
    assert f'<a href="{file_url}">Bài báo.pdf</a>' in detail
    got = client.get(file_url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == pdf
    assert got["Content-Type"] == "application/pdf" and got["Content-Disposition"] == "inline"
    assert got["X-Content-Type-Options"] == "nosniff"
    close_response(got)
    # the village officer of the same commune sees it; another commune's officer does not
    seen = as_user("van").get(file_url)
    assert seen.status_code == 200
    close_response(seen)
    assert as_user("binh").get(file_url).status_code == 404

    # replaced by a Word script: downloaded, not shown; the old file goes after the commit
    edit = reverse("movement:communication_edit", args=[item.pk])
    assert "Đang có: Bài báo.pdf" in client.get(edit).content.decode()
    old = item.attachment
    with django_capture_on_commit_callbacks(execute=True):
        assert post(edit, "kich-ban.docx", b"PK\x03\x04 word").status_code == 302
    item.refresh_from_db()
    assert item.attachment_name == "kich-ban.docx" and stored_files() == [item.attachment] != [old]
    got = client.get(file_url)
    assert (
        got["Content-Disposition"].startswith("attachment")
        and "kich-ban.docx" in got["Content-Disposition"]
    )
    close_response(got)
    event = AuditEvent.objects.filter(action="movement.communication.update").latest("id")
    assert event.changes["attachment_name"] == ["Bài báo.pdf", "kich-ban.docx"]
    # a zip that is not named .docx is refused
    page = post(edit, "kich-ban.zip", b"PK\x03\x04 zip").content.decode()
    assert "không phải ảnh (JPEG, PNG, WebP), PDF hay Word (.docx)" in page

    # removed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit, {**base, "remove_attachment": "on"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.attachment == "" and stored_files() == []
    assert client.get(file_url).status_code == 404
