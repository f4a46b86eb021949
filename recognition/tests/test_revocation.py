"""Issue 17, "revocation by decision": a title recognised in 2025 is revoked in 2026, after
its year is closed, by a numbered and signed decision with its own PDF and Word copies; the
public verification page then says so."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from docx import Document
from pypdf import PdfReader

from assessments import services
from assessments.models import Assessment, CycleYear, Revocation, Rollup, State
from assessments.tests.helpers import good_answers, open_years
from audit.models import AuditEvent
from recognition import content, pdf, word
from recognition.models import Certificate

TITLE_YEAR = 2025


@pytest.fixture
def recognised_2025(world, settings, tmp_path):
    """Two households of commune A recognised for 2025 (decision of 20/11/2025); the year
    then closed."""
    settings.MEDIA_ROOT = tmp_path
    open_years(world, TITLE_YEAR)
    alice, cuong = world.users["alice"], world.users["cuong"]
    items = []
    for key in ("a1", "a2"):
        assessment = services.register(
            actor=alice, title="GDHT", year=TITLE_YEAR, subject=world.households[key]
        )
        assessment = services.save_answers(
            actor=alice, assessment=assessment, answers=good_answers(assessment)
        )
        for step in (services.submit, services.verify, services.propose):
            assessment = step(actor=alice, assessment=assessment)
        items.append(assessment)
    services.decide(
        actor=cuong,
        assessments=items,
        number="15/QĐ-UBND",
        signed_on=dt.date(TITLE_YEAR, 11, 20),
        signer_name="Trần Văn Hùng",
        signer_title="Chủ tịch",
    )
    services.close_year(actor=cuong, commune=world.commune_a, year=TITLE_YEAR)
    assert CycleYear.objects.get(commune=world.commune_a, year=TITLE_YEAR).is_closed
    return [Assessment.objects.get(pk=a.pk) for a in items]


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split()
    )


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [p.text for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return " ".join(" ".join(lines).split())


FORM = f"/binh-xet/thu-hoi/moi/?nam={TITLE_YEAR}&danh_hieu=GDHT"


def test_a_2025_title_is_revoked_in_2026_by_a_decision_with_its_documents(
    world, as_user, client, recognised_2025
):
    revoked, kept = recognised_2025
    certificate = Certificate.objects.get(assessment=revoked)
    cuong = as_user("cuong")
    # The form lists the titles the commune's committee may revoke, on its ground.
    page = cuong.get(FORM)
    assert page.status_code == 200
    text = text_of(page)
    assert revoked.subject_name in text and kept.subject_name in text
    assert "Cơ quan có thẩm quyền: Ủy ban nhân dân Phường Phố Hiến" in text
    key = page.context["form"].initial["key"]
    data = {
        "number": "12/QĐ-UBND",
        "signed_on": "01/12/2026",
        "superior": "",
        "authority": "Ủy ban nhân dân Phường Phố Hiến",
        "signer_name": "Trần Văn Hùng",
        "signer_title": "Phó Chủ tịch",
        "sign_form": "KT.",
        "reason": "Kê khai không trung thực",
        "key": key,
        "ids": [revoked.pk],
    }
    first = cuong.post(FORM, data)
    assert first.status_code == 302, text_of(first)[:2000]
    # The same form posted again (a double click, a second tab) records nothing more.
    again = cuong.post(FORM, data)
    assert again.status_code == 302 and again["Location"] == first["Location"]
    revocation = Revocation.objects.get()
    assert first["Location"] == f"/binh-xet/thu-hoi/{revocation.pk}/"
    assert AuditEvent.objects.filter(action="revocation.issue").count() == 1
    revoked.refresh_from_db()
    assert revoked.state == State.REVOKED and revoked.revocation == revocation
    assert AuditEvent.objects.for_object(revoked).filter(action="assessment.revoke").count() == 1
    kept.refresh_from_db()
    assert kept.state == State.RECOGNISED
    assert (
        Rollup.objects.get(
            year=TITLE_YEAR, village=revoked.village, title="GDHT", state=State.REVOKED
        ).count
        == 1
    )
    # the year stays closed: the revocation is a decision of a later year
    assert CycleYear.objects.get(commune=world.commune_a, year=TITLE_YEAR).is_closed
    # Its page, and its two documents in the Decree 30/2020 layout.
    detail = text_of(cuong.get(first["Location"]))
    assert "Quyết định thu hồi số 12/QĐ-UBND ngày 01/12/2026" in detail
    pdf_response = cuong.get(f"/cong-nhan/thu-hoi/{revocation.pk}/van-ban.pdf")
    assert pdf_response.status_code == 200
    in_pdf = pdf_text(b"".join(pdf_response.streaming_content))
    docx_response = cuong.get(f"/cong-nhan/thu-hoi/{revocation.pk}/van-ban.docx")
    in_docx = docx_text(b"".join(docx_response.streaming_content))
    code_start = "-".join(certificate.display_code.split("-")[:4])
    for expected in (
        "ỦY BAN NHÂN DÂN",
        "PHƯỜNG PHỐ HIẾN",
        "Số: 12/QĐ-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Phố Hiến, ngày 01 tháng 12 năm 2026",
        "QUYẾT ĐỊNH",
        "Về việc thu hồi danh hiệu “Gia đình học tập” năm 2025",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG PHỐ HIẾN",
        "Căn cứ Quyết định số 15/QĐ-UBND ngày 20 tháng 11 năm 2025 của Ủy ban nhân dân "
        "Phường Phố Hiến về việc công nhận danh hiệu “Gia đình học tập” năm 2025;",
        "Điều 1.",
        "Thu hồi danh hiệu “Gia đình học tập” năm 2025 đã công nhận cho 1 hộ gia đình",
        "Lý do: Kê khai không trung thực.",
        "Giấy công nhận đã cấp cho các hộ gia đình tại Điều 1",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Trần Văn Hùng",
        "DANH SÁCH HỘ GIA ĐÌNH BỊ THU HỒI DANH HIỆU “GIA ĐÌNH HỌC TẬP” NĂM 2025",
        "(Kèm theo Quyết định số 12/QĐ-UBND ngày 01/12/2026 của Ủy ban nhân dân Phường Phố Hiến)",
        "Mã giấy công nhận",
        revoked.household.head.full_name,
        code_start,
    ):
        assert expected in in_pdf, expected
        assert expected in in_docx, expected
    assert kept.household.head.full_name not in in_docx
    # The public check: no longer "genuine" nor "valid"; the revocation's number and date.
    verification = text_of(client.get(f"/xac-minh/{certificate.code}"))
    assert "Giấy công nhận đã bị thu hồi" in verification
    assert "Danh hiệu đã bị thu hồi theo Quyết định số 12/QĐ-UBND ngày 01/12/2026" in verification
    for wrong in ("là thật", "hợp lệ", "còn hiệu lực"):
        assert wrong not in verification, wrong
    # and the certificate is no longer printed
    assert cuong.get(f"/cong-nhan/{revoked.pk}/giay-cong-nhan.pdf").status_code == 404
    record = text_of(cuong.get(f"/binh-xet/{revoked.pk}/"))
    assert "Đã thu hồi theo Quyết định thu hồi số 12/QĐ-UBND ngày 01/12/2026" in record
    # The record's "revoke" button opens the form with that title ticked.
    button = cuong.get(f"/binh-xet/{kept.pk}/thu-hoi/")
    assert button.status_code == 302
    form = cuong.get(button["Location"])
    assert form.context["picked"] == {kept.pk}
    assert [a.pk for a in form.context["held"]] == [kept.pk]


def test_only_who_may_decide_the_title_may_revoke_it(world, as_user, recognised_2025):
    revoked, _kept = recognised_2025
    # commune B's officer and the village officer are offered nothing to revoke
    for persona in ("binh", "van", "vera"):
        response = as_user(persona).get(FORM)
        assert response.status_code == 302, persona
    # and posting A's title to the form changes nothing
    response = as_user("binh").post(
        FORM,
        {
            "number": "1/QĐ-UBND",
            "signed_on": "01/12/2026",
            "authority": "Ủy ban nhân dân Xã Khoái Châu",
            "signer_name": "A",
            "signer_title": "Chủ tịch",
            "reason": "Thử",
            "key": "k-binh",
            "ids": [revoked.pk],
        },
    )
    assert response.status_code == 302
    revoked.refresh_from_db()
    assert revoked.state == State.RECOGNISED
    assert not Revocation.objects.exists()


def test_a_revocation_refuses_a_title_outside_its_territory_and_a_date_before_recognition(
    world, recognised_2025
):
    from django.core.exceptions import ValidationError

    revoked, _kept = recognised_2025
    details = {
        "number": "2/QĐ-UBND",
        "signer_name": "A",
        "signer_title": "Chủ tịch",
        "reason": "Thử",
    }
    with pytest.raises(ValidationError, match="ở ngoài địa bàn của Ủy ban nhân dân Xã Khoái Châu"):
        services.revoke(
            actor=world.users["alice"],
            assessments=[revoked],
            signed_on=dt.date(2026, 12, 1),
            authority_place=world.commune_b,
            **details,
        )
    with pytest.raises(ValidationError, match="không được trước ngày công nhận"):
        services.revoke(
            actor=world.users["alice"],
            assessments=[revoked],
            signed_on=dt.date(2025, 11, 1),
            **details,
        )
    revoked.refresh_from_db()
    assert revoked.state == State.RECOGNISED


def superior_content() -> content.DecisionContent:
    return content.DecisionContent(
        superior_lines=content.superior_lines("Hội Khuyến học Tỉnh Hưng Yên"),
        authority_lines=["HỘI KHUYẾN HỌC", "XÃ KHOÁI CHÂU"],
        number_line="Số: 7/QĐ-KH",
        place_date="Khoái Châu, ngày 01 tháng 12 năm 2026",
        subject_line="Về việc công nhận danh hiệu “Công dân học tập” năm 2026",
        issuer_line="BAN CHẤP HÀNH HỘI KHUYẾN HỌC XÃ KHOÁI CHÂU",
        bases=["Căn cứ Điều lệ Hội Khuyến học Việt Nam;"],
        articles=[("Điều 1.", "Công nhận.")],
        recipients=["Lưu: VT."],
        signature_lines=["TM. BAN CHẤP HÀNH", "CHỦ TỊCH"],
        signer_name="Lê Văn A",
        annex_title="DANH SÁCH",
        annex_caption="(Kèm theo)",
        annex_header=["TT", "Họ và tên", "Năm sinh", "Thôn, tổ dân phố"],
    )


def test_the_superior_body_is_printed_above_the_issuing_body_and_not_bold():
    """Decree 30/2020, Appendix I: the superior body's name, not bold, above the issuing
    body's name in bold — in the PDF and in the Word copy."""
    drawn: list[tuple[str, bool]] = []

    def visit(text, cm, tm, font, size):
        if text.strip() and font is not None:
            drawn.append((text.strip(), "Bold" in str(font["/BaseFont"])))

    page = PdfReader(io.BytesIO(pdf.decision_pdf(superior_content()))).pages[0]
    page.extract_text(visitor_text=visit)
    assert drawn[:4] == [
        ("HỘI KHUYẾN HỌC", False),
        ("TỈNH HƯNG YÊN", False),
        ("HỘI KHUYẾN HỌC", True),
        ("XÃ KHOÁI CHÂU", True),
    ]
    document = Document(io.BytesIO(word.decision_docx(superior_content())))
    left = document.tables[0].rows[0].cells[0].paragraphs
    assert [(p.text, all(run.bold for run in p.runs)) for p in left[:4]] == [
        ("HỘI KHUYẾN HỌC", False),
        ("TỈNH HƯNG YÊN", False),
        ("HỘI KHUYẾN HỌC", True),
        ("XÃ KHOÁI CHÂU", True),
    ]


def test_a_committee_as_superior_body_is_abbreviated_to_fit_one_line():
    assert content.superior_lines("Ủy ban nhân dân Tỉnh Hưng Yên") == ["UBND TỈNH HƯNG YÊN"]
    assert content.superior_lines("") == []


def test_a_revocation_is_recorded_and_read_through_the_api(world, client, recognised_2025):
    """The same revocation through /api/v1: refused to the viewer, recorded once for a key
    sent twice, readable by who sees the whole decision, and the public page flips."""
    import json

    from api.models import ApiToken

    revoked, kept = recognised_2025

    def call(persona, method, path, body=None):
        _token, key = ApiToken.issue(user=world.users[persona], name="t")
        extra = {"content_type": "application/json", "HTTP_AUTHORIZATION": f"Bearer {key}"}
        if body is not None:
            extra["data"] = json.dumps(body)
        return getattr(client, method)(f"/api/v1{path}", **extra)

    body = {
        "assessment_ids": [revoked.pk],
        "number": "21/QĐ-UBND",
        "signed_on": "2026-12-01",
        "signer_name": "Trần Văn Hùng",
        "signer_title": "Chủ tịch",
        "reason": "Kê khai không trung thực",
        "key": "api-thu-hoi-1",
    }
    assert call("vera", "post", "/revocations", body).status_code == 403
    assert call("van", "post", "/revocations", body).status_code == 403  # sees, cannot decide
    no_reason = call("cuong", "post", "/revocations", {**body, "reason": " ", "key": ""})
    assert no_reason.status_code == 422
    assert "lý do" in json.dumps(no_reason.json(), ensure_ascii=False)
    first = call("cuong", "post", "/revocations", body)
    assert first.status_code == 201, first.content
    again = call("cuong", "post", "/revocations", body)
    assert again.json()["id"] == first.json()["id"]
    assert Revocation.objects.count() == 1
    made = first.json()
    assert made["assessment_ids"] == [revoked.pk] and made["year"] == TITLE_YEAR
    assert made["reason"] == "Kê khai không trung thực"
    read = call("vera", "get", f"/revocations/{made['id']}")
    assert read.status_code == 200 and read.json()["number"] == "21/QĐ-UBND"
    assert call("van", "get", f"/revocations/{made['id']}").status_code == 404
    # A title no longer held cannot be revoked twice.
    twice = call("cuong", "post", "/revocations", {**body, "number": "22/QĐ-UBND", "key": ""})
    assert twice.status_code == 422
    certificate = Certificate.objects.get(assessment=revoked)
    verification = text_of(client.get(f"/xac-minh/{certificate.code}"))
    assert "Danh hiệu đã bị thu hồi theo Quyết định số 21/QĐ-UBND ngày 01/12/2026" in verification
    decision = call("vera", "get", f"/decisions/{kept.decision_id}")
    assert decision.status_code == 200 and decision.json()["number"] == "15/QĐ-UBND"
    assert sorted(decision.json()["assessment_ids"]) == sorted([revoked.pk, kept.pk])
