from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from places.models import Place
from registry.models import Citizen


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Chờ cán bộ thôn xác nhận")
    APPROVED = "approved", _("Đã xác nhận")
    REJECTED = "rejected", _("Không xác nhận")
    # A citizen's change request taken back before the officer decided (to send a new one).
    WITHDRAWN = "withdrawn", _("Đã rút")


class AccountRequest(models.Model):
    """A citizen asking for an account: claiming their registry record, or registering
    without being in the registry. No account exists until the request is decided (by the
    village officer, or for a claim by the one-time code sent to the phone on file), so a
    request holds no user name and blocks nobody else's claim."""

    class Kind(models.TextChoices):
        CLAIM = "claim", _("Nhận tài khoản (đã có tên trong sổ)")
        REGISTER = "register", _("Đăng ký mới (chưa có trong sổ)")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="account_request",
    )
    # The password the person chose, hashed, until the account is created from it.
    password_hash = models.CharField(max_length=256, blank=True)
    citizen = models.ForeignKey(
        Citizen, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    full_name = models.CharField(_("họ và tên"), max_length=120)
    gender = models.CharField(_("giới tính"), max_length=6, blank=True)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"))
    identity_number = models.CharField(_("số CCCD"), max_length=12)
    phone = models.CharField(_("số điện thoại"), max_length=15)
    village = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.full_name}"


class ChangeRequest(models.Model):
    """A citizen's request to correct their own details; the village officer decides."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="change_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changes = models.JSONField(_("thay đổi"))
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Đề nghị sửa thông tin: {self.citizen}"


class PhoneChallenge(models.Model):
    """A one-time code sent to the phone on a claimed record: typing it back proves the
    claimant holds that phone. The code is stored hashed; it expires and allows few tries."""

    # None for a stand-in: a claim that matched nothing gets a code page like any other,
    # so the answer never tells whether a record, a phone or a claim exists.
    request = models.ForeignKey(
        AccountRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=256)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Mã xác nhận số điện thoại #{self.pk}"
