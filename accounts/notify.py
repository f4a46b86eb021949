"""How messages reach a citizen: an SMS channel when the province has configured one, and
always a notice on their own portal page.

SMS_BACKEND chooses the channel: "" (none: claims go to the village officer, passwords are
read off the officer's screen), "http" (POST {"to", "text"} as JSON to SMS_GATEWAY_URL with
a bearer token — the shape of the provincial SMS brand-name gateways), "console" (printed
on the server's terminal, like Django's console e-mail backend: `make run` uses it so a
demo claim can be finished), "memory" (kept in `outbox`, for tests)."""

from __future__ import annotations

import json
import logging
import sys
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from accounts.models import Notice, User, normalize_phone

log = logging.getLogger(__name__)


class NotSent(Exception):  # noqa: N818 - the channel refused or could not be reached
    pass


@dataclass(frozen=True)
class Sms:
    to: str
    text: str


outbox: list[Sms] = []


def sms_available() -> bool:
    return settings.SMS_BACKEND in ("http", "console", "memory")


def send_sms(phone: str, text: str) -> None:
    """Send one text message; NotSent when there is no channel or it failed."""
    to = normalize_phone(phone)
    if not to or not sms_available():
        raise NotSent(to)
    if settings.SMS_BACKEND == "memory":
        outbox.append(Sms(to=to, text=text))
        return
    if settings.SMS_BACKEND == "console":
        sys.stdout.write(f"[Tin nhắn tới {to}] {text}\n")
        sys.stdout.flush()
        return
    request = urllib.request.Request(
        settings.SMS_GATEWAY_URL,
        data=json.dumps({"to": to, "text": text}, ensure_ascii=False).encode(),
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            if not 200 <= response.status < 300:
                raise NotSent(f"HTTP {response.status}")
    except OSError as exc:
        log.warning("SMS gateway unreachable: %s", exc.__class__.__name__)
        raise NotSent(str(exc)) from exc


def tell(user: User | None, text: str, *, phones: tuple[str, ...] = ()) -> bool:
    """A notice on the person's portal page, and an SMS to each phone when there is a
    channel. Whether any SMS went out."""
    if user is not None:
        Notice.objects.create(user=user, text=text)
    sent = False
    for phone in dict.fromkeys(normalize_phone(p) for p in phones if p):
        try:
            send_sms(phone, text)
        except NotSent:
            continue
        sent = True
    return sent


def send_password(user: User, password: str) -> str:
    """Deliver a new password; returns what the officer is shown and hands over."""
    log.info("temporary password issued for user %s", user.pk)
    return password
