"""Scores and numbers typed the Vietnamese way (issue 19): "6,5" is 6.5, as is "6.5", on the
officer's assessment page, the citizen's self-assessment and the API; junk is refused with
a Vietnamese message that names the criterion, and nothing is saved."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from api.models import ApiToken
from assessments.models import Assessment
from assessments.tests.helpers import open_years
from assessments.tests.test_cycle_pages import answers_post, register
from criteria.engine import spec_of
from portal.tests.test_portal import claimed


def _first(assessment: Assessment, kind: str) -> str:
    return next(c.code for c in spec_of(assessment.criteria_set).criteria if c.kind == kind)


@pytest.fixture
def cdht(world, as_user):
    open_years(world)
    olga = as_user("olga")
    return olga, register(olga, "CDHT", world.citizens["lan"].pk)


@pytest.mark.parametrize("typed", ["6,5", "6.5", " 6,5 "])
def test_the_officers_page_takes_a_decimal_comma_or_point(cdht, typed):
    olga, assessment = cdht
    code = _first(assessment, "score")
    response = olga.post(
        f"/binh-xet/{assessment.pk}/", answers_post(assessment, **{f"c_{code}": typed})
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    assessment.refresh_from_db()
    assert assessment.answers[code] == "6.5"
    # shown back in the box the way it can be typed again (a text box, not a number box)
    page = olga.get(f"/binh-xet/{assessment.pk}/").content.decode()
    assert f'name="c_{code}"' in page and 'type="number"' not in page


@pytest.mark.parametrize("junk", ["sáu", "6,5,1", "6.5.1", "NaN", "Infinity", "6,5đ"])
def test_the_officers_page_refuses_junk_naming_the_criterion(cdht, junk):
    olga, assessment = cdht
    code = _first(assessment, "score")
    response = olga.post(
        f"/binh-xet/{assessment.pk}/", answers_post(assessment, **{f"c_{code}": junk})
    )
    assert response.status_code == 200
    assert f"Tiêu chí {code}: phải là một số, ví dụ 6,5." in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.answers == {}


def test_a_number_criterion_takes_a_decimal_comma(world, as_user):
    open_years(world)
    van = as_user("van")
    assessment = register(van, "GDHT", world.households["a1"].pk)
    code = _first(assessment, "number")
    response = van.post(
        f"/binh-xet/{assessment.pk}/", answers_post(assessment, **{f"c_{code}": "1,5"})
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.answers[code] == "1.5"
    response = van.post(
        f"/binh-xet/{assessment.pk}/", answers_post(assessment, **{f"c_{code}": "một"})
    )
    assert f"Tiêu chí {code}: phải là một số" in response.content.decode()


def test_the_citizens_self_assessment_takes_a_decimal_comma_and_names_junk(world):
    open_years(world)
    client = claimed(world)
    client.post("/ca-nhan/danh-gia/", {"population_group": "resident"})
    assessment = Assessment.objects.get(title="CDHT", citizen=world.citizens["an"])
    url = f"/ca-nhan/danh-gia/{assessment.pk}/buoc/1/"
    client.post(url, {"version": assessment.version, "c_1.1": "7,5", "c_1.2": "6.5"})
    assessment.refresh_from_db()
    assert (assessment.answers["1.1"], assessment.answers["1.2"]) == ("7.5", "6.5")
    response = client.post(url, {"version": assessment.version, "c_1.3": "bảy"})
    assert response.status_code == 200
    assert "Tiêu chí 1.3: phải là một số, ví dụ 6,5." in response.content.decode()
    assessment.refresh_from_db()
    assert "1.3" not in assessment.answers


def _api(world, persona, path, body):
    _token, key = ApiToken.issue(user=world.users[persona], name="t")
    return Client().post(
        f"/api/v1{path}",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def test_the_api_takes_a_decimal_comma_and_refuses_junk_by_criterion(world, cdht):
    _olga, assessment = cdht
    code = _first(assessment, "score")
    path = f"/assessments/{assessment.pk}/answers"
    response = _api(world, "olga", path, {"answers": {code: "6,5"}})
    assert response.status_code == 200
    assert response.json()["answers"][code] == "6.5"
    for junk in ("NaN", "Infinity", "sáu", "6,5,1"):
        response = _api(world, "olga", path, {"answers": {code: junk}})
        assert response.status_code == 422, junk
        assert response.json()["errors"] == {code: ["Phải là một số."]}, junk
    assessment.refresh_from_db()
    assert assessment.answers == {code: "6.5"}
