"""Which records have outlived the retention period (see purge_departed)."""

from __future__ import annotations

import datetime as dt

from registry.models import Citizen, CitizenQuerySet, ResidenceStatus

PURGED_NAME = "(đã xoá dữ liệu cá nhân theo thời hạn lưu trữ)"


def due_for_purge(cutoff: dt.date) -> CitizenQuerySet:
    """Deceased or moved away before `cutoff`, not yet purged."""
    return Citizen.objects.filter(
        status__in=[ResidenceStatus.DECEASED, ResidenceStatus.MOVED],
        status_date__lt=cutoff,
    ).exclude(full_name=PURGED_NAME)
