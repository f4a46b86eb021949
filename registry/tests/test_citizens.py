"""Citizens through the pages: create and edit with their checks, the list, merge, history."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from audit.models import AuditEvent
from conftest import make_citizen
from registry.models import Citizen, Clan, Organisation
from registry.tests.pages import audit_count, form_data, listed

CREATE = "/so/cong-dan/them/"


def person(world, **extra):
    return {
        "full_name": "Trần Văn Hải",
        "gender": "male",
        "birth": "12/05/1980",
        "occupation": "farmer",
        "village": world.village_a1.pk,
        **extra,
    }


def errors_of(response) -> dict[str, list[str]]:
    assert response.status_code == 200, response.status_code
    return dict(response.context["form"].errors)


# --- creating ------------------------------------------------------------------------


def test_create_citizen(world, as_user):
    client = as_user("cuong")
    form = client.get(CREATE)
    assert form.status_code == 200
    assert set(form.context["form"].fields["village"].queryset) == {
        world.village_a1,
        world.village_a2,
    }
    assert list(form.context["form"].fields["workplace"].queryset) == [world.org_a]
    response = client.post(
        CREATE,
        person(
            world,
            identity_number="0330 8000 0456",
            phone="+84 911 111 111",
            workplace=world.org_a.pk,
            in_school="false",
        ),
    )
    hai = Citizen.objects.get(full_name="Trần Văn Hải")
    assert response["Location"] == f"/so/cong-dan/{hai.pk}/"
    assert (hai.identity_number, hai.phone, hai.birth_year, hai.in_school) == (
        "033080000456",
        "0911111111",
        1980,
        False,
    )
    assert (hai.commune, hai.workplace, hai.ethnicity) == (world.commune_a, world.org_a, "Kinh")
    event = AuditEvent.objects.get(action="citizen.create")
    assert event.actor == world.users["cuong"] and event.object_id == str(hai.pk)
    assert event.changes["identity_number"] == [None, "033080000456"]
    assert event.changes["full_name"] == [None, "Trần Văn Hải"]
    page = client.get(response["Location"]).content.decode()
    # the identity number is masked on the page until the officer asks to see it
    assert "Đã thêm Trần Văn Hải." in page and "•••••••••456" in page
    assert "033080000456" not in page
    assert "033080000456" in client.get(response["Location"] + "?hien=cccd").content.decode()


def test_province_admin_picks_the_commune_first(world, as_user):
    client = as_user("alice")
    chooser = client.get(CREATE)
    assert chooser.status_code == 200
    assert len(chooser.context["communes"]) == 104
    link = f'href="/so/cong-dan/them/?xa={world.commune_b.pk}"'
    assert link in chooser.content.decode()
    form = client.get(f"{CREATE}?xa={world.commune_b.pk}")
    assert list(form.context["form"].fields["village"].queryset) == [world.village_b1]
    response = client.post(
        CREATE, person(world, village=world.village_b1.pk, xa=world.commune_b.pk)
    )
    assert response.status_code == 302
    assert Citizen.objects.get(full_name="Trần Văn Hải").commune == world.commune_b


def test_village_officer_creates_in_her_village_only(world, as_user):
    client = as_user("van")
    form = client.get(CREATE)
    assert list(form.context["form"].fields["village"].queryset) == [world.village_a1]
    response = client.post(CREATE, person(world, village=world.village_a2.pk))
    assert "village" in errors_of(response)
    assert not Citizen.objects.filter(full_name="Trần Văn Hải").exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"identity_number": "03308000045"},
            "Số CCCD phải có đúng 12 chữ số (đang có 11).",
        ),
        (
            {"identity_number": "0330800004567"},
            "Số CCCD phải có đúng 12 chữ số (đang có 13).",
        ),
        (
            {"identity_number": "003080000456"},
            "Ba số đầu của CCCD (003) không phải mã tỉnh hợp lệ.",
        ),
        (
            {"identity_number": "033180000456"},
            "Số thứ 4 của CCCD (1) ứng với giới tính nữ, không khớp với giới tính đã ghi.",
        ),
        (
            {"identity_number": "033081000456"},
            "CCCD ứng với năm sinh 1981, không khớp với năm sinh 1980.",
        ),
        (
            {"identity_number": "033280000456"},
            "CCCD ứng với năm sinh 2080, không khớp với năm sinh 1980.",
        ),
        ({"identity_number": "0330800O0456"}, "Số CCCD chỉ gồm chữ số."),
    ],
)
def test_bad_identity_numbers_are_explained_in_vietnamese(world, as_user, fields, message):
    response = as_user("cuong").post(CREATE, person(world, **fields))
    assert errors_of(response) == {"identity_number": [message]}
    assert not Citizen.objects.filter(full_name="Trần Văn Hải").exists()


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"full_name": "   "}, {"full_name": ["Trường này là bắt buộc."]}),
        (
            {"birth": "31/02/1980"},
            {"birth": ["Ngày sinh phải ghi dạng dd/mm/yyyy hoặc chỉ năm (yyyy)."]},
        ),
        ({"birth": "01/01/2999"}, {"birth": ["Ngày sinh không được ở tương lai."]}),
        ({"birth": "1850"}, {"birth": ["Năm sinh không hợp lý (trước 1900)."]}),
        ({"phone": "12345"}, {"phone": ["Số điện thoại phải có 10 chữ số, bắt đầu bằng 0."]}),
        ({"in_school": "maybe"}, {"in_school": ["Ghi “Có” hoặc “Không”."]}),
    ],
)
def test_other_field_errors(world, as_user, fields, errors):
    response = as_user("cuong").post(CREATE, person(world, **fields))
    assert errors_of(response) == errors
    assert Citizen.objects.count() == 5


def test_identity_number_already_registered_is_refused(world, as_user):
    # An's number (033075000123) given to someone else of the right gender and year
    response = as_user("cuong").post(
        CREATE, person(world, birth="1975", identity_number="033075000123")
    )
    assert errors_of(response) == {
        "identity_number": ["Số CCCD 033075000123 đã được đăng ký cho một công dân khác."]
    }
    # even when the holder lives in a commune the officer cannot see
    em = world.citizens["em"]
    em.identity_number = "033190000001"
    em.save()
    response = as_user("cuong").post(
        CREATE,
        person(
            world,
            full_name="Lê Thị Na",
            gender="female",
            birth="1990",
            identity_number="033190000001",
        ),
    )
    assert errors_of(response) == {
        "identity_number": ["Số CCCD 033190000001 đã được đăng ký cho một công dân khác."]
    }
    assert Citizen.objects.count() == 5


def test_possible_duplicate_warns_and_saves_only_when_confirmed(world, as_user):
    client = as_user("cuong")
    an = world.citizens["an"]
    # "Ân" folds to the same name as "An": same birth year, same village
    data = person(world, full_name="Nguyễn Văn Ân", birth="1975")
    response = client.post(CREATE, data)
    assert errors_of(response) == {
        "confirm_duplicate": [
            f"Có thể trùng với hồ sơ đã có: Nguyễn Văn An (1975, mã {an.pk}). "
            "Kiểm tra lại, hoặc xác nhận để vẫn lưu."
        ]
    }
    page = response.content.decode()
    assert "Tôi đã kiểm tra: đây là người khác, vẫn lưu" in page
    assert not Citizen.objects.filter(full_name="Nguyễn Văn Ân").exists()
    response = client.post(CREATE, {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    an_bis = Citizen.objects.get(full_name="Nguyễn Văn Ân")
    # and the detail pages point at each other
    page = client.get(f"/so/cong-dan/{an_bis.pk}/").content.decode()
    assert f"Nguyễn Văn An (mã {an.pk})" in page and "hãy gộp hồ sơ" in page


@pytest.mark.parametrize(
    "changes",
    [
        {"birth": "1976"},  # another year
        {"village": "a2"},  # another village
        {"full_name": "Nguyễn Văn Anh"},  # another name
    ],
)
def test_no_duplicate_warning_when_year_village_or_name_differs(world, as_user, changes):
    data = person(world, full_name="Nguyễn Văn An", birth="1975")
    if changes.get("village") == "a2":
        changes = {"village": world.village_a2.pk}
    data = {**data, **changes}
    an = world.citizens["an"]
    before = set(Citizen.objects.values_list("pk", flat=True))
    client = as_user("cuong")
    response = client.post(CREATE, data)
    # saved at once, without the confirmation box: exactly one new record, audited
    (created,) = Citizen.objects.exclude(pk__in=before)
    assert response["Location"] == f"/so/cong-dan/{created.pk}/"
    assert (created.full_name, created.birth_year, created.village_id) == (
        data["full_name"],
        int(data["birth"]),
        data["village"],
    )
    event = AuditEvent.objects.get(action="citizen.create")
    assert event.object_id == str(created.pk) and event.actor == world.users["cuong"]
    # and the new record's page does not point at An as a possible duplicate
    page = client.get(response["Location"]).content.decode()
    assert "hãy gộp hồ sơ" not in page and f"(mã {an.pk})" not in page


def test_deceased_namesake_is_no_duplicate(world, as_user):
    an = world.citizens["an"]
    an.status = "deceased"
    an.save()
    client = as_user("cuong")
    response = client.post(CREATE, person(world, full_name="Nguyễn Văn An", birth="1975"))
    # saved at once, without the confirmation box: a second An, alive, beside the deceased one
    (created,) = Citizen.objects.filter(full_name="Nguyễn Văn An").exclude(pk=an.pk)
    assert response["Location"] == f"/so/cong-dan/{created.pk}/"
    assert (created.birth_year, created.village, created.status) == (
        1975,
        world.village_a1,
        "active",
    )
    assert AuditEvent.objects.get(action="citizen.create").object_id == str(created.pk)
    an.refresh_from_db()
    assert an.status == "deceased"  # the namesake's record is untouched
    page = client.get(response["Location"]).content.decode()
    assert "hãy gộp hồ sơ" not in page


def test_decomposed_input_is_stored_composed(world, as_user):
    nfd = unicodedata.normalize("NFD", "  Nguyễn   Thị Hằng ")
    assert nfd.strip() != "Nguyễn Thị Hằng"
    client = as_user("cuong")
    response = client.post(
        CREATE,
        person(
            world, full_name=nfd, gender="female", ethnicity=unicodedata.normalize("NFD", "Mường")
        ),
    )
    assert response.status_code == 302
    hang = Citizen.objects.get(full_name="Nguyễn Thị Hằng")
    assert unicodedata.is_normalized("NFC", hang.full_name) and hang.ethnicity == "Mường"
    assert listed(client.get("/so/cong-dan/", {"q": "hang"})) == ["Nguyễn Thị Hằng"]
    assert listed(client.get("/so/cong-dan/", {"q": unicodedata.normalize("NFD", "Hằng")})) == [
        "Nguyễn Thị Hằng"
    ]


# --- editing -------------------------------------------------------------------------


def test_edit_records_exactly_what_changed(world, as_user):
    an = world.citizens["an"]
    client = as_user("van")
    page = client.get(f"/so/cong-dan/{an.pk}/sua/")
    data = form_data(page)
    assert data["birth"] == "1975" and data["identity_number"] == "033075000123"
    response = client.post(f"/so/cong-dan/{an.pk}/sua/", {**data, "phone": "0987 654 321"})
    assert response["Location"] == f"/so/cong-dan/{an.pk}/"
    an.refresh_from_db()
    assert an.phone == "0987654321"
    event = AuditEvent.objects.get(action="citizen.update")
    assert (event.actor, event.object_id) == (world.users["van"], str(an.pk))
    assert event.changes == {"phone": ["0901234567", "0987654321"]}
    # saving the form unchanged records nothing
    before = audit_count()
    client.post(f"/so/cong-dan/{an.pk}/sua/", form_data(client.get(f"/so/cong-dan/{an.pk}/sua/")))
    assert audit_count() == before
    # and the record's history page shows the change
    history = client.get(f"/so/cong-dan/{an.pk}/lich-su/").content.decode()
    assert "Sửa thông tin công dân" in history and "0901234567 → 0987654321" in history
    assert "citizen.update" not in history and "phone" not in history


def test_edit_keeps_own_identity_number_and_refuses_anothers(world, as_user):
    lan = world.citizens["lan"]
    client = as_user("cuong")
    data = form_data(client.get(f"/so/cong-dan/{lan.pk}/sua/"))
    response = client.post(
        f"/so/cong-dan/{lan.pk}/sua/", {**data, "identity_number": "033178000999"}
    )
    assert response.status_code == 302
    lan.refresh_from_db()
    assert lan.identity_number == "033178000999"
    response = client.post(
        f"/so/cong-dan/{lan.pk}/sua/",
        {**data, "identity_number": "033075000123", "gender": "male", "birth": "1975"},
    )
    assert errors_of(response) == {
        "identity_number": ["Số CCCD 033075000123 đã được đăng ký cho một công dân khác."]
    }


def test_edit_into_a_namesake_warns(world, as_user):
    anh = make_citizen(world.village_a1, "Nguyễn Văn Anh", 1975)
    client = as_user("cuong")
    data = {**form_data(client.get(f"/so/cong-dan/{anh.pk}/sua/")), "full_name": "Nguyễn Văn An"}
    response = client.post(f"/so/cong-dan/{anh.pk}/sua/", data)
    assert list(errors_of(response)) == ["confirm_duplicate"]
    anh.refresh_from_db()
    assert anh.full_name == "Nguyễn Văn Anh"
    response = client.post(f"/so/cong-dan/{anh.pk}/sua/", {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    anh.refresh_from_db()
    assert anh.full_name == "Nguyễn Văn An"


def test_edit_cannot_move_a_household_member_out_of_the_households_village(world, as_user):
    chau = world.citizens["chau"]
    client = as_user("cuong")
    data = form_data(client.get(f"/so/cong-dan/{chau.pk}/sua/"))
    response = client.post(f"/so/cong-dan/{chau.pk}/sua/", {**data, "village": world.village_a2.pk})
    assert errors_of(response) == {
        "village": [
            "Nguyễn Minh Châu thuộc Hộ PH-001 — Nguyễn Văn An ở Thôn Đông Tảo; "
            "muốn đổi nơi ở, hãy chuyển người này sang hộ khác."
        ]
    }
    chau.refresh_from_db()
    assert chau.village == world.village_a1


@pytest.mark.parametrize(("who", "relation"), [("lan", "head"), ("an", "spouse")])
def test_edit_cannot_change_who_heads_the_household(world, as_user, who, relation):
    citizen = world.citizens[who]
    client = as_user("cuong")
    data = form_data(client.get(f"/so/cong-dan/{citizen.pk}/sua/"))
    response = client.post(f"/so/cong-dan/{citizen.pk}/sua/", {**data, "relation": relation})
    assert errors_of(response) == {
        "relation": ["Đổi chủ hộ ở trang hộ gia đình (nút “Làm chủ hộ”)."]
    }
    household = world.households["a1"]
    household.refresh_from_db()
    assert household.head == world.citizens["an"]


def test_edit_keeps_a_workplace_in_another_commune(world, as_user):
    """Em (commune B) works at org_a (commune A): her commune's officer edits her phone."""
    em = world.citizens["em"]
    response = as_user("alice").post(
        f"/so/don-vi/{world.org_a.pk}/them-nguoi/", {"citizen": str(em.pk)}
    )
    assert response.status_code == 302
    em.refresh_from_db()
    assert em.workplace == world.org_a
    client = as_user("binh")
    page = client.get(f"/so/cong-dan/{em.pk}/sua/")
    assert world.org_a in page.context["form"].fields["workplace"].queryset
    assert world.org_b in page.context["form"].fields["workplace"].queryset
    response = client.post(f"/so/cong-dan/{em.pk}/sua/", {**form_data(page), "phone": "0933333333"})
    assert response.status_code == 302
    em.refresh_from_db()
    assert (em.phone, em.workplace) == ("0933333333", world.org_a)
    assert AuditEvent.objects.get(action="citizen.update").changes == {"phone": ["", "0933333333"]}


# --- the list ------------------------------------------------------------------------


@pytest.fixture
def more_people(world):
    gam = make_citizen(
        world.village_a2,
        "Đỗ Thị Gấm",
        1999,
        "female",
        occupation="worker",
        identity_number="033199000321",
    )
    gone = make_citizen(world.village_a2, "Vũ Văn Cũ", 1940, status="deceased")
    return {"gam": gam, "gone": gone}


def names(client, **params) -> list[str]:
    return listed(client.get("/so/cong-dan/", params))


def test_search_ignores_case_and_diacritics(world, as_user, more_people):
    client = as_user("cuong")
    assert names(client, q="nguyen van an") == ["Nguyễn Văn An"]
    assert names(client, q="NGUYỄN") == ["Nguyễn Minh Châu", "Nguyễn Văn An"]
    assert names(client, q="do thi gam") == ["Đỗ Thị Gấm"]
    assert names(client, q="  minh   chau ") == ["Nguyễn Minh Châu"]
    assert names(client, q="0901234567") == ["Nguyễn Văn An"]  # phone
    assert names(client, q="033199000321") == ["Đỗ Thị Gấm"]  # CCCD
    assert names(client, q="tran thi em") == []  # commune B, out of his scope
    page = client.get("/so/cong-dan/", {"q": "nguyen van an"}).content.decode()
    assert 'value="nguyen van an"' in page


def test_filters(world, as_user, more_people):
    client = as_user("cuong")
    a1, a2 = world.village_a1.pk, world.village_a2.pk
    assert names(client) == [
        "Đỗ Thị Gấm",
        "Lê Thị Lan",
        "Nguyễn Minh Châu",
        "Nguyễn Văn An",
        "Phạm Văn Dũng",
    ]
    assert names(client, thon=a1) == ["Lê Thị Lan", "Nguyễn Minh Châu", "Nguyễn Văn An"]
    assert names(client, thon=a2) == ["Đỗ Thị Gấm", "Phạm Văn Dũng"]
    assert names(client, xa=world.commune_a.pk, thon=a2) == ["Đỗ Thị Gấm", "Phạm Văn Dũng"]
    assert names(client, thon=world.village_b1.pk) == []
    assert names(client, xa=world.commune_b.pk) == []
    assert names(client, nghe="worker") == ["Đỗ Thị Gấm"]
    assert names(client, gioi="female") == ["Đỗ Thị Gấm", "Lê Thị Lan", "Nguyễn Minh Châu"]
    assert names(client, gioi="male", thon=a1) == ["Nguyễn Văn An"]
    assert names(client, cccd="co") == ["Đỗ Thị Gấm", "Nguyễn Văn An"]
    assert names(client, cccd="khong") == ["Lê Thị Lan", "Nguyễn Minh Châu", "Phạm Văn Dũng"]
    assert names(client, tinh_trang="deceased") == ["Vũ Văn Cũ"]
    assert len(names(client, tinh_trang="tat-ca")) == 6  # any other value: every status
    assert names(client, gioi="x", nghe="x", cccd="x") == names(client)  # unknown values ignored
    # the village choice is offered for his commune, with the chosen one selected
    page = client.get("/so/cong-dan/", {"thon": a2}).content.decode()
    assert f'<option value="{a2}" selected>Thôn An Lạc</option>' in page
    # the export button carries the filters
    assert f"/so/cong-dan/xuat.xlsx?thon={a2}" in page


def test_sorting(world, as_user, more_people):
    client = as_user("cuong")
    by_year = ["Phạm Văn Dũng", "Nguyễn Văn An", "Lê Thị Lan", "Đỗ Thị Gấm", "Nguyễn Minh Châu"]
    assert names(client, sap="nam") == by_year
    assert names(client, sap="-nam") == by_year[::-1]
    assert names(client, sap="-ten") == names(client, sap="ten")[::-1]
    assert names(client, sap="moi")[0] == "Đỗ Thị Gấm"  # the last one added
    assert names(client, sap="bogus") == names(client, sap="ten")
    page = client.get("/so/cong-dan/", {"sap": "-nam"}).content.decode()
    assert '<option value="-nam" selected>' in page


def test_pagination_keeps_search_and_filters(world, as_user):
    people = []
    for i in range(60):
        c = Citizen(
            commune=world.commune_a,
            village=world.village_a2,
            full_name=f"Người Thử {i:02d}",
            birth_year=1990,
            gender="male" if i % 2 else "female",
        )
        c.refresh_search_key()
        people.append(c)
    Citizen.objects.bulk_create(people)
    client = as_user("cuong")
    first = client.get("/so/cong-dan/", {"q": "nguoi thu"})
    assert len(listed(first)) == 50 and first.context["page"].paginator.count == 60
    assert listed(first)[0] == "Người Thử 00"
    page = first.content.decode()
    assert "Trang 1/2" in page and '<a href="?q=nguoi%20thu&amp;page=2">Sau ›</a>' in page
    second = client.get("/so/cong-dan/", {"q": "nguoi thu", "page": "2"})
    assert listed(second) == [f"Người Thử {i:02d}" for i in range(50, 60)]
    # filters ride along in the pager links, the search once
    desc = client.get(
        "/so/cong-dan/", {"q": "nguoi thu", "thon": world.village_a2.pk, "sap": "-ten"}
    )
    assert listed(desc)[0] == "Người Thử 59"
    link = f'<a href="?q=nguoi%20thu&amp;thon={world.village_a2.pk}&amp;sap=-ten&amp;page=2">'
    assert link in desc.content.decode()
    males = client.get("/so/cong-dan/", {"q": "nguoi thu", "gioi": "male"})
    assert males.context["page"].paginator.count == 30
    assert "Trang 1/" not in males.content.decode()  # one page: no pager
    # a page number out of range shows the last page
    assert listed(client.get("/so/cong-dan/", {"q": "nguoi thu", "page": "99"})) == listed(second)


# --- merging -----------------------------------------------------------------------------


@pytest.fixture
def twins(world, as_user):
    """The same man entered twice: first with CCCD, phone, household and job; then bare."""
    client = as_user("cuong")
    client.post(
        CREATE,
        person(world, identity_number="033080000456", phone="0911111111", workplace=world.org_a.pk),
    )
    full = Citizen.objects.get(identity_number="033080000456")
    client.post(
        f"/so/ho/{world.households['a1'].pk}/them-thanh-vien/",
        {"citizen": str(full.pk), "relation": "sibling"},
    )
    response = client.post(CREATE, {**person(world, birth="1980"), "confirm_duplicate": "on"})
    assert response.status_code == 302
    bare = Citizen.objects.get(full_name="Trần Văn Hải", identity_number=None)
    Clan.objects.filter(pk=world.clan_a.pk).update(head=full)
    Organisation.objects.filter(pk=world.org_a.pk).update(head=full)
    return bare, full


def test_merge_moves_links_and_keeps_the_identity_number(world, as_user, twins):
    bare, full = twins
    client = as_user("cuong")
    detail = client.get(f"/so/cong-dan/{bare.pk}/").content.decode()
    assert f"Trần Văn Hải (mã {full.pk})" in detail
    form = client.get(f"/so/cong-dan/{bare.pk}/gop/")
    assert form.status_code == 200 and "Gộp hồ sơ trùng vào Trần Văn Hải" in form.content.decode()
    response = client.post(f"/so/cong-dan/{bare.pk}/gop/", {"other_id": full.pk})
    assert response["Location"] == f"/so/cong-dan/{bare.pk}/"
    assert not Citizen.objects.filter(pk=full.pk).exists()
    bare.refresh_from_db()
    assert bare.identity_number == "033080000456"
    assert bare.birth_date == dt.date(1980, 5, 12)  # blanks are filled from the removed record
    assert (bare.phone, bare.workplace, bare.household, bare.relation) == (
        "0911111111",
        world.org_a,
        world.households["a1"],
        "sibling",
    )
    assert Clan.objects.get(pk=world.clan_a.pk).head == bare
    assert Organisation.objects.get(pk=world.org_a.pk).head == bare
    merge = AuditEvent.objects.get(action="citizen.merge")
    assert (merge.actor, merge.object_id) == (world.users["cuong"], str(bare.pk))
    assert merge.changes == {
        "birth_date": [None, "1980-05-12"],
        "household": [None, "Hộ PH-001 — Nguyễn Văn An"],
        "identity_number": [None, "033080000456"],
        "merged_id": [None, full.pk],
        "phone": ["", "0911111111"],
        "relation": ["", "sibling"],
        "workplace": [None, "Trường Tiểu học Phố Hiến"],
    }
    page = client.get(f"/so/cong-dan/{bare.pk}/").content.decode()
    assert "Đã gộp hồ sơ." in page and "Có thể trùng với" not in page

    # the kept record's history includes the removed record's own events
    history = client.get(f"/so/cong-dan/{bare.pk}/lich-su/")
    assert history.status_code == 200
    shown = {(e.object_id, e.action) for e in history.context["events"]}
    assert {
        (str(full.pk), "citizen.create"),
        (str(full.pk), "citizen.move"),
        (str(bare.pk), "citizen.create"),
        (str(bare.pk), "citizen.merge"),
    } <= shown
    html = history.content.decode()
    assert f"Gồm cả lịch sử của các hồ sơ đã gộp vào: mã {full.pk}." in html

    # the removed record is gone; posting the merge again changes nothing
    assert client.get(f"/so/cong-dan/{full.pk}/").status_code == 404
    before = audit_count()
    response = client.post(f"/so/cong-dan/{bare.pk}/gop/", {"other_id": full.pk})
    assert errors_of(response) == {"other_id": ["Không tìm thấy hồ sơ này trong phạm vi của bạn."]}
    assert audit_count() == before


def test_merge_history_follows_chains(world, as_user, twins):
    bare, full = twins
    client = as_user("cuong")
    third = make_citizen(world.village_a1, "Trần Văn Hải", 1980)
    client.post(f"/so/cong-dan/{full.pk}/gop/", {"other_id": bare.pk})
    client.post(f"/so/cong-dan/{third.pk}/gop/", {"other_id": full.pk})
    history = client.get(f"/so/cong-dan/{third.pk}/lich-su/")
    assert {e.object_id for e in history.context["events"]} >= {
        str(third.pk),
        str(full.pk),
        str(bare.pk),
    }
    third.refresh_from_db()
    assert third.identity_number == "033080000456"


@pytest.mark.parametrize(
    ("other", "message"),
    [
        ("self", "Không thể gộp một hồ sơ với chính nó."),
        ("em", "Không tìm thấy hồ sơ này trong phạm vi của bạn."),  # commune B
        ("an", "Hai hồ sơ có số CCCD khác nhau; không phải cùng một người."),
    ],
)
def test_merge_refusals(world, as_user, twins, other, message):
    _bare, full = twins
    target = {"self": full, "em": world.citizens["em"], "an": world.citizens["an"]}[other]
    before = (Citizen.objects.count(), audit_count())
    response = as_user("cuong").post(f"/so/cong-dan/{full.pk}/gop/", {"other_id": target.pk})
    assert errors_of(response) == (
        {"other_id": [message]} if other == "em" else {"__all__": [message]}
    )
    assert (Citizen.objects.count(), audit_count()) == before


def test_detail_page_shows_the_record(world, as_user):
    an = world.citizens["an"]
    page = as_user("hoa").get(f"/so/cong-dan/{an.pk}/").content.decode()
    for text in (
        "Nguyễn Văn An",
        "•••••••••123",  # a clan manager sees identity numbers and phones masked
        "090••••567",
        "Thôn Đông Tảo, Phường Phố Hiến",
        "Chủ hộ",
    ):
        assert text in page
    assert "Lịch sử thay đổi" in page and f"/so/cong-dan/{an.pk}/sua/" not in page


def test_the_heads_form_reads_head_and_saving_it_keeps_one_stored_fact(world, as_user):
    """The head's relation is stored blank (Household.head says who heads): the form
    shows "Chủ hộ", and saving it as it is, or with the relation left blank, changes
    nothing."""
    an = world.citizens["an"]
    client = as_user("cuong")
    data = form_data(client.get(f"/so/cong-dan/{an.pk}/sua/"))
    assert data["relation"] == "head"
    before = AuditEvent.objects.count()
    for relation in ("head", ""):
        response = client.post(f"/so/cong-dan/{an.pk}/sua/", {**data, "relation": relation})
        assert response.status_code == 302
    an.refresh_from_db()
    assert an.relation == "" and world.households["a1"].head_id == an.pk
    assert AuditEvent.objects.count() == before


def test_a_search_with_too_many_matches_shows_the_first_ones_and_says_so(
    world, as_user, monkeypatch
):
    """A search reads its matches' ids once, up to SEARCH_CAP; beyond that it asks for more
    letters instead of counting a million rows."""
    from core import paging

    people = []
    for i in range(12):
        c = Citizen(
            commune=world.commune_a,
            village=world.village_a2,
            full_name=f"Người Thử {i:02d}",
            birth_year=1990,
            gender="male",
        )
        c.refresh_search_key()
        people.append(c)
    Citizen.objects.bulk_create(people)
    client = as_user("cuong")
    monkeypatch.setattr(paging, "SEARCH_CAP", 10)
    response = client.get("/so/cong-dan/", {"q": "nguoi thu"})
    assert response.context["page"].paginator.count == 10
    assert listed(response) == [f"Người Thử {i:02d}" for i in range(10)]
    assert (
        "Chỉ hiện 10 kết quả đầu tiên; hãy gõ thêm để thu hẹp tìm kiếm" in response.content.decode()
    )
    monkeypatch.setattr(paging, "SEARCH_CAP", 12)
    response = client.get("/so/cong-dan/", {"q": "nguoi thu"})
    assert response.context["page"].paginator.count == 12
    assert "hãy gõ thêm" not in response.content.decode()


def test_names_from_their_start_come_first_and_the_others_are_one_click_away(world, as_user):
    """Typed from its start, a name is found from the start of the stored names (the fast
    index); a part of a name that starts no one's name is looked for anywhere; the page
    says which, and links to the other."""
    from registry.tests.pages import column

    make_citizen(world.village_a1, "Hoàng Văn Nam", 1980)
    make_citizen(world.village_a1, "Nguyễn Huy Hoàng", 1985)
    client = as_user("cuong")
    response = client.get("/so/cong-dan/", {"q": "hoang"})
    assert listed(response) == ["Hoàng Văn Nam"]
    page = response.content.decode()
    assert "Đang hiện các tên bắt đầu bằng “hoang”" in page
    assert '<a href="?q=hoang&amp;cach=chua">Tìm cả các tên có “hoang” ở giữa</a>' in page
    everywhere = client.get("/so/cong-dan/", {"q": "hoang", "cach": "chua"})
    assert listed(everywhere) == ["Hoàng Văn Nam", "Nguyễn Huy Hoàng"]
    assert '<a href="?q=hoang">Chỉ các tên bắt đầu bằng “hoang”</a>' in everywhere.content.decode()
    # no name starts with "huy hoang": the list shows those containing it, without a note
    inside = client.get("/so/cong-dan/", {"q": "Huy Hoàng"})
    assert listed(inside) == ["Nguyễn Huy Hoàng"]
    assert "Đang hiện" not in inside.content.decode()
    # digits are identity or phone numbers, which sit after the name: looked for anywhere
    assert names(client, q="0901234567") == ["Nguyễn Văn An"]
    # the export lists what the page lists
    export = client.get("/so/cong-dan/xuat.xlsx", {"q": "hoang"}).content
    assert column(export, "Họ và tên") == ["Hoàng Văn Nam"]
    export = client.get("/so/cong-dan/xuat.xlsx", {"q": "hoang", "cach": "chua"}).content
    assert sorted(column(export, "Họ và tên")) == ["Hoàng Văn Nam", "Nguyễn Huy Hoàng"]
    # the pager keeps the choice
    again = client.get("/so/cong-dan/", {"q": "hoang", "cach": "chua", "page": "1"})
    assert again.context["chosen"]["cach"] == "chua"
