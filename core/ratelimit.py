"""The one rate limiter, and the one answer to "who is this client?".

Counts live in Django's cache: with several app processes the cache must be shared
(CACHE_URL=db or redis://…), or each process counts on its own; `check --deploy` warns
(core.checks). Windows are fixed (the key carries the window's number), so a counter
needs no clean-up: it expires with its window.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The real client's address. Behind TRUSTED_PROXY_HOPS reverse proxies, each of
    which appends the address it saw to X-Forwarded-For, the client is the entry that
    many places from the right; anything further left was written by the client itself
    and is not trusted. A request that did not pass through every proxy (too few
    entries) or carries a malformed entry counts under the connecting address. None when
    even that is unknown (a request built without one)."""
    remote = _valid(request.META.get("REMOTE_ADDR") or "")
    hops = settings.TRUSTED_PROXY_HOPS
    if hops <= 0:
        return remote
    chain = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(chain) < hops:
        return remote
    return _valid(chain[-hops]) or remote


def _key(scope: str, subject: str, window: int, seconds: int) -> str:
    # Hashed: subjects may be identity numbers or phones, which have no place in cache keys
    # (and the database cache limits a key's length).
    digest = hashlib.sha256(f"{scope}\x1f{subject}".encode()).hexdigest()[:32]
    return f"rl:{scope}:{seconds}:{window}:{digest}"


def _window(seconds: int) -> int:
    return int(time.time() // seconds)


def count(scope: str, subject: str, *, seconds: int) -> int:
    """Count one more event for `subject` in this window; the count so far."""
    key = _key(scope, subject, _window(seconds), seconds)
    if cache.add(key, 1, timeout=seconds + 10):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds + 10)
        return 1


def used(scope: str, subject: str, *, seconds: int) -> int:
    """Events counted for `subject` in this window, without counting one."""
    return int(cache.get(_key(scope, subject, _window(seconds), seconds)) or 0)


def allow(scope: str, subject: str, *, limit: int, seconds: int = 60) -> bool:
    """Count one event; whether it is still within `limit` per window."""
    return count(scope, subject, seconds=seconds) <= limit


def allow_client(request: HttpRequest, scope: str, *, limit: int, seconds: int = 60) -> bool:
    """`allow` keyed on the real client's address."""
    return allow(scope, client_address(request) or "unknown", limit=limit, seconds=seconds)
