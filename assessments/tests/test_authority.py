"""Issue 17, "the right signer": who signs each title, on what ground, and only for subjects
of the signer's own territory — through the decision page and the API."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.test import Client
from docx import Document
from pypdf import PdfReader

from api.models import ApiToken
from assessments import services
from assessments.models import Assessment, Decision, State
from assessments.tests.helpers import YEAR, good_answers, open_years
from registry.models import Organisation

FORM = "/binh-xet/quyet-dinh/moi/"


def proposed(world, title, subject):
    alice = world.users["alice"]
    assessment = services.register(actor=alice, title=title, year=YEAR, subject=subject)
    assessment = services.save_answers(
        actor=alice, assessment=assessment, answers=good_answers(assessment)
    )
    for step in (services.submit, services.verify, services.propose):
        assessment = step(actor=alice, assessment=assessment)
    return assessment


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def decision_post(ids, number, **extra):
    return {
        "number": number,
        "signed_on": "20/11/2026",
        "authority": "Ủy ban nhân dân Phường Phố Hiến",
        "superior": "",
        "signer_name": "Nguyễn Văn Ký",
        "signer_title": "Chủ tịch",
        "sign_form": "",
        "ids": ids,
        **extra,
    }


@pytest.fixture
def api(world):
    def call(persona, path, body):
        _token, key = ApiToken.issue(user=world.users[persona], name="t")
        return Client().post(
            f"/api/v1{path}",
            data=json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )

    return call


def test_the_form_offers_one_territory_and_the_page_refuses_a_household_outside_it(world, as_user):
    open_years(world)
    inside = proposed(world, "GDHT", world.households["a1"])
    outside = proposed(world, "GDHT", world.households["b1"])
    alice = as_user("alice")
    # The province admin decides for both communes: the page first asks which body issues.
    page = alice.get(FORM, {"nam": YEAR, "danh_hieu": "GDHT"})
    assert page.status_code == 200
    text = text_of(page)
    assert "Chọn cơ quan ban hành" in text
    assert "Ủy ban nhân dân Phường Phố Hiến" in text and "Ủy ban nhân dân Xã Khoái Châu" in text
    # The form of commune A offers A's household only, and names the body's ground.
    url = f"{FORM}?nam={YEAR}&danh_hieu=GDHT&noi={world.commune_a.pk}"
    form = text_of(alice.get(url))
    assert inside.subject_name in form and outside.subject_name not in form
    assert "Cơ quan có thẩm quyền: Ủy ban nhân dân Phường Phố Hiến" in form
    assert "Căn cứ: Kế hoạch số 127/KH-UBND" in form and "mục V.8.c" in form
    # B's household slipped into A's decision is refused by name; nothing is recorded.
    refused = alice.post(url, decision_post([inside.pk, outside.pk], "30/QĐ-UBND"))
    assert refused.status_code == 200
    assert (
        f"“{outside.subject_name}” (Xã Khoái Châu) ở ngoài địa bàn của Ủy ban nhân dân "
        "Phường Phố Hiến" in text_of(refused)
    )
    assert not Decision.objects.exists()
    outside.refresh_from_db()
    assert outside.state == State.PROPOSED
    # A's household alone goes through.
    done = alice.post(url, decision_post([inside.pk], "30/QĐ-UBND"))
    assert done.status_code == 302
    decision = Decision.objects.get()
    assert decision.authority_place == world.commune_a
    assert list(decision.assessments.all()) == [inside]


def test_the_api_refuses_a_subject_outside_the_authority_by_name(world, api):
    open_years(world)
    inside = proposed(world, "GDHT", world.households["a1"])
    outside = proposed(world, "GDHT", world.households["b1"])
    body = {
        "assessment_ids": [inside.pk, outside.pk],
        "number": "31/QĐ-UBND",
        "signed_on": "2026-11-20",
        "signer_name": "Nguyễn Văn Ký",
        "signer_title": "Chủ tịch",
        "authority_place_id": world.commune_a.pk,
    }
    response = api("alice", "/decisions", body)
    assert response.status_code == 422
    [message] = response.json()["errors"]["__all__"]
    assert message == (
        f"“{outside.subject_name}” (Xã Khoái Châu) ở ngoài địa bàn của Ủy ban nhân dân "
        "Phường Phố Hiến: không đưa vào quyết định này được."
    )
    # Without naming the territory, the first record's is the decision's: the same refusal.
    response = api("alice", "/decisions", {**body, "authority_place_id": None})
    assert response.status_code == 422
    assert outside.subject_name in response.json()["errors"]["__all__"][0]
    assert not Decision.objects.exists()
    # Commune A's officer does not see B's household at all.
    assert api("cuong", "/decisions", body).status_code == 404
    response = api("alice", "/decisions", {**body, "assessment_ids": [inside.pk]})
    assert response.status_code == 201, response.json()
    made = response.json()
    assert made["authority"] == "Ủy ban nhân dân Phường Phố Hiến"
    assert made["authority_place_id"] == world.commune_a.pk
    assert made["assessment_ids"] == [inside.pk]


def test_learning_citizens_are_recognised_by_the_association_and_the_decision_says_so(
    world, as_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    open_years(world)
    citizen = proposed(world, "CDHT", world.citizens["lan"])
    cuong = as_user("cuong")
    url = f"{FORM}?nam={YEAR}&danh_hieu=CDHT"
    page = cuong.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["authority"] == "Hội Khuyến học Phường Phố Hiến"
    assert form.initial["superior"] == "Hội Khuyến học Tỉnh Hưng Yên"
    assert form.initial["sign_form"] == "TM."
    text = text_of(page)
    assert "Cơ quan có thẩm quyền: Hội Khuyến học Phường Phố Hiến" in text
    assert "mục V.1.b" in text  # the source: the plan's article
    assert "Đề xuất, chờ tỉnh xác nhận:" in text  # the commune level is a labelled proposal
    response = cuong.post(
        url,
        decision_post(
            [citizen.pk],
            "05/QĐ-KH",
            authority=form.initial["authority"],
            superior=form.initial["superior"],
            sign_form="TM.",
        ),
    )
    assert response.status_code == 302, text_of(response)[:2000]
    decision = Decision.objects.get()
    assert decision.authority == "Hội Khuyến học Phường Phố Hiến"
    pdf = cuong.get(f"/cong-nhan/quyet-dinh/{decision.pk}/van-ban.pdf")
    pdf_text = " ".join(
        " ".join(
            p.extract_text() for p in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages
        ).split()
    )
    docx_file = cuong.get(f"/cong-nhan/quyet-dinh/{decision.pk}/van-ban.docx")
    document = Document(io.BytesIO(b"".join(docx_file.streaming_content)))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [p.text for row in table.rows for cell in row.cells for p in cell.paragraphs]
    docx_text = " ".join(" ".join(lines).split())
    for expected in (
        "HỘI KHUYẾN HỌC TỈNH HƯNG YÊN",  # the superior body
        "HỘI KHUYẾN HỌC PHƯỜNG PHỐ HIẾN",
        "Số: 05/QĐ-KH",
        "BAN CHẤP HÀNH HỘI KHUYẾN HỌC PHƯỜNG PHỐ HIẾN",  # who decides
        "Căn cứ Điều lệ Hội Khuyến học Việt Nam;",
        "Xét đề nghị của Thường trực Hội Khuyến học Phường Phố Hiến",
        "TM. BAN CHẤP HÀNH",
        "CHỦ TỊCH",
        "Nguyễn Văn Ký",
    ):
        assert expected in docx_text, expected
        assert expected in pdf_text, expected
    # an association does not decide under the law on local government, nor as a committee
    for wrong in ("Luật Tổ chức chính quyền địa phương", "ỦY BAN NHÂN DÂN", "Văn phòng Hội"):
        assert wrong not in docx_text and wrong not in pdf_text, wrong


@pytest.fixture
def province_unit(world):
    return Organisation.objects.create(
        name="Sở Y tế Hưng Yên",
        kind="agency",
        level="province",
        commune=world.commune_a,
        declared_staff=80,
    )


def test_a_province_level_unit_defaults_to_the_province(world, as_user, api, province_unit):
    open_years(world)
    unit = proposed(world, "DVHT", province_unit)
    school = proposed(world, "DVHT", world.org_a)
    # The commune's officer decides the commune's school, not the province's unit.
    cuong_form = as_user("cuong").get(f"{FORM}?nam={YEAR}&danh_hieu=DVHT")
    assert cuong_form.status_code == 200
    assert [a.pk for a in cuong_form.context["proposed"]] == [school.pk]
    # The province admin is asked which body: the commune's committee or the province's.
    alice = as_user("alice")
    text = text_of(alice.get(f"{FORM}?nam={YEAR}&danh_hieu=DVHT"))
    assert "Ủy ban nhân dân Phường Phố Hiến" in text and "Ủy ban nhân dân Tỉnh Hưng Yên" in text
    page = alice.get(f"{FORM}?nam={YEAR}&danh_hieu=DVHT&noi={world.province.pk}")
    assert page.context["form"].initial["authority"] == "Ủy ban nhân dân Tỉnh Hưng Yên"
    assert [a.pk for a in page.context["proposed"]] == [unit.pk]
    assert "Thông tư số 24/2023/TT-BGDĐT" in text_of(page)
    # A commune-level and a province-level unit in one decision: refused, both named.
    both = {
        "assessment_ids": [school.pk, unit.pk],
        "number": "40/QĐ-UBND",
        "signed_on": "2026-11-20",
        "signer_name": "Nguyễn Văn Ký",
        "signer_title": "Chủ tịch",
        "not_recognised": {str(school.pk): "Chưa đạt", str(unit.pk): "Chưa đạt"},
    }
    response = api("alice", "/decisions", both)
    assert response.status_code == 422
    message = response.json()["errors"]["__all__"][0]
    assert "Trường Tiểu học Phố Hiến" in message and "Sở Y tế Hưng Yên" in message
    assert "mỗi cơ quan một quyết định riêng" in message
    # The province's unit alone: the province's decision.
    response = api(
        "alice",
        "/decisions",
        {**both, "assessment_ids": [unit.pk], "not_recognised": {str(unit.pk): "Chưa đạt"}},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["authority"] == "Ủy ban nhân dân Tỉnh Hưng Yên"
    assert response.json()["authority_place_id"] == world.province.pk
    assert Assessment.objects.get(pk=unit.pk).state == State.NOT_RECOGNISED


def test_a_rule_the_province_saves_is_confirmed_and_no_longer_a_proposal(world, as_user):
    from assessments.models import AuthorityRule

    rule = AuthorityRule.objects.get(title="XA_HT", org_level="")
    assert rule.proposal and rule.confirmed_at is None
    assert "Thông tư số 25/2023/TT-BGDĐT" in rule.basis
    settings_page = text_of(as_user("alice").get("/cau-hinh/"))
    assert (
        "Đề xuất:" in settings_page
        and "Trưởng phòng Giáo dục và Đào tạo cấp huyện" in settings_page
    )
    response = as_user("alice").post(
        f"/cau-hinh/tham-quyen/{rule.pk}/",
        {
            "level": "province",
            "authority": "Sở Giáo dục và Đào tạo {tinh}",
            "superior": "Ủy ban nhân dân {tinh}",
            "signer_title": "Giám đốc",
            "sign_form": "",
            "basis": "Quyết định số 12/QĐ-UBND ngày 05/01/2026 của Ủy ban nhân dân tỉnh",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.proposal == "" and rule.confirmed_at is not None
    assert rule.confirmed_by == world.users["alice"]
