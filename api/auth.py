from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from api.models import ApiToken, digest


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>`: the request acts as the token's user, with that user's scope."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.active().select_related("user").filter(key_hash=digest(token)).first()
        )
        if found is None or not found.user.is_active:
            return None
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user
