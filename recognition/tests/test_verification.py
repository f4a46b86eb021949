import datetime as dt
import io
import re
import secrets
from unittest import mock

import pytest
from pypdf import PdfReader

from assessments.models import Assessment
from assessments.tests.helpers import revoke
from recognition.codes import display, new_code, normalize
from recognition.models import Certificate, CertificateBatch
from recognition.services import find_certificate
from recognition.tests import drawn_qr
from recognition.tests.test_documents import decision  # noqa: F401 - the fixture


@pytest.fixture
def certificate(decision):  # noqa: F811
    return Certificate.objects.select_related("assessment").get(
        assessment__household__code="PH-001"
    )


def test_code_is_long_random_and_typeable():
    code = new_code()
    assert len(code) == 26 and set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert normalize(display(code).lower().replace("-", " - ")) == code
    assert len({new_code() for _ in range(1000)}) == 1000


def test_certificate_pdf_text_and_qr(world, as_user, certificate, settings):
    settings.SITE_URL = "https://hoctap.hungyen.gov.vn"
    response = as_user("cuong").get(f"/cong-nhan/{certificate.assessment.pk}/giay-cong-nhan.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    for expected in [
        "GIẤY CÔNG NHẬN",
        "“GIA ĐÌNH HỌC TẬP” NĂM 2026",
        "Gia đình ông/bà Nguyễn Văn An",
        "Thôn Đông Tảo, Phường Phố Hiến, Tỉnh Hưng Yên",
        "Theo Quyết định số 15/QĐ-UBND ngày 20/11/2026",
        "KT. CHỦ TỊCH",
        "Trần Văn Hùng",
        f"Mã: {certificate.display_code}",
    ]:
        assert expected in text, expected
    # The QR code is drawn (sharp at any zoom), not an image.
    assert not list(reader.pages[0].images)
    assert drawn_qr.texts(response.content) == [
        f"https://hoctap.hungyen.gov.vn/xac-minh/{certificate.code}"
    ]


def test_verification_page_valid_then_revoked_then_expired(world, client, certificate):
    url = f"/xac-minh/{certificate.code}"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Danh hiệu còn hiệu lực" in html and "31/12/2026" in html
    assert "Hộ Nguyễn V. A." in html and "Nguyễn Văn An" not in html
    assert "Gia đình học tập năm 2026" in html and "15/QĐ-UBND" in html and "20/11/2026" in html
    assert "Thôn Đông Tảo, Phường Phố Hiến" in html
    assert page["X-Robots-Tag"] == "noindex, nofollow" and 'name="robots" content="noindex' in html
    for secret in ("033075000123", "0901234567", "1975"):
        assert secret not in html
    # a year later the title has expired
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2027, 1, 15)):
        assert "Danh hiệu đã hết hiệu lực" in client.get(url).content.decode()
    assessment = Assessment.objects.get(pk=certificate.assessment_id)
    revoke(world.users["cuong"], assessment, "Vi phạm pháp luật", number="7/QĐ-UBND")
    text = " ".join(re.sub(r"<[^>]+>", " ", client.get(url).content.decode()).split())
    assert "Danh hiệu đã bị thu hồi theo Quyết định số 7/QĐ-UBND ngày 25/11/2026" in text
    assert "là thật" not in text and "còn hiệu lực" not in text


def test_typed_code_with_dashes_and_lowercase(client, certificate):
    response = client.get("/xac-minh/", {"code": display(certificate.code).lower()})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_unknown_codes_answer_404_and_guessing_finds_nothing(client, certificate, settings):
    """Guessing cannot find a certificate: a code is 26 letters of a 32-letter alphabet
    (130 random bits) and the page answers each client VERIFY_RATE_PER_MINUTE checks. A
    million clients guessing without pause for ten years against ten million certificates
    expect to find fewer than one in 10^15 (the arithmetic below). What the lookup must
    add is that only the exact code finds: every code one letter away from a real one,
    and a few hundred random ones, find nothing, while the real one does."""
    response = client.get(f"/xac-minh/{new_code()}")
    assert response.status_code == 404
    assert "Không có giấy công nhận nào mang mã này" in response.content.decode()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    code = certificate.code
    assert len(code) == 26 and set(code) <= set(alphabet)
    keyspace = len(alphabet) ** len(code)
    assert keyspace == 2**130
    minutes_in_ten_years = 60 * 24 * 365 * 10
    guesses = 1_000_000 * settings.VERIFY_RATE_PER_MINUTE * minutes_in_ten_years
    assert guesses * 10_000_000 / keyspace < 1e-15
    # the lookup: the real code finds its certificate, a near miss does not
    assert find_certificate(code) == certificate
    near_misses = [
        code[:i] + other + code[i + 1 :]
        for i in range(len(code))
        for other in (alphabet[(alphabet.index(code[i]) + 1) % 32], secrets.choice(alphabet))
        if other != code[i]
    ]
    near_misses += [code[:-1], code + "A", code[1:] + code[0]]
    assert not [typed for typed in near_misses if find_certificate(typed)]
    assert client.get(f"/xac-minh/{near_misses[0]}").status_code == 404
    found = sum(
        1
        for _ in range(300)
        if find_certificate("".join(secrets.choice(alphabet) for _ in range(26)))
    )
    assert found == 0


@pytest.fixture
def fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_rate_limit_answers_429(client, certificate, settings, fresh_cache):
    settings.VERIFY_RATE_PER_MINUTE = 5
    settings.TRUSTED_PROXY_HOPS = 0
    statuses = [
        client.get(f"/xac-minh/{certificate.code}", REMOTE_ADDR="10.9.9.9").status_code
        for _ in range(7)
    ]
    assert statuses == [200] * 5 + [429] * 2
    assert client.get(f"/xac-minh/{certificate.code}", REMOTE_ADDR="10.9.9.10").status_code == 200


def test_rate_limit_counts_the_real_client_behind_the_proxy(
    client, certificate, settings, fresh_cache
):
    """The project's one limiter (core.ratelimit): behind a trusted proxy every request
    arrives from the proxy's address; the client is the entry the proxy appended, and
    what the client wrote further left does not reset its count."""
    settings.VERIFY_RATE_PER_MINUTE = 3
    settings.TRUSTED_PROXY_HOPS = 1
    url = f"/xac-minh/{certificate.code}"
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    statuses = [
        client.get(url, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}, 203.0.113.7", **proxy).status_code
        for i in range(5)
    ]
    assert statuses == [200] * 3 + [429] * 2
    # another client behind the same proxy keeps its own count
    assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy).status_code == 200
    assert (
        "Quá nhiều lượt kiểm tra"
        in client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy).content.decode()
    )


def test_certificate_batch_for_a_decision(world, as_user, decision):  # noqa: F811
    cuong = as_user("cuong")
    response = cuong.post(f"/cong-nhan/quyet-dinh/{decision.pk}/in-giay/")
    batch = CertificateBatch.objects.get()
    assert response["Location"] == f"/cong-nhan/in-giay/{batch.pk}/"
    assert batch.__class__.objects.get().status == "done"
    data = cuong.get(f"/cong-nhan/in-giay/{batch.pk}/tep.pdf")
    reader = PdfReader(io.BytesIO(b"".join(data.streaming_content)))
    assert len(reader.pages) == 2
    response = cuong.post(
        f"/cong-nhan/quyet-dinh/{decision.pk}/in-giay/", {"village": world.village_a2.pk}
    )
    village_batch = CertificateBatch.objects.latest("id")
    assert village_batch.count == 1
    assert as_user("binh").get(f"/cong-nhan/in-giay/{batch.pk}/").status_code == 404


def test_decision_files_follow_scope(world, as_user, decision):  # noqa: F811
    assert (
        as_user("cuong").get(f"/cong-nhan/quyet-dinh/{decision.pk}/van-ban.pdf").status_code == 200
    )
    assert (
        as_user("cuong").get(f"/cong-nhan/quyet-dinh/{decision.pk}/van-ban.docx").status_code == 200
    )
    assert (
        as_user("binh").get(f"/cong-nhan/quyet-dinh/{decision.pk}/van-ban.pdf").status_code == 404
    )
    assert (
        as_user("oscar").get(f"/cong-nhan/quyet-dinh/{decision.pk}/van-ban.pdf").status_code == 404
    )
