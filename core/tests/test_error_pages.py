"""The error pages a user meets with DEBUG off: in Vietnamese, with a way back home, never
Django's English defaults, and without inline script or style (the CSP forbids them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.views import defaults

from config.urls import urlpatterns as site_patterns

ENGLISH = [
    "Not Found",
    "Server Error",
    "Forbidden",
    "Bad Request",
    "Page not found",
    "The requested resource",
    "Internal Server Error",
]


def _refused(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def _bad(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("bad")


def _broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


# This module is also the URLconf of its tests: the site's routes plus three that fail.
urlpatterns = [
    path("loi-thu/403/", _refused),
    path("loi-thu/400/", _bad),
    path("loi-thu/500/", _broken),
    *site_patterns,
]


def _page(response: HttpResponse) -> str:
    return response.content.decode()


def _english(page: str) -> list[str]:
    return [word for word in ENGLISH if word in page]


@pytest.fixture
def browser() -> Client:
    return Client(raise_request_exception=False)


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_404_is_vietnamese_with_a_way_home(world, browser):
    browser.force_login(world.users["cuong"])
    response = browser.get("/so/ho/987654321/")
    assert response.status_code == 404
    page = _page(response)
    assert "Không tìm thấy trang" in page
    assert '<a href="/">trang chủ</a>' in page
    assert _english(page) == []


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_404_for_an_anonymous_visitor(db, browser):
    response = browser.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in _page(response)
    assert _english(_page(response)) == []


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_403_is_vietnamese_with_the_reason(world, browser):
    browser.force_login(world.users["vera"])
    response = browser.get("/loi-thu/403/")
    assert response.status_code == 403
    page = _page(response)
    assert "Không có quyền truy cập" in page and "trang chủ" in page
    assert _english(page) == []


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_refusal_with_a_message_shows_that_message(world, browser):
    # A province viewer cannot import movement data: movement/io_views.py says why.
    browser.force_login(world.users["vera"])
    response = browser.get("/phong-trao/nhap/hoi-vien/")
    assert response.status_code == 403
    assert "Bạn không có quyền nhập dữ liệu." in _page(response)


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_400_is_vietnamese(db, browser):
    response = browser.get("/loi-thu/400/")
    assert response.status_code == 400
    page = _page(response)
    assert "Yêu cầu không hợp lệ" in page and "trang chủ" in page
    assert _english(page) == []


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_500_is_vietnamese_with_a_way_home(world, browser):
    browser.force_login(world.users["cuong"])
    response = browser.get("/loi-thu/500/")
    assert response.status_code == 500
    page = _page(response)
    assert "Hệ thống đang gặp sự cố" in page
    assert '<a href="/">trang chủ</a>' in page
    assert _english(page) == []


def test_500_needs_neither_the_database_nor_a_request_context(db):
    request = RequestFactory().get("/")
    with CaptureQueriesContext(connection) as queries:
        response = defaults.server_error(request)
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in _page(response)
    assert queries.captured_queries == []


@pytest.mark.parametrize("name", ["400.html", "403.html", "404.html", "500.html"])
def test_error_templates_have_no_inline_script_or_style(name):
    text = (Path(settings.BASE_DIR) / "templates" / name).read_text("utf-8")
    assert re.search(r"<script(?![^>]*\bsrc=)", text) is None
    assert "<style" not in text
    assert re.search(r"\sstyle=", text) is None
    assert re.search(r"\son[a-z]+=", text) is None


def test_no_template_carries_what_the_security_policy_blocks():
    """Issue 19, "no CSP violation": the policy allows scripts and styles only from the site's
    own files, so no template may carry an inline style, a <style> block, an inline script or
    an on… handler (the browser walk also listens for violations on each role's home)."""
    import re
    from pathlib import Path

    blocked = re.compile(r'style="|<style|<script(?![^>]*\bsrc=)|\son[a-z]+="', re.I)
    root = Path(__file__).resolve().parents[2] / "templates"
    found = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if blocked.search(line)
    ]
    assert found == []
