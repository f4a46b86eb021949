"""Findings 2 and 11: certificates, batches and decision documents follow the user's scope.

A decision of commune A recognises 17 households; dan's citizen record heads one of them.
dan sees his own row and certificate, never the other 16 (no batch, no annex); the
province viewer reads but does not print; a batch is served to its requester and to the
commune's editors only.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.template import Context, Template
from django.test import override_settings
from pypdf import PdfReader

from accounts.models import Role
from assessments import services
from assessments.models import Assessment
from assessments.tests.helpers import YEAR, good_answers, open_years
from conftest import (
    build_world,
    close_response,
    fresh,
    make_citizen,
    make_household,
    make_user,
    module_rows,
)
from recognition.models import Certificate, CertificateBatch

HOUSEHOLDS = 17


def make_decision(world):
    open_years(world)
    an = world.citizens["an"]
    an.user = world.users["dan"]
    an.save()
    households = [world.households["a1"], world.households["a2"]]
    for i in range(HOUSEHOLDS - 2):
        village = world.village_a1 if i % 2 else world.village_a2
        household = make_household(village, f"PH-{i + 10:03d}")
        make_citizen(village, f"Hoàng Văn Hộ {i + 1}", 1970, household=household, relation="head")
        households.append(household)
    alice = world.users["alice"]
    items = []
    for household in households:
        assessment = services.register(actor=alice, title="GDHT", year=YEAR, subject=household)
        assessment = services.save_answers(
            actor=alice, assessment=assessment, answers=good_answers(assessment)
        )
        for step in (services.submit, services.verify, services.propose):
            assessment = step(actor=alice, assessment=assessment)
        items.append(assessment)
    decision = services.decide(
        actor=world.users["cuong"],
        assessments=items,
        number="17/QĐ-UBND",
        signed_on=dt.date(YEAR, 11, 20),
        signer_name="Trần Văn Hùng",
        signer_title="Chủ tịch",
    )
    assert Certificate.objects.filter(assessment__decision=decision).count() == HOUSEHOLDS
    return decision


@pytest.fixture(scope="module")
def scope_rows(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world and the decision of 17 households (~0.6 s to build), built once for this
    module's tests (conftest.module_rows), with the files they make."""
    media = tmp_path_factory.mktemp("certificate-media")
    with module_rows(django_db_blocker):
        with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
            world = build_world()
            decision = make_decision(world)
        yield world, decision, media


@pytest.fixture
def world(scope_rows, db, settings):
    """This module's world (in place of conftest's): each test's own instances of the
    rows scope_rows made, the decision's among them."""
    rows, _decision, media = scope_rows
    settings.MEDIA_ROOT = media
    return fresh(rows)


@pytest.fixture
def decision(world, scope_rows):
    return fresh(scope_rows[1])


@pytest.fixture
def own(world, decision) -> Assessment:
    """dan's household's recognised assessment."""
    return Assessment.objects.get(decision=decision, household=world.households["a1"])


def start_url(decision) -> str:
    return f"/cong-nhan/quyet-dinh/{decision.pk}/in-giay/"


def batch_urls(batch) -> list[str]:
    return [f"/cong-nhan/in-giay/{batch.pk}/", f"/cong-nhan/in-giay/{batch.pk}/tep.pdf"]


def document_urls(decision) -> list[str]:
    return [f"/cong-nhan/quyet-dinh/{decision.pk}/van-ban.{kind}" for kind in ("pdf", "docx")]


def pdf_text(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else bytes(response.content)
    if response.streaming:
        close_response(response)
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def status(client, url: str) -> int:
    response = client.get(url)
    if getattr(response, "streaming", False):
        close_response(response)
    return response.status_code


def test_citizen_in_the_decision_cannot_print_its_certificates(world, as_user, decision):
    response = as_user("dan").post(start_url(decision))
    assert response.status_code == 404
    assert not CertificateBatch.objects.exists()
    # with a village of his own commune named, no different
    response = as_user("dan").post(start_url(decision), {"village": world.village_a1.pk})
    assert response.status_code == 404
    assert not CertificateBatch.objects.exists()


def test_citizen_cannot_fetch_a_batch_someone_else_made(world, as_user, decision):
    cuong = as_user("cuong")
    assert cuong.post(start_url(decision)).status_code == 302
    batch = CertificateBatch.objects.get()
    assert batch.status == "done" and batch.count == HOUSEHOLDS
    dan = as_user("dan")
    for url in batch_urls(batch):
        assert status(dan, url) == 404, url


def test_citizen_gets_his_own_certificate_and_no_other(world, as_user, decision, own):
    dan = as_user("dan")
    response = dan.get(f"/cong-nhan/{own.pk}/giay-cong-nhan.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "Gia đình ông/bà Nguyễn Văn An" in text
    assert f"Mã: {own.certificate.display_code}" in text
    assert "Phạm Văn Dũng" not in text and "Hoàng Văn Hộ" not in text
    neighbour = Assessment.objects.get(decision=decision, household=world.households["a2"])
    assert status(dan, f"/cong-nhan/{neighbour.pk}/giay-cong-nhan.pdf") == 404


def test_province_viewer_reads_but_does_not_print(world, as_user, decision):
    vera = as_user("vera")
    response = vera.post(start_url(decision))
    assert response.status_code == 404
    assert not CertificateBatch.objects.exists()
    # reading stays open to her: the decision's documents
    assert status(vera, document_urls(decision)[0]) == 200


def test_batch_is_served_to_its_requester_and_the_communes_editors(world, as_user, decision):
    cuong = as_user("cuong")
    response = cuong.post(start_url(decision))
    batch = CertificateBatch.objects.get()
    assert response["Location"] == f"/cong-nhan/in-giay/{batch.pk}/"
    assert batch.requested_by == world.users["cuong"]
    page, file_url = batch_urls(batch)
    assert cuong.get(page).status_code == 200
    response = cuong.get(file_url)
    assert response.status_code == 200
    text = pdf_text(response)
    assert "Nguyễn Văn An" in text and "Phạm Văn Dũng" in text

    # another editor of the same commune
    other_editor = as_user(None)
    other_editor.force_login(make_user("cuc", Role.COMMUNE_OFFICER, world.commune_a))
    assert other_editor.get(page).status_code == 200
    assert status(other_editor, file_url) == 200

    # not the officer of another commune, nor the read-only viewer, nor outsiders
    for persona in ("binh", "vera", "van", "dan", "oscar"):
        client = as_user(persona)
        for url in (page, file_url):
            assert status(client, url) == 404, (persona, url)


def test_citizen_cannot_download_the_decision_documents(world, as_user, decision):
    for persona in ("dan", "van", "binh", "oscar"):
        client = as_user(persona)
        for url in document_urls(decision):
            assert status(client, url) == 404, (persona, url)
    cuong = as_user("cuong")
    for url in document_urls(decision):
        assert status(cuong, url) == 200, url


LINKS = Template(
    "{% load recognition_access %}"
    "{% if user|sees_whole_decision:decision %}DOCUMENTS{% endif %}"
    "{% if user|may_print_certificates:decision %}PRINT{% endif %}"
)


@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("alice", "DOCUMENTSPRINT"),
        ("cuong", "DOCUMENTSPRINT"),
        ("vera", "DOCUMENTS"),
        ("van", ""),
        ("dan", ""),
        ("binh", ""),
    ],
)
def test_page_links_follow_the_same_gates(world, decision, persona, shown):
    user = world.users[persona]
    assert LINKS.render(Context({"user": user, "decision": decision})) == shown


def test_decision_page_shows_the_citizen_only_what_he_can_get(world, as_user, decision, own):
    html = as_user("dan").get(f"/binh-xet/quyet-dinh/{decision.pk}/").content.decode()
    assert "Nguyễn Văn An" in html and "Phạm Văn Dũng" not in html
    assert f"/cong-nhan/{own.pk}/giay-cong-nhan.pdf" in html
    assert "van-ban.pdf" not in html and "van-ban.docx" not in html
    assert "/in-giay/" not in html
    officer = as_user("cuong").get(f"/binh-xet/quyet-dinh/{decision.pk}/").content.decode()
    assert "van-ban.pdf" in officer and "van-ban.docx" in officer and "/in-giay/" in officer
