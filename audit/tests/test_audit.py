import pytest

from audit.models import AuditEvent
from audit.services import record


def test_audit_events_are_append_only(world):
    event = record(actor=world.users["alice"], action="test", obj=world.commune_a)
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_history_page_follows_the_objects_gate(world, as_user):
    record(
        actor=world.users["cuong"],
        action="village.rename",
        obj=world.village_a1,
        changes={"name": ["A", "B"]},
    )
    assert as_user("cuong").get(f"/lich-su/places.place/{world.village_a1.pk}/").status_code == 200
    assert as_user("binh").get(f"/lich-su/places.place/{world.village_a1.pk}/").status_code == 404
    assert (
        as_user("cuong").get(f"/lich-su/accounts.user/{world.users['binh'].pk}/").status_code == 404
    )
    assert as_user("alice").get(f"/lich-su/nope.model/{world.village_a1.pk}/").status_code == 404


def test_audit_records_ip_of_the_request(world, as_user):
    as_user("cuong").post(
        f"/dia-ban/{world.commune_a.pk}/them-thon/",
        {"name": "Mới", "unit_type": "Thôn"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert AuditEvent.objects.get(action="village.create").ip == "10.1.2.3"
