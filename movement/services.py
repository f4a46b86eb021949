"""Every change to the movement's records: scoped, atomic, one audit event each."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import diff, record, snapshot
from core import uploads
from movement import models as m
from movement.access import require_edit, reviewers_cover
from movement.signals import movement_changed
from places.models import Place

M = TypeVar("M", bound=models.Model)


def _fields(obj: models.Model, data: dict[str, Any]) -> list[str]:
    names = {f.name for f in obj._meta.get_fields()}
    return [name for name in data if name in names]


# A communication item's attached file (see `_with_attachment`).
ATTACHMENTS = "communication"
ATTACHMENT_KINDS = (*uploads.IMAGES_AND_PDF, uploads.WORD)
ATTACHMENT_MAX_MB = 10


def _with_attachment(obj: models.Model, data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """For a communication item: the form's `attachment_file` (checked by its content and
    stored) or `remove_attachment`, turned into the item's attachment fields, so that they
    are set, validated and audited like the others. Returns (data, the new file's stored
    name or ""). The replaced file is deleted once the change is committed."""
    if not isinstance(obj, m.Communication):
        return data, ""
    data = dict(data)
    upload = data.pop("attachment_file", None)
    remove = data.pop("remove_attachment", False)
    old = obj.attachment
    stored = ""
    if upload:
        try:
            checked = uploads.check(
                upload,
                kinds=ATTACHMENT_KINDS,
                max_mb=ATTACHMENT_MAX_MB,
                described=_("ảnh (JPEG, PNG, WebP), PDF hay Word (.docx)"),
            )
        except ValidationError as exc:
            raise ValidationError({"attachment_file": exc.messages}) from exc
        stored = uploads.store(ATTACHMENTS, checked)
        data.update(
            attachment=stored,
            attachment_name=checked.name,
            attachment_type=checked.kind.content_type,
            attachment_size=len(checked.data),
        )
    elif remove:
        data.update(attachment="", attachment_name="", attachment_type="", attachment_size=None)
    if old and data.get("attachment", old) != old:
        transaction.on_commit(lambda: uploads.remove(ATTACHMENTS, old))
    return data, stored


def _label(obj: models.Model) -> str:
    return obj._meta.model_name or "record"


def changed(place: Place) -> None:
    """Tell who keeps figures that `place`'s movement records changed (a commune's; a
    province-level record changes no commune's figures by itself)."""
    if place.kind == "commune":
        movement_changed.send(sender=Place, communes=[place.pk])


@transaction.atomic
def create(
    *, actor: User, model: type[M], place: Place | None, data: dict[str, Any], **links: Any
) -> M:
    """A new record of `place` (or under a parent given in `links`, e.g. centre=…)."""
    owner = place if place is not None else _owner_place(links)
    require_edit(actor, owner)
    obj = model(**({"place": place} if place is not None else {}), **links)
    data, stored = _with_attachment(obj, data)
    try:
        for name in _fields(obj, data):
            setattr(obj, name, data[name])
        obj.full_clean()
        obj.save()
    except BaseException:
        uploads.remove(ATTACHMENTS, stored)  # refused: the new file goes with it
        raise
    record(
        actor=actor,
        action=f"movement.{_label(obj)}.create",
        obj=obj,
        changes={k: [None, v] for k, v in snapshot(obj, _fields(obj, data)).items()},
    )
    changed(owner)
    return obj


def _owner_place(links: dict[str, Any]) -> Place:
    for parent in links.values():
        place = getattr(parent, "place", None)
        if isinstance(place, Place):
            return place
    raise ValueError("a record needs a place or a parent with one")


def owner_of(obj: models.Model) -> Place:
    place = getattr(obj, "place", None)
    if isinstance(place, Place):
        return place
    centre = getattr(obj, "centre", None)
    if isinstance(centre, m.LearningCentre):
        return centre.place
    raise ValueError(f"{obj!r} has no place")


@transaction.atomic
def update(*, actor: User, obj: M, data: dict[str, Any]) -> M:
    require_edit(actor, owner_of(obj))
    data, stored = _with_attachment(obj, data)
    fields = _fields(obj, data)
    before = snapshot(obj, fields)
    try:
        for name in fields:
            setattr(obj, name, data[name])
        obj.full_clean()
        obj.save()
    except BaseException:
        uploads.remove(ATTACHMENTS, stored)
        raise
    changes = diff(before, snapshot(obj, fields))
    if changes:
        record(actor=actor, action=f"movement.{_label(obj)}.update", obj=obj, changes=changes)
        changed(owner_of(obj))
    return obj


@transaction.atomic
def delete(*, actor: User, obj: models.Model) -> None:
    owner = owner_of(obj)
    require_edit(actor, owner)
    # The event is kept on the parent, which outlives the row (a board member, an activity…).
    parent = getattr(obj, "centre", None) or getattr(obj, "event", None) or obj
    record(
        actor=actor,
        action=f"movement.{_label(obj)}.delete",
        obj=parent,
        note=str(obj),
    )
    obj.delete()
    changed(owner)


@transaction.atomic
def set_attendance(
    *, actor: User, training: m.Training, commune: Place, members: list[m.Member]
) -> tuple[int, int]:
    """Who of `commune`'s association attended: the list replaces that commune's part."""
    require_edit(actor, commune)
    if any(member.place_id != commune.pk for member in members):
        raise ValidationError(_("Chỉ chọn được cán bộ, hội viên của %(c)s.") % {"c": commune})
    if training.place.kind != "province" and training.place_id != commune.pk:
        raise PermissionDenied(_("Lớp này do xã khác tổ chức."))
    current = set(
        m.Attendance.objects.filter(training=training, member__place=commune).values_list(
            "member_id", flat=True
        )
    )
    wanted = {member.pk for member in members}
    added, removed = wanted - current, current - wanted
    m.Attendance.objects.bulk_create(
        [m.Attendance(training=training, member_id=pk) for pk in added]
    )
    m.Attendance.objects.filter(training=training, member_id__in=removed).delete()
    if added or removed:
        record(
            actor=actor,
            action="movement.training.attendance",
            obj=training,
            changes={"attendance": [len(current), len(wanted)]},
            note=f"{commune}: +{len(added)} −{len(removed)}",
        )
        changed(commune)
    return len(added), len(removed)


@transaction.atomic
def review_commendation(
    *, actor: User, commendation: m.Commendation, data: dict[str, Any]
) -> m.Commendation:
    locked = (
        m.Commendation.objects.select_for_update(of=("self",))
        .select_related("place")
        .get(pk=commendation.pk)
    )
    if not reviewers_cover(actor, locked.place, locked.level):
        raise PermissionDenied(_("Bạn không có thẩm quyền xét đề nghị này."))
    fields = ["status", "decision", "decision_date", "exemplary", "review_note"]
    before = snapshot(locked, fields)
    for name in fields:
        setattr(locked, name, data.get(name) if name != "decision" else data.get(name) or "")
    if locked.status != m.CommendationStatus.APPROVED:
        locked.exemplary, locked.decision, locked.decision_date = False, "", None
    locked.review_note = data.get("review_note") or ""
    locked.reviewed_by, locked.reviewed_at = actor, timezone.now()
    locked.full_clean()
    locked.save()
    record(
        actor=actor,
        action="movement.commendation.review",
        obj=locked,
        changes=diff(before, snapshot(locked, fields)),
    )
    return locked


@transaction.atomic
def update_proposal(
    *, actor: User, commendation: m.Commendation, data: dict[str, Any]
) -> m.Commendation:
    if commendation.status != m.CommendationStatus.PROPOSED:
        raise ValidationError(_("Đề nghị đã được xét; không sửa được nữa."))
    return update(actor=actor, obj=commendation, data=data)
