import datetime as dt

import pytest

from audit.models import AuditEvent
from conftest import ALL_PERSONAS
from places.models import Place, PlaceSuccession

MANAGERS_OF_A = {"alice", "cuong"}


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_create_village_scope(world, as_user, persona):
    response = as_user(persona).post(
        f"/dia-ban/{world.commune_a.pk}/them-thon/", {"name": "Mới", "unit_type": "Thôn"}
    )
    created = Place.objects.filter(parent=world.commune_a, short_name="Mới").exists()
    if persona in MANAGERS_OF_A:
        assert response.status_code == 302 and created
    else:
        assert response.status_code == 404 and not created


def test_create_village_writes_audit(world, as_user):
    as_user("cuong").post(
        f"/dia-ban/{world.commune_a.pk}/them-thon/", {"name": "Thôn Bình Minh", "unit_type": "Thôn"}
    )
    village = Place.objects.get(parent=world.commune_a, short_name="Bình Minh")
    assert village.name == "Thôn Bình Minh"  # the type is not doubled
    event = AuditEvent.objects.for_object(village).get()
    assert event.action == "village.create" and event.actor == world.users["cuong"]
    assert event.changes == {"name": [None, "Thôn Bình Minh"]}


def test_duplicate_village_name_in_commune_is_refused(world, as_user):
    response = as_user("cuong").post(
        f"/dia-ban/{world.commune_a.pk}/them-thon/", {"name": "dong tao", "unit_type": "Thôn"}
    )
    assert response.status_code == 200
    assert "đã có “Thôn Đông Tảo”" in response.content.decode()
    assert Place.objects.filter(parent=world.commune_a, short_name__iexact="dong tao").count() == 0


def test_form_posted_twice_creates_one_village(world, as_user):
    client = as_user("cuong")
    for _ in range(2):
        client.post(
            f"/dia-ban/{world.commune_a.pk}/them-thon/", {"name": "Hòa Bình", "unit_type": "Thôn"}
        )
    assert Place.objects.filter(parent=world.commune_a, short_name="Hòa Bình").count() == 1


def test_rename_village_keeps_history(world, as_user):
    response = as_user("cuong").post(
        f"/dia-ban/thon/{world.village_a2.pk}/sua/",
        {"name": "An Lạc Thượng", "unit_type": "Tổ dân phố"},
    )
    assert response.status_code == 302
    world.village_a2.refresh_from_db()
    assert world.village_a2.name == "Tổ dân phố An Lạc Thượng"
    event = AuditEvent.objects.for_object(world.village_a2).get(action="village.rename")
    assert event.changes["name"] == ["Thôn An Lạc", "Tổ dân phố An Lạc Thượng"]
    history = as_user("cuong").get(f"/lich-su/places.place/{world.village_a2.pk}/").content.decode()
    assert "Thôn An Lạc" in history and "Tổ dân phố An Lạc Thượng" in history


def test_other_commune_officer_cannot_rename(world, as_user):
    response = as_user("binh").post(
        f"/dia-ban/thon/{world.village_a2.pk}/sua/", {"name": "X", "unit_type": "Thôn"}
    )
    assert response.status_code == 404


def test_close_village(world, as_user):
    response = as_user("cuong").post(
        f"/dia-ban/thon/{world.village_a2.pk}/thoi-hieu-luc/",
        {"on": "31/12/2025", "reason": "Giải thể theo Nghị quyết HĐND"},
    )
    assert response.status_code == 302
    world.village_a2.refresh_from_db()
    assert world.village_a2.valid_to == dt.date(2025, 12, 31)
    assert not Place.objects.current().filter(pk=world.village_a2.pk).exists()


def test_merge_villages_into_new_with_succession(world, as_user):
    response = as_user("cuong").post(
        f"/dia-ban/{world.commune_a.pk}/sap-nhap-thon/",
        {
            "sources": [world.village_a1.pk, world.village_a2.pk],
            "new_name": "Đông An",
            "unit_type": "Thôn",
            "on": "01/01/2026",
        },
    )
    assert response.status_code == 302
    target = Place.objects.current().get(parent=world.commune_a, short_name="Đông An")
    assert target.valid_from == dt.date(2026, 1, 1)
    for old in (world.village_a1, world.village_a2):
        old.refresh_from_db()
        assert old.valid_to == dt.date(2025, 12, 31)
        assert PlaceSuccession.objects.filter(predecessor=old, successor=target).exists()
    page = as_user("cuong").get(f"/dia-ban/{world.village_a1.pk}/").content.decode()
    assert "Đơn vị kế thừa" in page and "Thôn Đông An" in page


def test_merge_into_existing_village(world, as_user):
    as_user("cuong").post(
        f"/dia-ban/{world.commune_a.pk}/sap-nhap-thon/",
        {"sources": [world.village_a2.pk], "into": world.village_a1.pk, "on": "01/01/2026"},
    )
    world.village_a2.refresh_from_db()
    assert world.village_a2.valid_to == dt.date(2025, 12, 31)
    assert PlaceSuccession.objects.get(predecessor=world.village_a2).successor == world.village_a1


def test_merge_needs_target(world, as_user):
    response = as_user("cuong").post(
        f"/dia-ban/{world.commune_a.pk}/sap-nhap-thon/",
        {"sources": [world.village_a1.pk, world.village_a2.pk], "on": "01/01/2026"},
    )
    assert response.status_code == 200
    assert "Nhập tên thôn mới hoặc chọn thôn nhận sáp nhập." in response.content.decode()
