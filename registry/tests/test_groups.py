"""Clans and organisations through the pages: create, edit, members, staff, duplicates."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from conftest import make_citizen, make_household
from registry.models import Citizen, Clan, Household, Organisation
from registry.tests.pages import audit_count, follow_flashes, form_data, listed


def only_event(action: str, obj=None) -> AuditEvent:
    qs = AuditEvent.objects.filter(action=action)
    if obj is not None:
        qs = qs.filter(object_id=str(obj.pk), content_type__model=type(obj)._meta.model_name)
    found = list(qs)
    assert len(found) == 1, [(e.action, e.changes) for e in found]
    return found[0]


def errors_of(response) -> dict[str, list[str]]:
    assert response.status_code == 200, response.status_code
    return dict(response.context["form"].errors)


# --- clans ------------------------------------------------------------------------------


def test_create_clan(world, as_user):
    client = as_user("cuong")
    form = client.get("/so/dong-ho/them/")
    assert set(form.context["form"].fields["home_village"].queryset) == {
        world.village_a1,
        world.village_a2,
    }
    response = client.post(
        "/so/dong-ho/them/",
        {"name": "Họ Lê", "branch_name": " Chi   trưởng ", "home_village": world.village_a2.pk},
    )
    clan = Clan.objects.get(name="Lê")
    assert response["Location"] == f"/so/dong-ho/{clan.pk}/"
    assert (clan.branch_name, clan.commune, clan.home_village) == (
        "Chi trưởng",
        world.commune_a,
        world.village_a2,
    )
    event = only_event("clan.create", clan)
    assert event.actor == world.users["cuong"]
    assert event.changes == {
        "branch_name": [None, "Chi trưởng"],
        "home_village": [None, "Thôn An Lạc"],
        "name": [None, "Lê"],
    }
    assert follow_flashes(client, response) == ["Đã thêm Họ Lê — Chi trưởng."]
    assert "Họ Lê — Chi trưởng" in listed(client.get("/so/dong-ho/"))


@pytest.mark.parametrize(
    ("name", "branch"), [("Nguyễn", "Chi 2"), ("nguyen", "CHI 2"), ("Họ Nguyễn", "chi  2")]
)
def test_duplicate_clan_is_refused(world, as_user, name, branch):
    response = as_user("cuong").post(
        "/so/dong-ho/them/",
        {"name": name, "branch_name": branch, "home_village": world.village_a2.pk},
    )
    assert errors_of(response) == {"name": ["Phường Phố Hiến đã có Họ Nguyễn — Chi 2."]}
    assert Clan.objects.count() == 2


def test_same_clan_name_in_another_commune_or_branch_is_fine(world, as_user):
    response = as_user("binh").post(
        "/so/dong-ho/them/",
        {"name": "Nguyễn", "branch_name": "Chi 2", "home_village": world.village_b1.pk},
    )
    assert response.status_code == 302
    response = as_user("cuong").post(
        "/so/dong-ho/them/", {"name": "Nguyễn", "home_village": world.village_a1.pk}
    )
    assert response.status_code == 302
    assert Clan.objects.filter(name="Nguyễn").count() == 3


def test_clan_home_village_must_be_in_its_commune(world, as_user):
    response = as_user("cuong").post(
        "/so/dong-ho/them/", {"name": "Lê", "home_village": world.village_b1.pk}
    )
    assert list(errors_of(response)) == ["home_village"]
    assert not Clan.objects.filter(name="Lê").exists()


def test_edit_clan(world, as_user):
    client = as_user("hoa")
    url = f"/so/dong-ho/{world.clan_a.pk}/sua/"
    data = form_data(client.get(url))
    assert data == {"name": "Nguyễn", "branch_name": "Chi 2", "home_village": world.village_a1.pk}
    response = client.post(url, {**data, "branch_name": "Chi 3"})
    assert response["Location"] == f"/so/dong-ho/{world.clan_a.pk}/"
    world.clan_a.refresh_from_db()
    assert world.clan_a.branch_name == "Chi 3"
    event = only_event("clan.update", world.clan_a)
    assert (event.actor, event.changes) == (world.users["hoa"], {"branch_name": ["Chi 2", "Chi 3"]})
    before = audit_count()
    client.post(url, {**data, "branch_name": "Chi 3"})
    assert audit_count() == before


def test_edit_clan_into_a_duplicate_is_refused(world, as_user):
    Clan(
        name="Nguyễn", branch_name="Chi 1", commune=world.commune_a, home_village=world.village_a1
    ).save()
    client = as_user("cuong")
    response = client.post(
        f"/so/dong-ho/{world.clan_a.pk}/sua/",
        {"name": "nguyễn", "branch_name": "chi 1", "home_village": world.village_a1.pk},
    )
    assert errors_of(response) == {"name": ["Xã đã có dòng họ/chi này."]}
    world.clan_a.refresh_from_db()
    assert world.clan_a.branch_name == "Chi 2"


def test_add_household_by_code_and_remove_it(world, as_user):
    client = as_user("cuong")
    clan = world.clan_a
    a2 = world.households["a2"]
    response = client.post(f"/so/dong-ho/{clan.pk}/them-ho/", {"household_code": " PH-002 "})
    assert follow_flashes(client, response) == ["Đã thêm Hộ PH-002 — Phạm Văn Dũng vào dòng họ."]
    a2.refresh_from_db()
    assert a2.clan == clan
    event = only_event("household.clan", a2)
    assert (event.actor, event.changes) == (
        world.users["cuong"],
        {"clan": [None, "Họ Nguyễn — Chi 2"]},
    )
    page = client.get(f"/so/dong-ho/{clan.pk}/")
    assert [h.code for h in page.context["households"]] == ["PH-001", "PH-002", "KC-001"]
    assert "Các hộ thành viên (3)" in page.content.decode()
    counts = {c.pk: c.household_count for c in client.get("/so/dong-ho/").context["page"]}
    assert counts == {clan.pk: 3}
    # adding again changes nothing
    before = audit_count()
    client.post(f"/so/dong-ho/{clan.pk}/them-ho/", {"household_code": "PH-002"})
    assert audit_count() == before

    response = client.post(f"/so/dong-ho/{clan.pk}/bo-ho/{a2.pk}/")
    assert response["Location"] == f"/so/dong-ho/{clan.pk}/"
    a2.refresh_from_db()
    assert a2.clan is None
    removals = AuditEvent.objects.filter(action="household.clan", object_id=str(a2.pk)).order_by(
        "id"
    )
    assert removals.last().changes == {"clan": ["Họ Nguyễn — Chi 2", None]}
    # removing again (a double post): it is no longer a member, nothing changes
    again = client.post(f"/so/dong-ho/{clan.pk}/bo-ho/{a2.pk}/")
    assert again["Location"] == f"/so/dong-ho/{clan.pk}/"
    assert removals.count() == 2


@pytest.mark.parametrize("persona", ["cuong", "alice"])
def test_add_household_of_another_commune(world, as_user, persona):
    kc2 = make_household(world.village_b1, "KC-002")
    client = as_user(persona)
    response = client.post(
        f"/so/dong-ho/{world.clan_a.pk}/them-ho/", {"household_code": "12205/KC-002"}
    )
    assert follow_flashes(client, response) == ["Đã thêm Hộ KC-002 vào dòng họ."]
    kc2.refresh_from_db()
    assert kc2.clan == world.clan_a
    assert only_event("household.clan", kc2).actor == world.users[persona]
    page = client.get(f"/so/dong-ho/{world.clan_a.pk}/").content.decode()
    assert "Hộ KC-002" in page and "Thôn Phú Thọ, Xã Khoái Châu" in page


@pytest.mark.parametrize(
    ("persona", "code"),
    [
        ("cuong", "PH-404"),
        ("cuong", "KC-002"),  # another commune's household needs its commune code
        ("cuong", "11953/KC-002"),  # wrong commune code
        ("cuong", "12205/KC-404"),
        ("hoa", "12205/KC-002"),  # a clan manager only reaches the households she sees
    ],
)
def test_add_household_not_found(world, as_user, persona, code):
    kc2 = make_household(world.village_b1, "KC-002")
    client = as_user(persona)
    before = audit_count()
    response = client.post(f"/so/dong-ho/{world.clan_a.pk}/them-ho/", {"household_code": code})
    assert follow_flashes(client, response) == [
        f"Không tìm thấy hộ “{code}” trong phạm vi của bạn."
    ]
    kc2.refresh_from_db()
    assert kc2.clan is None and audit_count() == before


def test_household_moves_from_one_clan_to_another(world, as_user):
    """Joining a clan takes the household out of its previous one."""
    kc = world.households["b1"]
    response = as_user("binh").post(
        f"/so/dong-ho/{world.clan_b.pk}/them-ho/", {"household_code": "KC-001"}
    )
    assert response.status_code == 302
    kc.refresh_from_db()
    assert kc.clan == world.clan_b
    assert only_event("household.clan", kc).changes == {"clan": ["Họ Nguyễn — Chi 2", "Họ Trần"]}


def test_clan_manager_removes_a_member_household_of_another_commune(world, as_user):
    kc = world.households["b1"]
    client = as_user("hoa")
    response = client.post(f"/so/dong-ho/{world.clan_a.pk}/bo-ho/{kc.pk}/")
    assert response.status_code == 302
    kc.refresh_from_db()
    assert kc.clan is None
    # she no longer sees it
    assert client.get(f"/so/ho/{kc.pk}/").status_code == 404


# --- organisations -------------------------------------------------------------------------


def test_create_organisation(world, as_user):
    client = as_user("cuong")
    response = client.post(
        "/so/don-vi/them/",
        {
            "name": "Hợp tác xã  Nông nghiệp Phố Hiến",
            "kind": "production",
            "level": "commune",
            "declared_staff": "12",
            "address": "Đường Nguyễn Văn Linh",
        },
    )
    org = Organisation.objects.get(name="Hợp tác xã Nông nghiệp Phố Hiến")
    assert response["Location"] == f"/so/don-vi/{org.pk}/"
    assert (org.commune, org.kind, org.declared_staff) == (world.commune_a, "production", 12)
    event = only_event("organisation.create", org)
    assert event.actor == world.users["cuong"]
    assert event.changes["declared_staff"] == [None, 12]
    assert follow_flashes(client, response) == ["Đã thêm Hợp tác xã Nông nghiệp Phố Hiến."]


@pytest.mark.parametrize(
    "name", ["Trường Tiểu học Phố Hiến", "truong tieu hoc pho hien", "TRƯỜNG TIỂU HỌC  PHỐ HIẾN"]
)
def test_duplicate_organisation_is_refused(world, as_user, name):
    response = as_user("cuong").post(
        "/so/don-vi/them/", {"name": name, "kind": "school", "level": "commune"}
    )
    assert errors_of(response) == {
        "name": ["Phường Phố Hiến đã có đơn vị “Trường Tiểu học Phố Hiến”."]
    }
    assert Organisation.objects.count() == 2


def test_same_organisation_name_in_another_commune_is_fine(world, as_user):
    response = as_user("binh").post(
        "/so/don-vi/them/",
        {"name": "Trường Tiểu học Phố Hiến", "kind": "school", "level": "commune"},
    )
    # saved in commune B beside commune A's namesake, which is untouched
    org = Organisation.objects.get(name="Trường Tiểu học Phố Hiến", commune=world.commune_b)
    assert response["Location"] == f"/so/don-vi/{org.pk}/"
    assert org.kind == "school"
    assert Organisation.objects.filter(name="Trường Tiểu học Phố Hiến").count() == 2
    assert Organisation.objects.get(pk=world.org_a.pk).commune == world.commune_a
    assert only_event("organisation.create", org).actor == world.users["binh"]


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"kind": "bank"},
            {
                "kind": [
                    "Hãy chọn một lựa chọn hợp lệ. bank không phải là một trong các lựa chọn khả thi."
                ]
            },
        ),
        (
            {"declared_staff": "-1"},
            {"declared_staff": ["Đảm bảo giá trị này lớn hơn hoặc bằng với 0 ."]},
        ),
        ({"name": ""}, {"name": ["Trường này là bắt buộc."]}),
    ],
)
def test_organisation_field_errors(world, as_user, fields, errors):
    data = {"name": "Nhà văn hóa", "kind": "agency", "level": "commune", **fields}
    response = as_user("cuong").post("/so/don-vi/them/", data)
    assert errors_of(response) == errors


def test_edit_organisation(world, as_user):
    client = as_user("olga")
    url = f"/so/don-vi/{world.org_a.pk}/sua/"
    data = form_data(client.get(url))
    assert data == {
        "name": "Trường Tiểu học Phố Hiến",
        "kind": "school",
        "level": "commune",
        "declared_staff": 30,
    }
    response = client.post(url, {**data, "declared_staff": "35", "address": "Số 5 Điện Biên"})
    assert response["Location"] == f"/so/don-vi/{world.org_a.pk}/"
    world.org_a.refresh_from_db()
    assert (world.org_a.declared_staff, world.org_a.address) == (35, "Số 5 Điện Biên")
    event = only_event("organisation.update", world.org_a)
    assert (event.actor, event.changes) == (
        world.users["olga"],
        {"address": ["", "Số 5 Điện Biên"], "declared_staff": [30, 35]},
    )
    before = audit_count()
    client.post(url, {**data, "declared_staff": "35", "address": "Số 5 Điện Biên"})
    assert audit_count() == before


def test_edit_organisation_into_a_duplicate_name_is_refused(world, as_user):
    Organisation(name="Trạm Y tế Phố Hiến", kind="health", commune=world.commune_a).save()
    response = as_user("cuong").post(
        f"/so/don-vi/{world.org_a.pk}/sua/",
        {"name": "Tram y te Pho Hien", "kind": "school", "level": "commune"},
    )
    assert errors_of(response) == {"name": ["Xã đã có đơn vị tên này."]}
    world.org_a.refresh_from_db()
    assert world.org_a.name == "Trường Tiểu học Phố Hiến"


def test_staff_add_by_id_and_identity_number_and_remove(world, as_user):
    client = as_user("olga")
    org = world.org_a
    chau, an, lan = world.citizens["chau"], world.citizens["an"], world.citizens["lan"]
    url = f"/so/don-vi/{org.pk}/them-nguoi/"
    response = client.post(url, {"citizen": str(chau.pk)})
    assert follow_flashes(client, response) == ["Đã thêm Nguyễn Minh Châu vào đơn vị."]
    response = client.post(url, {"citizen": "033075000123"})
    assert follow_flashes(client, response) == ["Đã thêm Nguyễn Văn An vào đơn vị."]
    for person in (chau, an):
        person.refresh_from_db()
        assert person.workplace == org
        event = only_event("citizen.workplace", person)
        assert (event.actor, event.changes) == (
            world.users["olga"],
            {"workplace": [None, "Trường Tiểu học Phố Hiến"]},
        )
    page = client.get(f"/so/don-vi/{org.pk}/")
    assert [c.full_name for c in page.context["staff"]] == [
        "Lê Thị Lan",
        "Nguyễn Minh Châu",
        "Nguyễn Văn An",
    ]
    assert "kê khai 30; trong sổ 3" in page.content.decode()
    # she now sees her new staff, and only them among the people
    assert set(listed(client.get("/so/cong-dan/"))) == {
        "Lê Thị Lan",
        "Nguyễn Minh Châu",
        "Nguyễn Văn An",
    }
    # adding again changes nothing
    before = audit_count()
    client.post(url, {"citizen": str(chau.pk)})
    assert audit_count() == before

    response = client.post(f"/so/don-vi/{org.pk}/bo-nguoi/{lan.pk}/")
    assert response["Location"] == f"/so/don-vi/{org.pk}/"
    lan.refresh_from_db()
    assert lan.workplace is None
    assert only_event("citizen.workplace", lan).changes == {
        "workplace": ["Trường Tiểu học Phố Hiến", None]
    }
    # again (a double post): nothing changes, back to the organisation
    again = client.post(f"/so/don-vi/{org.pk}/bo-nguoi/{lan.pk}/")
    assert again["Location"] == f"/so/don-vi/{org.pk}/"
    assert AuditEvent.objects.filter(action="citizen.workplace", object_id=str(lan.pk)).count() == 1
    assert client.get(f"/so/cong-dan/{lan.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("persona", "ref"),
    [("olga", "EM"), ("cuong", "EM"), ("olga", "999999"), ("olga", "033190000001")],
)
def test_staff_add_outside_the_commune_is_not_found(world, as_user, persona, ref):
    em = world.citizens["em"]
    em.identity_number = "033190000001"
    em.save()
    ref = ref.replace("EM", str(em.pk))
    client = as_user(persona)
    response = client.post(f"/so/don-vi/{world.org_a.pk}/them-nguoi/", {"citizen": ref})
    assert follow_flashes(client, response) == [
        f"Không tìm thấy công dân “{ref}” trong phạm vi của bạn."
    ]
    em.refresh_from_db()
    assert em.workplace is None


def test_deceased_staff_leave_the_staff_list(world, as_user):
    lan = world.citizens["lan"]
    as_user("cuong").post(f"/so/cong-dan/{lan.pk}/tinh-trang/deceased/", {"on": "01/01/2025"})
    page = as_user("olga").get(f"/so/don-vi/{world.org_a.pk}/")
    assert list(page.context["staff"]) == []


def test_organisation_list_filters_and_sorting(world, as_user):
    for name, kind, level, staff in [
        ("Đảng ủy phường", "agency", "commune", 20),
        ("Bệnh viện tỉnh", "health", "province", 400),
        ("Công ty May", "enterprise", "commune", 250),
    ]:
        Organisation(
            name=name, kind=kind, level=level, declared_staff=staff, commune=world.commune_a
        ).save()
    make_citizen(
        world.village_a2,
        "Người Thợ May",
        1990,
        workplace=Organisation.objects.get(name="Công ty May"),
    )
    client = as_user("cuong")

    def names(**params):
        return listed(client.get("/so/don-vi/", params))

    assert names() == [
        "Bệnh viện tỉnh",
        "Công ty May",
        "Đảng ủy phường",
        "Trường Tiểu học Phố Hiến",
    ]
    assert names(sap="-ten") == names()[::-1]
    assert names(sap="nv") == [
        "Bệnh viện tỉnh",
        "Công ty May",
        "Trường Tiểu học Phố Hiến",
        "Đảng ủy phường",
    ]
    assert names(loai="health") == ["Bệnh viện tỉnh"]
    assert names(cap="province") == ["Bệnh viện tỉnh"]
    assert names(q="cong ty") == ["Công ty May"]
    assert names(q="dang uy") == ["Đảng ủy phường"]
    counts = {o.name: o.staff_count for o in client.get("/so/don-vi/").context["page"]}
    assert counts["Công ty May"] == 1 and counts["Trường Tiểu học Phố Hiến"] == 1


def test_clan_list_search_and_sorting(world, as_user):
    for name in ("Đặng", "Bùi"):
        Clan(name=name, commune=world.commune_a, home_village=world.village_a2).save()
    client = as_user("cuong")
    assert listed(client.get("/so/dong-ho/")) == ["Họ Bùi", "Họ Đặng", "Họ Nguyễn — Chi 2"]
    assert listed(client.get("/so/dong-ho/", {"q": "dang"})) == ["Họ Đặng"]
    assert listed(client.get("/so/dong-ho/", {"thon": world.village_a1.pk})) == [
        "Họ Nguyễn — Chi 2"
    ]
    assert listed(client.get("/so/dong-ho/", {"sap": "moi"}))[0] == "Họ Bùi"


def test_group_history_pages(world, as_user):
    client = as_user("cuong")
    client.post(
        f"/so/don-vi/{world.org_a.pk}/sua/",
        {"name": "Trường Tiểu học Phố Hiến", "kind": "school", "level": "province"},
    )
    page = client.get(f"/lich-su/registry.organisation/{world.org_a.pk}/").content.decode()
    assert "Sửa thông tin đơn vị" in page and "Cấp xã → Cấp tỉnh" in page
    assert "organisation.update" not in page and "commune → province" not in page
    client.post(f"/so/dong-ho/{world.clan_a.pk}/bo-ho/{world.households['a1'].pk}/")
    page = client.get(f"/lich-su/registry.household/{world.households['a1'].pk}/").content.decode()
    assert "Đổi dòng họ của hộ" in page and "Họ Nguyễn — Chi 2 → (trống)" in page
    assert "household.clan" not in page
    assert Household.objects.get(code="PH-001").clan is None
    assert Citizen.objects.filter(household__clan=world.clan_a).count() == 1  # Em, KC-001
