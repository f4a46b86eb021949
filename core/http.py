from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    return attachment(content, filename, XLSX)


if TYPE_CHECKING:
    # django-stubs' mypy plugin reads `_User` as settings.AUTH_USER_MODEL (accounts.User),
    # so core names no app above it.
    from django.contrib.auth.models import _User as User

    class AuthedRequest(HttpRequest):
        """What a view behind login_required receives (for the type checker)."""

        user: User
        htmx: Any

else:
    AuthedRequest = HttpRequest
