"""Editing criteria sets: only drafts change; publishing freezes a version for good."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scope import scope_of
from audit.services import diff, record, snapshot
from criteria.describe import criterion_sentence, level_names_of, number
from criteria.io import SET_SOURCE_KEYS, create_from_data, export, validate
from criteria.items import Item, all_items, level_text
from criteria.models import (
    CriteriaGroup,
    CriteriaSet,
    Criterion,
    CriterionKind,
    ResultMode,
    SetStatus,
)
from criteria.provenance import Source
from criteria.rules import RULES


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
    """The draft becomes the set in force; the previous version retires. Publishing a set
    already published changes nothing (a second press of the confirm button)."""
    _require_admin(actor)
    locked = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    if locked.status == SetStatus.PUBLISHED:
        return locked
    _require_draft(locked)
    problems = set_problems(locked)
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
    "total_points",
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
    most = group.max_points if group.pk else Decimal(0)
    minimum = data.get("min_points")
    if minimum is not None and group.pk and group.criteria.exists() and minimum > most:
        raise ValidationError(
            {
                "min_points": _(
                    "Nhóm %(g)s — Điểm tối thiểu: %(m)s lớn hơn điểm tối đa của nhóm (%(x)s)."
                )
                % {"g": code, "m": number(minimum), "x": number(most)}
            }
        )
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


# --- checks before publishing --------------------------------------------------------------------


def _num(value: Any) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value))
    except (ArithmeticError, ValueError):
        return None


def band_problems(bands: list[dict[str, Any]], total: Any) -> list[str]:
    """Bands listed from the highest down, each from its own points to below the one above:
    names given and distinct, starting points strictly falling, all within 0..total."""
    found = []
    names = [str(band.get("name", "")).strip() for band in bands]
    for name in {n for n in names if names.count(n) > 1}:
        found.append(_("Xếp loại: loại “%(b)s” ghi hai lần.") % {"b": name})
    most = _num(total)
    previous: tuple[str, Decimal] | None = None
    for band, name in zip(bands, names, strict=True):
        start = _num(band.get("min"))
        if start is None:
            found.append(_("Xếp loại “%(b)s”: cần điểm bắt đầu.") % {"b": name})
            continue
        if start < 0 or (most is not None and start > most):
            found.append(
                _("Xếp loại “%(b)s”: từ %(m)s điểm, ngoài khoảng 0–%(t)s điểm của bộ.")
                % {"b": name, "m": number(start), "t": number(most) if most is not None else "…"}
            )
        if previous is not None and start >= previous[1]:
            found.append(
                _(
                    "Xếp loại: các loại phải xếp từ cao xuống thấp, mỗi loại bắt đầu thấp hơn loại "
                    "trên; loại “%(b)s” (từ %(m)s điểm) đứng sau loại “%(a)s” (từ %(p)s điểm)."
                )
                % {"b": name, "m": number(start), "a": previous[0], "p": number(previous[1])}
            )
        previous = (name, start)
    return found


def points_total(criteria_set: CriteriaSet) -> Decimal:
    return sum(
        (c.points for c in Criterion.objects.filter(group__criteria_set=criteria_set)), Decimal(0)
    )


def uses_points(criteria_set: CriteriaSet) -> bool:
    """Whether the result depends on the points (then the set must state its total)."""
    if criteria_set.mode == ResultMode.POINTS:
        return True
    return criteria_set.mode == ResultMode.LEVELS and any(
        isinstance(level, dict) and level.get("pass_mark") is not None
        for level in criteria_set.levels
    )


def total_problem(criteria_set: CriteriaSet) -> str:
    """The points against the set's stated total ("" when they agree or nothing is stated)."""
    if criteria_set.total_points is None:
        return ""
    total = points_total(criteria_set)
    if total == criteria_set.total_points:
        return ""
    return _("Tổng điểm các tiêu chí là %(s)s, khác tổng %(t)s đã khai.") % {
        "s": number(total),
        "t": number(criteria_set.total_points),
    }


def set_problems(criteria_set: CriteriaSet) -> list[str]:
    """What stops a draft from being published, each naming the item (Vietnamese)."""
    problems = list(validate(export(criteria_set)))
    criteria = list(Criterion.objects.filter(group__criteria_set=criteria_set))
    if not criteria:
        problems.append(_("Bộ tiêu chí chưa có tiêu chí nào."))
    if criteria_set.total_points is None and uses_points(criteria_set) and criteria:
        problems.append(
            _(
                "Chưa khai tổng điểm của bộ (Sửa thông tin → Tổng điểm của bộ): tổng điểm các "
                "tiêu chí hiện là %(s)s."
            )
            % {"s": number(points_total(criteria_set))}
        )
    if found := total_problem(criteria_set):
        problems.append(found)
    problems += band_problems(list(criteria_set.bands), criteria_set.total_points)
    for group in criteria_set.groups.prefetch_related("criteria"):
        most = group.max_points
        if group.min_points is not None and group.min_points > most:
            problems.append(
                _("Nhóm %(g)s: điểm tối thiểu %(m)s lớn hơn điểm tối đa của nhóm (%(x)s).")
                % {"g": group.code, "m": number(group.min_points), "x": number(most)}
            )
    for c in criteria:
        p = (c.params or {}).get("p")
        values = list(p.values()) if isinstance(p, dict) else [p]
        percent = c.rule in RULES and RULES[c.rule].unit == "%"
        if c.kind == CriterionKind.DERIVED and percent:
            for value in values:
                if _num(value) is None or not 0 <= Decimal(str(value)) <= 100:
                    problems.append(
                        _("Tiêu chí %(c)s, ngưỡng: tỷ lệ phải từ 0 đến 100 %%, đang ghi %(v)s.")
                        % {"c": c.code, "v": value}
                    )
        percent = c.kind == CriterionKind.NUMBER and c.unit == "%"
        if percent and c.threshold is not None and not 0 <= c.threshold <= 100:
            problems.append(
                _("Tiêu chí %(c)s, ngưỡng: tỷ lệ phải từ 0 đến 100 %%, đang ghi %(v)s.")
                % {"c": c.code, "v": number(c.threshold)}
            )
    return problems


def in_force(criteria_set: CriteriaSet) -> CriteriaSet | None:
    """The published version of the draft's family (the one publishing retires)."""
    return (
        CriteriaSet.objects.filter(family=criteria_set.family, status=SetStatus.PUBLISHED)
        .exclude(pk=criteria_set.pk)
        .first()
    )


# The assessment states of a file not yet decided (assessments.models.OPEN_STATES; the
# assessments app sits above this one: criteria/tests/test_editor_forms.py keeps them equal).
OPEN_STATES = ("registered", "returned", "submitted", "verified", "proposed")


def open_files(criteria_set: CriteriaSet, year: int | None = None) -> int:
    """Files of the year not yet decided, for the title (and population group or unit
    level) this set is for: the files a new version of the rules concerns."""
    assessment = CriteriaSet._meta.get_field("assessments").related_model
    return int(
        assessment._default_manager.filter(  # type: ignore[union-attr]
            year=year or timezone.localdate().year,
            state__in=OPEN_STATES,
            criteria_set__title=criteria_set.title,
            criteria_set__population_group=criteria_set.population_group,
            criteria_set__org_level=criteria_set.org_level,
        ).count()
    )


def band_ranges(criteria_set: CriteriaSet) -> list[str]:
    """The bands as ranges of points, highest first, as the set page prints them."""
    bands = [
        b for b in criteria_set.bands if isinstance(b, dict) and _num(b.get("min")) is not None
    ]
    if not bands:
        return []
    total = criteria_set.total_points
    grant = criteria_set.grant_from_band
    granted_from = next((_num(b["min"]) for b in bands if b.get("name") == grant), None)
    out, upper = [], None
    for band in sorted(bands, key=lambda b: Decimal(str(b["min"])), reverse=True):
        start = Decimal(str(band["min"]))
        if upper is None:
            span = (
                _("từ %(a)s đến %(b)s điểm") % {"a": number(start), "b": number(total)}
                if total is not None
                else _("từ %(a)s điểm") % {"a": number(start)}
            )
        else:
            span = _("từ %(a)s đến dưới %(b)s điểm") % {"a": number(start), "b": number(upper)}
        granted = granted_from is None or start >= granted_from
        out.append(
            _("%(n)s: %(s)s%(g)s")
            % {"n": band.get("name"), "s": span, "g": "" if granted else _(", không công nhận")}
        )
        upper = start
    if upper is not None and upper > 0:
        out.append(_("Dưới %(a)s điểm: không xếp loại") % {"a": number(upper)})
    return out


# --- what publishing changes ---------------------------------------------------------------------

_SET_COMPARED = {
    "name": _("Tên bộ"),
    "legal_basis": _("Căn cứ pháp lý"),
    "year_from": _("Áp dụng từ năm"),
    "year_to": _("Đến năm"),
    "validity_years": _("Thời hạn danh hiệu (năm)"),
    "mode": _("Cách xét"),
    "total_points": _("Tổng điểm của bộ"),
    "pass_mark": _("Điểm đạt"),
    "group_min_share": _("Mỗi nhóm tối thiểu (phần điểm tối đa của nhóm)"),
    "indicator_floor": _("Điểm sàn mỗi chỉ số"),
    "grant_from_band": _("Công nhận danh hiệu từ loại"),
}


def _shown(value: Any) -> str:
    if value in (None, ""):
        return str(_("(trống)"))
    if isinstance(value, bool):
        return str(_("có")) if value else str(_("không"))
    if isinstance(value, Decimal | int | float):
        return number(value)
    return str(value)


def _pair(label: Any, old: Any, new: Any) -> str | None:
    old_text, new_text = _shown(old), _shown(new)
    if old_text == new_text:
        return None
    return f"{label}: {old_text} → {new_text}"


def _criterion_view(c: Criterion, level_names: dict[str, str]) -> dict[str, Any]:
    return {
        _("Nội dung"): c.text,
        _("Loại"): c.get_kind_display(),
        _("Điểm"): c.points,
        _("Là điều kiện công nhận"): c.condition,
        _("Cách đạt"): criterion_sentence(c, level_names),
        _("Thuộc mức"): ", ".join(level_names.get(str(x), str(x)) for x in c.levels or []),
        _("Nguồn của tiêu chí"): Source.of(c.source).label,
        _("Nguồn của ngưỡng"): Source.of(c.threshold_source).label if c.has_threshold else "",
        _("Nguồn của điều kiện"): Source.of(c.condition_source).label if c.condition else "",
    }


def _group_view(g: CriteriaGroup) -> dict[str, Any]:
    return {
        _("Tên nhóm"): g.name,
        _("Điểm tối thiểu"): g.min_points,
        _("Nguồn của nhóm"): Source.of(g.source).label,
        _("Nguồn của điểm tối thiểu"): Source.of(g.min_points_source).label
        if g.min_points is not None
        else "",
    }


def _compare(
    out: list[dict[str, Any]], what: str, old: dict[str, Any] | None, new: dict[str, Any] | None
) -> None:
    if old is None and new is not None:
        out.append({"kind": _("Thêm"), "what": what, "details": []})
    elif new is None and old is not None:
        out.append({"kind": _("Bỏ"), "what": what, "details": []})
    elif old is not None and new is not None:
        details = [d for k in new if (d := _pair(k, old.get(k), new.get(k)))]
        if details:
            out.append({"kind": _("Sửa"), "what": what, "details": details})


def changes_between(old: CriteriaSet, new: CriteriaSet) -> list[dict[str, Any]]:
    """Item by item, what `new` adds, removes and changes from `old`, in Vietnamese:
    the set's own rules, bands, levels, groups and criteria (by code), with their sources."""
    out: list[dict[str, Any]] = []
    rules = [d for k, label in _SET_COMPARED.items() if (d := _pair(label, *_rule(old, new, k)))]
    for key, label in SET_SOURCE_KEYS.items():
        before, after = old.sources.get(key), new.sources.get(key)
        if Source.of(before) != Source.of(after):
            rules.append(f"Nguồn — {label}: {Source.of(before).label} → {Source.of(after).label}")
    if rules:
        out.append({"kind": _("Sửa"), "what": _("Quy định chung của bộ"), "details": rules})
    for key, label, view in (
        (
            "bands",
            _("Xếp loại"),
            lambda b: {_("Từ điểm"): b.get("min"), _("Nguồn"): Source.of(b.get("source")).label},
        ),
        (
            "levels",
            _("Mức độ"),
            lambda lv: {
                _("Cách đạt"): level_text(lv),
                _("Nguồn"): Source.of(lv.get("source")).label,
            },
        ),
    ):
        field = "name" if key == "bands" else "level"
        before = {str(x.get(field)): x for x in getattr(old, key) if isinstance(x, dict)}
        after = {str(x.get(field)): x for x in getattr(new, key) if isinstance(x, dict)}
        for name in [*after, *(n for n in before if n not in after)]:
            _compare(
                out,
                f"{label} {name}",
                view(before[name]) if name in before else None,
                view(after[name]) if name in after else None,
            )
    groups_old = {g.code: g for g in old.groups.all()}
    groups_new = {g.code: g for g in new.groups.all()}
    for code in [*groups_new, *(c for c in groups_old if c not in groups_new)]:
        g = groups_new.get(code) or groups_old[code]
        _compare(
            out,
            str(_("Nhóm %(c)s. %(n)s") % {"c": code, "n": g.name}),
            _group_view(groups_old[code]) if code in groups_old else None,
            _group_view(groups_new[code]) if code in groups_new else None,
        )
    names_old, names_new = level_names_of(old.levels), level_names_of(new.levels)
    crit_old = {c.code: c for c in Criterion.objects.filter(group__criteria_set=old)}
    crit_new = {c.code: c for c in Criterion.objects.filter(group__criteria_set=new)}
    for code in [*crit_new, *(c for c in crit_old if c not in crit_new)]:
        c = crit_new.get(code) or crit_old[code]
        _compare(
            out,
            str(_("Tiêu chí %(c)s. %(t)s") % {"c": code, "t": c.text}),
            _criterion_view(crit_old[code], names_old) if code in crit_old else None,
            _criterion_view(crit_new[code], names_new) if code in crit_new else None,
        )
    return out


def _rule(old: CriteriaSet, new: CriteriaSet, key: str) -> tuple[Any, Any]:
    if key == "mode":
        return old.get_mode_display(), new.get_mode_display()
    return getattr(old, key), getattr(new, key)
