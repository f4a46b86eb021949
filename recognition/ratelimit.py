"""A small per-client rate limit on the public verification page (fixed one-minute windows)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_key(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def allow(request: HttpRequest, scope: str, *, limit: int | None = None) -> bool:
    """Whether this client may go on (`limit` per minute, default the verification rate)."""
    limit = settings.VERIFY_RATE_PER_MINUTE if limit is None else limit
    window = int(time.time() // 60)
    key = f"rl:{scope}:{client_key(request)}:{window}"
    added = cache.add(key, 1, timeout=70)
    count = 1 if added else cache.incr(key)
    return count <= limit
