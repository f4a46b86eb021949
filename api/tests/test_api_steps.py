"""The API takes the review steps from the one step table (`assessments.services.STEPS`)."""

import datetime as dt
import json

import pytest
from django.test import Client

from api.models import ApiToken
from assessments import services
from assessments.models import State
from assessments.tests.helpers import YEAR, good_answers, open_years, set_dates
from audit.models import AuditEvent


@pytest.fixture
def call(world):
    def call(persona, path, body):
        _token, key = ApiToken.issue(user=world.users[persona], name="t")
        return Client().post(
            f"/api/v1{path}",
            data=json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )

    return call


def submitted(world):
    open_years(world)
    alice = world.users["alice"]
    a = services.register(actor=alice, title="GDHT", year=YEAR, subject=world.households["a1"])
    a = services.save_answers(actor=alice, assessment=a, answers=good_answers(a))
    return services.submit(actor=alice, assessment=a)


def test_every_step_of_the_table_and_no_other(world, call):
    assessment = submitted(world)
    for name in ("decide", "revoke", "bulk"):
        response = call("cuong", f"/assessments/{assessment.pk}/{name}", {})
        assert response.status_code == 404
        assert f"Không có bước “{name}”." in response.json()["detail"]
    # submit and propose are refused for the state, with the table's words
    for name in ("submit", "propose"):
        response = call("cuong", f"/assessments/{assessment.pk}/{name}", {})
        assert response.status_code == 422
        assert "Chỉ " in response.json()["errors"]["__all__"][0]
    response = call("cuong", f"/assessments/{assessment.pk}/verify", {})
    assert response.status_code == 200
    assert response.json()["state"] == State.VERIFIED
    assert response.json()["version"] == assessment.version + 1


def test_the_api_refuses_a_late_verification_as_the_bulk_page_does(world, call, as_user):
    assessment = submitted(world)
    set_dates(world.commune_a, review_until=dt.date(YEAR, 1, 1))
    expected = f"Đã quá hạn bình xét (01/01/{YEAR}) của năm {YEAR}."
    response = call("cuong", f"/assessments/{assessment.pk}/verify", {})
    assert response.status_code == 422
    assert response.json()["errors"]["__all__"] == [expected]
    page = as_user("cuong").post(
        "/binh-xet/hang-loat/",
        {"nam": YEAR, "danh_hieu": "GDHT", "step": "verify", "confirm": "1"},
        follow=True,
    )
    assert expected in page.content.decode()
    assessment.refresh_from_db()
    assert assessment.state == State.SUBMITTED
    assert not AuditEvent.objects.filter(action="assessment.verify").exists()
