import pytest

from accounts.models import Role, RoleAssignment, User
from audit.models import AuditEvent
from conftest import ALL_PERSONAS

MANAGERS = {"alice", "cuong", "binh"}


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_user_list_is_for_user_managers(world, as_user, persona):
    response = as_user(persona).get("/tai-khoan/nguoi-dung/")
    assert response.status_code == (200 if persona in MANAGERS else 404)


def test_commune_officer_lists_only_users_of_own_commune(world, as_user):
    names = {u.username for u in as_user("cuong").get("/tai-khoan/nguoi-dung/").context["page"]}
    assert names == {"cuong", "van", "olga", "hoa", "dan"}


def test_province_admin_lists_everyone(world, as_user):
    names = {u.username for u in as_user("alice").get("/tai-khoan/nguoi-dung/").context["page"]}
    assert set(world.users) <= names


def test_user_search_ignores_diacritics(world, as_user):
    page = as_user("alice").get("/tai-khoan/nguoi-dung/", {"q": "nguyen van cuong"}).context["page"]
    assert [u.username for u in page] == ["cuong"]


@pytest.mark.parametrize(
    ("persona", "target", "expected"),
    [
        ("alice", "binh", 200),
        ("cuong", "van", 200),
        ("cuong", "binh", 404),
        ("binh", "van", 404),
        ("van", "dan", 404),
        ("vera", "cuong", 404),
    ],
)
def test_user_detail_scope(world, as_user, persona, target, expected):
    assert (
        as_user(persona).get(f"/tai-khoan/nguoi-dung/{world.users[target].pk}/").status_code
        == expected
    )


def test_commune_officer_creates_village_officer(world, as_user):
    response = as_user("cuong").post(
        f"/tai-khoan/nguoi-dung/them/?dia_ban={world.commune_a.pk}",
        {
            "username": "thon.an.lac",
            "full_name": "Lê Thị Mai",
            "phone": "0987 654 321",
            "password": "Mot-mat-khau-tot-2026",
            "role": Role.VILLAGE_OFFICER,
            "place": world.village_a2.pk,
            "dia_ban": world.commune_a.pk,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="thon.an.lac")
    assert user.phone == "0987654321"
    assignment = RoleAssignment.objects.get(user=user)
    assert (assignment.role, assignment.place) == (Role.VILLAGE_OFFICER, world.village_a2)
    assert AuditEvent.objects.for_object(user).filter(action="user.create").exists()


def test_commune_officer_cannot_grant_province_roles_or_outside(world, as_user):
    client = as_user("cuong")
    response = client.post(
        f"/tai-khoan/nguoi-dung/them/?dia_ban={world.commune_a.pk}",
        {
            "username": "x1",
            "full_name": "X",
            "password": "Mot-mat-khau-tot-2026",
            "role": Role.PROVINCE_ADMIN,
            "place": world.commune_a.pk,
        },
    )
    assert response.status_code == 200 and not User.objects.filter(username="x1").exists()
    assert (
        client.get(f"/tai-khoan/nguoi-dung/them/?dia_ban={world.commune_b.pk}").status_code == 404
    )
    response = client.post(
        f"/tai-khoan/nguoi-dung/them/?dia_ban={world.commune_a.pk}",
        {
            "username": "x2",
            "full_name": "X",
            "password": "Mot-mat-khau-tot-2026",
            "role": Role.VILLAGE_OFFICER,
            "place": world.village_b1.pk,
        },
    )
    assert response.status_code == 200 and not User.objects.filter(username="x2").exists()


def test_role_must_match_place_level(world, as_user):
    response = as_user("alice").post(
        f"/tai-khoan/nguoi-dung/them/?dia_ban={world.commune_a.pk}",
        {
            "username": "x3",
            "full_name": "X",
            "password": "Mot-mat-khau-tot-2026",
            "role": Role.VILLAGE_OFFICER,
            "place": world.commune_a.pk,
        },
    )
    assert "phải gắn với thôn/tổ dân phố" in response.content.decode()


def test_duplicate_username_and_phone(world, as_user):
    response = as_user("alice").post(
        f"/tai-khoan/nguoi-dung/them/?dia_ban={world.commune_a.pk}",
        {
            "username": "CUONG",
            "full_name": "X",
            "phone": "0912345678",
            "password": "Mot-mat-khau-tot-2026",
            "role": Role.COMMUNE_OFFICER,
            "place": world.commune_a.pk,
        },
    )
    page = response.content.decode()
    assert "Tên đăng nhập này đã có người dùng." in page


def test_assign_and_end_role(world, as_user):
    client = as_user("cuong")
    target = world.users["van"]
    client.post(
        f"/tai-khoan/nguoi-dung/{target.pk}/?dia_ban={world.commune_a.pk}",
        {"role": Role.VILLAGE_OFFICER, "place": world.village_a2.pk, "dia_ban": world.commune_a.pk},
    )
    assignment = RoleAssignment.objects.get(user=target, place=world.village_a2)
    assert as_user("van").get(f"/dia-ban/{world.village_a2.pk}/").status_code == 200
    response = client.post(f"/tai-khoan/vai-tro/{assignment.pk}/thu-hoi/")
    assert response.status_code == 302
    assert as_user("van").get(f"/dia-ban/{world.village_a2.pk}/").status_code == 404
    client.post(f"/tai-khoan/vai-tro/{assignment.pk}/thu-hoi/")  # twice: no change, no error
    assert AuditEvent.objects.for_object(target).filter(action="role.end").count() == 1


def test_officer_of_b_cannot_end_roles_in_a(world, as_user):
    assignment = RoleAssignment.objects.get(user=world.users["van"])
    assert as_user("binh").post(f"/tai-khoan/vai-tro/{assignment.pk}/thu-hoi/").status_code == 404
    assignment.refresh_from_db()
    assert assignment.is_active
