"""The attacks on the portal's claim and registration (security issue 15, findings 1, 7 and 8,
and the silent change of a login phone), each through the page the attacker used."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from accounts import notify
from accounts.models import User
from audit.models import AuditEvent
from portal.models import AccountRequest, ChangeRequest, PhoneChallenge, RequestStatus
from registry.models import Citizen

NEW_PASSWORD = "Hoc-tap-suot-doi-2026"
AN_ID, AN_PHONE = "033075000123", "0901234567"


@pytest.fixture(autouse=True)
def clean(settings):
    settings.SMS_BACKEND = "memory"
    cache.clear()
    notify.outbox.clear()
    yield
    cache.clear()
    notify.outbox.clear()


def claim(client, *, identity=AN_ID, name="Nguyễn Văn An", birth="1975", phone=AN_PHONE, **extra):
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
        **extra,
    )


def without_csrf(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def page_of(response, client):
    """The page a claim leads to, with its CSRF value blanked."""
    assert response.status_code == 302, response.status_code
    return without_csrf(client.get(response["Location"]).content.decode())


def code_of(sms) -> str:
    found = re.search(r"\b(\d{6})\b", sms.text)
    assert found is not None
    return found.group(1)


def logs_in(login: str, password: str = NEW_PASSWORD) -> bool:
    response = Client().post("/dang-nhap/", {"username": login, "password": password})
    return response.status_code == 302


def test_identity_year_and_phone_on_file_no_longer_open_the_account(world):
    """Finding 1: identity number + birth year + the phone on file logged in at once."""
    client = Client()
    response = client.post(
        "/ca-nhan/nhan-tai-khoan/",
        {
            "identity_number": AN_ID,
            "birth": "1975",
            "phone": AN_PHONE,
            "password": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200  # the name is asked for now
    assert "full_name" in response.context["form"].errors
    response = claim(client)  # with the name: a code goes to the phone, nothing opens yet
    assert response.status_code == 302 and "/ma/" in response["Location"]
    assert Citizen.objects.get(pk=world.citizens["an"].pk).user is None
    assert not logs_in(AN_ID)
    assert client.get("/ca-nhan/").status_code == 302  # not logged in


def test_a_full_birth_date_on_record_must_be_typed_in_full(world):
    Citizen.objects.filter(pk=world.citizens["an"].pk).update(birth_date="1975-03-01")
    claim(Client())  # the year alone: no code is sent
    assert notify.outbox == []
    claim(Client(), birth="01/03/1975")
    assert [sms.to for sms in notify.outbox] == [AN_PHONE]


def test_the_code_sent_to_the_phone_on_file_opens_the_account(world):
    client = Client()
    response = claim(client)
    (sms,) = notify.outbox
    assert sms.to == AN_PHONE and "Không đưa mã này cho ai" in sms.text
    wrong = client.post(
        response["Location"], {"code": "000000" if code_of(sms) != "000000" else "111111"}
    )
    assert "Mã không đúng" in wrong.content.decode()
    done = client.post(response["Location"], {"code": code_of(sms)})
    assert done.status_code == 302 and done["Location"] == "/ca-nhan/"
    an = Citizen.objects.get(pk=world.citizens["an"].pk)
    assert an.user is not None and an.user.username == AN_ID and an.user.phone == AN_PHONE
    assert logs_in(AN_ID) and logs_in(AN_PHONE)
    request = AccountRequest.objects.get()
    assert request.status == RequestStatus.APPROVED and request.user == an.user
    # the claim is where An sees it: his page and his data page
    home = client.get("/ca-nhan/").content.decode()
    assert "Tài khoản của bạn đã được mở" in home
    mine = client.get("/ca-nhan/du-lieu-cua-toi/").content.decode()
    assert "Có người yêu cầu nhận tài khoản với thông tin của bạn" in mine
    # the same correct code posted again (a double click) is the same account, not an error
    again = client.post(response["Location"], {"code": code_of(sms)})
    assert again.status_code == 302
    assert User.objects.filter(username=AN_ID).count() == 1


def test_wrong_codes_count_and_stop_at_five(world):
    client = Client()
    response = claim(client)
    code = code_of(notify.outbox[0])
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        client.post(response["Location"], {"code": wrong})
    assert PhoneChallenge.objects.get().attempts == 5
    client.post(response["Location"], {"code": code})  # the right code, too late
    assert Citizen.objects.get(pk=world.citizens["an"].pk).user is None


def test_a_phone_other_than_the_one_on_file_gets_no_code_but_the_same_page(world):
    attacker = Client()
    stranger = Client()
    attack = page_of(claim(attacker, phone="0987000111", REMOTE_ADDR="10.0.0.7"), attacker)
    nobody = page_of(claim(stranger, identity="033075000888", REMOTE_ADDR="10.0.0.8"), stranger)
    assert attack == nobody  # a stranger cannot tell a real record from none
    assert notify.outbox == []  # no code went anywhere
    request = AccountRequest.objects.get()  # the real claim waits for the village officer
    assert request.phone == "0987000111" and request.user is None
    for token in PhoneChallenge.objects.values_list("token", flat=True):  # no code opens it
        for code in ("000000", "123456"):
            attacker.post(f"/ca-nhan/nhan-tai-khoan/ma/{token}/", {"code": code})
    assert Citizen.objects.get(pk=world.citizens["an"].pk).user is None


def test_without_an_sms_channel_every_claim_waits_for_the_officer(world, settings, as_user):
    settings.SMS_BACKEND = ""
    response = claim(Client())
    assert response.status_code == 200
    assert "chuyển tới cán bộ thôn" in response.content.decode()
    assert Citizen.objects.get(pk=world.citizens["an"].pk).user is None
    assert AccountRequest.objects.get().user is None
    page = as_user("van").get("/ca-nhan/duyet/").content.decode()
    assert "Chỉ xác nhận sau khi đã gặp người yêu cầu" in page and AN_ID in page


def squat_registration(world):
    """A stranger registers anonymously under An's identity number."""
    return register(
        Client(),
        village=world.village_a1,
        name="Kẻ Giả Danh",
        birth="1975",
        identity=AN_ID,
        phone="0977000333",
        password="Mat-khau-gia-2026",
    )


def test_a_pending_registration_does_not_block_the_real_claim(world):
    """Finding 7: an anonymous registration with someone else's identity number used to
    create an account under it and block that person's claim until an officer acted."""
    squat = squat_registration(world)
    assert squat.status_code == 200 and "Cán bộ thôn sẽ kiểm tra" in squat.content.decode()
    assert not User.objects.filter(username=AN_ID).exists()  # no account under his number
    assert not logs_in(AN_ID, "Mat-khau-gia-2026")
    # the attempt is in An's record history
    assert AuditEvent.objects.filter(action="portal.register_same_identity").exists()
    client = Client()
    response = claim(client)
    client.post(response["Location"], {"code": code_of(notify.outbox[0])})
    an = Citizen.objects.get(pk=world.citizens["an"].pk)
    assert an.user is not None and logs_in(AN_ID)
    # the squatter's request is closed with the claim
    squat_request = AccountRequest.objects.get(kind="register")
    assert squat_request.status == RequestStatus.REJECTED


def test_the_officer_is_warned_of_a_registration_under_a_registered_number(world, as_user):
    squat_registration(world)
    van = as_user("van")
    page = van.get("/ca-nhan/duyet/").content.decode()
    assert "Số CCCD này đã có trong sổ" in page
    request = AccountRequest.objects.get()
    response = van.post(
        f"/ca-nhan/duyet/tai-khoan/{request.pk}/", {"action": "approve"}, follow=True
    )
    assert "Chọn hồ sơ để gắn" in response.content.decode()  # never created on its own
    assert not User.objects.filter(username=AN_ID).exists()


def register(
    client,
    *,
    phone="0977000222",
    identity="033090000777",
    name="Hoàng Văn Mới",
    birth="1990",
    password=NEW_PASSWORD,
    **extra,
):
    village = extra.pop("village")
    return client.post(
        f"/ca-nhan/dang-ky/?xa={village.parent_id}",
        {
            "full_name": name,
            "gender": "male",
            "birth": birth,
            "identity_number": identity,
            "phone": phone,
            "village": village.pk,
            "password": password,
            "password2": password,
            "xa": village.parent_id,
        },
        **extra,
    )


def test_registration_does_not_tell_whether_a_phone_is_an_account(world):
    """Finding 8: registration said whether a phone was already some account's login."""
    User.objects.filter(pk=world.users["dan"].pk).update(phone="0977000444")
    taken = register(Client(), phone="0977000444", village=world.village_a1, REMOTE_ADDR="10.1.0.1")
    free = register(
        Client(),
        phone="0977000555",
        identity="033090000778",
        village=world.village_a1,
        REMOTE_ADDR="10.1.0.2",
    )
    assert taken.status_code == free.status_code == 200
    assert without_csrf(taken.content.decode()) == without_csrf(free.content.decode())
    assert "đã gắn với một tài khoản" not in taken.content.decode()


def test_a_registration_posted_twice_is_one_request(world):
    client = Client()
    register(client, village=world.village_a1)
    register(client, village=world.village_a1)
    assert AccountRequest.objects.count() == 1


def test_registration_and_claim_are_throttled_per_identity_across_clients(world):
    for n in range(5):
        assert claim(Client(), name="Sai Tên", REMOTE_ADDR=f"10.2.0.{n}").status_code == 302
    blocked = claim(Client(), REMOTE_ADDR="10.2.0.99")  # even the right data, from anywhere
    assert blocked.status_code == 429
    for n in range(5):
        register(
            Client(), village=world.village_a1, REMOTE_ADDR=f"10.3.0.{n}", phone=f"097700{n:04d}"
        )
    assert register(Client(), village=world.village_a1, REMOTE_ADDR="10.3.0.99").status_code == 429


def test_claims_are_throttled_per_real_client_behind_the_proxy(world, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    for n in range(10):
        response = claim(
            Client(),
            identity=f"03307500{n:04d}",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
        assert response.status_code == 302
    over = claim(
        Client(),
        identity="033075009999",
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert over.status_code == 429
    # another person behind the same proxy is not locked out
    other = claim(Client(), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert other.status_code == 302


def test_an_approved_phone_change_moves_the_login_and_tells_both_phones(world, as_user):
    """Seen in a new-user walk: approving a phone change silently changed the login phone."""
    client = Client()
    response = claim(client)
    client.post(response["Location"], {"code": code_of(notify.outbox[0])})
    notify.outbox.clear()
    client.post("/ca-nhan/thong-tin/", {"phone": "0966555444", "reason": "Đổi số"})
    van = as_user("van")
    page = van.get("/ca-nhan/duyet/").content.decode()
    assert "Số điện thoại: 0901234567 → <strong>0966555444</strong>" in page
    assert "đây là số đăng nhập của tài khoản" in page and "phone:" not in page
    request = ChangeRequest.objects.get()
    van.post(f"/ca-nhan/duyet/thong-tin/{request.pk}/", {"action": "approve"})
    assert logs_in("0966555444") and not logs_in(AN_PHONE)
    assert sorted(sms.to for sms in notify.outbox) == ["0901234567", "0966555444"]
    assert all("Thông tin đăng nhập của bạn đã được" in sms.text for sms in notify.outbox)
    assert "Thông tin đăng nhập của bạn đã được" in client.get("/ca-nhan/").content.decode()


def test_the_demo_channel_prints_the_code_on_the_terminal(world, settings, capsys):
    settings.SMS_BACKEND = "console"  # what `make run` uses
    claim(Client())
    printed = capsys.readouterr().out
    assert f"[Tin nhắn tới {AN_PHONE}] Mã nhận tài khoản" in printed


def test_an_officer_edit_of_a_login_phone_or_identity_needs_confirming_and_is_told(world, as_user):
    """The registry form: a new phone or identity number that is an account's login."""
    from registry.tests.pages import form_data

    client = Client()
    response = claim(client)
    client.post(response["Location"], {"code": code_of(notify.outbox[0])})
    notify.outbox.clear()
    an = world.citizens["an"]
    van = as_user("van")
    data = form_data(van.get(f"/so/cong-dan/{an.pk}/sua/"))
    data.pop("confirm_login_change", None)
    refused = van.post(
        f"/so/cong-dan/{an.pk}/sua/",
        {**data, "phone": "0912 000 777", "identity_number": "033075000124"},
    )
    assert refused.status_code == 200
    assert "đổi thông tin đăng nhập của tài khoản công dân" in refused.content.decode()
    assert Citizen.objects.get(pk=an.pk).phone == AN_PHONE and logs_in(AN_PHONE)
    saved = van.post(
        f"/so/cong-dan/{an.pk}/sua/",
        {
            **data,
            "phone": "0912 000 777",
            "identity_number": "033075000124",
            "confirm_login_change": "on",
        },
    )
    assert saved.status_code == 302
    assert logs_in("0912000777") and logs_in("033075000124")
    assert not logs_in(AN_PHONE) and not logs_in(AN_ID)
    assert sorted(sms.to for sms in notify.outbox) == [AN_PHONE, "0912000777"]
    assert AuditEvent.objects.filter(action="account.login_changed").count() == 1
    # a person without an account gets no such box
    lan = world.citizens["lan"]
    page = van.get(f"/so/cong-dan/{lan.pk}/sua/").content.decode()
    assert "confirm_login_change" not in page


def test_the_api_asks_the_same_confirmation_for_a_login_change(world):
    from api.models import ApiToken

    client = Client()
    response = claim(client)
    client.post(response["Location"], {"code": code_of(notify.outbox[0])})
    notify.outbox.clear()
    _token, key = ApiToken.issue(user=world.users["van"], name="test")
    an = world.citizens["an"]

    def patch(body):
        return Client().patch(
            f"/api/v1/citizens/{an.pk}",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )

    refused = patch({"phone": "0912000777"})
    assert refused.status_code == 422
    assert "confirm_login_change" in refused.json()["errors"]
    assert logs_in(AN_PHONE)
    assert patch({"phone": "0912000777", "confirm_login_change": True}).status_code == 200
    assert logs_in("0912000777") and not logs_in(AN_PHONE)
    assert sorted(sms.to for sms in notify.outbox) == [AN_PHONE, "0912000777"]
