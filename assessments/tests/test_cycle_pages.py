"""Each title walked through the whole cycle by the real personas, through the pages."""

import datetime as dt

import pytest

from assessments.models import Assessment, CycleYear, Decision, State
from assessments.subjects import subject_of
from assessments.tests.helpers import YEAR, good_answers, open_years, set_dates
from audit.models import AuditEvent
from criteria.engine import spec_of
from criteria.titles import Title


def answers_post(assessment, **overrides):
    data = {"version": assessment.version}
    for code, value in good_answers(assessment).items():
        data[f"c_{code}"] = "true" if value is True else value
    data.update(overrides)
    return data


def register(client, title, subject_pk):
    response = client.post(
        "/binh-xet/dang-ky/", {"title": title, "year": YEAR, "subject": subject_pk}
    )
    assert response.status_code == 302, response
    return Assessment.objects.get(
        title=title, year=YEAR, **{f"{SUBJECT_FIELD_NAMES[title]}_id": subject_pk}
    )


SUBJECT_FIELD_NAMES = {title: subject_of(title).field for title in Title.values}


def step(client, assessment, name):
    assessment.refresh_from_db()
    response = client.post(
        f"/binh-xet/{assessment.pk}/buoc/{name}/", {"version": assessment.version}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    return assessment


def decide(client, assessment, number):
    response = client.post(
        f"/binh-xet/quyet-dinh/moi/?nam={YEAR}&danh_hieu={assessment.title}",
        {
            "number": number,
            "signed_on": "20/11/2026",
            "authority": "Ủy ban nhân dân Phường Phố Hiến",
            "signer_name": "Nguyễn Văn Ký",
            "signer_title": "Chủ tịch",
            "sign_form": "",
            "ids": [assessment.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assessment.refresh_from_db()
    return assessment


# title, subject getter, who fills, who verifies, who proposes/decides
RECOGNISED_CASES = [
    ("GDHT", lambda w: w.households["a1"].pk, "van", "van", "cuong"),
    ("CDHT", lambda w: w.citizens["lan"].pk, "olga", "olga", "cuong"),
    ("DVHT", lambda w: w.org_a.pk, "olga", "olga", "cuong"),
]
# Derived criteria count recognised households/citizens/staff, and the test world has none
# recognised, so these fail on exactly those criteria whatever is answered: the outcome is
# known, and each is walked through the refusal instead.
NOT_RECOGNISED_CASES = [
    ("DHHT", lambda w: w.clan_a.pk, "hoa", "hoa", "cuong", ["1", "3"]),
    ("CDHT_THON", lambda w: w.village_a1.pk, "van", "van", "cuong", ["1", "2"]),
    (
        "XA_HT",
        lambda w: w.commune_a.pk,
        "cuong",
        "alice",
        "alice",
        ["4.1", "4.2", "4.3", "4.4", "4.5"],
    ),
]


def test_the_whole_cycle_cases_cover_every_title():
    titles = [case[0] for case in RECOGNISED_CASES + NOT_RECOGNISED_CASES]
    assert sorted(titles) == sorted(SUBJECT_FIELD_NAMES)


def walk_to_proposed(world, as_user, title, subject, filler, verifier, decider):
    """Register, fill and submit, verify, propose: each step through its page."""
    open_years(world)
    fill_client = as_user(filler)
    assessment = register(fill_client, title, subject(world))
    assert assessment.state == State.REGISTERED
    page = fill_client.get(f"/binh-xet/{assessment.pk}/")
    assert page.status_code == 200
    assert "Tự đánh giá" in page.content.decode()
    response = fill_client.post(
        f"/binh-xet/{assessment.pk}/", {**answers_post(assessment), "and_submit": "1"}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == State.SUBMITTED
    assessment = step(as_user(verifier), assessment, "verify")
    assert assessment.state == State.VERIFIED
    assessment = step(as_user(decider), assessment, "propose")
    assert assessment.state == State.PROPOSED
    return assessment


def assert_cycle_audited(assessment, last_action):
    actions = list(AuditEvent.objects.for_object(assessment).values_list("action", flat=True))
    for expected in (
        "assessment.register",
        "assessment.submit",
        "assessment.verify",
        "assessment.propose",
        last_action,
    ):
        assert expected in actions


@pytest.mark.parametrize(("title", "subject", "filler", "verifier", "decider"), RECOGNISED_CASES)
def test_whole_cycle_through_the_pages_ends_recognised(
    world, as_user, title, subject, filler, verifier, decider
):
    assessment = walk_to_proposed(world, as_user, title, subject, filler, verifier, decider)
    assert assessment.passed is True and assessment.result["failing"] == []
    assessment = decide(as_user(decider), assessment, f"{title}/QĐ-UBND")
    assert assessment.state == State.RECOGNISED
    assert assessment.valid_until == dt.date(
        YEAR + assessment.criteria_set.validity_years - 1, 12, 31
    )
    decision = Decision.objects.get(number=f"{title}/QĐ-UBND")
    assert list(decision.assessments.all()) == [assessment]
    assert_cycle_audited(assessment, "assessment.recognise")


@pytest.mark.parametrize(
    ("title", "subject", "filler", "verifier", "decider", "failing"), NOT_RECOGNISED_CASES
)
def test_whole_cycle_through_the_pages_ends_not_recognised(
    world, as_user, title, subject, filler, verifier, decider, failing
):
    assessment = walk_to_proposed(world, as_user, title, subject, filler, verifier, decider)
    assert assessment.passed is False
    assert [code for code, _r in assessment.result["failing"]] == failing
    decider_client = as_user(decider)
    decision_data = {
        "number": f"{title}-K/QĐ-UBND",
        "signed_on": "20/11/2026",
        "authority": "UBND",
        "signer_name": "A",
        "signer_title": "Chủ tịch",
        "ids": [assessment.pk],
    }
    url = f"/binh-xet/quyet-dinh/moi/?nam={YEAR}&danh_hieu={title}"
    # recognising it is refused, naming the criteria it misses, and changes nothing
    refused = decider_client.post(url, decision_data)
    assert refused.status_code == 200
    assert "chưa đạt tiêu chí" in refused.content.decode()
    assessment.refresh_from_db()
    assert assessment.state == State.PROPOSED
    assert not Decision.objects.filter(number=f"{title}-K/QĐ-UBND").exists()
    # closing it as not recognised, with the reason, goes through
    response = decider_client.post(
        url,
        {
            **decision_data,
            f"refuse_{assessment.pk}": "on",
            f"reason_{assessment.pk}": f"Chưa đạt {failing}",
        },
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == State.NOT_RECOGNISED
    assert assessment.decision_reason == f"Chưa đạt {failing}"
    assert assessment.decision == Decision.objects.get(number=f"{title}-K/QĐ-UBND")
    assert assessment.valid_until is None
    assert_cycle_audited(assessment, "assessment.not_recognised")


def test_gdht_recognised_end_to_end(world, as_user):
    """A household that meets the criteria is recognised and counted."""
    open_years(world)
    van, cuong = as_user("van"), as_user("cuong")
    assessment = register(van, "GDHT", world.households["a1"].pk)
    van.post(f"/binh-xet/{assessment.pk}/", {**answers_post(assessment), "and_submit": "1"})
    assessment.refresh_from_db()
    assert assessment.passed is True
    step(van, assessment, "verify")
    step(cuong, assessment, "propose")
    assessment = decide(cuong, assessment, "15/QĐ-UBND")
    assert assessment.state == State.RECOGNISED
    page = cuong.get(f"/binh-xet/{assessment.pk}/").content.decode()
    assert "Được công nhận theo" in page and "15/QĐ-UBND" in page


def test_return_and_resubmit(world, as_user):
    open_years(world)
    van, cuong = as_user("van"), as_user("cuong")
    assessment = register(van, "GDHT", world.households["a1"].pk)
    van.post(f"/binh-xet/{assessment.pk}/", {**answers_post(assessment), "and_submit": "1"})
    step(van, assessment, "verify")
    assessment.refresh_from_db()
    response = cuong.post(
        f"/binh-xet/{assessment.pk}/tra-lai/",
        {
            "version": assessment.version,
            "r_3.1": "Ảnh góc học tập chưa rõ",
            "r_general": "Bổ sung minh chứng",
        },
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == State.RETURNED
    assert assessment.returned_reasons == {
        "3.1": "Ảnh góc học tập chưa rõ",
        "": "Bổ sung minh chứng",
    }
    page = van.get(f"/binh-xet/{assessment.pk}/").content.decode()
    assert "Cần sửa: Ảnh góc học tập chưa rõ" in page and "Bổ sung minh chứng" in page
    van.post(f"/binh-xet/{assessment.pk}/", {**answers_post(assessment), "and_submit": "1"})
    assessment.refresh_from_db()
    assert assessment.state == State.SUBMITTED and assessment.returned_reasons == {}
    assert AuditEvent.objects.for_object(assessment).filter(action="assessment.return").exists()


def test_answer_outside_range_is_refused(world, as_user):
    open_years(world)
    olga = as_user("olga")
    assessment = register(olga, "CDHT", world.citizens["lan"].pk)
    code = spec_of(assessment.criteria_set).criteria[0].code
    response = olga.post(
        f"/binh-xet/{assessment.pk}/", {**answers_post(assessment), f"c_{code}": "11"}
    )
    assert response.status_code == 200
    assert "Điểm phải từ 0 đến 10." in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.answers == {}


def test_second_reviewer_gets_a_conflict(world, as_user):
    open_years(world)
    van = as_user("van")
    assessment = register(van, "GDHT", world.households["a1"].pk)
    van.post(f"/binh-xet/{assessment.pk}/", {**answers_post(assessment), "and_submit": "1"})
    assessment.refresh_from_db()
    stale = assessment.version
    as_user("cuong").post(
        f"/binh-xet/{assessment.pk}/tra-lai/", {"version": stale, "r_general": "Sai"}
    )
    response = van.post(f"/binh-xet/{assessment.pk}/buoc/verify/", {"version": stale}, follow=True)
    assert "vừa được người khác cập nhật" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.state == State.RETURNED


def test_form_posted_twice_takes_effect_once(world, as_user):
    open_years(world)
    van = as_user("van")
    assessment = register(van, "GDHT", world.households["a1"].pk)
    van.post(f"/binh-xet/{assessment.pk}/", {**answers_post(assessment), "and_submit": "1"})
    assessment.refresh_from_db()
    version = assessment.version
    for _ in range(2):
        response = van.post(
            f"/binh-xet/{assessment.pk}/buoc/verify/", {"version": version}, follow=True
        )
        assert "vừa được người khác" not in response.content.decode()
    assert AuditEvent.objects.for_object(assessment).filter(action="assessment.verify").count() == 1


def test_deadline_passed(world, as_user):
    open_years(world)
    set_dates(world.commune_a, assessment_until=dt.date(2026, 1, 1))
    van = as_user("van")
    assessment = register(van, "GDHT", world.households["a1"].pk)
    response = van.post(
        f"/binh-xet/{assessment.pk}/", {**answers_post(assessment), "and_submit": "1"}, follow=True
    )
    assert "Đã quá hạn tự đánh giá (01/01/2026) của năm 2026." in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.state == State.REGISTERED


def test_closed_year_locks_everything(world, as_user):
    open_years(world)
    van, cuong, alice = as_user("van"), as_user("cuong"), as_user("alice")
    assessment = register(van, "GDHT", world.households["a1"].pk)
    cycle = CycleYear.objects.get(commune=world.commune_a, year=YEAR)
    cuong.post(f"/binh-xet/nam/{cycle.pk}/khoa-so/")
    response = van.post(
        f"/binh-xet/{assessment.pk}/", {**answers_post(assessment), "and_submit": "1"}, follow=True
    )
    assert "đã khóa sổ" in response.content.decode()
    assert cuong.post(f"/binh-xet/nam/{cycle.pk}/mo-lai/", {"reason": "x"}).status_code == 404
    alice.post(f"/binh-xet/nam/{cycle.pk}/mo-lai/", {"reason": "Bổ sung hồ sơ sót"})
    cycle.refresh_from_db()
    assert cycle.closed_at is None
    assert AuditEvent.objects.filter(action="cycle.reopen", note="Bổ sung hồ sơ sót").exists()


def test_bulk_register_and_bulk_verify(world, as_user):
    open_years(world)
    cuong = as_user("cuong")
    response = cuong.post(
        "/binh-xet/dang-ky-hang-loat/", {"title": "GDHT", "year": YEAR, "place": world.commune_a.pk}
    )
    assert response.status_code == 302
    assert Assessment.objects.filter(title="GDHT", year=YEAR, commune=world.commune_a).count() == 2
    for assessment in Assessment.objects.filter(title="GDHT", year=YEAR):
        cuong.post(f"/binh-xet/{assessment.pk}/", {**answers_post(assessment), "and_submit": "1"})
    params = f"nam={YEAR}&danh_hieu=GDHT&step=verify"
    confirm = cuong.get(f"/binh-xet/hang-loat/?{params}")
    assert confirm.context["count"] == 2
    response = cuong.post(
        f"/binh-xet/hang-loat/?{params}",
        {"nam": YEAR, "danh_hieu": "GDHT", "step": "verify", "confirm": "2"},
    )
    assert response.status_code == 302
    assert Assessment.objects.filter(title="GDHT", year=YEAR, state=State.VERIFIED).count() == 2
    events = AuditEvent.objects.filter(action="assessment.verify")
    assert events.count() == 2
    assert all(e.changes == {"state": ["submitted", "verified"]} for e in events)
    assert all(a.version > 1 and a.verified_at for a in Assessment.objects.filter(year=YEAR))


def test_bulk_verify_after_the_deadline_changes_nothing(world, as_user):
    open_years(world)
    cuong = as_user("cuong")
    cuong.post(
        "/binh-xet/dang-ky-hang-loat/", {"title": "GDHT", "year": YEAR, "place": world.commune_a.pk}
    )
    for assessment in Assessment.objects.filter(title="GDHT", year=YEAR):
        cuong.post(f"/binh-xet/{assessment.pk}/", {**answers_post(assessment), "and_submit": "1"})
    set_dates(world.commune_a, review_until=dt.date(YEAR, 1, 1))
    response = cuong.post(
        "/binh-xet/hang-loat/",
        {"nam": YEAR, "danh_hieu": "GDHT", "step": "verify", "confirm": "2"},
        follow=True,
    )
    assert "chưa thay đổi hồ sơ nào" in response.content.decode()
    assert "Đã quá hạn bình xét" in response.content.decode()
    assert Assessment.objects.filter(year=YEAR, state=State.SUBMITTED).count() == 2
    assert not AuditEvent.objects.filter(action="assessment.verify").exists()


@pytest.mark.parametrize("place", ["' OR 1=1 --", "1e308", "{}", ""])
def test_register_many_with_a_place_that_is_not_a_number_is_a_message(world, as_user, place):
    """Found by `make fuzz`: a non-numeric place was a 500."""
    open_years(world)
    response = as_user("cuong").post(
        "/binh-xet/dang-ky-hang-loat/", {"title": "GDHT", "year": YEAR, "place": place}
    )
    assert response.status_code == 200
    assert "Chọn danh hiệu, năm và địa bàn." in response.content.decode()
    assert not Assessment.objects.filter(title="GDHT", year=YEAR).exists()
