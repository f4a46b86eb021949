"""Labelled levels for a 0–10 indicator of the citizen's self-assessment (issue 19).

Quyết định 324/QĐ-KHVN (25/10/2023) scores each indicator of "Công dân học tập" from 0 to
10 and asks for at least 80 points in all with no indicator below 5; it describes no score
bands. The words of each level below are therefore a proposal of the software team, shown
as such on the page; a citizen may still type the exact score. Only indicators scored out
of 10 get levels (a set with other maxima keeps the plain number).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from criteria.engine import CriterionSpec, SetSpec
from criteria.models import CriterionKind

SCALE = Decimal(10)

# (score, short name, what it means): proposal, see the module's note.
LEVELS: tuple[tuple[Decimal, Any, Any], ...] = (
    (Decimal(0), _("Chưa làm"), _("chưa làm việc này")),
    (Decimal(3), _("Ít khi"), _("thỉnh thoảng, mới bắt đầu")),
    (Decimal(5), _("Có làm, chưa đều"), _("mức thấp nhất để chỉ số không bị loại")),
    (Decimal(8), _("Thường xuyên"), _("làm đều đặn, có kết quả")),
    (Decimal(10), _("Rất tốt"), _("làm đều đặn, kết quả tốt, giúp được người khác")),
)


def note(spec: SetSpec) -> str:
    """Where the levels come from, with the set's own pass rules."""
    rules = []
    if spec.pass_mark is not None:
        rules.append(str(_("tổng từ %(p)s điểm") % {"p": _number(spec.pass_mark)}))
    if spec.indicator_floor is not None:
        rules.append(
            str(_("không chỉ số nào dưới %(f)s điểm") % {"f": _number(spec.indicator_floor)})
        )
    passing = str(_("; đạt khi %(r)s") % {"r": " và ".join(rules)}) if rules else ""
    return str(
        _(
            "Mô tả các mức là gợi ý (đề xuất của nhóm xây dựng phần mềm): bộ tiêu chí chỉ quy "
            "định mỗi chỉ số chấm từ 0 đến 10 điểm%(passing)s. Chọn mức gần nhất, hoặc ghi "
            "đúng số điểm nếu bạn đã biết."
        )
        % {"passing": passing}
    )


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


@dataclass(frozen=True)
class Level:
    value: str  # the score as the form posts it ("8")
    label: str  # "8 điểm — Thường xuyên: làm đều đặn, có kết quả"
    checked: bool


def has_levels(criterion: CriterionSpec) -> bool:
    return criterion.kind == CriterionKind.SCORE and criterion.points == SCALE


def _decimal(raw: Any) -> Decimal | None:
    try:
        return Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None


def is_level(raw: Any) -> bool:
    value = _decimal(raw) if raw not in (None, "") else None
    return value is not None and any(value == score for score, _n, _d in LEVELS)


def options(criterion: CriterionSpec, chosen: Any) -> list[Level]:
    value = _decimal(chosen) if chosen not in (None, "") else None
    return [
        Level(
            value=_number(score),
            label=f"{_number(score)} điểm — {name}: {meaning}",
            checked=value is not None and value == score,
        )
        for score, name, meaning in LEVELS
    ]


def merge(data: Any, criteria: list[CriterionSpec]) -> dict[str, str]:
    """Fill each indicator's score from its chosen level when no number was typed, and
    read a decimal comma as the point (in place, `data` a mutable copy of the POST); the
    indicators whose typed number differs
    from the chosen level, with the message to show (nothing is guessed for them)."""
    conflicts: dict[str, str] = {}
    for criterion in criteria:
        if not has_levels(criterion):
            continue
        name = f"c_{criterion.code}"
        level = (data.get(f"l_{criterion.code}") or "").strip()
        typed = (data.get(name) or "").strip().replace(",", ".")  # "6,5" as written here
        if typed:
            data[name] = typed
        if not level or not is_level(level):
            continue
        if not typed:
            data[name] = level
        elif _decimal(typed) != _decimal(level):
            conflicts[name] = str(
                _(
                    "Bạn chọn mức %(l)s điểm nhưng ghi %(t)s điểm; hãy bỏ số đã ghi hoặc "
                    "chọn mức đúng với số đó."
                )
                % {"l": level, "t": typed}
            )
    return conflicts
