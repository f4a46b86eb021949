"""The minimum age for "Công dân học tập" depends on the form (issue 19): pupils and
students from the year they turn 11, everyone else from the year they turn 15 — both
proposals, said so on the pages — and a registration posted for someone younger is
refused, naming the person and the rule, not only hidden from the lists."""

from __future__ import annotations

import pytest
from django.utils import timezone

from assessments.models import Assessment
from assessments.tests.helpers import open_years
from conftest import make_citizen
from portal.tests.test_portal import claimed
from registry.models import Citizen


@pytest.fixture
def year() -> int:
    return timezone.localdate().year


@pytest.fixture
def children(world, year):
    """Members of An's household (PH-001) around both ages. Châu (world) is in school,
    occupation "Khác", and turns 14 this year: a pupil on record."""
    household, village = world.households["a1"], world.village_a1

    def child(name: str, age: int, **extra) -> Citizen:
        return make_citizen(
            village, name, year - age, household=household, relation="child", **extra
        )

    return {
        "pupil12": child("Nguyễn Văn Học", 12, occupation="student"),
        "pupil11": child("Nguyễn Thị Mới", 11, in_school=True),
        "pupil10": child("Nguyễn Văn Nhỏ", 10, occupation="student"),
        "other12": child("Nguyễn Văn Nghỉ", 12, in_school=False),
        "worker14": child("Nguyễn Văn Thợ", 14, occupation="worker"),
    }


def _messages(client) -> str:
    return client.get("/binh-xet/").content.decode()


def test_the_household_lists_pupils_from_11_and_others_from_15(world, children):
    page = claimed(world).get("/ca-nhan/ho/").content.decode()
    listed = page[page.index("Thành viên và Công dân học tập") : page.index("Gia đình học tập ")]
    for name in ("Nguyễn Văn Học", "Nguyễn Thị Mới", "Nguyễn Minh Châu", "Nguyễn Văn An"):
        assert name in listed
    for name in ("Nguyễn Văn Nhỏ", "Nguyễn Văn Nghỉ", "Nguyễn Văn Thợ"):
        assert name not in listed
    # both ages, their sources, and that they are proposals
    for words in (
        "đủ 15 tuổi",
        "học sinh, sinh viên từ đủ 11 tuổi",
        "đề xuất của nhóm xây dựng phần mềm",
        "Quyết định 324/QĐ-KHVN không quy định độ tuổi",
        "Bộ luật Lao động 2019, Điều 3 khoản 1",
        "Luật Giáo dục 2019, Điều 28 khoản 1 điểm b",
    ):
        assert words in listed, words


def test_the_persons_page_offers_the_title_by_their_forms_age(world, as_user, children):
    officer = as_user("cuong")
    for key in ("pupil12", "pupil11"):
        page = officer.get(f"/so/cong-dan/{children[key].pk}/").content.decode()
        assert 'value="CDHT"' in page and "Chưa đến tuổi" not in page, key
    for key in ("pupil10", "other12", "worker14"):
        page = officer.get(f"/so/cong-dan/{children[key].pk}/").content.decode()
        assert 'value="CDHT"' not in page, key
        assert "Chưa đến tuổi xét danh hiệu" in page and "11 tuổi" in page, key


def _register(client, citizen: Citizen, year: int, group: str = ""):
    return client.post(
        "/binh-xet/dang-ky/",
        {
            "title": "CDHT",
            "year": str(year),
            "subject": str(citizen.pk),
            "population_group": group,
            "back": "/binh-xet/",
        },
    )


def test_a_posted_registration_of_someone_too_young_is_refused(world, as_user, children, year):
    open_years(world, year)
    officer = as_user("cuong")
    # not a pupil, 12: the form their record suggests needs 15
    response = _register(officer, children["other12"], year)
    assert response.status_code == 302
    text = _messages(officer)
    assert (
        f"Chưa đăng ký được Nguyễn Văn Nghỉ (sinh năm {year - 12}) cho danh hiệu Công dân "
        f"học tập năm {year}" in text
    )
    assert "mẫu “Người dân trên địa bàn xã” được xét từ năm đủ 15 tuổi" in text
    assert "Bộ luật Lao động 2019, Điều 3 khoản 1" in text and "đề xuất" in text
    # a pupil of 10, on the pupils' form: needs 11
    _register(officer, children["pupil10"], year, "student")
    text = _messages(officer)
    assert "Chưa đăng ký được Nguyễn Văn Nhỏ" in text
    assert "học sinh, sinh viên được xét từ năm đủ 11 tuổi" in text
    assert "Luật Giáo dục 2019, Điều 28 khoản 1 điểm b" in text
    # a pupil of 12 put on an adult's form: that form needs 15
    _register(officer, children["pupil12"], year, "resident")
    assert "Chưa đăng ký được Nguyễn Văn Học" in _messages(officer)
    assert not Assessment.objects.filter(title="CDHT").exists()
    # the same pupil on their own form (chosen, or suggested by the record) is registered
    response = _register(officer, children["pupil12"], year)
    assessment = Assessment.objects.get(title="CDHT", citizen=children["pupil12"])
    assert response["Location"] == f"/binh-xet/{assessment.pk}/"
    assert assessment.criteria_set.population_group == "student"
    _register(officer, children["pupil11"], year, "student")
    assert Assessment.objects.get(citizen=children["pupil11"]).criteria_set.population_group == (
        "student"
    )


def test_bulk_registration_takes_the_same_ages(world, as_user, children, year):
    open_years(world, year)
    response = as_user("cuong").post(
        "/binh-xet/dang-ky-hang-loat/",
        {"title": "CDHT", "year": str(year), "place": str(world.village_a1.pk)},
    )
    assert response.status_code == 302
    registered = set(
        Assessment.objects.filter(title="CDHT", year=year).values_list(
            "citizen__full_name", "criteria_set__population_group"
        )
    )
    names = {name for name, _group in registered}
    assert {"Nguyễn Văn Học", "Nguyễn Thị Mới", "Nguyễn Minh Châu"} <= names
    assert not names & {"Nguyễn Văn Nhỏ", "Nguyễn Văn Nghỉ", "Nguyễn Văn Thợ"}
    assert ("Nguyễn Minh Châu", "student") in registered  # in school, no other occupation


def test_the_portal_offers_a_child_only_the_pupils_form(world, year):
    open_years(world, year)
    client = claimed(world)
    an = world.citizens["an"]
    Citizen.objects.filter(pk=an.pk).update(birth_year=year - 13, occupation="student")
    page = client.get("/ca-nhan/danh-gia/").content.decode()
    assert 'value="student"' in page and 'value="resident"' not in page
    # an adult's form posted anyway is not taken
    client.post("/ca-nhan/danh-gia/", {"population_group": "resident"})
    assert not Assessment.objects.filter(title="CDHT", citizen=an).exists()
    client.post("/ca-nhan/danh-gia/", {"population_group": "student"})
    assert Assessment.objects.get(title="CDHT", citizen=an).criteria_set.population_group == (
        "student"
    )


def test_the_portal_tells_a_child_too_young_for_every_form_why(world, year):
    open_years(world, year)
    client = claimed(world)
    Citizen.objects.filter(pk=world.citizens["an"].pk).update(
        birth_year=year - 10, occupation="student"
    )
    response = client.get("/ca-nhan/danh-gia/", follow=True)
    text = response.content.decode()
    assert "Chưa đến tuổi xét danh hiệu" in text and "11 tuổi" in text
    assert 'name="population_group"' not in text


def test_the_portal_home_offers_no_self_assessment_to_a_child_too_young(world, year):
    open_years(world, year)
    client = claimed(world)
    an = world.citizens["an"]
    Citizen.objects.filter(pk=an.pk).update(birth_year=year - 10, occupation="student")
    text = client.get("/ca-nhan/").content.decode()
    assert "/ca-nhan/danh-gia/" not in text
    assert "chưa đến tuổi xét danh hiệu Công dân học tập" in text and "11 tuổi" in text
    Citizen.objects.filter(pk=an.pk).update(birth_year=year - 11)
    assert "/ca-nhan/danh-gia/" in client.get("/ca-nhan/").content.decode()
