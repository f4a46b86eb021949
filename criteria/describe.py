"""Criteria in sentences: what a criterion asks, its rule's parameters read as Vietnamese.

The pages never show a rule's parameters as data ("{'p': 90}"): the set page, the
editor's preview and the assessment page say "Đạt khi ít nhất 90 % cán bộ, nhân viên
đạt Công dân học tập". Works on a stored `Criterion` and on the engine's `CriterionSpec`
(both have kind, points, unit, threshold, options, rule, params).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from criteria.models import CriterionKind
from criteria.rules import RULES
from criteria.titles import TITLES, SubjectKind, Title

# What `count_at_least` counts (its "what" parameter), in words.
COUNTED = {
    "member_households": _l("hộ thành viên"),
    "adults": _l("người lớn (từ 18 tuổi)"),
    "staff": _l("cán bộ, nhân viên"),
    "members": _l("nhân khẩu"),
}

# Who a title is given to, as a sentence names them ("hộ gia đình của xã").
_SUBJECT_WORDS: dict[str, Any] = {
    SubjectKind.HOUSEHOLD: _l("hộ gia đình"),
    SubjectKind.CLAN: _l("dòng họ"),
    SubjectKind.VILLAGE: _l("thôn, tổ dân phố"),
    SubjectKind.ORGANISATION: _l("đơn vị"),
    SubjectKind.CITIZEN: _l("công dân"),
    SubjectKind.COMMUNE: _l("xã, phường"),
}


def number(value: Any) -> str:
    """A number as Vietnamese pages write it: 66,67; 90; never 90.00."""
    try:
        decimal = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{decimal.normalize():f}"
    return text.replace(".", ",")


def title_name(code: Any) -> str:
    try:
        return str(Title(code).label)
    except ValueError:
        return _("(danh hiệu chưa chọn)")


def _share(p: Any, compare: str, level_names: dict[str, str] | None) -> str:
    """ "ít nhất 90 %", "không quá 5 %", per level "ít nhất 70 % (Mức độ 1), 80 % (Mức độ 2)"."""
    word = _("không quá") if compare == "<=" else _("ít nhất")
    if isinstance(p, dict):
        names = level_names or {}
        parts = [
            _("%(p)s %% (%(l)s)")
            % {"p": number(v), "l": names.get(str(k), _("Mức độ %(k)s") % {"k": k})}
            for k, v in sorted(p.items(), key=lambda kv: str(kv[0]))
        ]
        return f"{word} {', '.join(parts)}"
    return _("%(w)s %(p)s %%") % {"w": word, "p": number(p)}


def _count(p: Any, level_names: dict[str, str] | None) -> str:
    if isinstance(p, dict):
        names = level_names or {}
        return ", ".join(
            f"{number(v)} ({names.get(str(k), k)})"
            for k, v in sorted(p.items(), key=lambda kv: str(kv[0]))
        )
    return number(p)


def rule_sentence(
    rule: str, params: dict[str, Any] | None, level_names: dict[str, str] | None = None
) -> str:
    """A derived criterion's rule and parameters as one sentence."""
    params = params or {}
    p = params.get("p", 0)
    compare = str(params.get("compare", ">="))
    if rule == "member_households_title_share":
        return _("Đạt khi %(s)s hộ thành viên đạt danh hiệu %(t)s trong năm") % {
            "s": _share(p, compare, level_names),
            "t": title_name(params.get("title", Title.GDHT)),
        }
    if rule == "adults_cdht_share":
        return _("Đạt khi %(s)s người từ %(a)s tuổi trở lên đạt Công dân học tập") % {
            "s": _share(p, compare, level_names),
            "a": params.get("min_age", 18),
        }
    if rule == "staff_cdht_share":
        return _("Đạt khi %(s)s cán bộ, nhân viên đạt Công dân học tập") % {
            "s": _share(p, compare, level_names)
        }
    if rule == "workers_cdht_share":
        return _("Đạt khi %(s)s người lao động (từ 15 tuổi) đạt Công dân học tập") % {
            "s": _share(p, compare, level_names)
        }
    if rule == "commune_title_share":
        code = params.get("title", Title.GDHT)
        spec = TITLES.get(str(code))
        who = str(_SUBJECT_WORDS.get(spec.subject, _l("đối tượng"))) if spec else _("đối tượng")
        return _("Đạt khi %(s)s %(w)s của xã đạt danh hiệu %(t)s") % {
            "s": _share(p, compare, level_names),
            "w": who,
            "t": title_name(code),
        }
    if rule == "children_in_school":
        ages = {"a": params.get("min_age", 6), "b": params.get("max_age", 14)}
        if not isinstance(p, dict) and Decimal(str(p or 0)) == 0:
            return _("Đạt khi mọi trẻ em từ %(a)s đến %(b)s tuổi đều đi học") % ages
        return _("Đạt khi không quá %(n)s trẻ em từ %(a)s đến %(b)s tuổi chưa đi học") % {
            **ages,
            "n": _count(p, level_names),
        }
    if rule == "count_at_least":
        what = str(COUNTED.get(str(params.get("what", "members")), _("thành viên")))
        return _("Đạt khi có ít nhất %(n)s %(w)s") % {"n": _count(p, level_names), "w": what}
    if rule in RULES:
        return str(RULES[rule].label)
    return _("Quy tắc tính chưa chọn")


def criterion_sentence(criterion: Any, level_names: dict[str, str] | None = None) -> str:
    """What a criterion asks, in one sentence (no points: the pages show those apart)."""
    kind = criterion.kind
    if kind == CriterionKind.DERIVED:
        return rule_sentence(criterion.rule, criterion.params, level_names)
    if kind == CriterionKind.YESNO:
        return _("Đạt khi trả lời Có")
    if kind == CriterionKind.NUMBER:
        if criterion.threshold is None:
            return _("Ghi một số; không có ngưỡng")
        unit = f" {criterion.unit}" if criterion.unit and criterion.unit != "%" else ""
        unit = " %" if criterion.unit == "%" else unit
        return _("Đạt khi từ %(t)s%(u)s trở lên") % {"t": number(criterion.threshold), "u": unit}
    if kind == CriterionKind.SCORE:
        return _("Tự chấm từ 0 đến %(m)s điểm") % {"m": number(criterion.points)}
    if kind == CriterionKind.CHOICE:
        return _("Chọn một: %(o)s") % {"o": options_text(criterion.options)}
    return ""


def options_text(options: Any) -> str:
    parts = []
    for option in options or []:
        if not isinstance(option, dict):
            continue
        points = Decimal(str(option.get("points", 0) or 0))
        passes = bool(option.get("passes", points > 0))
        parts.append(
            _("%(l)s (%(p)s điểm%(x)s)")
            % {
                "l": option.get("label", ""),
                "p": number(points),
                "x": "" if passes else _(", chưa đạt"),
            }
        )
    return "; ".join(parts) or _("chưa có lựa chọn")


def level_names_of(levels: Any) -> dict[str, str]:
    """{"1": "Mức độ 1", …} from a set's levels."""
    return {
        str(level.get("level")): str(level.get("name") or _("Mức độ %(l)s") % {"l": level["level"]})
        for level in levels or []
        if isinstance(level, dict) and "level" in level
    }
