"""Deployment checks of our own, run by `manage.py check --deploy` beside Django's."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.security, deploy=True)
def proxy_and_limits(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Rate limits and lockouts only hold when they count the real client in one shared place."""
    found: list[Warning] = []
    behind_proxy = settings.TRUSTED_PROXY_HOPS > 0 or settings.SECURE_PROXY_SSL_HEADER is not None
    if settings.SECURE_PROXY_SSL_HEADER is not None and settings.TRUSTED_PROXY_HOPS <= 0:
        found.append(
            Warning(
                "BEHIND_TLS_PROXY is set but TRUSTED_PROXY_HOPS is 0: every client is seen as "
                "the proxy's address, so one client's failed logins lock out everyone and the "
                "audit trail records the proxy.",
                hint="Set TRUSTED_PROXY_HOPS to the number of reverse proxies in front of the app.",
                id="hoctap.W001",
            )
        )
    if behind_proxy and settings.CACHES["default"]["BACKEND"] in PER_PROCESS_CACHES:
        found.append(
            Warning(
                "Rate limits are counted in a per-process cache: with several app processes "
                "each counts on its own, so the limits do not hold.",
                hint="Set CACHE_URL=db (after `manage.py createcachetable`).",
                id="hoctap.W002",
            )
        )
    return found
