"""The items of a stored criteria set that carry a source, each with a key the pages use.

Keys: "set.<rule>" (validity, pass mark, …), "band.<i>", "level.<i>", "group.<pk>",
"group_min.<pk>", "criterion.<pk>", "threshold.<pk>", "condition.<pk>".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from criteria.io import SET_SOURCE_KEYS
from criteria.models import CriteriaGroup, CriteriaSet, Criterion, ResultMode
from criteria.provenance import Source, written_date


def _fmt(value: Any) -> str:
    if isinstance(value, Decimal):
        value = value.normalize()
        return f"{value:f}".replace(".", ",")
    return str(value).replace(".", ",")


@dataclass(frozen=True)
class Item:
    key: str
    what: str  # the item in words, as the pages name it
    source: Source
    obj: CriteriaSet | CriteriaGroup | Criterion
    field: str  # the model field holding the source (or the list holding the item)
    index: int | None = None  # within `bands` / `levels`
    sub: str = ""  # the key within `sources`
    short: str = ""  # the item beside its criterion: "Tiêu chí", "Ngưỡng ≥ 90%"…

    @property
    def stored(self) -> Any:
        holder = getattr(self.obj, self.field)
        if self.index is not None:
            return holder[self.index].get("source", {})
        if self.sub:
            return holder.get(self.sub, {})
        return holder

    def store(self, source: Source) -> None:
        """Write the source back onto its object (the caller saves it)."""
        data = source.as_data()
        holder = getattr(self.obj, self.field)
        if self.index is not None:
            holder = [dict(x) for x in holder]
            holder[self.index]["source"] = data
            setattr(self.obj, self.field, holder)
        elif self.sub:
            setattr(self.obj, self.field, {**holder, self.sub: data})
        else:
            setattr(self.obj, self.field, data)


def _set_rule_value(criteria_set: CriteriaSet, key: str) -> str:
    if key == "mode":
        return str(criteria_set.get_mode_display())
    if key == "validity_years":
        return _("%(n)s năm") % {"n": criteria_set.validity_years}
    if key == "group_min_share":
        return _("%(s)s điểm tối đa của nhóm") % {"s": _fmt(criteria_set.group_min_share)}
    value = getattr(criteria_set, key)
    return _fmt(value)


def set_items(criteria_set: CriteriaSet) -> list[Item]:
    items = []
    for key, label in SET_SOURCE_KEYS.items():
        value = getattr(criteria_set, key)
        if key == "mode" and value == ResultMode.POINTS:
            continue
        if value in (None, "") and key != "validity_years":
            continue
        items.append(
            Item(
                f"set.{key}",
                f"{label}: {_set_rule_value(criteria_set, key)}",
                Source.of(criteria_set.sources.get(key)),
                criteria_set,
                "sources",
                sub=key,
            )
        )
    for i, band in enumerate(criteria_set.bands):
        items.append(
            Item(
                f"band.{i}",
                _("Xếp loại %(n)s: từ %(m)s điểm")
                % {"n": band.get("name"), "m": _fmt(band.get("min"))},
                Source.of(band.get("source")),
                criteria_set,
                "bands",
                index=i,
            )
        )
    for i, level in enumerate(criteria_set.levels):
        items.append(
            Item(
                f"level.{i}",
                level_text(level),
                Source.of(level.get("source")),
                criteria_set,
                "levels",
                index=i,
            )
        )
    return items


def level_text(level: dict[str, Any]) -> str:
    parts = [str(level.get("name", level.get("level")))]
    if level.get("pass_mark") is not None:
        parts.append(_("điều kiện công nhận và từ %(p)s điểm") % {"p": _fmt(level["pass_mark"])})
    elif level.get("all_pass", True):
        parts.append(_("đạt tất cả tiêu chí của mức"))
    if level.get("after_months"):
        parts.append(_("sau ít nhất %(m)s tháng đạt mức trước") % {"m": level["after_months"]})
    return ": ".join(parts[:2]) + ("; " + "; ".join(parts[2:]) if len(parts) > 2 else "")


def group_items(group: CriteriaGroup) -> list[Item]:
    items = [
        Item(
            f"group.{group.pk}",
            _("Nhóm %(c)s. %(n)s") % {"c": group.code, "n": group.name},
            Source.of(group.source),
            group,
            "source",
        )
    ]
    if group.min_points is not None:
        items.append(
            Item(
                f"group_min.{group.pk}",
                _("Nhóm %(c)s: tối thiểu %(p)s điểm")
                % {"c": group.code, "p": _fmt(group.min_points)},
                Source.of(group.min_points_source),
                group,
                "min_points_source",
            )
        )
    return items


def threshold_text(criterion: Criterion) -> str:
    p = (criterion.params or {}).get("p", criterion.threshold)
    if isinstance(p, dict):
        shown = " / ".join(f"{_fmt(v)}{criterion.unit}" for v in p.values())
        return _("mức 1 / mức 2: %(p)s") % {"p": shown}
    compare = "≤" if (criterion.params or {}).get("compare") == "<=" else "≥"
    unit = criterion.unit if criterion.unit == "%" else f" {criterion.unit}".rstrip()
    return f"{compare} {_fmt(p)}{unit}"


def criterion_items(criterion: Criterion) -> list[Item]:
    items = [
        Item(
            f"criterion.{criterion.pk}",
            _("Tiêu chí %(c)s. %(t)s") % {"c": criterion.code, "t": criterion.text},
            Source.of(criterion.source),
            criterion,
            "source",
            short=_("Tiêu chí"),
        )
    ]
    if criterion.has_threshold:
        items.append(
            Item(
                f"threshold.{criterion.pk}",
                _("Tiêu chí %(c)s, ngưỡng %(t)s")
                % {"c": criterion.code, "t": threshold_text(criterion)},
                Source.of(criterion.threshold_source),
                criterion,
                "threshold_source",
                short=_("Ngưỡng %(t)s") % {"t": threshold_text(criterion)},
            )
        )
    if criterion.condition:
        items.append(
            Item(
                f"condition.{criterion.pk}",
                _("Tiêu chí %(c)s là điều kiện công nhận") % {"c": criterion.code},
                Source.of(criterion.condition_source),
                criterion,
                "condition_source",
                short=_("Là điều kiện công nhận"),
            )
        )
    return items


def all_items(criteria_set: CriteriaSet) -> list[Item]:
    items = set_items(criteria_set)
    for group in criteria_set.groups.prefetch_related("criteria"):
        items += group_items(group)
        for criterion in group.criteria.all():
            items += criterion_items(criterion)
    return items


def find(criteria_set: CriteriaSet, key: str) -> Item | None:
    return next((item for item in all_items(criteria_set) if item.key == key), None)


def criterion_marks(criteria_set: CriteriaSet) -> dict[str, list[Item]]:
    """Per criterion code, its items (the criterion, its threshold, its condition): what
    the assessment page shows next to each criterion. Read fresh, not from the cached
    spec: an adoption recorded today shows today."""
    marks: dict[str, list[Item]] = {}
    for criterion in Criterion.objects.filter(group__criteria_set=criteria_set):
        marks[criterion.code] = criterion_items(criterion)
    return marks


def decision_bases(criteria_set: CriteriaSet) -> list[str]:
    """The "Căn cứ …" lines a decision takes from a set: its official documents, and the
    provincial documents that adopted its proposals. Never a note, a reason, a proposal."""
    lines = [f"Căn cứ {line};" for line in criteria_set.basis_lines]
    adopted: dict[str, str] = {}
    for item in all_items(criteria_set):
        if item.source.is_adopted:
            adopted.setdefault(item.source.adopted_document, item.source.adopted_date)
    for document, date in sorted(adopted.items(), key=lambda kv: (kv[1], kv[0])):
        when = f" {written_date(date)}" if date else ""
        lines.append(f"Căn cứ {document.rstrip('.;')}{when};")
    return lines
