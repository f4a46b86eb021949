from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Self

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.search import Searchable, SearchQuerySet
from places.scope import scope_of

REFORM_DATE = dt.date(2025, 7, 1)
"""The day Vietnam's district level ended and Hưng Yên merged with Thái Bình."""


class PlaceKind(models.TextChoices):
    PROVINCE = "province", _("Tỉnh")
    DISTRICT = "district", _("Huyện (cũ)")
    COMMUNE = "commune", _("Xã/phường")
    VILLAGE = "village", _("Thôn/tổ dân phố")


VILLAGE_TYPES = ["Thôn", "Xóm", "Tổ dân phố", "Khu phố"]


class PlaceQuerySet(SearchQuerySet):
    def current(self, on: dt.date | None = None) -> Self:
        day = on or timezone.localdate()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def legacy(self) -> Self:
        return self.filter(valid_to__isnull=False, valid_to__lt=REFORM_DATE)

    def communes(self) -> Self:
        return self.filter(kind=PlaceKind.COMMUNE)

    def villages(self) -> Self:
        return self.filter(kind=PlaceKind.VILLAGE)

    def within(self, place: Place) -> Self:
        """The place and everything below it (materialised path prefix)."""
        return self.filter(path__startswith=place.path)

    def visible_to(self, user: Any) -> Self:
        return scope_of(user).filter_places(self)


class Place(Searchable):
    """A province, legacy district, commune/ward or village, valid for a period."""

    kind = models.CharField(_("cấp"), max_length=10, choices=PlaceKind.choices)
    code = models.CharField(_("mã"), max_length=10, null=True, blank=True)
    name = models.CharField(_("tên"), max_length=150)
    short_name = models.CharField(_("tên ngắn"), max_length=120)
    unit_type = models.CharField(_("loại"), max_length=30)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # "1.5.77." — ids from the root; subtree = path prefix, ancestors = split.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    # Centroid and area from the `vietnamadminunits` package (scripts/build_places_data.py):
    # the 104 current communes have all three; legacy communes have a centroid only (the
    # package gives them a bounding box, not an area); villages have none.
    latitude = models.DecimalField(
        _("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    area_km2 = models.DecimalField(
        _("diện tích (km²)"), max_digits=9, decimal_places=2, null=True, blank=True
    )

    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("địa bàn")
        verbose_name_plural = _("địa bàn")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code", "valid_from"],
                condition=Q(code__isnull=False),
                name="place_code_unique_per_period",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="place_valid_period",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def search_text(self) -> str:
        return f"{self.name} {self.code or ''}"

    def assign_path(self) -> None:
        """Set path/depth from the parent; the row must already have its id."""
        prefix = self.parent.path if self.parent else ""
        self.path = f"{prefix}{self.pk}."
        self.depth = prefix.count(".")

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return (self.valid_from is None or self.valid_from <= today) and (
            self.valid_to is None or self.valid_to >= today
        )

    @property
    def is_legacy(self) -> bool:
        return self.valid_to is not None and self.valid_to < REFORM_DATE

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.split(".") if part][:-1]

    def ancestors(self) -> list[Place]:
        ids = self.ancestor_ids()
        by_id = Place.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def commune(self) -> Place | None:
        if self.kind == PlaceKind.COMMUNE:
            return self
        if self.kind == PlaceKind.VILLAGE:
            return self.parent
        return None

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        if not self.path:
            self.assign_path()
            Place.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)


class PlaceSuccession(models.Model):
    """`predecessor` (closed) continues as `successor`: the 2025 merger, or a village merge."""

    predecessor = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="successions")
    successor = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="predecessions")
    # The predecessor was divided among several successors; its history cannot be
    # attributed to any one of them without a note of caution.
    is_split = models.BooleanField(_("bị chia tách"), default=False)
    # For a split, the successor that takes the predecessor's name and records.
    is_default = models.BooleanField(_("đơn vị kế thừa chính"), default=True)
    effective = models.DateField(_("ngày hiệu lực"))
    # The part of the predecessor's history this successor carries (0–1; the links of
    # one predecessor sum to exactly 1). Whole (1) unless split; a split gets shares by
    # the successors' areas when loaded (a proposal: `load_places.default_split_shares`) and the
    # province admin corrects them on /dia-ban/chia-tach/.
    share = models.DecimalField(
        _("tỷ lệ kế thừa số liệu"), max_digits=5, decimal_places=4, default=Decimal(1)
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="place_succession_unique"
            ),
            models.CheckConstraint(
                condition=Q(share__gte=0) & Q(share__lte=1), name="place_succession_share_0_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"

    @property
    def percent_text(self) -> str:
        """The share as a page shows it: "40 %", "33,33 %" (the stored value is exact)."""
        return f"{(self.share * 100).normalize():f} %".replace(".", ",")
