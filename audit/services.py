"""Writing the audit trail. Every service that changes data calls `record`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.models import AuditEvent
from core.middleware import client_ip


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields`, as they will be compared later by `diff`."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    changes: dict[str, list[Any]] | None = None,
    note: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj.__class__) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        changes=changes or {},
        note=note,
        ip=client_ip.get(),
    )


def record_many(
    *,
    actor: Any,
    action: str,
    objects: Iterable[models.Model],
    note: str = "",
    changes: dict[str, list[Any]] | None = None,
) -> int:
    """One event per object, written in one statement (imports, bulk actions)."""
    ip = client_ip.get()
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    events = []
    types: dict[type[models.Model], ContentType] = {}
    for obj in objects:
        kind = obj.__class__  # not type(): request.user may be a lazy wrapper
        if kind not in types:
            types[kind] = ContentType.objects.get_for_model(kind)
        events.append(
            AuditEvent(
                actor_id=actor_id,
                action=action,
                content_type=types[kind],
                object_id=str(obj.pk),
                object_repr=str(obj)[:300],
                changes=changes or {},
                note=note,
                ip=ip,
            )
        )
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    return len(events)
