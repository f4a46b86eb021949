import io

import pytest
from django.core.management import call_command

from accounts.models import Role, RoleAssignment, User
from conftest import module_rows
from demo.generator import Generator
from demo.seed import DEMO_PASSWORD
from places.models import Place


def counts() -> tuple[int, int, int]:
    return (Place.objects.count(), User.objects.count(), RoleAssignment.objects.count())


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """`seed_demo`'s first run into the map-only test database (~5 s), made once for this
    module's tests (conftest.module_rows); each test then runs `seed_demo` again itself.
    Returns the counts the first run left."""
    with module_rows(django_db_blocker):
        with django_db_blocker.unblock():
            call_command("seed_demo", "--quiet-logins", stdout=io.StringIO())
            first = counts()
        yield first


def test_seed_demo_is_idempotent_and_has_one_account_per_role(seeded, db, capsys):
    call_command("seed_demo")
    assert counts() == seeded  # a second run adds nothing
    call_command("seed_demo")
    assert counts() == seeded  # nor does a third
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    out = capsys.readouterr().out
    assert "tinh.admin" in out and DEMO_PASSWORD in out


def test_demo_logins_work(seeded, db, client):
    call_command("seed_demo", "--quiet-logins")
    response = client.post("/dang-nhap/", {"username": "tinh.admin", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    page = client.get("/", follow=True).content.decode()
    assert "Tỉnh Hưng Yên" in page and "<strong>104</strong> xã, phường" in page
    client.post("/dang-xuat/")
    client.post("/dang-nhap/", {"username": "0912000003", "password": DEMO_PASSWORD})
    assert client.get("/", follow=True).context["place"].name == "Phường Phố Hiến"
    # the demo citizen owns a household head's record: the portal is theirs to use
    client.post("/dang-xuat/")
    client.post("/dang-nhap/", {"username": "congdan", "password": DEMO_PASSWORD})
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/ca-nhan/"
    assert "Gia đình học tập của hộ" in response.content.decode()


def test_generator_is_deterministic_by_seed():
    a, b, c = Generator(7), Generator(7), Generator(8)
    first = [a.household(i, 2026) for i in range(50)]
    assert first == [b.household(i, 2026) for i in range(50)]
    assert first != [c.household(i, 2026) for i in range(50)]
    heads = [h.members[0] for h in first]
    assert all(m.relation == "head" for m in heads)
    assert any(
        "ễ" in m.full_name or "ị" in m.full_name or "ă" in m.full_name
        for h in first
        for m in h.members
    )


def test_demo_year_has_every_step_and_last_years_certificates(seeded, db):
    from assessments.models import Assessment, State
    from recognition.models import Certificate

    call_command("seed_demo", "--quiet-logins")
    states = set(Assessment.objects.values_list("state", flat=True))
    assert {
        State.REGISTERED,
        State.SUBMITTED,
        State.VERIFIED,
        State.PROPOSED,
        State.RECOGNISED,
    } <= states
    assert Certificate.objects.exists()


def test_seed_demo_leaves_provisional_figures_on_the_dashboards(seeded, db, client):
    """Issue 18: after `make run` the province's provisional figures show numbers."""
    from django.utils import timezone

    from stats.models import LiveFigures

    year = timezone.localdate().year
    communes = Place.objects.current().communes()
    assert LiveFigures.objects.filter(year=year).count() == communes.count()
    client.post("/dang-nhap/", {"username": "tinh.admin", "password": DEMO_PASSWORD})
    page = client.get("/chi-tieu/", {"nam": year, "so_lieu": "tam_tinh"}).content.decode()
    assert "— / —" not in page
