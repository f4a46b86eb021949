"""Findings 9 and 12: every API parameter has bounds (422, never a database overflow),
control characters and bodies that are not JSON objects are refused with a Vietnamese
message, no failure shows a traceback even under DEBUG, and every operation documents
its business-rule refusals."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client, override_settings

from api.models import ApiToken
from api.urls import REFUSALS, SERVER_ERROR, api
from registry.models import Citizen, Household

BIG = 10**20


@pytest.fixture
def call(world):
    def send(method, path, body=None, *, persona="alice", raw=None):
        _token, key = ApiToken.issue(user=world.users[persona], name="test")
        kwargs = {"content_type": "application/json", "HTTP_AUTHORIZATION": f"Bearer {key}"}
        if raw is not None:
            kwargs["data"] = raw
        elif body is not None:
            kwargs["data"] = json.dumps(body)
        client = Client(raise_request_exception=False)
        with override_settings(DEBUG=True):  # as under `make run`
            return getattr(client, method)(f"/api/v1{path}", **kwargs)

    return send


def assert_no_leak(response):
    text = response.content.decode()
    assert "Traceback" not in text and "SELECT" not in text and 'File "' not in text
    assert response["Content-Type"].startswith("application/json")


OUT_OF_RANGE = [
    ("/citizens?page=" + str(BIG), "page"),
    ("/citizens?page=-1", "page"),
    ("/citizens?page=0", "page"),
    ("/citizens?page_size=0", "page_size"),
    ("/citizens?page_size=201", "page_size"),
    ("/citizens?commune_id=" + str(BIG), "commune_id"),
    ("/households?page=" + str(BIG), "page"),
    ("/clans?village_id=-3", "village_id"),
    ("/organisations?page=" + str(BIG), "page"),
    ("/citizens/" + str(BIG), "citizen_id"),
    ("/households/0", "household_id"),
    ("/assessments?page=" + str(BIG), "page"),
    ("/assessments?year=99999", "year"),
    ("/assessments?year=" + str(BIG), "year"),
    ("/indicators?year=99999", "year"),
    ("/indicators?year=-5", "year"),
    ("/indicators?year=" + str(BIG), "year"),
    ("/indicators?year=2026&place_id=" + str(BIG), "place_id"),
    ("/reports/1/99999", "year"),
    ("/reports/" + str(BIG) + "/2026", "commune_id"),
    ("/targets?indicator=" + "x" * 51, "indicator"),
    ("/citizens?q=" + "a" * 201, "q"),
]


@pytest.mark.parametrize(("path", "field"), OUT_OF_RANGE)
def test_out_of_range_parameters_answer_422_naming_the_field(call, path, field):
    response = call("get", path)
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert field in errors
    assert errors[field][0].startswith(("Phải", "Dài quá"))  # Vietnamese, not pydantic's
    assert_no_leak(response)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/citizens",
            {"full_name": "A", "gender": "male", "birth": "1990", "village_id": BIG},
            "village_id",
        ),
        ("/households", {"code": "X", "village_id": -1}, "village_id"),
        ("/assessments/ASSESSMENT/verify", {"version": BIG}, "version"),
        ("/reports/COMMUNE/2026", {"figures": {"households_total": BIG}}, "households_total"),
        ("/reports/COMMUNE/2026", {"figures": {"households_total": -1}}, "households_total"),
    ],
)
def test_out_of_range_numbers_in_bodies_answer_422(world, call, path, body, field):
    # The bounds are checked before the view looks anything up.
    path = path.replace("COMMUNE", str(world.commune_a.pk)).replace("ASSESSMENT", "1")
    method = "put" if path.startswith("/reports") else "post"
    response = call(method, path, body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert_no_leak(response)


def test_in_range_page_beyond_the_end_is_an_empty_page(call):
    response = call("get", "/citizens?page=50&page_size=200")  # rows 9,801–10,000
    assert response.status_code == 200
    assert response.json()["results"] == [] and response.json()["page"] == 50
    assert response.json()["next"] is None


def test_a_page_past_the_first_ten_thousand_rows_points_to_the_cursor(call):
    response = call("get", "/citizens?page=51&page_size=200")
    assert response.status_code == 422
    (message,) = response.json()["errors"]["page"]
    assert "10.000 dòng đầu" in message and "cursor" in message
    assert_no_leak(response)


# --- control characters ----------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/citizens?q=a%00b", "/households?q=%00", "/targets?indicator=a%00", "/me?x=%07"]
)
def test_nul_in_the_query_answers_422_naming_the_parameter(call, path):
    response = call("get", path)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "ký tự điều khiển không hợp lệ" in detail and "Hãy xoá ký tự đó" in detail
    field = path.split("?")[1].split("=")[0]
    assert f"«{field}»" in detail
    assert response.json()["errors"] == {field: [detail]}
    assert_no_leak(response)


def test_nul_in_a_json_body_answers_422_and_changes_nothing(world, call):
    citizen = world.citizens["an"]
    response = call("patch", f"/citizens/{citizen.pk}", {"full_name": "Nguyễn\x00Văn An"})
    assert response.status_code == 422
    assert "«full_name»" in response.json()["detail"]
    citizen.refresh_from_db()
    assert citizen.full_name == "Nguyễn Văn An"
    assert_no_leak(response)


def test_a_nested_control_character_is_named_by_its_path(call):
    # Refused before the view runs: the assessment need not even exist.
    response = call("post", "/assessments/1/return", {"reasons": {"c1": "thiếu\x1b"}})
    assert response.status_code == 422 and "«reasons.c1»" in response.json()["detail"]
    assert_no_leak(response)


def test_line_breaks_in_json_text_are_not_control_character_refusals(world, call):
    household = world.households[next(iter(world.households))]
    response = call("patch", f"/households/{household.pk}", {"address": "Số 1\nNgõ 2"})
    assert "ký tự điều khiển" not in response.content.decode()


# --- bodies that are not JSON objects ---------------------------------------------------------


@pytest.mark.parametrize("raw", ["[1, 2]", "[]", '"x"', "3", "null", "true"])
def test_patch_with_a_body_that_is_not_an_object_answers_422(world, call, raw):
    citizen = world.citizens["an"]
    before = Citizen.objects.get(pk=citizen.pk).updated_at
    response = call("patch", f"/citizens/{citizen.pk}", raw=raw)
    assert response.status_code == 422, response.content
    body = response.json()
    assert "đối tượng JSON" in body["detail"] and body["errors"]["__all__"] == [body["detail"]]
    assert Citizen.objects.get(pk=citizen.pk).updated_at == before
    assert_no_leak(response)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/citizens"),
        ("patch", "/households/HOUSEHOLD"),
        ("post", "/clans"),
        ("put", "/reports/COMMUNE/2026"),
    ],
)
def test_every_body_must_be_an_object(world, call, method, path):
    household = Household.objects.order_by("pk").first()
    path = path.replace("HOUSEHOLD", str(household.pk)).replace("COMMUNE", str(world.commune_a.pk))
    response = call(method, path, raw="[]")
    assert response.status_code == 422 and "đối tượng JSON" in response.json()["detail"]


@pytest.mark.parametrize("raw", ['{"phone": NaN}', '{"phone": Infinity}', "{not json", "\xff"])
def test_unreadable_bodies_answer_400_in_vietnamese(world, call, raw):
    response = call("patch", f"/citizens/{world.citizens['an'].pk}", raw=raw)
    assert response.status_code == 400
    assert response.json() == {"detail": "Thân yêu cầu không đọc được: cần JSON mã hoá UTF-8."}


# --- failures and plain refusals -----------------------------------------------------------


def test_an_unexpected_failure_is_json_without_traceback_even_under_debug(
    call, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError('SELECT "registry_citizen"."id" FROM "registry_citizen" -- boom')

    monkeypatch.setattr("api.registry.paginate", broken)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = call("get", "/citizens")
    assert response.status_code == 500
    assert response.json() == {"detail": SERVER_ERROR}
    assert_no_leak(response)
    logged = [r for r in caplog.records if r.name == "django.request" and r.exc_info]
    assert len(logged) == 1 and "boom" in str(logged[0].exc_info[1])


def test_permission_denied_from_deep_inside_is_a_json_403(call, monkeypatch):
    from django.core.exceptions import PermissionDenied

    def refuse(*args, **kwargs):
        raise PermissionDenied

    monkeypatch.setattr("api.registry.paginate", refuse)
    response = call("get", "/citizens")
    assert response.status_code == 403 and response.json() == {"detail": "Không có quyền."}


def test_not_found_and_no_token_answer_in_vietnamese(world):
    client = Client()
    with override_settings(DEBUG=True):
        missing = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer sai")
    assert missing.status_code == 401
    assert missing.json()["detail"].startswith("Thiếu mã khóa API")


def test_an_object_outside_the_scope_answers_404_in_vietnamese(world, call):
    response = call("get", f"/citizens/{world.citizens['em'].pk}", persona="cuong")
    assert response.status_code == 404
    assert response.json() == {"detail": "Không có, hoặc ngoài phạm vi của bạn."}
    assert_no_leak(response)


# --- the schema documents refusals -----------------------------------------------------------

ENGLISH_DEFAULTS = {"Forbidden", "Not Found", "Unprocessable Entity", "Bad Request"}


def operations():
    schema = api.get_openapi_schema()
    for methods in schema["paths"].values():
        yield from methods.values()


def test_every_operation_has_its_refusals_declared():
    ids = {operation["operationId"] for operation in operations()}
    assert ids == set(REFUSALS)


def test_refusals_are_documented_with_their_real_codes():
    for operation in operations():
        responses = operation["responses"]
        assert all(isinstance(code, str) for code in responses), operation["operationId"]
        for code, answer in responses.items():
            assert answer["description"] not in ENGLISH_DEFAULTS, (operation["operationId"], code)
        for code, text in REFUSALS[operation["operationId"]].items():
            assert responses[code]["description"] == text
        if "requestBody" in operation:
            # A body may fit the schema and still be refused: the 422 says by which rules.
            assert "quy tắc nghiệp vụ" in responses["422"]["description"], operation["operationId"]
            assert "400" in responses


def test_the_schema_states_the_bounds():
    schema = api.get_openapi_schema()
    params = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/v1/citizens"]["get"]["parameters"]
    }
    page = next(kind for kind in params["page"]["anyOf"] if kind.get("type") == "integer")
    assert page["minimum"] == 1 and page["maximum"] == 10_000
    cursor = next(kind for kind in params["cursor"]["anyOf"] if kind.get("type") == "string")
    assert cursor["maxLength"] == 1000
    assert params["page_size"]["maximum"] == 200
    indicator_params = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/v1/indicators"]["get"]["parameters"]
    }
    assert indicator_params["year"]["minimum"] == 2000
    assert indicator_params["year"]["maximum"] == 2100


def test_the_schema_is_valid_json_with_one_answer_per_code(client, db):
    text = client.get("/api/v1/openapi.json").content.decode()

    def no_duplicates(pairs):
        keys = [key for key, _value in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    json.loads(text, object_pairs_hook=no_duplicates)


def test_a_body_sent_as_text_is_still_checked_for_control_characters(world):
    _token, key = ApiToken.issue(user=world.users["alice"], name="test")
    response = Client().patch(
        f"/api/v1/citizens/{world.citizens['an'].pk}",
        data=json.dumps({"full_name": "An\x00"}),
        content_type="text/plain",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 422 and "«full_name»" in response.json()["detail"]


def test_a_body_nested_too_deep_is_a_400_not_a_500(world, call):
    response = call("patch", f"/citizens/{world.citizens['an'].pk}", raw="[" * 100_000)
    assert response.status_code == 400
    response = call(
        "patch", f"/citizens/{world.citizens['an'].pk}", raw='{"a":' * 5_000 + "1" + "}" * 5_000
    )
    assert response.status_code in (400, 422)
    assert_no_leak(response)
