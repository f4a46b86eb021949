"""Criteria sets as files: the shipped defaults (TOML) and export/import (JSON or TOML)."""

from __future__ import annotations

import json
import tomllib
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from criteria import provenance
from criteria.models import (
    CriteriaGroup,
    CriteriaSet,
    Criterion,
    CriterionKind,
    ResultMode,
    SetStatus,
)
from criteria.rules import RULES
from criteria.titles import PopulationGroup, Title

SET_FIELDS = [
    "family",
    "version",
    "title",
    "name",
    "legal_basis",
    "note",
    "is_default",
    "population_group",
    "org_level",
    "year_from",
    "year_to",
    "validity_years",
    "mode",
    "pass_mark",
    "group_min_share",
    "indicator_floor",
    "total_points",
    "bands",
    "grant_from_band",
    "levels",
    "indicators",
    "sources",
]
GROUP_FIELDS = ["min_points", "source", "min_points_source"]
CRITERION_FIELDS = [
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
# The rules of a set as a whole that carry a source, with what the pages call them.
SET_SOURCE_KEYS = {
    "mode": "Cách xét",
    "pass_mark": "Điểm đạt",
    "group_min_share": "Mỗi nhóm tối thiểu",
    "indicator_floor": "Điểm sàn mỗi chỉ số",
    "grant_from_band": "Công nhận danh hiệu từ loại",
    "validity_years": "Thời hạn danh hiệu",
}
# Words of internal notes that must never reach a decision's "Căn cứ" lines.
NOTE_WORDS = ("mặc định", "xác nhận", "đề xuất", "chưa đối chiếu")


def parse(content: bytes, filename: str = "") -> dict[str, Any]:
    try:
        if filename.endswith(".toml") or not content.lstrip().startswith(b"{"):
            return tomllib.loads(content.decode("utf-8"))
        data = json.loads(content.decode("utf-8"))
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(_("Tệp bộ tiêu chí không đọc được: %(e)s") % {"e": exc}) from None
    if not isinstance(data, dict):
        raise ValidationError(_("Tệp bộ tiêu chí phải là một đối tượng."))
    return data


def validate(data: dict[str, Any]) -> list[str]:
    """Every problem in a set file, in Vietnamese; empty when the file is usable."""
    problems = []
    for key in ("family", "title", "name", "year_from", "groups"):
        if key not in data:
            problems.append(_("Thiếu mục “%(k)s”.") % {"k": key})
    problems += basis_problems(str(data.get("legal_basis", "") or ""))
    if data.get("title") and data["title"] not in Title.values:
        problems.append(_("Danh hiệu “%(t)s” không có.") % {"t": data["title"]})
    if data.get("mode", "points") not in ResultMode.values:
        problems.append(_("Cách xét “%(m)s” không có.") % {"m": data.get("mode")})
    if data.get("population_group") and data["population_group"] not in PopulationGroup.values:
        problems.append(_("Đối tượng “%(g)s” không có.") % {"g": data["population_group"]})
    sources = data.get("sources", {}) or {}
    if not isinstance(sources, dict):
        problems.append(_("Mục “sources” phải là một bảng."))
        sources = {}
    for key, source in sources.items():
        if key not in SET_SOURCE_KEYS:
            problems.append(_("Nguồn của “%(k)s”: không có quy định chung này.") % {"k": key})
        problems += provenance.problems(source, SET_SOURCE_KEYS.get(key, key))
    band_names = []
    for band in data.get("bands", []) or []:
        if not isinstance(band, dict) or "name" not in band or _number(band.get("min")) is None:
            problems.append(_("Mỗi loại xếp loại cần tên và điểm tối thiểu (min)."))
            continue
        band_names.append(str(band["name"]))
        problems += provenance.problems(
            band.get("source"), _("Xếp loại %(b)s") % {"b": band["name"]}
        )
    grant = data.get("grant_from_band") or ""
    if grant and grant not in band_names:
        problems.append(
            _("Công nhận từ loại “%(b)s”: không có loại này trong Xếp loại.") % {"b": grant}
        )
    for level in data.get("levels", []) or []:
        if not isinstance(level, dict) or not str(level.get("level", "")).isdigit():
            problems.append(_("Mỗi mức độ cần số mức (level)."))
            continue
        where = _("Mức độ %(l)s") % {"l": level["level"]}
        if level.get("pass_mark") is not None and _number(level["pass_mark"]) is None:
            problems.append(_("%(w)s: điểm đạt phải là số.") % {"w": where})
        problems += provenance.problems(level.get("source"), where)
    codes: set[str] = set()
    for group in data.get("groups", []):
        if not group.get("code") or not group.get("name"):
            problems.append(_("Mỗi nhóm cần mã và tên."))
        group_where = _("Nhóm %(g)s") % {"g": group.get("code", "?")}
        problems += provenance.problems(group.get("source"), group_where)
        problems += provenance.problems(
            group.get("min_points_source"), _("%(w)s, điểm tối thiểu") % {"w": group_where}
        )
        for criterion in group.get("criteria", []):
            code = str(criterion.get("code", ""))
            where = _("Tiêu chí %(c)s") % {"c": code or "?"}
            problems += provenance.problems(criterion.get("source"), where)
            problems += provenance.problems(
                criterion.get("threshold_source"), _("%(w)s, ngưỡng") % {"w": where}
            )
            problems += provenance.problems(
                criterion.get("condition_source"), _("%(w)s, điều kiện") % {"w": where}
            )
            if not code or code in codes:
                problems.append(_("%(w)s: mã trống hoặc trùng.") % {"w": where})
            codes.add(code)
            if criterion.get("kind") not in CriterionKind.values:
                problems.append(
                    _("%(w)s: loại “%(k)s” không có.") % {"w": where, "k": criterion.get("kind")}
                )
            if (
                criterion.get("kind") == CriterionKind.DERIVED
                and criterion.get("rule") not in RULES
            ):
                problems.append(
                    _("%(w)s: quy tắc tính “%(r)s” không có.")
                    % {"w": where, "r": criterion.get("rule")}
                )
            if criterion.get("kind") == CriterionKind.CHOICE and not criterion.get("options"):
                problems.append(_("%(w)s: cần các lựa chọn.") % {"w": where})
    return problems


def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (ArithmeticError, ValueError):
        return None


def basis_problems(legal_basis: str) -> list[str]:
    """The printed legal basis holds official documents only, never an internal note."""
    lowered = legal_basis.lower()
    found = [word for word in NOTE_WORDS if word in lowered]
    if not found:
        return []
    return [
        _(
            "Căn cứ pháp lý chỉ ghi văn bản chính thức (được in trên quyết định); “%(w)s” là "
            "ghi chú nội bộ: hãy chuyển sang mục Ghi chú nội bộ."
        )
        % {"w": found[0]}
    ]


def missing_sources(data: dict[str, Any]) -> list[str]:
    """The items of a set file that do not say where they come from (the shipped sets
    have none; a province's own file may, and its pages then say "chưa ghi nguồn")."""
    missing = []
    sources = data.get("sources", {}) or {}
    for key in SET_SOURCE_KEYS:
        applies = (
            data.get("mode", ResultMode.POINTS) != ResultMode.POINTS
            if key == "mode"
            else key == "validity_years" or data.get(key) not in (None, "")
        )
        if applies and not sources.get(key):
            missing.append(str(SET_SOURCE_KEYS[key]))
    for band in data.get("bands", []) or []:
        if not band.get("source"):
            missing.append(f"Xếp loại {band.get('name')}")
    for level in data.get("levels", []) or []:
        if not level.get("source"):
            missing.append(f"Mức độ {level.get('level')}")
    for group in data.get("groups", []):
        if group.get("min_points") is not None and not group.get("min_points_source"):
            missing.append(f"Nhóm {group['code']}, điểm tối thiểu")
        for c in group.get("criteria", []):
            if not c.get("source"):
                missing.append(f"Tiêu chí {c.get('code')}")
            params = c.get("params", {}) or {}
            if (c.get("threshold") is not None or "p" in params) and not c.get("threshold_source"):
                missing.append(f"Tiêu chí {c.get('code')}, ngưỡng")
            if c.get("condition", c.get("required")) and not c.get("condition_source"):
                missing.append(f"Tiêu chí {c.get('code')}, điều kiện")
    return missing


def _clean_list(items: Any) -> list[Any]:
    out = []
    for item in items or []:
        if isinstance(item, dict) and "source" in item:
            item = {**item, "source": provenance.clean(item["source"])}
            if not item["source"]:
                del item["source"]
        out.append(item)
    return out


@transaction.atomic
def create_from_data(data: dict[str, Any], *, status: str = SetStatus.DRAFT) -> CriteriaSet:
    problems = validate(data)
    if problems:
        raise ValidationError(problems)
    values = {k: data[k] for k in SET_FIELDS if k in data}
    values.setdefault("version", 1)
    for decimal_field in ("pass_mark", "group_min_share", "indicator_floor", "total_points"):
        if values.get(decimal_field) is not None:
            values[decimal_field] = Decimal(str(values[decimal_field]))
    values["legal_basis"] = str(values.get("legal_basis", "") or "").strip()
    values["sources"] = {
        k: provenance.clean(v) for k, v in (values.get("sources") or {}).items() if v
    }
    values["bands"] = _clean_list(values.get("bands"))
    values["levels"] = _clean_list(values.get("levels"))
    criteria_set = CriteriaSet.objects.create(
        **values,
        status=status,
        published_at=timezone.now() if status == SetStatus.PUBLISHED else None,
    )
    for group_order, group in enumerate(data["groups"]):
        group_row = CriteriaGroup.objects.create(
            criteria_set=criteria_set,
            order=group_order,
            code=str(group["code"]),
            name=group["name"],
            min_points=(
                Decimal(str(group["min_points"])) if group.get("min_points") is not None else None
            ),
            source=provenance.clean(group.get("source")),
            min_points_source=provenance.clean(group.get("min_points_source")),
        )
        for order, criterion in enumerate(group.get("criteria", [])):
            if "required" in criterion and "condition" not in criterion:
                criterion = {**criterion, "condition": criterion["required"]}  # older files
            fields = {k: criterion[k] for k in CRITERION_FIELDS if k in criterion}
            fields["code"] = str(fields["code"])
            for decimal_field in ("points", "threshold"):
                if fields.get(decimal_field) is not None:
                    fields[decimal_field] = Decimal(str(fields[decimal_field]))
            for source_field in ("source", "threshold_source", "condition_source"):
                fields[source_field] = provenance.clean(fields.get(source_field))
            Criterion.objects.create(group=group_row, order=order, **fields)
    return criteria_set


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def export(criteria_set: CriteriaSet) -> dict[str, Any]:
    data = {k: _plain(getattr(criteria_set, k)) for k in SET_FIELDS}
    data = {k: v for k, v in data.items() if v not in (None, "", [], {})}
    data["groups"] = [
        {
            "code": group.code,
            "name": group.name,
            **{
                k: _plain(getattr(group, k))
                for k in GROUP_FIELDS
                if getattr(group, k) not in (None, "", [], {})
            },
            "criteria": [
                {
                    k: _plain(getattr(c, k))
                    for k in CRITERION_FIELDS
                    if getattr(c, k) not in (None, "", [], {})
                }
                for c in group.criteria.all()
            ],
        }
        for group in criteria_set.groups.prefetch_related("criteria")
    ]
    return data


def export_json(criteria_set: CriteriaSet) -> bytes:
    return json.dumps(export(criteria_set), ensure_ascii=False, indent=2).encode("utf-8")
