import pytest
from django.core.cache import cache
from django.test import Client

from accounts.models import Role, RoleAssignment, User
from assessments.models import Assessment, State
from assessments.tests.helpers import YEAR, open_years
from audit.models import AuditEvent
from conftest import PASSWORD
from portal.models import AccountRequest, ChangeRequest, RequestStatus
from registry.models import Citizen
from stats.compute import live_figures

NEW_PASSWORD = "Hoc-tap-suot-doi-2026"


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def claim(
    client,
    identity="033075000123",
    birth="1975",
    phone="0901234567",
    ip="10.0.0.1",
    name="Nguyễn Văn An",
):
    return client.post(
        "/ca-nhan/nhan-tai-khoan/",
        {
            "identity_number": identity,
            "full_name": name,
            "birth": birth,
            "phone": phone,
            "password": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        REMOTE_ADDR=ip,
    )


def confirm_by_officer(as_user, world):
    """Without an SMS channel every claim waits for the village officer (van)."""
    request = AccountRequest.objects.get(citizen=world.citizens["an"], status="pending")
    as_user("van").post(f"/ca-nhan/duyet/tai-khoan/{request.pk}/", {"action": "approve"})
    return request


def test_claim_confirmed_by_the_officer_opens_the_account(world, client, as_user):
    response = claim(client)
    assert response.status_code == 200
    assert "yêu cầu đã được chuyển tới cán bộ thôn" in response.content.decode()
    assert Citizen.objects.get(pk=world.citizens["an"].pk).user is None
    confirm_by_officer(as_user, world)
    an = Citizen.objects.get(pk=world.citizens["an"].pk)
    assert an.user is not None and an.user.username == "033075000123"
    assert RoleAssignment.objects.get(user=an.user).role == Role.CITIZEN
    # later: log in with the phone number or the CCCD
    for login in ("0901234567", "033075000123"):
        fresh = Client()
        assert (
            fresh.post("/dang-nhap/", {"username": login, "password": NEW_PASSWORD}).status_code
            == 302
        )
        assert fresh.get("/", follow=True).context["citizen"] == an


@pytest.mark.parametrize(
    ("identity", "birth", "name"),
    [
        ("033075000999", "1975", "Nguyễn Văn An"),  # no such CCCD
        ("033075000123", "1976", "Nguyễn Văn An"),  # wrong birth year
        ("033075000123", "1975", "Nguyễn Văn Ba"),  # another name
        ("033075000123", "02/03/1975", "Nguyễn Văn An"),  # the record has 01/03/1975
        ("033075000123", "1975", "Nguyễn Văn An"),  # ...and the year alone is not enough
    ],
)
def test_wrong_combinations_get_the_same_answer_and_open_nothing(
    world, client, identity, birth, name
):
    if identity == "033075000123" and name == "Nguyễn Văn An" and birth != "1976":
        Citizen.objects.filter(pk=world.citizens["an"].pk).update(birth_date="1975-03-01")
    right = claim(Client(), ip="10.9.9.9", identity="033075000888")  # nobody: the reference
    response = claim(client, identity, birth, name=name)
    assert response.status_code == 200
    assert response.content.decode() == right.content.decode()
    assert not User.objects.filter(username=identity).exists()
    assert not AccountRequest.objects.exists()


def test_phone_mismatch_changes_the_record_phone_once_the_officer_confirms(world, client, as_user):
    claim(client, phone="0987000111")
    request = AccountRequest.objects.get()
    assert request.kind == "claim" and request.user is None
    assert (
        Client()
        .post("/dang-nhap/", {"username": "033075000123", "password": NEW_PASSWORD})
        .status_code
        == 200
    )
    assert (
        as_user("binh")
        .post(f"/ca-nhan/duyet/tai-khoan/{request.pk}/", {"action": "approve"})
        .status_code
        == 404
    )
    van = as_user("van")
    page = van.get("/ca-nhan/duyet/").content.decode()
    assert "033075000123" in page and "số điện thoại khác sổ" in page
    van.post(f"/ca-nhan/duyet/tai-khoan/{request.pk}/", {"action": "approve"})
    an = Citizen.objects.get(pk=world.citizens["an"].pk)
    assert an.phone == "0987000111" and an.user.is_active
    assert (
        Client()
        .post("/dang-nhap/", {"username": "0987000111", "password": NEW_PASSWORD})
        .status_code
        == 302
    )
    assert AuditEvent.objects.for_object(an).filter(action="citizen.update").exists()
    assert an.user.notices.filter(text__contains="đã được mở").exists()


def test_claims_are_throttled(world, client):
    for _ in range(5):
        claim(client, identity="033075000999")
    response = claim(client, identity="033075000999")
    assert response.status_code == 429
    assert "quá nhiều yêu cầu" in response.content.decode()
    assert not AccountRequest.objects.exists()


def test_a_claimed_record_cannot_be_claimed_twice(world, client, as_user):
    claim(client)
    confirm_by_officer(as_user, world)
    reference = claim(Client(), ip="10.0.0.3", identity="033075000888")
    response = claim(Client(), ip="10.0.0.2")
    assert response.content.decode() == reference.content.decode()
    assert AccountRequest.objects.filter(status="pending").count() == 0


def register(client, identity, name="Hoàng Văn Mới", birth="1990", village=None, gender="male"):
    return client.post(
        f"/ca-nhan/dang-ky/?xa={village.parent_id}",
        {
            "full_name": name,
            "gender": gender,
            "birth": birth,
            "identity_number": identity,
            "phone": "0977000222",
            "village": village.pk,
            "password": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "xa": village.parent_id,
        },
    )


def test_registration_creates_a_record_once_verified(world, client, as_user):
    response = register(client, "033090000777", village=world.village_a1)
    assert not User.objects.filter(username="033090000777").exists()
    assert "Cán bộ thôn sẽ kiểm tra" in response.content.decode()
    request = AccountRequest.objects.get(kind="register")
    as_user("van").post(f"/ca-nhan/duyet/tai-khoan/{request.pk}/", {"action": "approve"})
    citizen = Citizen.objects.get(identity_number="033090000777")
    assert citizen.user.username == "033090000777" and citizen.village == world.village_a1
    assert Citizen.objects.filter(full_name="Hoàng Văn Mới").count() == 1


def test_registration_of_someone_already_in_the_registry_links_without_duplicate(
    world, client, as_user
):
    # Lan is in the registry without a CCCD; she registers instead of claiming
    register(
        client,
        "033178000456",
        name="Lê Thị Lan",
        birth="1978",
        village=world.village_a1,
        gender="female",
    )
    request = AccountRequest.objects.get(kind="register")
    van = as_user("van")
    page = van.get("/ca-nhan/duyet/").content.decode()
    assert "Có thể là người đã có trong sổ" in page
    van.post(
        f"/ca-nhan/duyet/tai-khoan/{request.pk}/",
        {"action": "approve", "link_to": world.citizens["lan"].pk},
    )
    lan = Citizen.objects.get(pk=world.citizens["lan"].pk)
    assert lan.identity_number == "033178000456" and lan.user is not None
    assert Citizen.objects.filter(full_name="Lê Thị Lan").count() == 1
    # approving without choosing would have refused to create a duplicate
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED


def test_duplicate_is_refused_when_the_officer_does_not_choose(world, client, as_user):
    register(
        client,
        "033178000456",
        name="Lê Thị Lan",
        birth="1978",
        village=world.village_a1,
        gender="female",
    )
    request = AccountRequest.objects.get()
    response = as_user("van").post(
        f"/ca-nhan/duyet/tai-khoan/{request.pk}/", {"action": "approve"}, follow=True
    )
    assert "Chọn hồ sơ để gắn, không tạo trùng" in response.content.decode()
    assert Citizen.objects.filter(full_name="Lê Thị Lan").count() == 1


def claimed(world):
    """An's portal session, his account opened as the village officer would."""
    client = Client()
    claim(client)
    request = AccountRequest.objects.get(citizen=world.citizens["an"], status="pending")
    world.client("van").post(f"/ca-nhan/duyet/tai-khoan/{request.pk}/", {"action": "approve"})
    assert (
        client.post(
            "/dang-nhap/", {"username": "033075000123", "password": NEW_PASSWORD}
        ).status_code
        == 302
    )
    return client


def test_self_assessment_steps_resume_and_count_as_self_updated(world, as_user):
    open_years(world)
    client = claimed(world)
    response = client.post("/ca-nhan/danh-gia/", {"population_group": "resident"})
    assessment = Assessment.objects.get(title="CDHT", citizen=world.citizens["an"])
    assert response["Location"] == f"/ca-nhan/danh-gia/{assessment.pk}/buoc/1/"
    page = client.get(response["Location"]).content.decode()
    assert "Năng lực tự học và học tập suốt đời" in page and "Phần 1/4" in page
    client.post(
        response["Location"],
        {"version": assessment.version, "c_1.1": "9", "c_1.2": "9", "c_1.3": "8", "c_1.4": "8"},
    )
    assessment.refresh_from_db()
    assert assessment.answers == {"1.1": "9", "1.2": "9", "1.3": "8", "1.4": "8"}
    # log out mid-way; log in again and carry on where it stopped
    client.post("/dang-xuat/")
    client.post("/dang-nhap/", {"username": "033075000123", "password": NEW_PASSWORD})
    page = client.get(f"/ca-nhan/danh-gia/{assessment.pk}/buoc/1/").content.decode()
    assert 'value="9"' in page
    assessment.refresh_from_db()
    client.post(
        f"/ca-nhan/danh-gia/{assessment.pk}/buoc/2/",
        {"version": assessment.version, "c_2.1": "8", "c_2.2": "7", "c_2.3": "7", "c_2.4": "7"},
    )
    assessment.refresh_from_db()
    client.post(
        f"/ca-nhan/danh-gia/{assessment.pk}/buoc/3/",
        {"version": assessment.version, "c_3.1": "9", "c_3.2": "9"},
    )
    summary = client.get(f"/ca-nhan/danh-gia/{assessment.pk}/buoc/4/").content.decode()
    assert "Điểm tạm tính: <strong>81</strong>/100" in summary and "đạt" in summary
    assessment.refresh_from_db()
    client.post(f"/ca-nhan/danh-gia/{assessment.pk}/nop/", {"version": assessment.version})
    assessment.refresh_from_db()
    assert assessment.state == State.SUBMITTED and assessment.self_submitted
    assert assessment.result["indicators"]["digital_skills"] is True  # 29 of 40, none under 5


def test_self_update_indicator_counts_only_the_citizens_own_submissions(world, as_user):
    from assessments import services
    from assessments.tests.helpers import good_answers, recognise

    open_years(world)
    client = claimed(world)
    client.post("/ca-nhan/danh-gia/", {"population_group": "resident"})
    own = Assessment.objects.get(title="CDHT", citizen=world.citizens["an"])
    services.save_answers(actor=own.citizen.user, assessment=own, answers=good_answers(own))
    services.submit(actor=own.citizen.user, assessment=own)
    for step in (services.verify, services.propose):
        own = step(actor=world.users["alice"], assessment=own)
    import datetime as dt

    services.decide(
        actor=world.users["alice"],
        assessments=[own],
        number="1/QĐ",
        signed_on=dt.date(YEAR, 11, 1),
        signer_name="A",
        signer_title="Chủ tịch",
    )
    recognise(
        world,
        services.register(
            actor=world.users["alice"], title="CDHT", year=YEAR, subject=world.citizens["lan"]
        ),
    )
    values = live_figures(world.commune_a, YEAR)
    assert (values["cdht_total"], values["cdht_self_updated"]) == (2, 1)


def test_household_head_fills_the_family_self_assessment(world):
    open_years(world)
    client = claimed(world)
    page = client.get("/ca-nhan/ho/").content.decode()
    assert "Lê Thị Lan" in page and "chưa đăng ký" in page
    response = client.post("/ca-nhan/ho/")
    gdht = Assessment.objects.get(title="GDHT", household=world.households["a1"])
    assert response["Location"] == f"/ca-nhan/danh-gia/{gdht.pk}/buoc/1/"
    page = client.get(response["Location"]).content.decode()
    assert "Hệ thống tự tính từ sổ đăng ký." in page  # 1.1 children in school is derived


def test_citizen_sees_only_own_assessments(world, as_user):
    open_years(world)
    from assessments import services

    other = services.register(
        actor=world.users["alice"], title="CDHT", year=YEAR, subject=world.citizens["dung"]
    )
    client = claimed(world)
    assert client.get(f"/ca-nhan/danh-gia/{other.pk}/buoc/1/").status_code == 404
    assert client.get(f"/binh-xet/{other.pk}/").status_code == 404
    assert client.get("/so/cong-dan/").status_code == 404


def test_change_request_flow(world, as_user):
    client = claimed(world)
    client.post(
        "/ca-nhan/thong-tin/", {"phone": "0966555444", "occupation": "worker", "reason": "Đổi số"}
    )
    request = ChangeRequest.objects.get()
    assert request.changes == {"phone": "0966555444", "occupation": "worker"}
    as_user("van").post(f"/ca-nhan/duyet/thong-tin/{request.pk}/", {"action": "approve"})
    an = Citizen.objects.get(pk=world.citizens["an"].pk)
    assert (an.phone, an.occupation) == ("0966555444", "worker")
    event = AuditEvent.objects.for_object(an).filter(action="citizen.update").latest("id")
    assert event.changes["phone"] == ["0901234567", "0966555444"]


def test_password_reset_by_the_village_officer(world, as_user):
    claimed(world)
    response = as_user("van").post(f"/ca-nhan/duyet/mat-khau/{world.citizens['an'].pk}/")
    password = response.context["password"]
    assert (
        Client().post("/dang-nhap/", {"username": "033075000123", "password": password}).status_code
        == 302
    )
    assert (
        as_user("binh").post(f"/ca-nhan/duyet/mat-khau/{world.citizens['an'].pk}/").status_code
        == 404
    )
    assert PASSWORD
