"""Editing criteria sets: only drafts change; publishing freezes a version for good."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scope import scope_of
from audit.services import diff, record, snapshot
from criteria.io import SET_SOURCE_KEYS, create_from_data, export, validate
from criteria.items import Item, all_items
from criteria.models import CriteriaGroup, CriteriaSet, Criterion, SetStatus
from criteria.provenance import Source


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


# --- provenance kept honest through edits ------------------------------------------------------


def _resourced(old: Any, new: Any, content_changed: bool, where: str) -> dict[str, Any]:
    """An item's source after an edit. The province's adoption covers what it adopted: it
    stays only while neither the item nor its source changes. An official source does not
    cover a changed item: the editor must say where the new content comes from."""
    before, after = Source.of(old), Source.of(new)
    unchanged = before.without_adoption() == after.without_adoption()
    if unchanged and not content_changed:
        return before.as_data()
    if unchanged and content_changed and before.is_official:
        raise ValidationError(
            _(
                "%(w)s: nội dung đã đổi nhưng nguồn vẫn là văn bản chính thức cũ; hãy ghi nguồn "
                "mới (văn bản khác, hoặc đề xuất kèm lý do)."
            )
            % {"w": where}
        )
    return after.without_adoption().as_data()


def _changed(obj: Any, data: dict[str, Any], fields: Iterable[str]) -> bool:
    return any(name in data and getattr(obj, name) != data[name] for name in fields)


def _resourced_list(
    old: list[dict[str, Any]], new: list[dict[str, Any]], key: str, what: str
) -> list[dict[str, Any]]:
    """Bands or levels as typed in the editor, their sources checked against the old ones
    (matched by `key`: a band's name, a level's number)."""
    before = {str(item.get(key)): item for item in old}
    out = []
    for item in new:
        previous = before.get(str(item.get(key)), {})
        content = {k: v for k, v in item.items() if k != "source"}
        old_content = {k: v for k, v in previous.items() if k != "source"}
        source = _resourced(
            previous.get("source"),
            item.get("source"),
            bool(previous) and content != old_content,
            f"{what} {item.get(key)}",
        )
        out.append({**content, **({"source": source} if source else {})})
    return out


SET_EDITABLE = [
    "name",
    "legal_basis",
    "note",
    "year_from",
    "year_to",
    "validity_years",
    "mode",
    "pass_mark",
    "group_min_share",
    "indicator_floor",
    "population_group",
    "org_level",
    "grant_from_band",
]
SET_AUDITED = [*SET_EDITABLE, "bands", "levels", "sources"]


@transaction.atomic
def update_set(*, actor: User, criteria_set: CriteriaSet, data: dict[str, Any]) -> CriteriaSet:
    _require_admin(actor)
    _require_draft(criteria_set)
    # as stored: a model form has already written the new values onto the object it holds
    criteria_set = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    before = snapshot(criteria_set, SET_AUDITED)
    if "sources" in data:
        sources = {}
        for key, label in SET_SOURCE_KEYS.items():
            kept = _resourced(
                criteria_set.sources.get(key),
                data["sources"].get(key),
                _changed(criteria_set, data, [key]),
                str(label),
            )
            if kept:
                sources[key] = kept
        data = {**data, "sources": sources}
    if "bands" in data:
        data = {
            **data,
            "bands": _resourced_list(criteria_set.bands, data["bands"], "name", "Xếp loại"),
        }
    if "levels" in data:
        data = {
            **data,
            "levels": _resourced_list(criteria_set.levels, data["levels"], "level", "Mức độ"),
        }
    for key in [*SET_EDITABLE, "bands", "levels", "sources"]:
        if key in data:
            setattr(criteria_set, key, data[key])
    criteria_set.save()
    record(
        actor=actor,
        action="criteria.update",
        obj=criteria_set,
        changes=diff(before, snapshot(criteria_set, SET_AUDITED)),
    )
    return criteria_set


GROUP_AUDITED = ["code", "name", "min_points", "source", "min_points_source"]


@transaction.atomic
def save_group(
    *,
    actor: User,
    criteria_set: CriteriaSet,
    group: CriteriaGroup | None,
    code: str,
    name: str,
    **extra: Any,
) -> CriteriaGroup:
    """A group's code and name; `extra` may hold its minimum points and the sources."""
    _require_admin(actor)
    _require_draft(criteria_set)
    clash = criteria_set.groups.filter(code=code)
    if group is not None:
        clash = clash.exclude(pk=group.pk)
    if clash.exists():
        raise ValidationError({"code": _("Đã có nhóm mã %(c)s.") % {"c": code}})
    if group is None:
        group = CriteriaGroup(criteria_set=criteria_set, order=criteria_set.groups.count())
    before = snapshot(group, GROUP_AUDITED) if group.pk else {}
    data = {"code": code, "name": name, **extra}
    where = _("Nhóm %(c)s") % {"c": code}
    data["source"] = _resourced(
        group.source,
        data.get("source", group.source),
        bool(group.pk) and _changed(group, data, ["name"]),
        where,
    )
    data["min_points_source"] = _resourced(
        group.min_points_source,
        data.get("min_points_source", group.min_points_source),
        bool(group.pk) and _changed(group, data, ["min_points"]),
        _("%(w)s, điểm tối thiểu") % {"w": where},
    )
    for key in GROUP_AUDITED:
        if key in data:
            setattr(group, key, data[key])
    group.save()
    record(
        actor=actor,
        action="criteria.group",
        obj=criteria_set,
        changes=diff(before, snapshot(group, GROUP_AUDITED)),
        note=str(group),
    )
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
    "condition",
    "unit",
    "threshold",
    "options",
    "rule",
    "params",
    "levels",
    "source",
    "threshold_source",
    "condition_source",
]
# What each source of a criterion vouches for.
CRITERION_SOURCES = {
    "source": ["text", "kind", "points", "unit", "options", "rule", "levels"],
    "threshold_source": ["threshold", "params"],
    "condition_source": ["condition"],
}


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
    else:  # as stored: a model form has already written the new values onto its object
        criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
    before = snapshot(criterion, CRITERION_EDITABLE) if criterion.pk else {}
    where = _("Tiêu chí %(c)s") % {"c": data["code"]}
    data = dict(data)
    for source_field, vouched in CRITERION_SOURCES.items():
        current = getattr(criterion, source_field)
        data[source_field] = _resourced(
            current,
            data.get(source_field, current),
            bool(criterion.pk) and _changed(criterion, data, vouched),
            where,
        )
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


# --- the province adopts a proposal -------------------------------------------------------------

ALL_PROPOSALS = "all"


@transaction.atomic
def adopt(
    *, actor: User, criteria_set: CriteriaSet, key: str, document: str, date: dt.date
) -> list[Item]:
    """Record the provincial document that adopts one proposal item of a set (`key`), or
    every proposal still waiting (`key` = "all"). Any version: an adoption changes no rule,
    it says which document makes the rule the province's own; a new version keeps it."""
    _require_admin(actor)
    locked = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    items = all_items(locked)
    if key == ALL_PROPOSALS:
        chosen = [item for item in items if item.source.awaits_adoption]
        if not chosen:
            raise ValidationError(_("Không còn mục đề xuất nào chờ tỉnh thông qua."))
    else:
        chosen = [item for item in items if item.key == key]
        if not chosen:
            raise ValidationError(_("Không có mục này trong bộ tiêu chí."))
        if not chosen[0].source.is_proposal:
            raise ValidationError(
                _("Chỉ mục đề xuất mới cần tỉnh thông qua; mục này: %(l)s.")
                % {"l": chosen[0].source.label}
            )
    document = " ".join(document.split())
    changes: dict[str, list[Any]] = {}
    touched: dict[int, tuple[Any, set[str]]] = {}
    for item in chosen:
        after = item.source.adopted_by(document, date.isoformat())
        changes[item.what[:200]] = [item.source.label, after.label]
        item.store(after)
        holder = touched.setdefault(id(item.obj), (item.obj, set()))
        holder[1].add(item.field)
    for obj, fields in touched.values():
        obj.save(update_fields=sorted(fields))
    record(
        actor=actor,
        action="criteria.adopt",
        obj=locked,
        changes=changes,
        note=f"{document} ngày {date:%d/%m/%Y}",
    )
    return chosen


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
