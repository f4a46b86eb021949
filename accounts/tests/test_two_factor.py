"""The optional TOTP second factor of province admins."""

from __future__ import annotations

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from conftest import PASSWORD


def code_of(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits, drift=drift):06d}"


def test_province_admin_turns_it_on_then_every_login_asks_for_the_code(world):
    alice = Client()
    alice.force_login(world.users["alice"])
    page = alice.get("/tai-khoan/hai-buoc/").content.decode()
    assert "Quét mã QR" in page and "<svg" in page
    device = TOTPDevice.objects.get(user=world.users["alice"], confirmed=False)
    wrong = alice.post(
        "/tai-khoan/hai-buoc/", {"code": "000000" if code_of(device) != "000000" else "111111"}
    )
    assert "Mã không đúng" in wrong.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # guessing slows down (django-otp)
    device.throttle_reset()  # the wait after one failure is a second; the test skips it
    on = alice.post("/tai-khoan/hai-buoc/", {"code": code_of(device)})
    assert "Đã bật xác thực hai bước" in on.content.decode()
    assert AuditEvent.objects.filter(action="otp.enabled").count() == 1

    fresh = Client()
    assert fresh.post("/dang-nhap/", {"username": "alice", "password": PASSWORD}).status_code == 302
    asked = fresh.get("/so/ho/")
    assert asked.status_code == 302
    assert asked["Location"].startswith("/tai-khoan/hai-buoc/xac-minh/?next=/so/ho/")
    refused = fresh.post(asked["Location"], {"code": "12345x"})
    assert "Mã gồm 6 chữ số." in refused.content.decode()
    device.refresh_from_db()
    passed = fresh.post(asked["Location"], {"code": code_of(device, drift=1)})
    assert passed.status_code == 302 and passed["Location"] == "/so/ho/"
    assert fresh.get("/so/ho/").status_code == 200


def test_others_cannot_turn_it_on_and_users_without_a_device_are_not_asked(world, as_user):
    assert as_user("cuong").get("/tai-khoan/hai-buoc/").status_code == 404
    cuong = as_user("cuong")
    assert cuong.get("/so/ho/").status_code == 200
    assert cuong.get("/tai-khoan/hai-buoc/xac-minh/")["Location"] == "/"
