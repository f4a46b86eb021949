"""How a step changes assessments: lock the rows, check their version, write the
new state, the audit events and the counts in one go. Used by the steps
(`assessments.services`) and by decisions and revocations (`assessments.decisions`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from assessments.models import (
    Assessment,
    Rollup,
)
from audit.services import record_many


class ConflictError(ValidationError):
    """Someone else changed the record since the form was loaded."""


def _deny(message: str | None = None) -> PermissionDenied:
    return PermissionDenied(message or _("Bạn không có quyền thực hiện bước này."))


def _locked(ids: Iterable[int]) -> list[Assessment]:
    """The rows, locked in id order (two steps on many records never wait on each other
    crosswise), one statement per 2,000, with what the checks read: the places, the
    organisation, the citizen, and the criteria sets (one query for all the rows)."""
    ids = sorted(ids)
    rows: list[Assessment] = []
    for start in range(0, len(ids), 2000):
        rows += (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("commune", "village", "organisation", "citizen")
            .prefetch_related("criteria_set")
            .filter(pk__in=ids[start : start + 2000])
            .order_by("pk")
        )
    return rows


def _already_done(locked: Assessment, version: int | None, done_state: str | None) -> bool:
    """The optimistic lock: the row as the form (or the list) read it, or this exact step
    already taken since (a form posted twice, a second tab); anything else is a conflict."""
    if version is None or locked.version == version:
        return False
    if done_state is not None and locked.state == done_state:
        return True
    raise ConflictError(
        _(
            "Hồ sơ “%(s)s” vừa được người khác cập nhật (trạng thái: %(st)s). Hãy tải lại trang rồi làm tiếp."
        )
        % {"s": locked.subject_name, "st": locked.get_state_display()}
    )


def _lock(
    assessment: Assessment, version: int | None, *, done_state: str | None = None
) -> tuple[Assessment, bool]:
    """The row, locked; (row, True) when this exact step already happened (a form posted twice)."""
    rows = _locked([assessment.pk])
    if not rows:
        raise Assessment.DoesNotExist(f"Assessment {assessment.pk}")
    return rows[0], _already_done(rows[0], version, done_state)


@dataclass(frozen=True)
class _Move:
    """One locked row going to a new state: the other fields the step sets, the audit note."""

    assessment: Assessment
    fields: dict[str, Any]
    note: str = ""


def _frozen(value: Any) -> Any:
    """A hashable stand-in for a field value (to group rows that get the same values)."""
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, models.Model):
        return (value.__class__, value.pk)
    return value


def _apply(actor: User, moves: list[_Move], state: str, action: str) -> None:
    """Every transition's writes, for one locked row as for thousands: the rows (one UPDATE
    per distinct set of new values: one for a bulk verification), the counts (one bump per
    place, title and state) and the audit trail (one event per row, in one insert)."""
    now = timezone.now()
    updates: dict[Any, tuple[dict[str, Any], list[int]]] = {}
    counts: Counter[tuple[int, int, int | None, str, str]] = Counter()
    events: dict[tuple[str, str], list[Assessment]] = {}
    for move in moves:
        row, old = move.assessment, move.assessment.state
        for key, value in move.fields.items():
            setattr(row, key, value)
        row.state = state
        row.version += 1
        row.updated_at = now
        updates.setdefault(_frozen(move.fields), (move.fields, []))[1].append(row.pk)
        place = (row.year, row.commune_id, row.village_id, row.title)
        counts[(*place, old)] -= 1
        counts[(*place, state)] += 1
        events.setdefault((old, move.note), []).append(row)
    for fields, ids in updates.values():
        for start in range(0, len(ids), 5000):
            Assessment.objects.filter(pk__in=ids[start : start + 5000]).update(
                state=state, version=F("version") + 1, updated_at=now, **fields
            )
    # In one fixed order, so that two transactions never wait on each other's counts crosswise.
    for (year, commune_id, village_id, title, counted), by in sorted(
        counts.items(), key=lambda item: (*item[0][:2], item[0][2] or 0, *item[0][3:])
    ):
        if by:
            Rollup.bump(
                year=year,
                commune_id=commune_id,
                village_id=village_id,
                title=title,
                state=counted,
                by=by,
            )
    for (old, note), rows in events.items():
        record_many(
            actor=actor,
            action=f"assessment.{action}",
            objects=rows,
            changes={"state": [old, state]},
            note=note,
        )


def _move(
    actor: User, assessment: Assessment, state: str, action: str, note: str = "", **fields: Any
) -> Assessment:
    _apply(actor, [_Move(assessment, fields, note)], state, action)
    return assessment
