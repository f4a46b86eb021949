import json

from django.test import Client

from api.models import ApiToken
from stats.models import ReportStatus, StatReport
from stats.tests.test_small_province import A


def call(world, persona, method, path, body=None):
    _token, key = ApiToken.issue(user=world.users[persona], name="t")
    kwargs = {"content_type": "application/json", "HTTP_AUTHORIZATION": f"Bearer {key}"}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    return getattr(Client(), method)(f"/api/v1{path}", **kwargs)


def test_indicators_of_a_commune(world):
    StatReport.objects.create(commune=world.commune_a, year=2026, status=ReportStatus.APPROVED, **A)
    body = call(
        world, "cuong", "get", f"/indicators?year=2026&place_id={world.commune_a.pk}"
    ).json()
    gdht = next(i for i in body["indicators"] if i["code"] == "gdht")
    assert (gdht["numerator"], gdht["total"], gdht["registered"], gdht["share_of_all"]) == (
        160,
        200,
        180,
        "80.00",
    )
    assert gdht["target"] == "80.00" and gdht["target_year"] == 2030
    assert (
        call(
            world, "cuong", "get", f"/indicators?year=2026&place_id={world.commune_b.pk}"
        ).status_code
        == 404
    )
    assert call(world, "dan", "get", "/indicators?year=2026").status_code == 403


def test_targets_are_listed(world):
    rows = call(world, "vera", "get", "/targets?indicator=gdht").json()
    assert {(r["year"], r["source"], r["value"]) for r in rows} >= {
        (2025, "province", "75.00"),
        (2030, "national", "80.00"),
    }


def test_submit_a_report_through_the_api(world):
    response = call(
        world,
        "cuong",
        "put",
        f"/reports/{world.commune_a.pk}/2026",
        {"figures": {**A, "households_registered": 999}},
    )
    assert response.status_code == 422
    assert "households_registered" in response.json()["errors"]
    response = call(
        world, "cuong", "put", f"/reports/{world.commune_a.pk}/2026", {"figures": A, "submit": True}
    )
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert (
        call(world, "cuong", "get", f"/reports/{world.commune_a.pk}/2026").json()["figures"][
            "households_total"
        ]
        == 200
    )
    assert (
        call(
            world, "binh", "put", f"/reports/{world.commune_a.pk}/2026", {"figures": A}
        ).status_code
        == 404
    )
