import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from accounts.models import User
from conftest import PASSWORD


def login(client, username, password=PASSWORD):
    return client.post("/dang-nhap/", {"username": username, "password": password})


def test_login_page_is_vietnamese(client, db):
    page = client.get("/dang-nhap/").content.decode()
    assert "Đăng nhập" in page and "Tên đăng nhập, số điện thoại hoặc số CCCD" in page
    assert '<html lang="vi">' in page


def test_login_with_username(world, client):
    response = login(client, "cuong")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.users["cuong"].pk)


@pytest.mark.parametrize("spelling", ["0912345678", "+84 912 345 678", "0912.345.678"])
def test_login_with_phone_number(world, client, spelling):
    assert login(client, spelling).status_code == 302
    assert client.session["_auth_user_id"] == str(world.users["cuong"].pk)


def test_wrong_password_message_in_vietnamese(world, client):
    response = login(client, "cuong", "sai-mat-khau")
    assert response.status_code == 200
    assert "mật khẩu không đúng" in response.content.decode()


def test_five_wrong_passwords_slow_down_then_cool_off(world, client, settings):
    for _ in range(5):
        login(client, "cuong", "sai")
    response = login(client, "cuong")  # even the right password waits now
    assert response.status_code == 429
    assert "thử lại sau ít phút" in response.content.decode()
    # not locked forever: once the cool-off has passed, the right password works again
    earlier = timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=earlier)
    assert login(client, "cuong").status_code == 302


def test_other_users_are_not_locked_by_someone_elses_failures(world, client):
    for _ in range(5):
        login(client, "cuong", "sai")
    assert login(client, "binh").status_code == 302


def test_logout_requires_post_and_logs_out(world, as_user):
    client = as_user("cuong")
    response = client.post("/dang-xuat/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_password_change(world, as_user):
    client = as_user("cuong")
    response = client.post(
        "/doi-mat-khau/",
        {
            "old_password": PASSWORD,
            "new_password1": "Mat-khau-moi-2026!",
            "new_password2": "Mat-khau-moi-2026!",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="cuong").check_password("Mat-khau-moi-2026!")


def test_password_change_errors_in_vietnamese(world, as_user):
    response = as_user("cuong").post(
        "/doi-mat-khau/", {"old_password": "sai", "new_password1": "a", "new_password2": "b"}
    )
    assert response.status_code == 200
    assert "Mật khẩu cũ" in response.content.decode() or "mật khẩu cũ" in response.content.decode()


def test_passwords_are_hashed_with_argon2_in_production(settings):
    from config import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[1] == "accounts.hashers.OwaspArgon2PasswordHasher"
    assert any("Argon2" in h for h in settings.PASSWORD_HASHERS)


PRODUCTION_HASHERS = [
    "accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


def test_new_passwords_use_argon2id_with_owasp_parameters(world, as_user, settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    user = world.users["cuong"]
    user.set_password(PASSWORD)  # the fixtures' hashes are MD5, unknown to this list
    user.save()
    response = as_user("cuong").post(
        "/doi-mat-khau/",
        {
            "old_password": PASSWORD,
            "new_password1": "Hoc-tap-suot-doi-2026",
            "new_password2": "Hoc-tap-suot-doi-2026",
        },
    )
    assert response.status_code == 302
    stored = User.objects.get(pk=user.pk).password
    assert stored.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert login(Client(), "cuong", "Hoc-tap-suot-doi-2026").status_code == 302


def test_a_hash_with_django_defaults_still_logs_in_and_is_rewritten(world, client, settings):
    """Accounts hashed before the change (Django's 100 MiB, 8 lanes) keep working; the
    first login stores the hash again with the lighter parameters."""
    from django.contrib.auth.hashers import Argon2PasswordHasher

    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    user = world.users["cuong"]
    old = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    assert "$m=102400,t=2,p=8$" in old
    User.objects.filter(pk=user.pk).update(password=old)
    assert login(client, "cuong").status_code == 302
    assert "$m=19456,t=2,p=1$" in User.objects.get(pk=user.pk).password
    assert login(Client(), "cuong", "sai-mat-khau").status_code == 200


def test_wrong_passwords_from_many_clients_slow_the_account_down(world):
    """Per account: five wrong passwords from five addresses lock the name everywhere."""
    from django.test import Client

    for n in range(5):
        login(Client(REMOTE_ADDR=f"10.0.0.{n + 1}"), "cuong", "sai")
    assert login(Client(REMOTE_ADDR="10.0.9.9"), "cuong").status_code == 429


def test_one_client_trying_many_names_is_slowed(world, client, settings):
    """Per client: the address is capped whatever user names it tries."""
    from django.core.cache import cache

    cache.clear()
    settings.LOGIN_RATE_PER_MINUTE = 3
    for name in ("a1", "a2", "a3"):
        assert login(client, name, "sai").status_code == 200
    response = login(client, "cuong")
    assert response.status_code == 429
    assert "thử lại sau ít phút" in response.content.decode()
    cache.clear()
