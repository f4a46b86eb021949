from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from accounts.models import User, normalize_phone


class UsernameOrPhoneBackend(ModelBackend):
    """Log in with the user name (any case) or the phone number in any common spelling."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        login = username.strip()
        user = User.objects.filter(username__iexact=login).first()
        if user is None:
            phone = normalize_phone(login)
            if len(phone) >= 9:
                user = User.objects.filter(phone=phone).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
