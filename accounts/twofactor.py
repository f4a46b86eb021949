"""The optional second factor (TOTP, django-otp) for province admins.

A province admin turns it on at /tai-khoan/hai-buoc/ by scanning the QR code with
an authenticator app and typing one code. From then on, after the password, every
page asks for the current six-digit code once per session (SecondFactorMiddleware).
API tokens are unaffected (they are revocable secrets of their own).
"""

from __future__ import annotations

from collections.abc import Callable

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.scope import scope_of
from audit.services import record
from core.http import AuthedRequest


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Mã 6 số trong ứng dụng xác thực"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Mã gồm 6 chữ số.")},
    )


def _require_admin(request: AuthedRequest) -> None:
    if not scope_of(request.user).is_province_admin:
        raise Http404


@login_required
def setup(request: AuthedRequest) -> HttpResponse:
    _require_admin(request)
    if user_has_device(request.user):
        return render(request, "accounts/two_factor.html", {"enabled": True})
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "hoctap"}
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            device.confirmed = True
            device.save()
            otp_login(request, device)
            record(actor=request.user, action="otp.enabled", obj=request.user)
            return render(request, "accounts/two_factor.html", {"enabled": True, "just": True})
        form.add_error("code", _("Mã không đúng; hãy nhập mã đang hiện trong ứng dụng."))
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4)
    return render(
        request,
        "accounts/two_factor.html",
        {"form": form, "qr": qr, "secret": device.key, "enabled": False},
    )


@login_required
def verify(request: AuthedRequest) -> HttpResponse:
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("home")
    if not user_has_device(request.user) or _verified(request.user):
        return redirect(target or "home")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"].strip())
        if device is not None:
            otp_login(request, device)
            return redirect(target or "home")
        form.add_error("code", _("Mã không đúng hoặc đã hết hạn."))
    return render(request, "accounts/two_factor_verify.html", {"form": form})


def _verified(user: object) -> bool:
    """OTPMiddleware adds is_verified() to the request's user."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


EXEMPT = ("/tai-khoan/hai-buoc/xac-minh/", "/dang-xuat/", "/static/", "/healthz", "/api/")


class SecondFactorMiddleware:
    """After the password, a user with a confirmed device must give the current code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT)
            and not _verified(user)
            and user_has_device(user)
        ):
            return redirect(f"{reverse('accounts:otp_verify')}?next={request.path}")
        return self.get_response(request)
