import json

import pytest
from django.test import Client

from api.models import ApiToken
from audit.models import AuditEvent
from conftest import ALL_PERSONAS
from registry.models import Citizen, Household


@pytest.fixture
def api(world):
    def client_for(persona):
        client = Client()
        if persona is None:
            return client, {}
        _token, key = ApiToken.issue(user=world.users[persona], name="test")
        return client, {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def call(persona, method, path, body=None):
        client, headers = client_for(persona)
        kwargs = {"content_type": "application/json", **headers}
        if body is not None:
            kwargs["data"] = json.dumps(body)
        return getattr(client, method)(f"/api/v1{path}", **kwargs)

    return call


def test_openapi_schema_is_public_json(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/citizens" in paths and "/api/v1/households/{household_id}" in paths
    assert "/api/v1/organisations" in paths and "/api/v1/clans" in paths


@pytest.mark.parametrize("path", ["/citizens", "/households", "/clans", "/organisations", "/me"])
def test_without_token_answers_401(api, path):
    assert api(None, "get", path).status_code == 401


def test_revoked_token_is_refused(world, client):
    token, key = ApiToken.issue(user=world.users["cuong"], name="x")
    token.revoke()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


LIST_SCOPE = {
    # persona: names of citizens listed
    "alice": {"an", "lan", "chau", "dung", "em"},
    "vera": {"an", "lan", "chau", "dung", "em"},
    "cuong": {"an", "lan", "chau", "dung"},
    "binh": {"em"},
    "van": {"an", "lan", "chau"},
    "olga": {"lan"},
    "hoa": {"an", "lan", "chau", "em"},
    "dan": set(),
    "oscar": set(),
}


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_citizen_list_and_detail_follow_scope(world, api, persona):
    response = api(persona, "get", "/citizens?page_size=200")
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    expected = {world.citizens[k].pk for k in LIST_SCOPE[persona]}
    assert ids == expected
    for key, citizen in world.citizens.items():
        status = api(persona, "get", f"/citizens/{citizen.pk}").status_code
        assert status == (200 if key in LIST_SCOPE[persona] else 404)


def test_search_ignores_diacritics(world, api):
    rows = api("cuong", "get", "/citizens?q=nguyen%20van%20an").json()["results"]
    assert [r["full_name"] for r in rows] == ["Nguyễn Văn An"]


def test_create_citizen_with_same_validation_as_pages(world, api):
    body = {
        "full_name": "Hoàng Văn Mới",
        "gender": "male",
        "birth": "02/01/1990",
        "identity_number": "033190000111",
        "village_id": world.village_a1.pk,
        "occupation": "farmer",
    }
    response = api("cuong", "post", "/citizens", body)
    assert response.status_code == 422
    assert response.json()["errors"]["identity_number"] == [
        "Số thứ 4 của CCCD (1) ứng với giới tính nữ, không khớp với giới tính đã ghi."
    ]
    body["identity_number"] = "033090000111"
    response = api("cuong", "post", "/citizens", body)
    assert response.status_code == 201
    created = Citizen.objects.get(pk=response.json()["id"])
    assert created.birth_year == 1990 and created.village == world.village_a1
    assert AuditEvent.objects.for_object(created).filter(action="citizen.create").exists()


def test_create_outside_scope_is_refused(world, api):
    body = {
        "full_name": "Người Ngoài",
        "gender": "male",
        "birth": "1990",
        "village_id": world.village_b1.pk,
    }
    response = api("cuong", "post", "/citizens", body)
    assert response.status_code == 422
    assert not Citizen.objects.filter(full_name="Người Ngoài").exists()
    assert api(
        "vera", "post", "/citizens", {**body, "village_id": world.village_a1.pk}
    ).status_code in (403, 422)
    assert not Citizen.objects.filter(full_name="Người Ngoài").exists()


def test_patch_citizen_changes_only_given_fields(world, api):
    an = world.citizens["an"]
    response = api("van", "patch", f"/citizens/{an.pk}", {"phone": "0987654321"})
    assert response.status_code == 200
    an.refresh_from_db()
    assert an.phone == "0987654321" and an.full_name == "Nguyễn Văn An"
    event = AuditEvent.objects.for_object(an).get(action="citizen.update")
    assert event.changes == {"phone": ["0901234567", "0987654321"]}
    assert api("binh", "patch", f"/citizens/{an.pk}", {"phone": "0911111111"}).status_code == 404


def test_json_text_is_nfc(world, api):
    import unicodedata

    body = {
        "full_name": unicodedata.normalize("NFD", "Đặng Thị Thơm"),
        "gender": "female",
        "birth": "1991",
        "village_id": world.village_a1.pk,
    }
    response = api("cuong", "post", "/citizens", body)
    assert response.status_code == 201
    assert Citizen.objects.get(pk=response.json()["id"]).full_name == "Đặng Thị Thơm"


def test_households_create_update_and_duplicate_code(world, api):
    response = api(
        "cuong", "post", "/households", {"code": "PH-900", "village_id": world.village_a2.pk}
    )
    assert response.status_code == 201
    household_id = response.json()["id"]
    again = api(
        "cuong", "post", "/households", {"code": "PH-900", "village_id": world.village_a2.pk}
    )
    assert again.status_code == 422
    assert "đã có" in again.json()["errors"]["code"][0]
    response = api("cuong", "patch", f"/households/{household_id}", {"address": "Số 5"})
    assert response.status_code == 200
    assert Household.objects.get(pk=household_id).address == "Số 5"


def test_clans_and_organisations(world, api):
    response = api(
        "cuong",
        "post",
        "/clans",
        {"name": "Lê", "branch_name": "Chi 1", "home_village_id": world.village_a1.pk},
    )
    assert response.status_code == 201
    response = api(
        "cuong",
        "post",
        "/organisations",
        {"name": "Trường THCS Phố Hiến", "kind": "school", "commune_id": world.commune_a.pk},
    )
    assert response.status_code == 201
    assert (
        api(
            "binh",
            "post",
            "/organisations",
            {"name": "X", "kind": "school", "commune_id": world.commune_a.pk},
        ).status_code
        == 404
    )
    org = world.org_a
    assert (
        api("olga", "patch", f"/organisations/{org.pk}", {"declared_staff": 42}).status_code == 200
    )
    org.refresh_from_db()
    assert org.declared_staff == 42
    bad = api(
        "cuong",
        "post",
        "/organisations",
        {"name": "Y", "kind": "spaceship", "commune_id": world.commune_a.pk},
    )
    assert bad.status_code == 422 and "kind" in bad.json()["errors"]


def test_token_page_issues_and_revokes(world, as_user):
    client = as_user("cuong")
    response = client.post("/tai-khoan/khoa-api/", {"name": "Phần mềm thống kê"})
    key = response.context["new_key"]
    assert key and key in response.content.decode()
    token = ApiToken.objects.get(user=world.users["cuong"])
    assert token.key_hash != key  # only the digest is stored
    assert (
        Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").json()["username"] == "cuong"
    )
    client.post(f"/tai-khoan/khoa-api/{token.pk}/thu-hoi/")
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert as_user("binh").post(f"/tai-khoan/khoa-api/{token.pk}/thu-hoi/").status_code == 404
