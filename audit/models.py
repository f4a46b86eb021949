from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_object(self, obj: models.Model) -> AuditEventQuerySet:
        return self.for_ids(type(obj), [obj.pk])

    def for_ids(self, model: type[models.Model], ids: list[Any]) -> AuditEventQuerySet:
        """Events of these records, including bulk events that cover a range of ids."""
        condition = models.Q(object_id__in=[str(i) for i in ids])
        for pk in ids:
            if isinstance(pk, int):
                condition |= models.Q(range_start__lte=pk, range_end__gte=pk)
        return self.filter(condition, content_type=ContentType.objects.get_for_model(model))


class AuditEvent(models.Model):
    """One change, append-only: who did what to which record, with before/after values."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("thao tác"), max_length=60)
    # db_index off: the (content_type, object_id) index below serves every lookup.
    content_type = models.ForeignKey(
        ContentType, null=True, on_delete=models.PROTECT, db_index=False
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("đối tượng"), max_length=300, blank=True)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    # A bulk creation (an import) is one event for a range of new ids, not one per row.
    range_start = models.BigIntegerField(null=True, blank=True)
    range_end = models.BigIntegerField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-created_at"]),
            models.Index(
                fields=["content_type", "range_start", "range_end"],
                condition=models.Q(range_start__isnull=False),
                name="audit_event_ranges",
            ),
        ]
        verbose_name = _("sự kiện nhật ký")

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Audit events are append-only")


class PersonalDataAccess(models.Model):
    """One citizen's record in one disclosure: an export, an API page, an unmasked view.

    The event says who, when, how and how many; these rows say whose data, so a
    citizen's page (and the citizen) can list every time their record left masked form.
    """

    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="+")
    # A plain id, not a foreign key: the trail outlives merged or purged records.
    citizen_id = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name = _("lần truy cập dữ liệu cá nhân")

    def __str__(self) -> str:
        return f"{self.event} → {self.citizen_id}"
