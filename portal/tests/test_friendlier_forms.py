"""Friendlier forms for citizens and plain words in the officer's queue (issue 19)."""

import re

from django.utils import timezone

from assessments.models import Assessment
from assessments.tests.helpers import open_years
from conftest import make_citizen
from portal.models import ChangeRequest, RequestStatus
from portal.tests.test_portal import claimed


def _ask(client, **data):
    return client.post("/ca-nhan/thong-tin/", {"reason": "Đổi nghề", **data})


def test_officer_queue_names_fields_and_choices_in_vietnamese(world):
    client = claimed(world)
    _ask(client, phone="0966555444", occupation="farmer")
    page = world.client("van").get("/ca-nhan/duyet/").content.decode()
    section = page[page.index("Đề nghị sửa thông tin") :]
    assert "Nghề nghiệp: Khác → <strong>Nông dân, lao động nông thôn</strong>" in section
    assert "Số điện thoại: 0901234567 → <strong>0966555444</strong>" in section
    for raw in ("farmer", "occupation", "phone:", "other"):
        assert raw not in section


def test_citizen_sees_the_pending_request_and_no_second_form(world):
    client = claimed(world)
    _ask(client, occupation="worker")
    today = timezone.localdate().strftime("%d/%m/%Y")
    page = client.get("/ca-nhan/thong-tin/").content.decode()
    assert "Đề nghị đang chờ xác nhận" in page and f"Gửi lúc {today}" in page
    assert "Nghề nghiệp: Khác → <strong>Công nhân, lao động công nghiệp, thủ công</strong>" in page
    assert 'name="occupation"' not in page  # the same form is not offered again
    home = client.get("/ca-nhan/").content.decode()
    assert "Đề nghị sửa thông tin đang chờ" in home and today in home
    # posting again (an old tab, a double click) makes no second request
    response = _ask(client, occupation="worker")
    assert response.status_code == 302
    assert ChangeRequest.objects.count() == 1
    page = client.get("/ca-nhan/thong-tin/").content.decode()
    assert "hãy rút đề nghị đó trước" in page


def test_withdrawing_offers_the_form_again_once(world):
    client = claimed(world)
    _ask(client, occupation="worker")
    request = ChangeRequest.objects.get()
    url = f"/ca-nhan/thong-tin/rut/{request.pk}/"
    client.post(url)
    client.post(url)  # twice: still one withdrawal
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    page = client.get("/ca-nhan/thong-tin/").content.decode()
    assert 'name="occupation"' in page and "Đã rút" in page
    _ask(client, occupation="farmer")
    second = ChangeRequest.objects.get(status=RequestStatus.PENDING)
    assert second.changes == {"occupation": "farmer"}
    # the officer decides; a withdrawal posted afterwards changes nothing
    world.client("van").post(f"/ca-nhan/duyet/thong-tin/{second.pk}/", {"action": "approve"})
    client.post(f"/ca-nhan/thong-tin/rut/{second.pk}/")
    second.refresh_from_db()
    assert second.status == RequestStatus.APPROVED
    # nobody else withdraws it
    assert world.client("van").post(f"/ca-nhan/thong-tin/rut/{request.pk}/").status_code == 404


def test_only_people_of_age_are_listed_for_learning_citizen(world):
    year = timezone.localdate().year
    baby = make_citizen(
        world.village_a1,
        "Nguyễn Bảo Bối",
        year - 1,
        household=world.households["a1"],
        relation="child",
    )
    client = claimed(world)
    page = client.get("/ca-nhan/ho/").content.decode()
    listed = page[page.index("Thành viên và Công dân học tập") : page.index("Gia đình học tập ")]
    assert "Lê Thị Lan" in listed and "Nguyễn Văn An" in listed
    assert "Nguyễn Bảo Bối" not in listed
    # born 2012, in school: a pupil, listed from 11 (ages per form: test_age_groups)
    assert "Nguyễn Minh Châu" in listed
    assert "đủ 15 tuổi" in listed and "đề xuất" in listed and "Bộ luật Lao động 2019" in listed
    # the officer's page of the child offers no registration for the title
    officer = world.client("cuong")
    child = officer.get(f"/so/cong-dan/{baby.pk}/").content.decode()
    assert "Chưa đến tuổi xét danh hiệu" in child and 'value="CDHT"' not in child
    adult = officer.get(f"/so/cong-dan/{world.citizens['lan'].pk}/").content.decode()
    assert 'value="CDHT"' in adult


def _start(world):
    open_years(world)
    client = claimed(world)
    client.post("/ca-nhan/danh-gia/", {"population_group": "resident"})
    assessment = Assessment.objects.get(title="CDHT", citizen=world.citizens["an"])
    return client, assessment, f"/ca-nhan/danh-gia/{assessment.pk}/buoc/1/"


def test_each_indicator_offers_labelled_levels_and_an_optional_number(world):
    client, assessment, url = _start(world)
    page = client.get(url).content.decode()
    assert page.count('type="radio" name="l_1.1"') == 5
    assert "8 điểm — Thường xuyên: làm đều đặn, có kết quả" in page
    assert "đề xuất của nhóm xây dựng phần mềm" in page and "tổng từ 80 điểm" in page
    assert "Hoặc ghi đúng số điểm" in page
    # levels only, no number typed: the level is the score
    client.post(
        url,
        {"version": assessment.version, "l_1.1": "8", "l_1.2": "10", "l_1.3": "5", "c_1.4": "6,5"},
    )
    assessment.refresh_from_db()
    assert assessment.answers == {"1.1": "8", "1.2": "10", "1.3": "5", "1.4": "6.5"}
    page = client.get(url).content.decode()
    assert re.search(r'name="l_1.1" value="8" checked', page)
    assert 'value="6.5"' in page or 'value="6,5"' in page  # not a level: the number box


def test_a_level_and_a_different_number_are_refused_with_the_field_named(world):
    client, assessment, url = _start(world)
    response = client.post(url, {"version": assessment.version, "l_1.1": "8", "c_1.1": "6"})
    assert response.status_code == 200
    assert "Bạn chọn mức 8 điểm nhưng ghi 6 điểm" in response.content.decode()
    assessment.refresh_from_db()
    assert "1.1" not in assessment.answers
