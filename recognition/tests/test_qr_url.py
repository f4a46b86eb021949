"""The certificates' QR codes follow the server they were printed from (issue 19): the
request's host and port unless SITE_URL is set (production), PORT outside a request."""

from __future__ import annotations

import pytest

from recognition.models import Certificate, CertificateBatch
from recognition.services import site_url
from recognition.tests import drawn_qr
from recognition.tests.test_documents import decision  # noqa: F401 - the fixture


@pytest.fixture
def certificate(decision):  # noqa: F811
    return Certificate.objects.select_related("assessment").get(
        assessment__household__code="PH-001"
    )


def test_a_certificate_follows_the_requests_port(world, as_user, certificate, settings):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    response = as_user("cuong").get(
        f"/cong-nhan/{certificate.assessment.pk}/giay-cong-nhan.pdf", HTTP_HOST="127.0.0.1:8123"
    )
    assert response.status_code == 200
    assert drawn_qr.texts(response.content) == [
        f"http://127.0.0.1:8123/xac-minh/{certificate.code}"
    ]


def test_a_batch_follows_the_port_of_the_request_that_asked(
    world, as_user, certificate, settings, tmp_path
):
    settings.SITE_URL = ""
    settings.MEDIA_ROOT = tmp_path
    settings.ALLOWED_HOSTS = ["localhost"]
    decided = certificate.assessment.decision
    response = as_user("cuong").post(
        f"/cong-nhan/quyet-dinh/{decided.pk}/in-giay/", HTTP_HOST="localhost:8090"
    )
    assert response.status_code == 302
    batch = CertificateBatch.objects.get(decision=decided)
    data = (tmp_path / "certificates" / batch.stored_name).read_bytes()
    assert f"http://localhost:8090/xac-minh/{certificate.code}" in drawn_qr.texts(data)


def test_site_url_wins_when_set_and_port_outside_a_request(settings):
    settings.SITE_URL = "https://hoctap.hungyen.gov.vn"
    assert site_url() == "https://hoctap.hungyen.gov.vn"
    settings.SITE_URL = ""
    settings.PORT = 8081
    assert site_url() == "http://127.0.0.1:8081"
