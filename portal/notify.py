"""How a new password reaches a citizen. There is no SMS gateway yet: the village officer
reads it off the screen and hands it over. An SMS sender replaces `send_password` here."""

from __future__ import annotations

import logging

from accounts.models import User

log = logging.getLogger(__name__)


def send_password(user: User, password: str) -> str:
    """Deliver the password; returns what the officer is shown."""
    log.info("temporary password issued for user %s", user.pk)
    return password
