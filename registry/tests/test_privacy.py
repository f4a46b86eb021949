"""Personal data: masked unless the role needs it; every disclosure on the record."""

from __future__ import annotations

from api.models import ApiToken
from audit.models import AuditEvent, PersonalDataAccess
from registry.tests.pages import column

AN_CCCD, AN_PHONE = "033075000123", "0901234567"


def disclosures(citizen) -> list[tuple[str, str]]:
    events = AuditEvent.objects.filter(
        pk__in=PersonalDataAccess.objects.filter(citizen_id=citizen.pk).values("event_id")
    ).order_by("id")
    return [(e.actor.username if e.actor else "", e.action) for e in events]


def test_identity_number_shown_in_full_only_on_request_and_recorded(world, as_user):
    an = world.citizens["an"]
    client = as_user("cuong")
    page = client.get(f"/so/cong-dan/{an.pk}/").content.decode()
    assert "•••••••••123" in page and AN_CCCD not in page and "Hiện đầy đủ" in page
    assert AN_PHONE in page  # the commune officer's role needs phones
    assert disclosures(an) == []
    shown = client.get(f"/so/cong-dan/{an.pk}/?hien=cccd").content.decode()
    assert AN_CCCD in shown
    assert disclosures(an) == [("cuong", "personal.reveal")]
    history = client.get(f"/so/cong-dan/{an.pk}/lich-su/").content.decode()
    assert "Ai đã xem hoặc xuất dữ liệu cá nhân" in history and "Xem đầy đủ số CCCD" in history
    assert "personal.reveal" not in history


def test_roles_that_do_not_need_it_never_see_it(world, as_user):
    an = world.citizens["an"]
    for persona in ("vera", "hoa"):
        page = as_user(persona).get(f"/so/cong-dan/{an.pk}/?hien=cccd").content.decode()
        assert AN_CCCD not in page and AN_PHONE not in page, persona
        assert "Hiện đầy đủ" not in page and "090••••567" in page
    assert disclosures(an) == []


def test_history_masks_personal_values_for_readers(world, as_user):
    an = world.citizens["an"]
    as_user("cuong").post(
        f"/so/cong-dan/{an.pk}/sua/",
        {
            "full_name": an.full_name,
            "gender": "male",
            "birth": "1975",
            "identity_number": "033075000999",
            "phone": AN_PHONE,
            "ethnicity": "Kinh",
            "occupation": "other",
            "village": world.village_a1.pk,
            "relation": "head",
        },
    )
    an.refresh_from_db()
    assert an.identity_number == "033075000999"
    for url in (f"/so/cong-dan/{an.pk}/lich-su/", f"/lich-su/registry.citizen/{an.pk}/"):
        vera = as_user("vera").get(url).content.decode()
        assert "033075000999" not in vera and "•••••••••999" in vera, url
        assert "033075000999" in as_user("alice").get(url).content.decode()


def test_exports_mask_by_role_and_record_who_how_many_and_whose(world, as_user):
    vera = as_user("vera").get("/so/cong-dan/xuat.xlsx")
    assert "•••••••••123" in column(vera.content, "Số CCCD")
    assert AN_CCCD not in column(vera.content, "Số CCCD")
    assert "090••••567" in column(vera.content, "Số điện thoại")
    cuong = as_user("cuong").get("/so/cong-dan/xuat.xlsx")
    assert AN_CCCD in column(cuong.content, "Số CCCD")
    events = list(AuditEvent.objects.filter(action="export.cong-dan").order_by("id"))
    assert [e.actor.username for e in events] == ["vera", "cuong"]
    assert events[0].note.startswith("5 người; 5 dòng; đầy đủ: không (đã che)")
    assert events[1].note.startswith("4 người; 4 dòng; đầy đủ: identity_number, phone, birth_date")
    assert disclosures(world.citizens["an"]) == [
        ("vera", "export.cong-dan"),
        ("cuong", "export.cong-dan"),
    ]
    assert disclosures(world.citizens["em"]) == [("vera", "export.cong-dan")]


def test_the_setting_decides_which_roles_see_what(world, as_user, settings):
    settings.PERSONAL_DATA_ROLES = {**settings.PERSONAL_DATA_ROLES, "identity_number": []}
    cuong = as_user("cuong").get("/so/cong-dan/xuat.xlsx")
    assert AN_CCCD not in column(cuong.content, "Số CCCD")
    settings.PERSONAL_DATA_ROLES = {
        **settings.PERSONAL_DATA_ROLES,
        "identity_number": ["province_viewer"],
    }
    vera = as_user("vera").get("/so/cong-dan/xuat.xlsx")
    assert AN_CCCD in column(vera.content, "Số CCCD")


def _api(world, persona, path):
    _token, key = ApiToken.issue(user=world.users[persona], name="t")
    from django.test import Client

    return Client().get(f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {key}")


def test_api_masks_by_role_and_records_unmasked_reads(world):
    an = world.citizens["an"]
    hoa = _api(world, "hoa", f"/citizens/{an.pk}").json()
    assert hoa["identity_number"] == "•••••••••123" and hoa["phone"] == "090••••567"
    assert hoa["birth_date"] is None and hoa["birth_year"] == 1975
    assert disclosures(an) == []
    cuong = _api(world, "cuong", "/citizens").json()
    found = {c["full_name"]: c for c in cuong["results"]}
    assert found["Nguyễn Văn An"]["identity_number"] == AN_CCCD
    assert disclosures(an) == [("cuong", "api.citizens")]
    assert AuditEvent.objects.get(action="api.citizens").note.startswith("4 người")


def test_exact_birth_dates_in_lists_only_for_roles_that_need_them(world, as_user):
    import datetime as dt

    an = world.citizens["an"]
    an.birth_date = dt.date(1975, 4, 30)
    an.save()
    household = f"/so/ho/{an.household_id}/"
    for url in ("/so/cong-dan/", household):
        assert "30/04/1975" in as_user("cuong").get(url).content.decode(), url
        hoa = as_user("hoa").get(url).content.decode()
        assert "30/04/1975" not in hoa and "••/••/1975" in hoa, url
