"""Every page of the movement with every persona: in scope, out of scope, read-only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from conftest import ALL_PERSONAS
from movement import models as m
from movement.tests import factories as mk

READERS = {"alice", "vera", "cuong", "binh", "van"}
PRIVATE = {"alice", "vera", "cuong", "binh"}


@pytest.fixture
def records(world):
    a, b = world.commune_a, world.commune_b
    r = {
        "centre_a": mk.centre(a),
        "centre_b": mk.centre(b, "TTHTCĐ Khoái Châu"),
        "member_a1": mk.member(a, "Đỗ Thị Hoa", cadre=True, village=world.village_a1),
        "member_a2": mk.member(a, "Vũ Văn Nam", village=world.village_a2),
        "member_b": mk.member(b, "Trần Văn Bắc", village=world.village_b1),
        "training_a": mk.training(a, "criteria", dt.date(2026, 3, 1), "Phổ biến tiêu chí Phố Hiến"),
        "training_p": mk.training(
            world.province, "it", dt.date(2026, 4, 1), "Tập huấn CNTT tỉnh", level="province"
        ),
        "training_b": mk.training(
            b, "criteria", dt.date(2026, 3, 2), "Phổ biến tiêu chí Khoái Châu"
        ),
        "news_a": m.Communication.objects.create(
            place=a,
            kind="article",
            channel="Đài truyền thanh",
            date=dt.date(2026, 5, 1),
            title="Phố Hiến học tập",
        ),
        "news_b": m.Communication.objects.create(
            place=b,
            kind="article",
            channel="Báo Hưng Yên",
            date=dt.date(2026, 5, 1),
            title="Khoái Châu học tập",
        ),
        "gift_a": m.Contribution.objects.create(
            place=a,
            date=dt.date(2026, 6, 1),
            source="clan",
            donor="Quỹ họ Nguyễn",
            purpose="scholarship",
            cash=1000,
        ),
        "estimate_a": m.BudgetEstimate.objects.create(place=a, year=2026, amount=5000),
        "award_a": m.Commendation.objects.create(
            place=a,
            year=2026,
            subject_kind="individual",
            name="Nguyễn Văn An",
            reason="Gương sáng",
            level="province",
        ),
        "award_b": m.Commendation.objects.create(
            place=b,
            year=2026,
            subject_kind="collective",
            name="Thôn Phú Thọ",
            reason="Tiêu biểu",
            level="province",
        ),
    }
    m.Activity.objects.create(
        centre=r["centre_a"],
        kind="course",
        topic="Tin học",
        start_date=dt.date(2026, 3, 3),
        participants=20,
    )
    return r


LISTS = [
    ("movement:home", READERS),
    ("movement:centre_list", READERS),
    ("movement:activity_list", READERS),
    ("movement:member_list", READERS),
    ("movement:training_list", READERS),
    ("movement:communication_list", READERS),
    ("movement:resources", PRIVATE),
    ("movement:commendation_list", PRIVATE),
]


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize(("name", "allowed"), LISTS)
def test_list_pages(world, records, as_user, persona, name, allowed):
    response = as_user(persona).get(reverse(name))
    assert response.status_code == (200 if persona in allowed else 404)


@pytest.mark.parametrize("name", [n for n, _a in LISTS])
def test_anonymous_goes_to_login(world, name):
    response = world.client(None).get(reverse(name))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


# (record, url name, who reads it)
DETAILS = [
    ("centre_a", "movement:centre_detail", {"alice", "vera", "cuong", "van"}),
    ("member_a1", "movement:member_detail", {"alice", "vera", "cuong", "van"}),
    ("member_a2", "movement:member_detail", {"alice", "vera", "cuong"}),
    ("training_a", "movement:training_detail", {"alice", "vera", "cuong", "van"}),
    ("training_p", "movement:training_detail", READERS),
    ("news_a", "movement:communication_detail", {"alice", "vera", "cuong", "van"}),
    ("award_a", "movement:commendation_detail", {"alice", "vera", "cuong"}),
]


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize(("key", "name", "allowed"), DETAILS)
def test_detail_pages(world, records, as_user, persona, key, name, allowed):
    response = as_user(persona).get(reverse(name, args=[records[key].pk]))
    assert response.status_code == (200 if persona in allowed else 404)


# (record, edit url name, editors, readers who get 403)
EDITS = [
    ("centre_a", "movement:centre_edit", {"alice", "cuong"}, {"vera", "van"}),
    ("member_a1", "movement:member_edit", {"alice", "cuong"}, {"vera", "van"}),
    ("training_a", "movement:training_edit", {"alice", "cuong"}, {"vera", "van"}),
    ("training_p", "movement:training_edit", {"alice"}, {"vera", "cuong", "binh", "van"}),
    ("news_a", "movement:communication_edit", {"alice", "cuong"}, {"vera", "van"}),
    ("gift_a", "movement:contribution_edit", {"alice", "cuong"}, {"vera"}),
    ("estimate_a", "movement:estimate_edit", {"alice", "cuong"}, {"vera"}),
    ("award_a", "movement:commendation_edit", {"alice", "cuong"}, {"vera"}),
    ("award_a", "movement:commendation_review", {"alice"}, {"vera", "cuong"}),
]


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize(("key", "name", "editors", "forbidden"), EDITS)
def test_edit_pages(world, records, as_user, persona, key, name, editors, forbidden):
    response = as_user(persona).get(reverse(name, args=[records[key].pk]))
    expected = 200 if persona in editors else 403 if persona in forbidden else 404
    assert response.status_code == expected


CREATES = [
    ("movement:centre_create", READERS),
    ("movement:member_create", READERS),
    ("movement:training_create", READERS),
    ("movement:communication_create", READERS),
    ("movement:contribution_create", PRIVATE),
    ("movement:estimate_create", PRIVATE),
    ("movement:commendation_create", PRIVATE),
]


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize(("name", "section"), CREATES)
def test_create_pages(world, records, as_user, persona, name, section):
    response = as_user(persona).get(reverse(name))
    # alice picks a place first (a page listing them), cuong and binh go straight to the form.
    expected = 200 if persona in {"alice", "cuong", "binh"} else 403 if persona in section else 404
    assert response.status_code == expected


def test_lists_show_only_what_is_in_scope_and_search_ignores_diacritics(world, records, as_user):
    cuong = as_user("cuong")
    page = cuong.get(reverse("movement:centre_list")).content.decode()
    assert "TTHTCĐ Phố Hiến" in page and "Khoái Châu" not in page
    page = cuong.get(reverse("movement:member_list"), {"q": "do thi hoa"}).content.decode()
    assert "Đỗ Thị Hoa" in page and "Vũ Văn Nam" not in page
    page = cuong.get(reverse("movement:training_list")).content.decode()
    assert "Tập huấn CNTT tỉnh" in page and "Phố Hiến" in page and "Khoái Châu" not in page
    page = as_user("van").get(reverse("movement:member_list")).content.decode()
    assert "Đỗ Thị Hoa" in page and "Vũ Văn Nam" not in page
    page = as_user("alice").get(reverse("movement:centre_list"), {"q": "tthtcd khoai chau"})
    assert "TTHTCĐ Khoái Châu" in page.content.decode()
    assert "TTHTCĐ Phố Hiến" not in page.content.decode()


def test_officer_cannot_reach_another_commune(world, records, as_user):
    cuong = as_user("cuong")
    b = records["centre_b"]
    assert (
        cuong.post(reverse("movement:centre_edit", args=[b.pk]), {"name": "X"}).status_code == 404
    )
    assert (
        cuong.get(reverse("movement:centre_create"), {"xa": world.commune_b.pk}).status_code == 404
    )
    url = reverse("movement:centre_child_add", args=[b.pk, "activity"])
    assert cuong.post(url, {}).status_code == 404
    m.LearningCentre.objects.get(pk=b.pk, name="TTHTCĐ Khoái Châu")


def test_viewer_and_village_officer_change_nothing(world, records, as_user):
    for persona in ("vera", "van"):
        client = as_user(persona)
        assert client.post(reverse("movement:centre_create"), {"name": "Mới"}).status_code == 403
        url = reverse("movement:centre_child_add", args=[records["centre_a"].pk, "board"])
        assert client.post(url, {"full_name": "X"}).status_code == 403
    assert not m.LearningCentre.objects.filter(name="Mới").exists()
    assert not m.BoardMember.objects.exists()


def test_exports_follow_scope_and_are_audited(world, records, as_user):
    import io

    import openpyxl

    response = as_user("cuong").get(reverse("movement:export", args=["hoi-vien"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["Vũ Văn Nam", "Đỗ Thị Hoa"]
    assert AuditEvent.objects.filter(action="export.movement.hoi-vien").exists()
    assert as_user("van").get(reverse("movement:export", args=["nguon-luc"])).status_code == 404
    assert as_user("olga").get(reverse("movement:export", args=["hoi-vien"])).status_code == 404


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_attendance_pages(world, records, as_user, persona):
    client = as_user(persona)
    own = client.get(reverse("movement:training_attendance", args=[records["training_a"].pk]))
    province = client.get(reverse("movement:training_attendance", args=[records["training_p"].pk]))
    expected_own = {"alice": 200, "cuong": 200, "vera": 403, "van": 403}.get(persona, 404)
    expected_province = {"alice": 200, "cuong": 200, "binh": 200, "vera": 403, "van": 403}.get(
        persona, 404
    )
    assert (own.status_code, province.status_code) == (expected_own, expected_province)


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize(
    ("kind", "section"),
    [
        ("hoi-vien", READERS),
        ("hoat-dong", READERS),
        ("tap-huan", READERS),
        ("truyen-thong", READERS),
        ("nguon-luc", PRIVATE),
    ],
)
def test_excel_pages(world, records, as_user, persona, kind, section):
    client = as_user(persona)
    upload = client.get(reverse("movement:import", args=[kind])).status_code
    template = client.get(reverse("movement:import_template", args=[kind])).status_code
    export = client.get(reverse("movement:export", args=[kind])).status_code
    editors = {"alice", "cuong", "binh"}
    expected_upload = 200 if persona in editors else 403 if persona in section else 404
    expected_read = 200 if persona in section else 404
    assert (upload, template, export) == (expected_upload, expected_read, expected_read)


@pytest.mark.parametrize("persona", [*ALL_PERSONAS, None])
def test_public_exemplary_page(world, records, persona):
    client = world.client(persona)
    assert client.get(reverse("movement:exemplary", args=[2026])).status_code == 200
    assert client.get("/phong-trao/dien-hinh/1900/").status_code == 404


# The province-level rows of pages the door test checks with a commune's row
# (movement/tests/doors.py declares one rule per URL name).
@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_province_communication_pages(world, records, as_user, persona):
    item = m.Communication.objects.create(
        place=world.province,
        kind="broadcast",
        channel="Đài tỉnh",
        date=dt.date(2026, 10, 2),
        title="Tuần lễ học tập toàn tỉnh",
    )
    client = as_user(persona)
    detail = client.get(reverse("movement:communication_detail", args=[item.pk])).status_code
    edit = client.get(reverse("movement:communication_edit", args=[item.pk])).status_code
    assert detail == (200 if persona in READERS else 404)
    assert edit == (200 if persona == "alice" else 403 if persona in READERS else 404)


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_commune_level_review_is_the_communes(world, records, as_user, persona):
    award = records["award_a"]
    award.level = "commune"
    award.save()
    status = as_user(persona).get(reverse("movement:commendation_review", args=[award.pk]))
    expected = {"alice": 200, "cuong": 200, "vera": 403}.get(persona, 404)
    assert status.status_code == expected


@pytest.mark.parametrize("name", [n for n, _s in CREATES])
def test_create_pages_refuse_another_commune(world, records, as_user, name):
    url = reverse(name)
    assert as_user("cuong").get(url, {"xa": world.commune_b.pk}).status_code == 404
    assert as_user("binh").get(url, {"xa": world.commune_a.pk}).status_code == 404
    assert as_user("cuong").get(url, {"xa": world.commune_a.pk}).status_code == 200
    assert as_user("alice").get(url, {"xa": world.commune_b.pk}).status_code == 200
