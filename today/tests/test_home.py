"""Each role's home at "/": its own counts, with the right numbers, every link open to it."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import TitleCalendar
from assessments.tests.helpers import YEAR, good_answers, open_years, recognise
from portal.models import ChangeRequest
from recognition.models import BatchStatus, CertificateBatch
from registry.models import ImportJob, ImportStatus
from stats.models import ReportStatus, StatReport

ITEM = re.compile(
    r'id="viec-([a-z-]+)"[^>]*>[^<]*(?:<h2[^>]*>[^<]*)?<span class="count">(\d+)</span>'
)


def counts(response) -> dict[str, int]:
    return {key: int(n) for key, n in ITEM.findall(response.content.decode())}


def links(response) -> list[str]:
    body = response.content.decode()
    main = body.split('<main id="noi-dung"', 1)[1]
    return [unescape(h) for h in re.findall(r'href="(/[^"#]*)', main)]


@pytest.fixture
def busy(world):
    """A world with one of each kind of pending work."""
    open_years(world)
    today = timezone.localdate()
    far = today + dt.timedelta(days=100)
    TitleCalendar.objects.update(
        registration_until=far,
        assessment_until=far,
        review_until=far,
        proposal_until=far,
        decision_until=far,
    )
    alice, cuong = world.users["alice"], world.users["cuong"]
    # Household A2's file, recognised; its certificate printed by the commune's officer.
    a2 = services.register(actor=alice, title="GDHT", year=YEAR, subject=world.households["a2"])
    a2 = recognise(world, a2, officer="cuong")
    CertificateBatch.objects.create(
        decision=a2.decision, requested_by=cuong, status=BatchStatus.DONE, count=1
    )
    # A household's file, submitted: waits for the village officer (and the commune's).
    a1 = services.register(actor=alice, title="GDHT", year=YEAR, subject=world.households["a1"])
    a1 = services.save_answers(actor=alice, assessment=a1, answers=good_answers(a1))
    services.submit(actor=alice, assessment=a1)
    # The school's file, returned by the commune: its manager must correct it.
    org = services.register(actor=alice, title="DVHT", year=YEAR, subject=world.org_a)
    org = services.save_answers(actor=alice, assessment=org, answers=good_answers(org))
    org = services.submit(actor=alice, assessment=org)
    services.return_for_correction(actor=cuong, assessment=org, reasons={"": "Thiếu minh chứng"})
    # A deadline in 10 days, in commune A only.
    TitleCalendar.objects.filter(cycle__commune=world.commune_a, title="GDHT").update(
        review_until=today + dt.timedelta(days=10)
    )
    # Commune A's report, sent to the province.
    StatReport.objects.create(
        commune=world.commune_a, year=today.year - 1, status=ReportStatus.SUBMITTED
    )
    # A citizen's change request in village A1.
    ChangeRequest.objects.create(
        citizen=world.citizens["an"], requested_by=alice, changes={"phone": "0987654321"}
    )
    # The commune officer's import that failed.
    ImportJob.objects.create(
        kind="citizens",
        commune=world.commune_a,
        created_by=cuong,
        filename="cong-dan.xlsx",
        status=ImportStatus.INVALID,
    )
    return world


EXPECTED = {
    "van": {
        "han": 1,
        "xac-nhan": 1,
        "de-nghi": 0,
        "quyet-dinh": 0,
        "tra-lai": 0,
        "yeu-cau": 1,
        "giay": 0,
    },
    "cuong": {
        "han": 1,
        "xac-nhan": 1,
        "de-nghi": 0,
        "quyet-dinh": 0,
        "tra-lai": 1,
        "bao-cao": 0,  # last year's report is sent
        "yeu-cau": 1,
        "nhap-loi": 1,
        "giay": 1,
    },
    "binh": {
        "han": 0,
        "xac-nhan": 0,
        "de-nghi": 0,
        "quyet-dinh": 0,
        "tra-lai": 0,
        "bao-cao": 1,  # commune B's report of last year not started
        "yeu-cau": 0,
        "nhap-loi": 0,
        "giay": 0,
    },
    "alice": {
        "han": 1,
        "xac-nhan": 0,
        "de-nghi": 0,
        "quyet-dinh": 0,
        "bao-cao": 1,
        "yeu-cau": 1,
        "nhap-loi": 0,
        "giay": 0,
    },
    "vera": {"han": 1, "giay": 0},
    "olga": {"han": 0, "xac-nhan": 0, "tra-lai": 1, "giay": 0},
    "hoa": {"han": 0, "xac-nhan": 0, "tra-lai": 0, "giay": 0},
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_persona_sees_its_own_counts(busy, persona):
    response = busy.client(persona).get("/")
    assert response.status_code == 200
    found = counts(response)
    assert found == EXPECTED[persona]


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_every_link_on_the_home_opens_for_its_persona(busy, persona):
    client = busy.client(persona)
    shown = links(client.get("/"))
    assert shown  # at least the lists behind the counts
    for url in shown:
        response = client.get(url)
        assert response.status_code == 200, url


def test_a_count_links_to_the_list_of_exactly_those_files(busy):
    client = busy.client("van")
    body = client.get("/").content.decode()
    url = unescape(re.search(r'id="viec-xac-nhan".*?href="([^"]+)"', body, re.S).group(1))
    listed = client.get(url).content.decode()
    assert "PH-001" in listed or "Nguyễn Văn An" in listed


def test_nothing_waiting_is_said_calmly(busy):
    body = busy.client("binh").get("/").content.decode()
    line = re.search(r'<li class="card-line" id="viec-xac-nhan">.*?</li>', body).group(0)
    assert "Hồ sơ chờ xác nhận" in line and '<span class="count">0</span>' in line
    assert '<h2 id="viec-khong">Không có việc chờ</h2>' in body


def test_the_deadline_shows_its_date_and_days_left(busy):
    body = busy.client("cuong").get("/").content.decode()
    when = timezone.localdate() + dt.timedelta(days=10)
    assert f"{when:%d/%m/%Y}" in body
    assert "còn 10 ngày" in body


def test_a_manager_starts_from_their_own_record(busy):
    body = busy.client("hoa").get("/").content.decode()
    assert f"Dòng họ: {busy.clan_a}" in body
    assert reverse("registry:clan_detail", args=[busy.clan_a.pk]) in body


@pytest.mark.parametrize("persona", ["dan", "oscar"])
def test_people_without_a_working_role_keep_their_page(world, persona):
    response = world.client(persona).get("/")
    assert response.status_code == 200
    assert 'class="count"' not in response.content.decode()


def test_a_citizen_with_a_record_lands_on_their_portal(world):
    user = world.users["dan"]
    world.citizens["dung"].user = user
    world.citizens["dung"].save()
    response = world.client("dan").get("/")
    assert response.status_code == 302
    assert response["Location"] == "/ca-nhan/"
