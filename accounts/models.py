from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.search import Searchable, SearchQuerySet
from places.models import Place, PlaceKind

_NOT_DIGITS = re.compile(r"\D")


def normalize_phone(value: str) -> str:
    """ "+84 912 345 678", "0912.345.678" → "0912345678"."""
    digits = _NOT_DIGITS.sub("", value or "")
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


class UserQuerySet(SearchQuerySet):
    pass


class HoctapUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(Searchable, AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=15, null=True, blank=True, unique=True)

    objects = HoctapUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username

    def search_text(self) -> str:
        return f"{self.full_name} {self.username} {self.phone or ''}"


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("Quản trị cấp tỉnh")
    PROVINCE_VIEWER = "province_viewer", _("Theo dõi cấp tỉnh")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ xã/phường")
    VILLAGE_OFFICER = "village_officer", _("Cán bộ thôn/tổ dân phố")
    ORG_MANAGER = "org_manager", _("Quản lý đơn vị")
    CLAN_MANAGER = "clan_manager", _("Trưởng dòng họ")
    CITIZEN = "citizen", _("Công dân")


# Which level of place each role is attached to.
ROLE_PLACE_KIND: dict[str, str] = {
    Role.PROVINCE_ADMIN: PlaceKind.PROVINCE,
    Role.PROVINCE_VIEWER: PlaceKind.PROVINCE,
    Role.COMMUNE_OFFICER: PlaceKind.COMMUNE,
    Role.VILLAGE_OFFICER: PlaceKind.VILLAGE,
    Role.ORG_MANAGER: PlaceKind.COMMUNE,
    Role.CLAN_MANAGER: PlaceKind.COMMUNE,
    Role.CITIZEN: PlaceKind.VILLAGE,
}


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def active(self) -> RoleAssignmentQuerySet:
        today = timezone.localdate()
        return self.filter(
            Q(valid_from__lte=today),
            Q(valid_to__isnull=True) | Q(valid_to__gte=today),
            ended_at__isnull=True,
        )


class RoleAssignment(models.Model):
    """A user acting in a role over a place (and everything below it) for a period."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    place = models.ForeignKey(Place, on_delete=models.PROTECT, verbose_name=_("địa bàn"))
    # For organisation and clan managers: the one organisation or clan they act for.
    organisation = models.ForeignKey(
        "registry.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managers",
        verbose_name=_("đơn vị"),
    )
    clan = models.ForeignKey(
        "registry.Clan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managers",
        verbose_name=_("dòng họ"),
    )
    valid_from = models.DateField(_("từ ngày"), default=timezone.localdate)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when an officer withdraws the role; the assignment stops counting at once.
    ended_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["valid_from", "id"]
        verbose_name = _("phân công vai trò")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="role_assignment_valid_period",
            )
        ]

    def __str__(self) -> str:
        target = self.organisation or self.clan or self.place
        return f"{self.get_role_display()} — {target}"

    @property
    def is_active(self) -> bool:
        today = timezone.localdate()
        return (
            self.ended_at is None
            and self.valid_from <= today
            and (self.valid_to is None or self.valid_to >= today)
        )


class Notice(models.Model):
    """A message to one person, shown on their own page (account changes, claims); sent
    by accounts.notify.tell, which also texts it when there is an SMS channel."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="notice_user_recent")]

    def __str__(self) -> str:
        return self.text
