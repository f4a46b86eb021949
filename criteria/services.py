"""Editing criteria sets: only drafts change; publishing freezes a version for good."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scope import scope_of
from audit.services import diff, record, snapshot
from criteria.io import create_from_data, export, validate
from criteria.models import CriteriaGroup, CriteriaSet, Criterion, SetStatus


def _require_admin(actor: User) -> None:
    if not scope_of(actor).is_province_admin:
        raise PermissionDenied(_("Chỉ quản trị cấp tỉnh được sửa bộ tiêu chí."))


def _require_draft(criteria_set: CriteriaSet) -> None:
    if criteria_set.status != SetStatus.DRAFT:
        raise ValidationError(_("Bộ tiêu chí đã ban hành không sửa được; hãy tạo phiên bản mới."))


@transaction.atomic
def new_draft(*, actor: User, criteria_set: CriteriaSet) -> CriteriaSet:
    """A draft copy of a version, numbered after the family's latest."""
    _require_admin(actor)
    existing = CriteriaSet.objects.filter(
        family=criteria_set.family, status=SetStatus.DRAFT
    ).first()
    if existing is not None:
        return existing
    data = export(criteria_set)
    data["version"] = (
        CriteriaSet.objects.filter(family=criteria_set.family).aggregate(v=Max("version"))["v"] or 0
    ) + 1
    draft = create_from_data(data, status=SetStatus.DRAFT)
    record(actor=actor, action="criteria.draft", obj=draft, note=str(criteria_set))
    return draft


@transaction.atomic
def publish(*, actor: User, criteria_set: CriteriaSet) -> CriteriaSet:
    _require_admin(actor)
    locked = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    if locked.status == SetStatus.PUBLISHED:
        return locked
    _require_draft(locked)
    problems = validate(export(locked))
    if (
        not locked.groups.exists()
        or not Criterion.objects.filter(group__criteria_set=locked).exists()
    ):
        problems.append(_("Bộ tiêu chí chưa có tiêu chí nào."))
    if problems:
        raise ValidationError(problems)
    CriteriaSet.objects.filter(family=locked.family, status=SetStatus.PUBLISHED).update(
        status=SetStatus.RETIRED
    )
    locked.status, locked.published_at = SetStatus.PUBLISHED, timezone.now()
    locked.save()
    record(actor=actor, action="criteria.publish", obj=locked)
    return locked


@transaction.atomic
def retire(*, actor: User, criteria_set: CriteriaSet) -> CriteriaSet:
    _require_admin(actor)
    if criteria_set.status == SetStatus.PUBLISHED:
        criteria_set.status = SetStatus.RETIRED
        criteria_set.save(update_fields=["status"])
        record(actor=actor, action="criteria.retire", obj=criteria_set)
    return criteria_set


SET_EDITABLE = [
    "name",
    "legal_basis",
    "year_from",
    "year_to",
    "validity_years",
    "mode",
    "pass_mark",
    "group_min_share",
    "indicator_floor",
    "population_group",
    "org_level",
]


@transaction.atomic
def update_set(*, actor: User, criteria_set: CriteriaSet, data: dict[str, Any]) -> CriteriaSet:
    _require_admin(actor)
    _require_draft(criteria_set)
    before = snapshot(criteria_set, [*SET_EDITABLE, "bands"])
    for key in [*SET_EDITABLE, "bands", "levels"]:
        if key in data:
            setattr(criteria_set, key, data[key])
    criteria_set.save()
    record(
        actor=actor,
        action="criteria.update",
        obj=criteria_set,
        changes=diff(before, snapshot(criteria_set, [*SET_EDITABLE, "bands"])),
    )
    return criteria_set


@transaction.atomic
def save_group(
    *, actor: User, criteria_set: CriteriaSet, group: CriteriaGroup | None, code: str, name: str
) -> CriteriaGroup:
    _require_admin(actor)
    _require_draft(criteria_set)
    clash = criteria_set.groups.filter(code=code)
    if group is not None:
        clash = clash.exclude(pk=group.pk)
    if clash.exists():
        raise ValidationError({"code": _("Đã có nhóm mã %(c)s.") % {"c": code}})
    if group is None:
        group = CriteriaGroup(criteria_set=criteria_set, order=criteria_set.groups.count())
    group.code, group.name = code, name
    group.save()
    record(actor=actor, action="criteria.group", obj=criteria_set, note=str(group))
    return group


@transaction.atomic
def delete_group(*, actor: User, group: CriteriaGroup) -> None:
    _require_admin(actor)
    _require_draft(group.criteria_set)
    record(actor=actor, action="criteria.group_delete", obj=group.criteria_set, note=str(group))
    group.delete()


CRITERION_EDITABLE = [
    "code",
    "text",
    "help_text",
    "kind",
    "points",
    "required",
    "unit",
    "threshold",
    "options",
    "rule",
    "params",
    "levels",
]


@transaction.atomic
def save_criterion(
    *, actor: User, group: CriteriaGroup, criterion: Criterion | None, data: dict[str, Any]
) -> Criterion:
    _require_admin(actor)
    _require_draft(group.criteria_set)
    codes = Criterion.objects.filter(group__criteria_set=group.criteria_set, code=data["code"])
    if criterion is not None:
        codes = codes.exclude(pk=criterion.pk)
    if codes.exists():
        raise ValidationError({"code": _("Đã có tiêu chí mã %(c)s.") % {"c": data["code"]}})
    if criterion is None:
        criterion = Criterion(group=group, order=group.criteria.count())
    before = snapshot(criterion, CRITERION_EDITABLE) if criterion.pk else {}
    for key in CRITERION_EDITABLE:
        if key in data:
            setattr(criterion, key, data[key])
    criterion.save()
    record(
        actor=actor,
        action="criteria.criterion",
        obj=group.criteria_set,
        changes=diff(before, snapshot(criterion, CRITERION_EDITABLE)),
        note=criterion.code,
    )
    return criterion


@transaction.atomic
def delete_criterion(*, actor: User, criterion: Criterion) -> None:
    _require_admin(actor)
    _require_draft(criterion.group.criteria_set)
    record(
        actor=actor,
        action="criteria.criterion_delete",
        obj=criterion.group.criteria_set,
        note=str(criterion),
    )
    criterion.delete()


@transaction.atomic
def import_set(*, actor: User, data: dict[str, Any]) -> CriteriaSet:
    """A set file becomes a draft: the next version of its family, or a new family."""
    _require_admin(actor)
    problems = validate(data)
    if problems:
        raise ValidationError(problems)
    latest = CriteriaSet.objects.filter(family=data["family"]).aggregate(v=Max("version"))["v"]
    data = {**data, "version": (latest or 0) + 1}
    created = create_from_data(data, status=SetStatus.DRAFT)
    record(actor=actor, action="criteria.import", obj=created)
    return created
