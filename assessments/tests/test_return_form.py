"""The officer's return form shows the answers being returned (issue 19)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import services
from assessments.models import State
from assessments.tests.helpers import YEAR, good_answers, open_years

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _submitted(world, title, subject, answers):
    van = world.users["van"]
    assessment = services.register(actor=van, title=title, year=YEAR, subject=subject)
    services.save_answers(actor=van, assessment=assessment, answers=answers(assessment))
    return assessment


def test_return_form_shows_each_answer_with_its_evidence_above_the_reason(world, as_user):
    open_years(world)

    def answers(assessment):
        return {**good_answers(assessment), "1.1": "7.5", "3.2": "4"}

    assessment = _submitted(world, "CDHT", world.citizens["lan"], answers)
    van = as_user("van")
    van.post(
        f"/binh-xet/{assessment.pk}/minh-chung/",
        {"criterion": "1.1", "file": SimpleUploadedFile("the-thu-vien.png", PNG)},
    )
    assessment = services.submit(actor=world.users["van"], assessment=assessment)
    page = as_user("cuong").get(f"/binh-xet/{assessment.pk}/tra-lai/").content.decode()
    block = page[page.index("1.1. Thường xuyên đọc sách, báo") : page.index('id="r_1.1"')]
    assert "Trả lời</dt><dd>7,5/10 điểm" in block
    assert "the-thu-vien.png" in block and "/minh-chung/" in block
    low = page[page.index("3.2. ") : page.index('id="r_3.2"')]
    assert "Trả lời</dt><dd>4/10 điểm" in low and "Chưa đạt" in low
    assert "Không có" in low  # no evidence for it, said so
    # the form still returns, keeping what was typed if it fails
    response = as_user("cuong").post(
        f"/binh-xet/{assessment.pk}/tra-lai/",
        {"version": assessment.version, "r_3.2": "Chỉ số dưới 5 điểm, xem lại"},
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == State.RETURNED
    assert assessment.returned_reasons == {"3.2": "Chỉ số dưới 5 điểm, xem lại"}


def test_return_form_reads_yes_no_answers_and_computed_figures(world, as_user):
    open_years(world)

    def answers(assessment):
        first_yesno = next(c for c, v in good_answers(assessment).items() if v is True)
        return {**good_answers(assessment), first_yesno: False}

    assessment = _submitted(world, "GDHT", world.households["a1"], answers)
    assessment = services.submit(actor=world.users["van"], assessment=assessment)
    page = as_user("van").get(f"/binh-xet/{assessment.pk}/tra-lai/").content.decode()
    assert "Trả lời</dt><dd>Có" in page and "Trả lời</dt><dd>Không" in page
    assert "Tính từ sổ</dt><dd>" in page  # 1.1 children in school, from the registry
    for raw in ("True", "False", "None", "yesno"):
        assert raw not in page
