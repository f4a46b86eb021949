import unicodedata

from django.db import connection
from django.test.utils import CaptureQueriesContext

from places.models import Place


def test_healthz_answers_200_with_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_needs_no_login_and_touches_the_database(client, db):
    with CaptureQueriesContext(connection) as queries:
        client.get("/healthz")
    assert any("SELECT 1" in q["sql"] for q in queries.captured_queries)


def test_healthz_answers_503_when_the_database_fails(client, db, monkeypatch):
    class Broken:
        def cursor(self):
            raise OSError("connection refused")

    monkeypatch.setattr("core.views.connection", Broken())
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "error"


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


def test_home_of_an_officer_is_their_work_with_a_link_to_their_place(world, as_user):
    response = as_user("cuong").get("/")
    assert response.status_code == 200
    assert "Việc cần làm" in response.content.decode()
    assert f'href="/dia-ban/{world.commune_a.pk}/"' in response.content.decode()


def test_home_of_a_user_without_role_explains(as_user):
    response = as_user("oscar").get("/")
    assert response.status_code == 200
    assert "chưa được giao vai trò" in response.content.decode()


def test_posted_text_is_stored_nfc(world, as_user):
    nfd_name = unicodedata.normalize("NFD", "Xuân Quan")
    response = as_user("cuong").post(
        f"/dia-ban/{world.commune_a.pk}/them-thon/", {"name": nfd_name, "unit_type": "Thôn"}
    )
    assert response.status_code == 302
    village = Place.objects.get(parent=world.commune_a, short_name="Xuân Quan")
    assert unicodedata.is_normalized("NFC", village.name)


def test_dates_are_shown_dd_mm_yyyy(world, as_user):
    page = (
        as_user("alice").get(f"/tai-khoan/nguoi-dung/{world.users['cuong'].pk}/").content.decode()
    )
    assert "01/01/2020" in page
