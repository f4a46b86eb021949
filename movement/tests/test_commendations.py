"""Proposals, review and the public list of exemplary models."""

from __future__ import annotations

from django.urls import reverse

from audit.models import AuditEvent
from movement import models as m


def _propose(client, **extra):
    data = {
        "year": "2026",
        "subject_kind": "individual",
        "name": "Nguyễn Văn An",
        "reason": "Mười năm dạy chữ miễn phí cho người lớn tuổi",
        "achievements": "Mở 12 lớp xóa mù chữ",
        "level": "province",
        **extra,
    }
    return client.post(reverse("movement:commendation_create"), data)


def test_propose_review_and_publish(world, as_user):
    cuong, alice = as_user("cuong"), as_user("alice")
    assert _propose(cuong).status_code == 302
    assert (
        _propose(
            cuong, name="Thôn Đông Tảo", subject_kind="collective", village=world.village_a1.pk
        ).status_code
        == 302
    )
    assert _propose(as_user("binh"), name="Trần Thị Em").status_code == 302
    an = m.Commendation.objects.get(name="Nguyễn Văn An")
    village = m.Commendation.objects.get(name="Thôn Đông Tảo")
    em = m.Commendation.objects.get(name="Trần Thị Em")
    assert an.place == world.commune_a and an.status == "proposed"

    # A province-level award is the province's to decide.
    assert (
        cuong.post(
            reverse("movement:commendation_review", args=[an.pk]), {"status": "approved"}
        ).status_code
        == 403
    )
    url = reverse("movement:commendation_review", args=[an.pk])
    response = alice.post(url, {"status": "approved", "exemplary": "on"})
    assert response.status_code == 200 and "Cần số quyết định" in response.content.decode()
    response = alice.post(
        url,
        {
            "status": "approved",
            "exemplary": "on",
            "decision": "45/QĐ-UBND",
            "decision_date": "15/12/2026",
        },
    )
    assert response.status_code == 302
    an.refresh_from_db()
    assert (an.status, an.exemplary, an.decision, an.reviewed_by) == (
        "approved",
        True,
        "45/QĐ-UBND",
        world.users["alice"],
    )
    event = AuditEvent.objects.get(action="movement.commendation.review")
    assert event.changes["status"] == ["proposed", "approved"]
    alice.post(
        reverse("movement:commendation_review", args=[village.pk]),
        {
            "status": "approved",
            "exemplary": "on",
            "decision": "45/QĐ-UBND",
            "decision_date": "15/12/2026",
        },
    )
    response = alice.post(
        reverse("movement:commendation_review", args=[em.pk]),
        {"status": "rejected", "exemplary": "on"},
    )
    assert "Chỉ đưa vào điển hình" in response.content.decode()
    response = alice.post(
        reverse("movement:commendation_review", args=[em.pk]), {"status": "rejected"}
    )
    assert "Hãy ghi lý do" in response.content.decode()
    alice.post(
        reverse("movement:commendation_review", args=[em.pk]),
        {"status": "rejected", "review_note": "Chưa đủ thành tích"},
    )
    em.refresh_from_db()
    assert em.status == "rejected" and not em.exemplary

    # Once reviewed, a proposal is no longer edited.
    response = cuong.post(
        reverse("movement:commendation_edit", args=[an.pk]),
        {
            "year": "2026",
            "subject_kind": "individual",
            "name": "Đổi tên",
            "reason": "x",
            "level": "province",
        },
    )
    assert response.status_code == 200 and "không sửa được nữa" in response.content.decode()
    an.refresh_from_db()
    assert an.name == "Nguyễn Văn An"

    # The public page: no login, names and places only.
    page = world.client(None).get(reverse("movement:exemplary", args=[2026]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Nguyễn Văn An — Phường Phố Hiến" in text
    assert "Thôn Đông Tảo — Thôn Đông Tảo, Phường Phố Hiến" in text
    assert "Trần Thị Em" not in text  # rejected
    assert "dạy chữ" not in text and "45/QĐ" not in text
    assert (
        "Chưa công bố"
        in world.client(None).get(reverse("movement:exemplary", args=[2025])).content.decode()
    )


def test_a_commune_decides_its_own_commune_level_awards(world, as_user):
    cuong = as_user("cuong")
    assert _propose(cuong, level="commune").status_code == 302
    award = m.Commendation.objects.get()
    page = cuong.get(reverse("movement:commendation_detail", args=[award.pk])).content.decode()
    assert reverse("movement:commendation_review", args=[award.pk]) in page
    response = cuong.post(
        reverse("movement:commendation_review", args=[award.pk]),
        {"status": "approved", "decision": "7/QĐ-UBND xã", "decision_date": "20/11/2026"},
    )
    assert response.status_code == 302
    assert (
        as_user("binh").get(reverse("movement:commendation_review", args=[award.pk])).status_code
        == 404
    )
