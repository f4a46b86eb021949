import json

import pytest
from django.test import Client

from api.models import ApiToken
from assessments import services
from assessments.models import State
from assessments.tests.helpers import YEAR, good_answers, open_years


@pytest.fixture
def call(world):
    def call(persona, method, path, body=None):
        _token, key = ApiToken.issue(user=world.users[persona], name="t")
        kwargs = {"content_type": "application/json", "HTTP_AUTHORIZATION": f"Bearer {key}"}
        if body is not None:
            kwargs["data"] = json.dumps(body)
        return getattr(Client(), method)(f"/api/v1{path}", **kwargs)

    return call


def test_fill_submit_and_review_through_the_api(world, call):
    open_years(world)
    assessment = services.register(
        actor=world.users["van"], title="GDHT", year=YEAR, subject=world.households["a1"]
    )
    answers = dict(good_answers(assessment))
    bad = call(
        "van",
        "post",
        f"/assessments/{assessment.pk}/answers",
        {"answers": {**answers, "2.2": "-3"}},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"]["2.2"] == ["Không được là số âm."]
    response = call(
        "van", "post", f"/assessments/{assessment.pk}/answers", {"answers": answers, "submit": True}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == State.SUBMITTED and body["passed"] is True
    assert call("binh", "post", f"/assessments/{assessment.pk}/verify", {}).status_code == 404
    assert call("dan", "post", f"/assessments/{assessment.pk}/verify", {}).status_code == 404
    stale = body["version"] - 1
    conflict = call("van", "post", f"/assessments/{assessment.pk}/verify", {"version": stale})
    assert conflict.status_code == 422
    assert (
        call(
            "van", "post", f"/assessments/{assessment.pk}/verify", {"version": body["version"]}
        ).json()["state"]
        == State.VERIFIED
    )
    returned = call(
        "cuong", "post", f"/assessments/{assessment.pk}/return", {"reasons": {"3.1": "Thiếu ảnh"}}
    )
    assert returned.status_code == 200
    assert returned.json()["returned_reasons"] == {"3.1": "Thiếu ảnh"}


def test_list_and_read_follow_scope(world, call):
    open_years(world)
    a = services.register(
        actor=world.users["alice"], title="GDHT", year=YEAR, subject=world.households["a1"]
    )
    b = services.register(
        actor=world.users["alice"], title="GDHT", year=YEAR, subject=world.households["b1"]
    )
    ids = {row["id"] for row in call("cuong", "get", f"/assessments?year={YEAR}").json()["results"]}
    assert a.pk in ids and b.pk not in ids
    assert call("cuong", "get", f"/assessments/{b.pk}").status_code == 404
    detail = call("cuong", "get", f"/assessments/{a.pk}").json()
    assert detail["result"]["criteria"]["1.1"]["passed"] is True
