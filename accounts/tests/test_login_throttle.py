"""The login throttle counts the account, not the spelling, and the real client behind the proxy."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client

from conftest import PASSWORD
from core.ratelimit import client_address


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def login(client, username, password=PASSWORD, **extra):
    return client.post("/dang-nhap/", {"username": username, "password": password}, **extra)


def test_spelling_the_login_differently_buys_no_extra_tries(world):
    """Finding 4: CONGDAN, cOngdan, the phone in two spellings and the identity number
    each used to get their own five tries; now they all count against one account."""
    an = world.citizens["an"]
    an.user = world.users["dan"]
    an.save(update_fields=["user"])
    dan = world.users["dan"]
    dan.phone = "0912000008"
    dan.save(update_fields=["phone"])
    spellings = ["DAN", "dAn", "0912.000.008", "+84 912 000 008", "033075000123"]
    for n, spelling in enumerate(spellings):
        assert login(Client(REMOTE_ADDR=f"10.0.0.{n + 1}"), spelling, "sai").status_code in (
            200,
            429,  # the fifth failure already answers with the wait
        )
    # the sixth try, from yet another address and with the right password, waits
    response = login(Client(REMOTE_ADDR="10.0.1.1"), "dan")
    assert response.status_code == 429
    assert "thử lại sau ít phút" in response.content.decode()


def test_identity_number_logs_in_to_the_citizens_account(world):
    an = world.citizens["an"]
    an.user = world.users["dan"]
    an.save(update_fields=["user"])
    client = Client()
    assert login(client, "033075000123").status_code == 302
    assert client.session["_auth_user_id"] == str(world.users["dan"].pk)


def test_behind_one_proxy_each_client_has_its_own_bucket(world, settings):
    """Finding 5: behind nginx every request comes from the proxy's address; the per-client
    cap must count the address nginx appended, not the proxy (and not what the client wrote)."""
    settings.TRUSTED_PROXY_HOPS = 1
    settings.LOGIN_RATE_PER_MINUTE = 3
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    attacker = Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    for n in range(3):
        assert login(attacker, f"khong-co-{n}", "sai").status_code == 200
    assert login(attacker, "khong-co-9", "sai").status_code == 429
    # Forging entries to the left of what the proxy appended changes nothing.
    forged = Client(**proxy, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    assert login(forged, "khong-co-10", "sai").status_code == 429
    # Another citizen behind the same proxy is not locked out by the attacker.
    other = Client(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert login(other, "cuong").status_code == 302


def test_failed_logins_record_the_real_client_behind_the_proxy(world, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.20")
    assert login(client, "cuong", "sai").status_code == 200
    attempt = AccessAttempt.objects.get()
    assert attempt.ip_address == "198.51.100.20"
    assert attempt.username == f"tai-khoan:{world.users['cuong'].pk}"


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        # no proxy configured: the header is the client's own words
        (0, "203.0.113.7", "127.0.0.1"),
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "203.0.113.7", "127.0.0.1"),  # did not pass every proxy
        (1, "not-an-address", "127.0.0.1"),
        (1, "", "127.0.0.1"),
    ],
)
def test_client_address(rf, settings, hops, forwarded, expected):
    settings.TRUSTED_PROXY_HOPS = hops
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
