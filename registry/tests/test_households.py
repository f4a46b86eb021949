"""Household membership through the pages: add, move, change head, death and move-away."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from conftest import make_citizen, make_household
from registry.models import Citizen, Household
from registry.tests.pages import audit_count, follow_flashes


def events(action: str, obj=None) -> list[AuditEvent]:
    qs = AuditEvent.objects.filter(action=action)
    if obj is not None:
        qs = qs.filter(object_id=str(obj.pk), content_type__model=type(obj)._meta.model_name)
    return list(qs.order_by("id"))


def only_event(action: str, obj) -> AuditEvent:
    found = events(action, obj)
    assert len(found) == 1, [(e.action, e.changes) for e in found]
    return found[0]


def household_page(client, household) -> str:
    response = client.get(f"/so/ho/{household.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def section(page: str, heading: str) -> str:
    """The HTML from a <h2> heading to the next one."""
    assert f"<h2>{heading}" in page, heading
    return page.split(f"<h2>{heading}", 1)[1].split("<h2>", 1)[0]


@pytest.fixture
def a1(world) -> Household:
    return world.households["a1"]


@pytest.fixture
def a2(world) -> Household:
    return world.households["a2"]


# --- adding a person already on the register ---------------------------------------------


def test_add_member_by_system_id_moves_them_in_and_records_it(world, as_user, a1, a2):
    client = as_user("cuong")
    cuong = world.users["cuong"]
    dung = world.citizens["dung"]  # head of PH-002 in village A2
    url = f"/so/ho/{a1.pk}/them-thanh-vien/"
    response = client.post(url, {"citizen": str(dung.pk), "relation": "parent"})
    assert response["Location"] == f"/so/ho/{a1.pk}/"
    assert follow_flashes(client, response) == ["Đã thêm Phạm Văn Dũng vào hộ."]
    dung.refresh_from_db()
    a2.refresh_from_db()
    assert (dung.household_id, dung.relation, dung.village_id) == (
        a1.pk,
        "parent",
        world.village_a1.pk,
    )
    assert a2.head_id is None  # he was the head of the household he left

    moved = only_event("citizen.move", dung)
    assert moved.actor == cuong
    assert moved.changes == {
        "household": ["Hộ PH-002 — Phạm Văn Dũng", "Hộ PH-001 — Nguyễn Văn An"],
        "relation": ["head", "parent"],
        "village": ["Thôn An Lạc", "Thôn Đông Tảo"],
    }
    member_in = only_event("household.member_in", a1)
    assert (member_in.actor, member_in.changes) == (cuong, {"member": [None, "Phạm Văn Dũng"]})
    member_out = only_event("household.member_out", a2)
    assert (member_out.actor, member_out.changes) == (cuong, {"member": ["Phạm Văn Dũng", None]})
    head = only_event("household.head", a2)
    assert head.changes == {"head": ["Phạm Văn Dũng", None]}

    page = household_page(client, a1)
    assert "Phạm Văn Dũng" in section(page, "Thành viên (4)")
    assert "Phạm Văn Dũng vào hộ" in section(page, "Biến động nhân khẩu")
    page = household_page(client, a2)
    assert "Phạm Văn Dũng ra khỏi hộ" in section(page, "Biến động nhân khẩu")
    assert "Chưa có — hãy chọn chủ hộ" in page

    # the same form posted again changes nothing more
    before = audit_count()
    client.post(url, {"citizen": str(dung.pk), "relation": "parent"})
    assert audit_count() == before
    assert len(events("household.member_in", a1)) == 1


def test_add_member_by_identity_number(world, as_user, a1):
    khai = make_citizen(world.village_a2, "Hoàng Văn Khải", 1985, identity_number="033085000777")
    client = as_user("cuong")
    response = client.post(
        f"/so/ho/{a1.pk}/them-thanh-vien/", {"citizen": "0330 8500 0777", "relation": "sibling"}
    )
    assert follow_flashes(client, response) == ["Đã thêm Hoàng Văn Khải vào hộ."]
    khai.refresh_from_db()
    assert (khai.household_id, khai.relation, khai.village_id) == (
        a1.pk,
        "sibling",
        world.village_a1.pk,
    )
    assert only_event("citizen.move", khai).changes == {
        "household": [None, "Hộ PH-001 — Nguyễn Văn An"],
        "relation": ["", "sibling"],
        "village": ["Thôn An Lạc", "Thôn Đông Tảo"],
    }
    assert only_event("household.member_in", a1).changes == {"member": [None, "Hoàng Văn Khải"]}
    assert events("household.member_out") == []


@pytest.mark.parametrize(
    ("persona", "ref", "message"),
    [
        ("cuong", "999999", "Không tìm thấy công dân “999999” trong phạm vi của bạn."),
        ("cuong", "033099999999", "Không tìm thấy công dân “033099999999” trong phạm vi của bạn."),
        ("cuong", "abc", "Không tìm thấy công dân “abc” trong phạm vi của bạn."),
        # van may not reach dung (village A2): he is "not found", not revealed
        ("van", "DUNG", "Không tìm thấy công dân “{dung}” trong phạm vi của bạn."),
    ],
)
def test_add_member_refusals_are_explained_and_change_nothing(
    world, as_user, a1, persona, ref, message
):
    dung = world.citizens["dung"]
    ref = ref.replace("DUNG", str(dung.pk))
    client = as_user(persona)
    before = audit_count()
    response = client.post(
        f"/so/ho/{a1.pk}/them-thanh-vien/", {"citizen": ref, "relation": "child"}
    )
    assert follow_flashes(client, response) == [message.format(dung=dung.pk)]
    assert audit_count() == before
    dung.refresh_from_db()
    assert dung.household == world.households["a2"]


def test_add_member_as_second_head_is_refused(world, as_user, a1):
    dung = world.citizens["dung"]
    client = as_user("cuong")
    response = client.post(
        f"/so/ho/{a1.pk}/them-thanh-vien/", {"citizen": str(dung.pk), "relation": "head"}
    )
    assert follow_flashes(client, response) == ["Hộ đã có chủ hộ; dùng “Đổi chủ hộ”."]
    dung.refresh_from_db()
    assert dung.household == world.households["a2"]


def test_add_dead_person_is_refused(world, as_user, a1):
    dung = world.citizens["dung"]
    dung.status = "deceased"
    dung.save()
    client = as_user("cuong")
    response = client.post(
        f"/so/ho/{a1.pk}/them-thanh-vien/", {"citizen": str(dung.pk), "relation": "parent"}
    )
    assert follow_flashes(client, response) == [
        "Phạm Văn Dũng không còn cư trú; không thêm vào hộ."
    ]


def test_add_member_with_empty_form_is_explained(world, as_user, a1):
    client = as_user("cuong")
    response = client.post(f"/so/ho/{a1.pk}/them-thanh-vien/", {"citizen": "", "relation": ""})
    assert follow_flashes(client, response) == ["Hãy nhập mã hoặc CCCD và chọn quan hệ."]


def test_re_adding_a_member_with_another_relation_only_changes_the_relation(world, as_user, a1):
    """Not a new arrival: the household's movements must not show her coming in again."""
    chau = world.citizens["chau"]
    client = as_user("cuong")
    client.post(
        f"/so/ho/{a1.pk}/them-thanh-vien/", {"citizen": str(chau.pk), "relation": "grandchild"}
    )
    chau.refresh_from_db()
    assert chau.relation == "grandchild" and chau.household_id == a1.pk
    assert events("household.member_in") == []
    assert only_event("citizen.update", chau).changes == {"relation": ["child", "grandchild"]}
    assert "Biến động nhân khẩu" not in household_page(client, a1)


def test_the_head_cannot_be_demoted_by_re_adding_him(world, as_user, a1):
    an = world.citizens["an"]
    client = as_user("cuong")
    before = audit_count()
    response = client.post(
        f"/so/ho/{a1.pk}/them-thanh-vien/", {"citizen": str(an.pk), "relation": "spouse"}
    )
    assert follow_flashes(client, response) == [
        "Người này là chủ hộ; hãy chọn chủ hộ mới (nút “Làm chủ hộ”)."
    ]
    an.refresh_from_db()
    a1.refresh_from_db()
    assert an.relation == "" and a1.head_id == an.pk and audit_count() == before


# --- moving a member to another household --------------------------------------------------


def test_move_member_to_another_household(world, as_user, a1, a2):
    chau = world.citizens["chau"]
    client = as_user("cuong")
    url = f"/so/cong-dan/{chau.pk}/chuyen-ho/"
    response = client.post(url, {"household_code": "PH-002", "relation": "grandchild"})
    assert response["Location"] == f"/so/ho/{a1.pk}/"  # back to the household she left
    assert follow_flashes(client, response) == [
        "Đã chuyển Nguyễn Minh Châu sang Hộ PH-002 — Phạm Văn Dũng."
    ]
    chau.refresh_from_db()
    assert (chau.household_id, chau.relation, chau.village_id) == (
        a2.pk,
        "grandchild",
        world.village_a2.pk,
    )
    move = only_event("citizen.move", chau)
    assert move.actor == world.users["cuong"]
    assert move.changes == {
        "household": ["Hộ PH-001 — Nguyễn Văn An", "Hộ PH-002 — Phạm Văn Dũng"],
        "relation": ["child", "grandchild"],
        "village": ["Thôn Đông Tảo", "Thôn An Lạc"],
    }
    assert only_event("household.member_out", a1).changes == {"member": ["Nguyễn Minh Châu", None]}
    assert only_event("household.member_in", a2).changes == {"member": [None, "Nguyễn Minh Châu"]}
    page = household_page(client, a1)
    assert "Nguyễn Minh Châu" not in section(page, "Thành viên (2)")
    assert "Nguyễn Minh Châu ra khỏi hộ" in section(page, "Biến động nhân khẩu")
    assert "Nguyễn Minh Châu" in section(household_page(client, a2), "Thành viên (2)")

    before = audit_count()
    client.post(url, {"household_code": "PH-002", "relation": "grandchild"})
    assert audit_count() == before


def test_move_to_unknown_or_foreign_household_is_refused(world, as_user):
    chau = world.citizens["chau"]
    client = as_user("cuong")
    before = audit_count()
    for code in ("PH-404", "KC-001"):  # KC-001 exists, in commune B
        response = client.post(
            f"/so/cong-dan/{chau.pk}/chuyen-ho/", {"household_code": code, "relation": "child"}
        )
        assert follow_flashes(client, response) == [f"Không có hộ mã “{code}” trong xã."]
    chau.refresh_from_db()
    assert chau.household == world.households["a1"] and audit_count() == before


def test_moving_the_head_away_leaves_the_household_headless(world, as_user, a1, a2):
    an = world.citizens["an"]
    client = as_user("cuong")
    client.post(
        f"/so/cong-dan/{an.pk}/chuyen-ho/", {"household_code": "PH-002", "relation": "sibling"}
    )
    a1.refresh_from_db()
    assert a1.head_id is None
    assert only_event("household.head", a1).changes == {"head": ["Nguyễn Văn An", None]}
    assert "Chưa có — hãy chọn chủ hộ" in household_page(client, a1)


# --- changing the head -----------------------------------------------------------------


def test_change_head_sets_the_old_heads_new_relation(world, as_user, a1):
    an, lan = world.citizens["an"], world.citizens["lan"]
    client = as_user("van")
    url = f"/so/ho/{a1.pk}/chu-ho/{lan.pk}/"
    response = client.post(url, {"previous_relation": "spouse"})
    assert follow_flashes(client, response) == ["Chủ hộ mới: Lê Thị Lan."]
    a1.refresh_from_db()
    an.refresh_from_db()
    lan.refresh_from_db()
    assert a1.head_id == lan.pk
    assert (an.relation, lan.relation) == ("spouse", "")  # the head: Household.head alone
    van = world.users["van"]
    head = only_event("household.head", a1)
    assert (head.actor, head.changes) == (van, {"head": ["Nguyễn Văn An", "Lê Thị Lan"]})
    old = only_event("citizen.update", an)
    assert (old.actor, old.changes) == (van, {"relation": ["head", "spouse"]})
    new = only_event("citizen.update", lan)
    assert (new.actor, new.changes) == (van, {"relation": ["spouse", "head"]})
    page = household_page(client, a1)
    assert "<h1>Hộ PH-001 — Lê Thị Lan</h1>" in page

    before = audit_count()
    client.post(url, {"previous_relation": "other"})
    assert audit_count() == before
    an.refresh_from_db()
    assert an.relation == "spouse"


def test_change_head_with_a_bad_previous_relation_uses_other(world, as_user, a1):
    an, chau = world.citizens["an"], world.citizens["chau"]
    as_user("cuong").post(f"/so/ho/{a1.pk}/chu-ho/{chau.pk}/", {"previous_relation": "head"})
    an.refresh_from_db()
    assert an.relation == "other"


def test_change_head_to_a_non_member_is_refused(world, as_user, a1):
    dung = world.citizens["dung"]
    client = as_user("cuong")
    before = audit_count()
    response = client.post(f"/so/ho/{a1.pk}/chu-ho/{dung.pk}/", {"previous_relation": "spouse"})
    assert follow_flashes(client, response) == ["Chủ hộ mới phải là thành viên đang cư trú của hộ."]
    a1.refresh_from_db()
    assert a1.head == world.citizens["an"] and audit_count() == before


def test_head_change_is_get_proof(world, as_user, a1):
    before = audit_count()
    response = as_user("cuong").get(f"/so/ho/{a1.pk}/chu-ho/{world.citizens['lan'].pk}/")
    assert response.status_code == 405
    a1.refresh_from_db()
    assert a1.head == world.citizens["an"] and audit_count() == before


# --- death and move-away -----------------------------------------------------------------


def test_death_of_the_head(world, as_user, a1):
    an = world.citizens["an"]
    client = as_user("cuong")
    url = f"/so/cong-dan/{an.pk}/tinh-trang/deceased/"
    form = client.get(url)
    assert form.status_code == 200 and "Đã mất: Nguyễn Văn An" in form.content.decode()
    response = client.post(url, {"on": "15/01/2025", "note": "Bệnh"})
    assert response["Location"] == f"/so/cong-dan/{an.pk}/"
    assert follow_flashes(client, response) == ["Đã ghi: Đã mất."]
    an.refresh_from_db()
    a1.refresh_from_db()
    assert (an.status, an.status_date) == ("deceased", dt.date(2025, 1, 15))
    assert a1.head_id is None and an.household_id == a1.pk  # stays on record, marked
    cuong = world.users["cuong"]
    died = only_event("citizen.deceased", an)
    assert (died.actor, died.note) == (cuong, "Bệnh")
    assert died.changes == {"status": ["active", "deceased"], "status_date": [None, "2025-01-15"]}
    out = only_event("household.member_out", a1)
    assert (out.actor, out.changes, out.note) == (
        cuong,
        {"member": ["Nguyễn Văn An", None]},
        "Đã mất",
    )
    assert only_event("household.head", a1).changes == {"head": ["Nguyễn Văn An", None]}

    page = household_page(client, a1)
    assert "Nguyễn Văn An" not in section(page, "Thành viên (2)")
    assert "Nguyễn Văn An</a> — Đã mất 15/01/2025" in section(page, "Thành viên trước đây")
    assert "Nguyễn Văn An ra khỏi hộ (Đã mất)" in section(page, "Biến động nhân khẩu")
    assert "Chưa có — hãy chọn chủ hộ" in page
    detail = client.get(f"/so/cong-dan/{an.pk}/").content.decode()
    assert "Đã mất (15/01/2025)" in detail

    before = audit_count()
    client.post(url, {"on": "16/01/2025"})
    assert audit_count() == before
    an.refresh_from_db()
    assert an.status_date == dt.date(2025, 1, 15)


def test_move_away_of_a_member_keeps_the_head(world, as_user, a1):
    chau = world.citizens["chau"]
    client = as_user("van")
    client.post(f"/so/cong-dan/{chau.pk}/tinh-trang/moved/", {"on": "01/09/2024"})
    chau.refresh_from_db()
    a1.refresh_from_db()
    assert chau.status == "moved" and a1.head == world.citizens["an"]
    assert only_event("citizen.moved", chau).actor == world.users["van"]
    assert only_event("household.member_out", a1).note == "Đã chuyển đi"
    assert events("household.head") == []
    page = household_page(client, a1)
    assert "Nguyễn Minh Châu</a> — Đã chuyển đi 01/09/2024" in section(page, "Thành viên trước đây")
    assert "Nguyễn Minh Châu ra khỏi hộ (Đã chuyển đi)" in section(page, "Biến động nhân khẩu")
    # the citizen list shows residents only, unless asked for those who left
    names = [c.full_name for c in client.get("/so/cong-dan/").context["page"]]
    assert "Nguyễn Minh Châu" not in names
    names = [c.full_name for c in client.get("/so/cong-dan/?tinh_trang=moved").context["page"]]
    assert names == ["Nguyễn Minh Châu"]


@pytest.mark.parametrize(
    ("on", "message"),
    [
        ("01/01/2011", "Ngày không được trước ngày sinh."),  # chau was born in 2012
        ("31/02/2025", "Nhập một ngày hợp lệ."),
        ("", "Trường này là bắt buộc."),
    ],
)
def test_status_date_is_checked(world, as_user, on, message):
    chau = world.citizens["chau"]
    response = as_user("cuong").post(f"/so/cong-dan/{chau.pk}/tinh-trang/moved/", {"on": on})
    assert response.status_code == 200
    assert response.context["form"].errors["on"] == [message]
    chau.refresh_from_db()
    assert chau.status == "active"


def test_status_date_in_the_future_is_refused(world, as_user):
    chau = world.citizens["chau"]
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    response = as_user("cuong").post(
        f"/so/cong-dan/{chau.pk}/tinh-trang/deceased/", {"on": tomorrow}
    )
    assert response.context["form"].errors["on"] == ["Ngày không được ở tương lai."]


def test_return_after_moving_away(world, as_user):
    chau = world.citizens["chau"]
    client = as_user("cuong")
    client.post(f"/so/cong-dan/{chau.pk}/tinh-trang/moved/", {"on": "01/09/2024"})
    detail = client.get(f"/so/cong-dan/{chau.pk}/").content.decode()
    assert "Ghi cư trú trở lại" in detail and "Ghi đã mất" not in detail
    client.post(f"/so/cong-dan/{chau.pk}/tinh-trang/active/", {"on": "01/06/2025"})
    chau.refresh_from_db()
    assert chau.status == "active"
    assert only_event("citizen.active", chau).changes == {
        "status": ["moved", "active"],
        "status_date": ["2024-09-01", "2025-06-01"],
    }


# --- new people and the households' own data ------------------------------------------------


def test_new_person_added_straight_into_a_household(world, as_user, a1):
    client = as_user("cuong")
    url = f"/so/cong-dan/them/?ho={a1.pk}"
    form = client.get(url)
    assert form.status_code == 200
    # a new member lives in the household's village: it is the only choice
    assert list(form.context["form"].fields["village"].queryset) == [world.village_a1]
    response = client.post(
        url,
        {
            "full_name": "Nguyễn Văn Bé",
            "gender": "male",
            "birth": "03/04/2024",
            "occupation": "other",
            "village": world.village_a1.pk,
            "relation": "child",
            "ho": a1.pk,
        },
    )
    assert response["Location"] == f"/so/ho/{a1.pk}/"
    baby = Citizen.objects.get(full_name="Nguyễn Văn Bé")
    assert (baby.household_id, baby.relation, baby.birth_date) == (
        a1.pk,
        "child",
        dt.date(2024, 4, 3),
    )
    assert only_event("citizen.create", baby).actor == world.users["cuong"]
    assert only_event("household.member_in", a1).changes == {"member": [None, "Nguyễn Văn Bé"]}
    assert "Nguyễn Văn Bé vào hộ" in section(household_page(client, a1), "Biến động nhân khẩu")


def test_new_person_in_a_household_must_live_in_its_village(world, as_user, a1):
    response = as_user("cuong").post(
        f"/so/cong-dan/them/?ho={a1.pk}",
        {
            "full_name": "Nguyễn Văn Bé",
            "gender": "male",
            "birth": "2024",
            "occupation": "other",
            "village": world.village_a2.pk,
            "ho": a1.pk,
        },
    )
    assert response.status_code == 200 and "village" in response.context["form"].errors
    assert not Citizen.objects.filter(full_name="Nguyễn Văn Bé").exists()


def test_new_person_cannot_be_a_second_head(world, as_user, a1):
    response = as_user("cuong").post(
        f"/so/cong-dan/them/?ho={a1.pk}",
        {
            "full_name": "Nguyễn Văn Bé",
            "gender": "male",
            "birth": "2000",
            "occupation": "other",
            "village": world.village_a1.pk,
            "relation": "head",
            "ho": a1.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["relation"] == ["Hộ đã có chủ hộ; dùng “Đổi chủ hộ”."]
    a1.refresh_from_db()
    assert a1.head == world.citizens["an"]
    assert not Citizen.objects.filter(full_name="Nguyễn Văn Bé").exists()


def test_new_household_and_its_first_head(world, as_user):
    client = as_user("van")
    response = client.post(
        "/so/ho/them/", {"code": "PH-010", "village": world.village_a1.pk, "address": "Xóm 3"}
    )
    household = Household.objects.get(code="PH-010")
    assert response["Location"] == f"/so/ho/{household.pk}/"
    assert household.commune == world.commune_a and household.village == world.village_a1
    created = only_event("household.create", household)
    assert created.actor == world.users["van"]
    assert created.changes["code"] == [None, "PH-010"]
    # a person added as head becomes the household's head
    client.post(
        f"/so/cong-dan/them/?ho={household.pk}",
        {
            "full_name": "Vũ Văn Chủ",
            "gender": "male",
            "birth": "1970",
            "occupation": "farmer",
            "village": world.village_a1.pk,
            "relation": "head",
            "ho": household.pk,
        },
    )
    household.refresh_from_db()
    assert household.head.full_name == "Vũ Văn Chủ"
    assert only_event("household.head", household).changes == {"head": [None, "Vũ Văn Chủ"]}


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("PH-001", "Mã hộ PH-001 đã có ở Phường Phố Hiến."),
        ("PH 001", "Mã hộ chỉ gồm chữ không dấu, số và . _ / -"),
        ("PHĐ-1", "Mã hộ chỉ gồm chữ không dấu, số và . _ / -"),
    ],
)
def test_household_code_errors(world, as_user, code, message):
    response = as_user("cuong").post(
        "/so/ho/them/", {"code": code, "village": world.village_a1.pk, "xa": world.commune_a.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [message]
    assert Household.objects.count() == 3


def test_household_code_may_repeat_in_another_commune(world, as_user):
    response = as_user("binh").post(
        "/so/ho/them/", {"code": "PH-001", "village": world.village_b1.pk}
    )
    assert response.status_code == 302
    assert Household.objects.filter(code="PH-001").count() == 2


def test_moving_a_household_to_another_village_moves_its_people(world, as_user, a1):
    client = as_user("cuong")
    response = client.post(
        f"/so/ho/{a1.pk}/sua/",
        {"code": "PH-001", "village": world.village_a2.pk, "clan": world.clan_a.pk},
    )
    assert response.status_code == 302
    assert set(Citizen.objects.filter(household=a1).values_list("village", flat=True)) == {
        world.village_a2.pk
    }
    update = only_event("household.update", a1)
    assert update.changes == {"village": ["Thôn Đông Tảo", "Thôn An Lạc"]}


def test_editing_a_household_of_another_communes_clan_keeps_the_clan(world, as_user):
    """KC-001 (commune B) belongs to clan_a of commune A: saving its form unchanged must
    not drop it from the clan."""
    kc = world.households["b1"]
    client = as_user("binh")
    page = client.get(f"/so/ho/{kc.pk}/sua/")
    form = page.context["form"]
    assert world.clan_a in form.fields["clan"].queryset
    assert world.clan_b in form.fields["clan"].queryset
    response = client.post(
        f"/so/ho/{kc.pk}/sua/",
        {
            "code": "KC-001",
            "village": world.village_b1.pk,
            "clan": form["clan"].value(),
            "address": "Đội 5",
        },
    )
    assert response.status_code == 302
    kc.refresh_from_db()
    assert kc.clan == world.clan_a and kc.address == "Đội 5"
    assert only_event("household.update", kc).changes == {"address": ["", "Đội 5"]}


def test_saving_an_unchanged_household_form_records_nothing(world, as_user, a1):
    client = as_user("cuong")
    before = audit_count()
    response = client.post(
        f"/so/ho/{a1.pk}/sua/",
        {"code": "PH-001", "village": world.village_a1.pk, "clan": world.clan_a.pk},
    )
    assert response.status_code == 302 and audit_count() == before


def test_household_search_and_filters(world, as_user):
    make_household(world.village_a2, "PH-020")
    client = as_user("cuong")

    def codes(**params):
        return [h.code for h in client.get("/so/ho/", params).context["page"]]

    assert codes() == ["PH-001", "PH-002", "PH-020"]
    assert codes(q="nguyen van an") == ["PH-001"]  # found by the head's name
    assert codes(q="ph-02") == ["PH-020"]
    assert codes(thon=world.village_a2.pk) == ["PH-002", "PH-020"]
    assert codes(dong_ho="co") == ["PH-001"]
    assert codes(dong_ho="khong") == ["PH-002", "PH-020"]
    assert codes(sap="-ma") == ["PH-020", "PH-002", "PH-001"]
    assert codes(thon=world.village_b1.pk) == []  # a village outside his commune
