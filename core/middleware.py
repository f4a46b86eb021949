"""Request-wide concerns: NFC input, and who/where for the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict

from core.text import nfc

client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)


def _normalized(query: QueryDict) -> QueryDict:
    copy = query.copy()
    for key, values in copy.lists():
        copy.setlist(key, [nfc(v) if isinstance(v, str) else v for v in values])
    copy._mutable = False
    return copy


class NormalizeInputMiddleware:
    """Every text value a form receives is NFC, so "Nguyễn" typed on any phone is one string."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.GET = _normalized(request.GET)  # type: ignore[assignment]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            request.POST = _normalized(request.POST)  # type: ignore[assignment]
        return self.get_response(request)


def ip_of(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


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
