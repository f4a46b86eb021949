from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from accounts.models import User, normalize_phone
from core.text import nfc


def resolve_login(login: str) -> User | None:
    """The account a typed login names: a user name in any case, a phone number in any
    common spelling, or a citizen's 12-digit identity number."""
    login = nfc(login or "").strip()
    if not login:
        return None
    user = User.objects.filter(username__iexact=login).first()
    if user is not None:
        return user
    digits = normalize_phone(login)
    if len(digits) == 12:  # phones have at most 11 digits: this is an identity number
        user = User.objects.filter(citizen_record__identity_number=digits).first()
        if user is not None:
            return user
    if len(digits) >= 9:
        return User.objects.filter(phone=digits).first()
    return None


def attempt_key(request: HttpRequest | None, credentials: dict[str, Any] | None = None) -> str:
    """What django-axes counts failed logins against: the account, however its login was
    spelled; for a login that names no account, its case-folded, digit-normalised form."""
    typed = (credentials or {}).get("username")
    if typed is None and request is not None:
        typed = request.POST.get("username", "")
    typed = str(typed or "")
    user = resolve_login(typed)
    if user is not None:
        return f"tai-khoan:{user.pk}"
    digits = normalize_phone(typed)
    return digits if len(digits) >= 9 else nfc(typed).strip().casefold()


class UsernameOrPhoneBackend(ModelBackend):
    """Log in with the user name (any case), the phone number in any common spelling,
    or a citizen's identity number."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        user = resolve_login(username)
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
