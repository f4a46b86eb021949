"""Villages are the communes' own: created, renamed, merged and closed here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record, snapshot
from core.text import collapse_spaces, fold
from places.models import VILLAGE_TYPES, Place, PlaceKind, PlaceSuccession
from places.scope import scope_of


def split_village_name(name: str, unit_type: str) -> tuple[str, str]:
    """("Thôn Đông Tảo", "") → ("Đông Tảo", "Thôn"); the type prefix is never doubled."""
    clean = collapse_spaces(name)
    for known in sorted(VILLAGE_TYPES, key=len, reverse=True):
        if fold(clean).startswith(fold(known) + " "):
            return clean[len(known) :].strip(), unit_type or known
    return clean, unit_type or "Thôn"


def _check_commune(actor: Any, commune: Place) -> None:
    if commune.kind != PlaceKind.COMMUNE or not commune.is_current:
        raise ValidationError(_("Chỉ tạo thôn trong một xã/phường đang có hiệu lực."))
    if not scope_of(actor).can_manage_villages(commune):
        raise PermissionDenied(_("Bạn không quản lý thôn của %(c)s.") % {"c": commune})


def _check_unique(
    commune: Place, short_name: str, unit_type: str, exclude: Place | None = None
) -> None:
    key = fold(f"{unit_type} {short_name}")
    siblings = Place.objects.villages().current().filter(parent=commune)
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    for sibling in siblings.only("unit_type", "short_name"):
        if fold(f"{sibling.unit_type} {sibling.short_name}") == key:
            raise ValidationError(
                {"name": _("%(c)s đã có “%(n)s”.") % {"c": commune, "n": sibling.name}}
            )


def _validate_type(unit_type: str) -> None:
    if unit_type not in VILLAGE_TYPES:
        raise ValidationError(
            {"unit_type": _("Loại phải là một trong: %(t)s.") % {"t": ", ".join(VILLAGE_TYPES)}}
        )


@transaction.atomic
def create_village(
    *,
    actor: Any,
    commune: Place,
    name: str,
    unit_type: str = "",
    valid_from: dt.date | None = None,
) -> Place:
    _check_commune(actor, commune)
    short_name, kind_label = split_village_name(name, unit_type)
    if not short_name:
        raise ValidationError({"name": _("Tên thôn không được để trống.")})
    _validate_type(kind_label)
    _check_unique(commune, short_name, kind_label)
    village = Place(
        kind=PlaceKind.VILLAGE,
        name=f"{kind_label} {short_name}",
        short_name=short_name,
        unit_type=kind_label,
        parent=commune,
        valid_from=valid_from,
    )
    village.save()
    record(
        actor=actor, action="village.create", obj=village, changes={"name": [None, village.name]}
    )
    return village


def _lock_village(actor: Any, village: Place) -> Place:
    locked = Place.objects.select_for_update().get(pk=village.pk)
    if locked.kind != PlaceKind.VILLAGE:
        raise ValidationError(_("Đây không phải là thôn/tổ dân phố."))
    assert locked.parent is not None
    _check_commune(actor, locked.parent)
    if not locked.is_current:
        raise ValidationError(_("“%(v)s” đã hết hiệu lực.") % {"v": locked})
    return locked


@transaction.atomic
def rename_village(*, actor: Any, village: Place, name: str, unit_type: str = "") -> Place:
    locked = _lock_village(actor, village)
    short_name, kind_label = split_village_name(name, unit_type or locked.unit_type)
    _validate_type(kind_label)
    assert locked.parent is not None
    _check_unique(locked.parent, short_name, kind_label, exclude=locked)
    before = snapshot(locked, ["name", "unit_type"])
    locked.short_name, locked.unit_type = short_name, kind_label
    locked.name = f"{kind_label} {short_name}"
    if before == snapshot(locked, ["name", "unit_type"]):
        return locked
    locked.save()
    after = snapshot(locked, ["name", "unit_type"])
    record(
        actor=actor,
        action="village.rename",
        obj=locked,
        changes={k: [before[k], after[k]] for k in before if before[k] != after[k]},
    )
    return locked


@transaction.atomic
def close_village(*, actor: Any, village: Place, on: dt.date | None = None, reason: str) -> Place:
    locked = _lock_village(actor, village)
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do.")})
    end = on or timezone.localdate()
    if locked.valid_from and end < locked.valid_from:
        raise ValidationError({"on": _("Ngày đóng phải sau ngày thành lập.")})
    locked.valid_to = end
    locked.save()
    record(
        actor=actor,
        action="village.close",
        obj=locked,
        changes={"valid_to": [None, end.isoformat()]},
        note=reason,
    )
    return locked


@transaction.atomic
def merge_villages(
    *,
    actor: Any,
    sources: Sequence[Place],
    into: Place | None = None,
    new_name: str = "",
    unit_type: str = "",
    on: dt.date | None = None,
) -> Place:
    """Merge villages of one commune, into one of them or into a new village.

    The merged villages close the day before `on`, and each gets a succession
    link, so their history is found under the village that continues them.
    """
    if len({s.pk for s in sources}) < 2 and into is None:
        raise ValidationError(_("Chọn ít nhất hai thôn để sáp nhập."))
    locked = [_lock_village(actor, s) for s in sources]
    communes = {v.parent_id for v in locked}
    if len(communes) != 1:
        raise ValidationError(_("Chỉ sáp nhập các thôn cùng một xã/phường."))
    commune = locked[0].parent
    assert commune is not None
    start = on or timezone.localdate()
    if into is not None:
        target = _lock_village(actor, into)
        if target.parent_id != commune.pk:
            raise ValidationError(_("Thôn nhận sáp nhập phải cùng xã/phường."))
    else:
        if not new_name.strip():
            raise ValidationError(
                {"new_name": _("Nhập tên thôn mới hoặc chọn thôn nhận sáp nhập.")}
            )
        # The new village may reuse a merged village's name: check against the others.
        short_name, kind_label = split_village_name(new_name, unit_type)
        _validate_type(kind_label)
        reused = [v for v in locked if fold(v.name) == fold(f"{kind_label} {short_name}")]
        for village in reused:
            village.valid_to = start - dt.timedelta(days=1)
            village.save()
        _check_unique(commune, short_name, kind_label)
        target = Place(
            kind=PlaceKind.VILLAGE,
            name=f"{kind_label} {short_name}",
            short_name=short_name,
            unit_type=kind_label,
            parent=commune,
            valid_from=start,
        )
        target.save()
        record(
            actor=actor, action="village.create", obj=target, changes={"name": [None, target.name]}
        )
    merged = [v for v in locked if v.pk != target.pk]
    if not merged:
        raise ValidationError(_("Chọn ít nhất một thôn khác thôn nhận sáp nhập."))
    for village in merged:
        village.valid_to = start - dt.timedelta(days=1)
        if village.valid_from and village.valid_to < village.valid_from:
            village.valid_to = village.valid_from
        village.save()
        PlaceSuccession.objects.get_or_create(
            predecessor=village, successor=target, defaults={"effective": start}
        )
        record(
            actor=actor,
            action="village.merge",
            obj=village,
            changes={
                "valid_to": [None, village.valid_to.isoformat()],
                "successor": [None, target.name],
            },
        )
    return target
