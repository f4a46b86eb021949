"""Request-wide concerns: NFC input without control characters, and who/where for the
audit trail."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render

from core.ratelimit import client_address
from core.text import nfc

client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)


def _normalized(query: QueryDict) -> QueryDict:
    copy = query.copy()
    for key, values in copy.lists():
        copy.setlist(key, [nfc(v) if isinstance(v, str) else v for v in values])
    copy._mutable = False
    return copy


# C0 control characters and DEL. NUL is never data (PostgreSQL cannot even store it in
# text); tab, line feed and carriage return are allowed only in values that may be
# multi-line text (form fields, JSON strings), never in the path, the query string or a name.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PATH_FIELD = "đường dẫn"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _shown(name: str) -> str:
    """A field name fit to repeat back: control characters replaced, length capped."""
    return CONTROL.sub("\ufffd", name)[:60] or "(không tên)"


def control_message(field: str) -> str:
    return (
        "Dữ liệu gửi lên có ký tự điều khiển không hợp lệ (ví dụ ký tự NUL) "
        f"ở trường «{field}». Hãy xoá ký tự đó và gửi lại."
    )


def _json_strings(value: Any, where: str) -> Iterator[tuple[str, str, bool]]:
    """(field, text, is_name) for every key and string inside a parsed JSON body."""
    if isinstance(value, str):
        yield where, value, False
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{where}.{key}" if where else str(key)
            yield inner, str(key), True
            yield from _json_strings(item, inner)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_strings(item, f"{where}[{index}]")


def control_field(request: HttpRequest) -> str | None:
    """The first field of the request carrying a control character, or None."""
    if CONTROL.search(request.path):
        return PATH_FIELD
    for key, values in request.GET.lists():
        if CONTROL.search(key) or any(CONTROL.search(v) for v in values):
            return _shown(key)
    if request.method == "POST" and request.content_type in FORM_TYPES:
        for key, values in request.POST.lists():
            if CONTROL.search(key) or any(
                isinstance(v, str) and CONTROL_IN_TEXT.search(v) for v in values
            ):
                return _shown(key)
        for key, files in request.FILES.lists():
            if CONTROL.search(key) or any(CONTROL.search(f.name or "") for f in files):
                return _shown(key)
    elif request.content_type == "application/json" or _is_api(request):
        # The API reads every body as JSON, whatever the Content-Type says.
        try:
            data = json.loads(request.body) if request.body else None
            for field, text, is_name in _json_strings(data, ""):
                if (CONTROL if is_name else CONTROL_IN_TEXT).search(text):
                    return _shown(field or "(thân yêu cầu)")
        except (ValueError, RecursionError, RequestDataTooBig):
            return None  # not JSON, too deep or too big: the API answers that itself (400)
    return None


def _is_api(request: HttpRequest) -> bool:
    match = request.resolver_match
    return match is not None and "api" in match.namespaces


class NormalizeInputMiddleware:
    """Every text value a form receives is NFC, so "Nguyễn" typed on any phone is one string.

    A request whose path, query string, form fields or JSON body carries a control
    character (NUL above all: PostgreSQL refuses it, and no one types it) is refused
    before any view sees it: a 400 page naming the field, or for the API a 422 JSON
    answer in the API's error shape. The check runs as a view hook, so the page is
    drawn for the signed-in user (AuthenticationMiddleware comes later in the list).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.GET = _normalized(request.GET)  # type: ignore[assignment]
        if request.method == "POST" and request.content_type in FORM_TYPES:
            request.POST = _normalized(request.POST)  # type: ignore[assignment]
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        field = control_field(request)
        if field is None:
            return None
        message = control_message(field)
        if _is_api(request):
            return JsonResponse(
                {"detail": message, "errors": {field: [message]}},
                status=422,
                json_dumps_params={"ensure_ascii": False},
            )
        return render(request, "400.html", {"problem": message}, status=400)


def ip_of(request: HttpRequest) -> str | None:
    """The real client's address (behind TRUSTED_PROXY_HOPS proxies), for the audit
    trail; None when there is no valid address to record."""
    return client_address(request)


class RequestContextMiddleware:
    """Makes the client address available to services writing audit events."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = client_ip.set(ip_of(request))
        try:
            return self.get_response(request)
        finally:
            client_ip.reset(token)


class IdleSessionMiddleware:
    """SESSION_COOKIE_AGE is an idle timeout: a signed-in user's session is saved again (and
    its expiry pushed SESSION_COOKIE_AGE ahead) once SESSION_REFRESH_SECONDS have passed
    since it last was, not on every request as SESSION_SAVE_EVERY_REQUEST would — a write
    and a disk flush per page view. The timeout is then exact to within that interval
    (5 minutes of 8 hours)."""

    KEY = "_seen"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None or not user.is_authenticated:
            return response  # not signed in, or just signed out (the session is gone)
        now = int(time.time())
        if now - int(session.get(self.KEY, 0)) >= settings.SESSION_REFRESH_SECONDS:
            session[self.KEY] = now  # modified: SessionMiddleware saves it on the way out
        return response


class SecurityHeadersMiddleware:
    """Headers Django does not set itself: a Content-Security-Policy that allows only
    this site's own scripts, styles, images and forms (htmx ships as a static file,
    charts are inline SVG), and a Permissions-Policy that turns off device features."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.headers = {
            "Content-Security-Policy": settings.CONTENT_SECURITY_POLICY,
            "Permissions-Policy": settings.PERMISSIONS_POLICY,
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for name, value in self.headers.items():
            if value and name not in response:
                response[name] = value
        return response
