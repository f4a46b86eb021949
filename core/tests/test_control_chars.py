"""Control characters in what a client sends (finding 9), and the audit trail's address.

A NUL byte in a search box or a form field used to reach PostgreSQL, which refuses it
(a 500). NormalizeInputMiddleware now refuses such a request before any view runs: a
400 page in Vietnamese naming the field. The audit records the real client behind
TRUSTED_PROXY_HOPS proxies, not the proxy.
"""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from audit.models import AuditEvent
from core.middleware import control_field, ip_of
from places.models import Place

FIELD_Q = "ở trường «q»"
MESSAGE_START = "Dữ liệu gửi lên có ký tự điều khiển không hợp lệ (ví dụ ký tự NUL)"


def assert_refused_page(response, field: str) -> str:
    body = response.content.decode()
    assert response.status_code == 400
    assert MESSAGE_START in body
    assert f"ở trường «{field}»" in body
    assert "Hãy xoá ký tự đó và gửi lại." in body
    assert "Traceback" not in body and "SELECT" not in body
    assert "<!doctype html>" in body and "Học tập suốt đời" in body  # the site's own page
    return body


SEARCH_PAGES = [
    ("registry:citizen_list", None),
    ("registry:household_list", None),
    ("registry:clan_list", None),
    ("registry:organisation_list", None),
    ("accounts:user_list", None),
    ("movement:activity_list", None),
    ("places:detail", "commune_a"),
]


@pytest.mark.parametrize(("name", "place"), SEARCH_PAGES)
def test_nul_in_search_text_is_a_400_page_naming_the_field(world, as_user, name, place):
    url = reverse(name, kwargs={"pk": getattr(world, place).pk} if place else None)
    with override_settings(DEBUG=True):
        response = as_user("alice").get(f"{url}?q=a%00b")
    body = assert_refused_page(response, "q")
    assert "Đăng xuất" in body  # drawn for the signed-in user


def test_the_reported_attack_url_answers_400(world, as_user):
    with override_settings(DEBUG=True):
        response = as_user("cuong").get("/so/cong-dan/?q=a%00b")
    assert_refused_page(response, "q")


@pytest.mark.parametrize("char", ["%01", "%08", "%0A", "%0D", "%09", "%1F", "%7F"])
def test_other_control_characters_in_the_query_are_refused(as_user, char):
    response = as_user("cuong").get(f"/so/cong-dan/?q=a{char}b")
    assert_refused_page(response, "q")


def test_a_control_character_in_a_parameter_name_is_refused(as_user):
    response = as_user("cuong").get("/so/cong-dan/?a%00=1")
    assert response.status_code == 400 and "ký tự điều khiển" in response.content.decode()


def test_nul_in_a_posted_form_field_is_refused_and_nothing_is_written(world, as_user):
    url = f"/dia-ban/{world.commune_a.pk}/them-thon/"
    with override_settings(DEBUG=True):
        response = as_user("cuong").post(url, {"name": "Thôn\x00Mới", "unit_type": "Thôn"})
    assert_refused_page(response, "name")
    assert not Place.objects.filter(parent=world.commune_a, short_name__startswith="Thôn").exists()
    assert not AuditEvent.objects.filter(action="village.create").exists()


def test_nul_in_the_path_is_refused(client, db):
    with override_settings(DEBUG=True):
        response = client.get("/xac-minh/abc%00def")
    assert_refused_page(response, "đường dẫn")


def test_clean_search_still_works(world, as_user):
    response = as_user("cuong").get("/so/cong-dan/?q=nguyen")
    assert response.status_code == 200


def test_line_breaks_and_tabs_pass_in_form_text_but_not_in_the_query():
    factory = RequestFactory()
    assert control_field(factory.post("/", {"note": "dòng 1\r\ndòng 2\tcột"})) is None
    assert control_field(factory.post("/", {"note": "a\x0bb"})) == "note"
    assert control_field(factory.post("/", {"note": "a\x00b"})) == "note"
    assert control_field(factory.get("/", {"q": "a\nb"})) == "q"
    assert control_field(factory.get("/", {"q": "Nguyễn Văn An"})) is None


def test_json_bodies_are_checked_key_by_key():
    factory = RequestFactory()

    def body(data: str) -> str | None:
        return control_field(factory.post("/", data=data, content_type="application/json"))

    assert body('{"reasons": {"c1": "d\\u00f2ng 1\\ndòng 2"}}') is None
    assert body('{"reasons": {"c1": "a\\u0000b"}}') == "reasons.c1"
    assert body('{"answers": [1, "x\\u0007"]}') == "answers[1]"
    assert body('{"a\\u0000": 1}') == "a\ufffd"
    assert body("not json") is None  # the API answers that one itself


def test_djangos_own_400_uses_the_site_page(db):
    response = Client().get("/", HTTP_HOST="evil.example\x00")
    body = response.content.decode()
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in body and "Traceback" not in body


# --- the audit trail's address --------------------------------------------------------------


def add_village(as_user, world, **meta):
    response = as_user("cuong").post(
        f"/dia-ban/{world.commune_a.pk}/them-thon/", {"name": "Mới", "unit_type": "Thôn"}, **meta
    )
    assert response.status_code == 302
    return AuditEvent.objects.get(action="village.create")


@override_settings(TRUSTED_PROXY_HOPS=1)
def test_audit_records_the_client_behind_one_trusted_proxy(world, as_user):
    event = add_village(as_user, world, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert event.ip == "203.0.113.7"


@override_settings(TRUSTED_PROXY_HOPS=1)
def test_audit_ignores_what_the_client_wrote_left_of_the_proxy(world, as_user):
    event = add_village(
        as_user,
        world,
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.7",
    )
    assert event.ip == "203.0.113.7"


@override_settings(TRUSTED_PROXY_HOPS=0)
def test_without_trusted_proxies_the_forwarded_header_is_ignored(world, as_user):
    event = add_village(as_user, world, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert event.ip == "10.0.0.1"


def test_ip_of_is_none_without_a_valid_address():
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert ip_of(request) is None
    request.META["REMOTE_ADDR"] = "not-an-address"
    assert ip_of(request) is None
