"""Identity numbers a reader sees masked (•••••••••123) cannot be recovered by searching
piece by piece: such a reader matches only a whole, exact number, each such search is a
recorded disclosure, and searches are rate-limited (security finding 3)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from api.models import ApiToken
from audit.models import AuditEvent, PersonalDataAccess
from core import ratelimit
from registry import queries
from registry.models import Citizen
from registry.tests.pages import listed

AN_CCCD = "033075000123"  # Nguyễn Văn An's, in the root `world`
MASKED = ("vera", "van")  # province viewer, village officer of A1: they see •••••••••123
FULL = ("cuong", "alice")  # commune officer, province admin: PERSONAL_DATA_ROLES


@pytest.fixture(autouse=True)
def fresh_counts(monkeypatch):
    """Counters from other tests start from nothing, and one minute's window holds the
    whole test (a fixed window could otherwise turn over in the middle of it)."""
    cache.clear()
    monkeypatch.setattr(ratelimit, "_window", lambda seconds: 1)
    yield
    cache.clear()


def names(client: Client, q: str, **params: str) -> list[str]:
    return listed(client.get("/so/cong-dan/", {"q": q, **params}))


def searches_of(citizen: Citizen) -> list[tuple[str, str]]:
    events = AuditEvent.objects.filter(
        pk__in=PersonalDataAccess.objects.filter(citizen_id=citizen.pk).values("event_id")
    ).order_by("id")
    return [(e.actor.username if e.actor else "", e.action) for e in events]


# What the attack types: a digit before the known suffix, growing; pieces of the number.
PIECES = [
    "1" + AN_CCCD[1:],  # a wrong first digit before the known last 11
    "9" + AN_CCCD[1:],
    AN_CCCD[1:],  # the last 11
    "00123",  # <digit><known suffix> (not "0123": the phone 0901234567 holds it)
    "5000123",
    AN_CCCD[:11],  # a prefix
    "033075",
    "0750001",  # the middle
    "an 0330",  # the end of the name and the start of the number
    "van an 033075000123 0901",  # across the number
]


@pytest.mark.parametrize("persona", MASKED)
@pytest.mark.parametrize("mode", ["chua", "dau", ""])
def test_a_masked_reader_finds_no_one_by_a_piece_of_an_identity_number(
    world, as_user, persona, mode
):
    client = as_user(persona)
    for piece in PIECES:
        assert names(client, piece, cach=mode) == [], piece
    assert searches_of(world.citizens["an"]) == []
    # the two wrong whole numbers are searches by a number, recorded; found no one
    notes = AuditEvent.objects.filter(action="personal.search").values_list("note", flat=True)
    assert sorted(notes) == [
        "0 người; tìm theo số CCCD •••••••••123 (danh sách)",
        "0 người; tìm theo số CCCD •••••••••123 (danh sách)",
    ]
    # names and phones are searched as before
    assert names(client, "nguyen van an", cach=mode) == ["Nguyễn Văn An"]
    assert names(client, "0901234567", cach=mode) == ["Nguyễn Văn An"]


@pytest.mark.parametrize("persona", MASKED)
def test_the_whole_number_finds_the_person_and_is_a_recorded_disclosure(world, as_user, persona):
    an = world.citizens["an"]
    client = as_user(persona)
    assert names(client, AN_CCCD, cach="chua") == ["Nguyễn Văn An"]
    assert names(client, f" {AN_CCCD[:6]} {AN_CCCD[6:]} ") == ["Nguyễn Văn An"]
    assert searches_of(an) == [(persona, "personal.search")] * 2
    event = AuditEvent.objects.filter(action="personal.search").first()
    assert event is not None
    assert event.note == "1 người; tìm theo số CCCD •••••••••123 (danh sách)"
    # in the person's "who saw my data", read by an officer of the commune
    history = as_user("cuong").get(f"/so/cong-dan/{an.pk}/lich-su/").content.decode()
    assert "Tìm theo đúng số CCCD" in history and "tìm theo số CCCD •••••••••123" in history
    assert "personal.search" not in history
    assert AN_CCCD not in history.split("Ai đã xem hoặc xuất dữ liệu cá nhân")[1]


def test_a_whole_number_that_finds_no_one_is_recorded_too(world, as_user):
    assert names(as_user("vera"), "033099000999") == []
    event = AuditEvent.objects.get(action="personal.search")
    assert event.actor.username == "vera"
    assert event.note.startswith("0 người; tìm theo số CCCD •••••••••999")


def test_a_whole_number_out_of_scope_finds_no_one_and_discloses_no_one(world, as_user):
    em = world.citizens["em"]  # commune B: the village officer of A1 does not see her
    em.identity_number = "033190000555"
    em.save()
    assert names(as_user("van"), "033190000555") == []
    assert searches_of(em) == []


def test_an_export_searched_by_the_whole_number_is_recorded_as_a_search(world, as_user):
    an = world.citizens["an"]
    response = as_user("vera").get("/so/cong-dan/xuat.xlsx", {"q": AN_CCCD})
    assert response.status_code == 200
    assert searches_of(an) == [("vera", "personal.search"), ("vera", "export.cong-dan")]
    response = as_user("vera").get("/so/cong-dan/xuat.xlsx", {"q": "5000123", "cach": "chua"})
    assert response.status_code == 200
    assert searches_of(an)[2:] == []  # the piece found no one: nothing of An's went out


@pytest.mark.parametrize("persona", FULL)
def test_readers_who_see_numbers_in_full_still_find_by_a_piece(world, as_user, persona):
    client = as_user(persona)
    assert names(client, AN_CCCD[:7], cach="chua") == ["Nguyễn Văn An"]
    assert names(client, "0750001") == ["Nguyễn Văn An"]
    assert names(client, "an 0330", cach="chua") == ["Nguyễn Văn An"]
    assert names(client, AN_CCCD) == ["Nguyễn Văn An"]
    assert not AuditEvent.objects.filter(action="personal.search").exists()


def test_the_rule_the_api_uses(world):
    """`queries.search_citizens`, the search for lists outside the pages (the API)."""
    vera, cuong = world.users["vera"], world.users["cuong"]
    an = world.citizens["an"]
    assert list(queries.search_citizens(vera, Citizen.objects.all(), "0750001")) == []
    assert list(queries.search_citizens(vera, Citizen.objects.all(), AN_CCCD)) == [an]
    assert searches_of(an) == [("vera", "personal.search")]
    assert AuditEvent.objects.get(action="personal.search").note.endswith("(API)")
    assert list(queries.search_citizens(cuong, Citizen.objects.all(), "0750001")) == [an]
    assert searches_of(an) == [("vera", "personal.search")]


def api_get(world, persona: str, path: str):
    _token, key = ApiToken.issue(user=world.users[persona], name="test")
    return Client().get(f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {key}")


def test_the_api_follows_the_same_rule(world):
    an = world.citizens["an"]
    for piece in ("0750001", "1" + AN_CCCD[1:], "an 0330"):
        assert api_get(world, "vera", f"/citizens?q={piece}").json()["results"] == [], piece
    assert searches_of(an) == []
    rows = api_get(world, "vera", f"/citizens?q={AN_CCCD}").json()["results"]
    assert [r["full_name"] for r in rows] == ["Nguyễn Văn An"]
    assert searches_of(an) == [("vera", "personal.search")]
    rows = api_get(world, "cuong", "/citizens?q=0750001").json()["results"]
    assert [r["full_name"] for r in rows] == ["Nguyễn Văn An"]


def test_the_61st_search_in_a_minute_is_refused(world, as_user, settings):
    settings.SEARCH_RATE_PER_MINUTE = 60
    vera = as_user("vera")
    for n in range(60):
        assert vera.get("/so/cong-dan/", {"q": f"nguyen {n}"}).status_code == 200, n
    refused = vera.get("/so/cong-dan/", {"q": "nguyen"})
    assert refused.status_code == 429
    assert "Bạn đã tìm kiếm công dân quá nhiều lần trong một phút" in refused.content.decode()
    assert refused["Retry-After"] == "60"
    # the whole number too, and the export: no search is counted apart
    assert vera.get("/so/cong-dan/", {"q": AN_CCCD}).status_code == 429
    assert vera.get("/so/cong-dan/xuat.xlsx", {"q": "nguyen"}).status_code == 429
    assert searches_of(world.citizens["an"]) == []  # refused searches disclose nothing
    # another address does not reset her count; the list without a search still opens
    elsewhere = Client(REMOTE_ADDR="10.9.9.9")
    elsewhere.force_login(world.users["vera"])
    assert elsewhere.get("/so/cong-dan/", {"q": "nguyen"}).status_code == 429
    assert vera.get("/so/cong-dan/").status_code == 200
    # others keep their own count
    assert as_user("cuong").get("/so/cong-dan/", {"q": "nguyen"}).status_code == 200


def test_one_address_is_limited_across_its_users(world, settings):
    settings.SEARCH_RATE_PER_MINUTE = 2  # per user; an address: three times that

    def client_of(persona: str) -> Client:
        client = Client(REMOTE_ADDR="10.1.2.3")
        client.force_login(world.users[persona])
        return client

    for persona in ("vera", "van", "alice"):
        client = client_of(persona)
        assert [client.get("/so/cong-dan/", {"q": "an"}).status_code for _ in range(2)] == [200] * 2
    assert client_of("cuong").get("/so/cong-dan/", {"q": "an"}).status_code == 429


def test_api_searches_are_rate_limited_too(world, settings):
    settings.SEARCH_RATE_PER_MINUTE = 3
    _token, key = ApiToken.issue(user=world.users["vera"], name="test")
    answers = [
        Client().get("/api/v1/citizens?q=nguyen", HTTP_AUTHORIZATION=f"Bearer {key}")
        for _ in range(4)
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert "quá nhiều lần" in answers[-1].json()["detail"]
    listing = Client().get("/api/v1/citizens", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert listing.status_code == 200  # a list without a search is not counted
