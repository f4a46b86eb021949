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
    "bands",
    "levels",
    "indicators",
]
CRITERION_FIELDS = [
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
    for key in ("family", "title", "name", "legal_basis", "year_from", "groups"):
        if key not in data:
            problems.append(_("Thiếu mục “%(k)s”.") % {"k": key})
    if data.get("title") and data["title"] not in Title.values:
        problems.append(_("Danh hiệu “%(t)s” không có.") % {"t": data["title"]})
    if data.get("mode", "points") not in ResultMode.values:
        problems.append(_("Cách xét “%(m)s” không có.") % {"m": data.get("mode")})
    if data.get("population_group") and data["population_group"] not in PopulationGroup.values:
        problems.append(_("Đối tượng “%(g)s” không có.") % {"g": data["population_group"]})
    codes: set[str] = set()
    for group in data.get("groups", []):
        if not group.get("code") or not group.get("name"):
            problems.append(_("Mỗi nhóm cần mã và tên."))
        for criterion in group.get("criteria", []):
            code = str(criterion.get("code", ""))
            where = _("Tiêu chí %(c)s") % {"c": code or "?"}
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


@transaction.atomic
def create_from_data(data: dict[str, Any], *, status: str = SetStatus.DRAFT) -> CriteriaSet:
    problems = validate(data)
    if problems:
        raise ValidationError(problems)
    values = {k: data[k] for k in SET_FIELDS if k in data}
    values.setdefault("version", 1)
    for decimal_field in ("pass_mark", "group_min_share", "indicator_floor"):
        if values.get(decimal_field) is not None:
            values[decimal_field] = Decimal(str(values[decimal_field]))
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
        )
        for order, criterion in enumerate(group.get("criteria", [])):
            fields = {k: criterion[k] for k in CRITERION_FIELDS if k in criterion}
            fields["code"] = str(fields["code"])
            for decimal_field in ("points", "threshold"):
                if fields.get(decimal_field) is not None:
                    fields[decimal_field] = Decimal(str(fields[decimal_field]))
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
