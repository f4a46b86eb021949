"""Scoring an assessment against a criteria set: pure functions, no database.

The set arrives as plain specs (`spec_of` reads them from the models once);
answers are what the subject filled in; derived values are computed from the
registry by the assessments app. The result says, criterion by criterion,
what passed and why not — the reasons people are shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_UP, Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from criteria.io import export
from criteria.models import CriteriaSet, CriterionKind, ResultMode, SetStatus

ZERO = Decimal(0)


class AnswerError(ValueError):
    """An answer outside what the criterion accepts (message in Vietnamese)."""


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    text: str
    kind: str
    points: Decimal
    # Must hold for recognition whatever the points (see criteria/README.md).
    condition: bool = False
    unit: str = ""
    threshold: Decimal | None = None
    options: tuple[dict[str, Any], ...] = ()
    rule: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    levels: tuple[int, ...] = ()
    group: str = ""

    @property
    def required(self) -> bool:
        """The answer form's word for a condition ("bắt buộc")."""
        return self.condition


@dataclass(frozen=True)
class GroupSpec:
    code: str
    name: str
    criteria: tuple[CriterionSpec, ...]
    min_points: Decimal | None = None

    @property
    def max_points(self) -> Decimal:
        return sum((c.points for c in self.criteria), ZERO)


@dataclass(frozen=True)
class SetSpec:
    mode: str
    groups: tuple[GroupSpec, ...]
    pass_mark: Decimal | None = None
    group_min_share: Decimal | None = None
    indicator_floor: Decimal | None = None
    bands: tuple[dict[str, Any], ...] = ()
    levels: tuple[dict[str, Any], ...] = ()
    indicators: dict[str, Any] = field(default_factory=dict)
    # The lowest band the title is granted from ("Khá"); "" = every band.
    grant_from_band: str = ""

    @property
    def criteria(self) -> list[CriterionSpec]:
        return [c for g in self.groups for c in g.criteria]

    @property
    def max_points(self) -> Decimal:
        return sum((g.max_points for g in self.groups), ZERO)


@dataclass
class DerivedValue:
    """A value computed from other records, with the records behind it.

    `value` is what is shown (a share rounded to 0.01 %); `exact`, when given, is what
    is compared with the threshold: 2,333 of 3,333 is 69.9969… %, shown as 70,00 %,
    and does not reach 70 %."""

    value: Decimal | None
    numerator: int = 0
    denominator: int = 0
    records: list[tuple[str, bool]] = field(default_factory=list)  # (label, counts towards)
    note: str = ""
    exact: Fraction | None = None

    @property
    def compared(self) -> Fraction | None:
        if self.exact is not None:
            return self.exact
        return None if self.value is None else Fraction(self.value)


@dataclass
class CriterionResult:
    code: str
    text: str
    kind: str
    answered: bool
    value: Any
    points: Decimal
    max_points: Decimal
    passed: bool
    reason: str = ""


@dataclass
class Result:
    total: Decimal
    max_total: Decimal
    passed: bool
    complete: bool
    band: str = ""
    level: int = 0
    criteria: list[CriterionResult] = field(default_factory=list)
    failing: list[tuple[str, str]] = field(default_factory=list)  # (criterion code or "", reason)
    groups: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    indicators: dict[str, bool] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "total": str(self.total),
            "max_total": str(self.max_total),
            "passed": self.passed,
            "complete": self.complete,
            "band": self.band,
            "level": self.level,
            "failing": [list(f) for f in self.failing],
            "criteria": {
                c.code: {"points": str(c.points), "passed": c.passed, "reason": c.reason}
                for c in self.criteria
            },
            "groups": {k: [str(v[0]), str(v[1])] for k, v in self.groups.items()},
            "indicators": self.indicators,
        }


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None
    # "NaN" and "Infinity" parse, but are no answer (and NaN cannot even be compared)
    return number if number.is_finite() else None


def spec_from_data(data: dict[str, Any]) -> SetSpec:
    """A set as plain data (a defaults file, an export) → the spec the engine scores with."""
    groups = []
    for group in data["groups"]:
        criteria = tuple(
            CriterionSpec(
                code=str(c["code"]),
                text=c.get("text", ""),
                kind=c["kind"],
                points=Decimal(str(c.get("points", 0))),
                # "required" is what files exported before conditions called them
                condition=bool(c.get("condition", c.get("required", False))),
                unit=c.get("unit", ""),
                threshold=_decimal(c.get("threshold")),
                options=tuple(c.get("options", ())),
                rule=c.get("rule", ""),
                params=dict(c.get("params", {})),
                levels=tuple(int(x) for x in c.get("levels", ())),
                group=str(group["code"]),
            )
            for c in group.get("criteria", [])
        )
        groups.append(
            GroupSpec(
                str(group["code"]), group["name"], criteria, _decimal(group.get("min_points"))
            )
        )
    return SetSpec(
        mode=data.get("mode", ResultMode.POINTS),
        groups=tuple(groups),
        pass_mark=_decimal(data.get("pass_mark")),
        group_min_share=_decimal(data.get("group_min_share")),
        indicator_floor=_decimal(data.get("indicator_floor")),
        bands=tuple(data.get("bands", ())),
        levels=tuple(data.get("levels", ())),
        indicators=dict(data.get("indicators", {})),
        grant_from_band=str(data.get("grant_from_band", "") or ""),
    )


def spec_of(criteria_set: CriteriaSet) -> SetSpec:
    """The set's spec; published sets never change, so theirs is read once per process."""
    if criteria_set.status == SetStatus.PUBLISHED:
        return _published_spec(criteria_set.pk, criteria_set.family, criteria_set.version)
    return spec_from_data(export(criteria_set))


@lru_cache(maxsize=256)
def _published_spec(pk: int, family: str, version: int) -> SetSpec:
    """Keyed by the set's identity too: a number a deleted set once had (a rolled-back
    test, SQLite reusing the highest id) must not bring back that set's rules."""
    return spec_from_data(export(CriteriaSet.objects.get(pk=pk)))


def clean_answer(criterion: CriterionSpec, raw: Any) -> Any:
    """The stored form of an answer, or AnswerError saying what the criterion accepts."""
    if raw is None or raw == "":
        return None
    if criterion.kind == CriterionKind.YESNO:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "yes", "co", "có", "on"):
            return True
        if text in ("0", "false", "no", "khong", "không", "off"):
            return False
        raise AnswerError(_("Chọn Có hoặc Không."))
    if criterion.kind in (CriterionKind.NUMBER, CriterionKind.SCORE):
        number = _decimal(raw)
        if number is None:
            raise AnswerError(_("Phải là một số."))
        if number < 0:
            raise AnswerError(_("Không được là số âm."))
        if criterion.kind == CriterionKind.SCORE and number > criterion.points:
            raise AnswerError(_("Điểm phải từ 0 đến %(max)s.") % {"max": _fmt(criterion.points)})
        if number > Decimal("1000000000"):
            raise AnswerError(_("Số quá lớn."))
        return str(number)
    if criterion.kind == CriterionKind.CHOICE:
        try:
            index = int(raw)
        except (TypeError, ValueError):
            raise AnswerError(_("Chọn một trong các phương án.")) from None
        if not 0 <= index < len(criterion.options):
            raise AnswerError(_("Chọn một trong các phương án."))
        return index
    raise AnswerError(_("Tiêu chí này được tính tự động, không nhập."))


def _fmt(number: Decimal) -> str:
    text = f"{number.normalize():f}"
    return text.replace(".", ",")


def _missed_by(exact: Fraction, shown: Decimal, threshold: Decimal, comparison: str) -> Decimal:
    """A value that failed its threshold, with as many decimals as it takes to show that
    it did: 2 of 3 against ≥ 66.67 % reads "66,6666", not "66,67"."""
    if shown != threshold:
        return shown
    rounding = ROUND_DOWN if comparison != "<=" else ROUND_UP
    for places in range(3, 9):
        digits = Decimal(1).scaleb(-places)
        nearer = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
            digits, rounding=rounding
        )
        if nearer != threshold:
            return nearer
    return shown


def _threshold(criterion: CriterionSpec, level: int | None) -> Decimal | None:
    """A derived rule's threshold ("p"), per level where the set has levels."""
    p = criterion.params.get("p", criterion.threshold)
    if isinstance(p, dict):
        p = p.get(str(level or 1), p.get("1"))
    return _decimal(p)


def evaluate(
    criterion: CriterionSpec,
    answer: Any,
    derived: DerivedValue | None,
    *,
    indicator_floor: Decimal | None = None,
    level: int | None = None,
) -> CriterionResult:
    kind = criterion.kind

    def made(
        answered: bool, value: Any, points: Decimal, passed: bool, reason: str = ""
    ) -> CriterionResult:
        return CriterionResult(
            code=criterion.code,
            text=criterion.text,
            kind=kind,
            answered=answered,
            value=value,
            points=points,
            max_points=criterion.points,
            passed=passed,
            reason=reason,
        )

    if kind == CriterionKind.DERIVED:
        value = derived.value if derived is not None else None
        if value is None:
            note = derived.note if derived and derived.note else _("Chưa có dữ liệu để tính.")
            return made(False, None, points=ZERO, passed=False, reason=note)
        threshold = _threshold(criterion, level)
        comparison = criterion.params.get("compare", ">=")
        exact = derived.compared if derived is not None else None
        assert exact is not None  # value is not None
        passed = threshold is None or (
            exact <= Fraction(threshold) if comparison == "<=" else exact >= Fraction(threshold)
        )
        reason = ""
        if not passed and derived is not None and derived.note:
            reason = derived.note  # the rule's own words ("1 trẻ chưa đi học: …")
        elif not passed:
            unit = criterion.unit or ""
            reason = _("Đạt %(v)s%(u)s, yêu cầu %(op)s %(t)s%(u)s.") % {
                "v": _fmt(_missed_by(exact, value, threshold or ZERO, comparison)),
                "u": unit,
                "op": "≤" if comparison == "<=" else "≥",
                "t": _fmt(threshold or ZERO),
            }
        return made(
            True,
            value,
            points=criterion.points if passed else ZERO,
            passed=passed,
            reason=reason,
        )
    if answer is None:
        return made(False, None, points=ZERO, passed=False, reason=_("Chưa trả lời."))
    if kind == CriterionKind.YESNO:
        passed = bool(answer)
        return made(
            True,
            answer,
            points=criterion.points if passed else ZERO,
            passed=passed,
            reason="" if passed else _("Chưa đạt."),
        )
    if kind == CriterionKind.NUMBER:
        number = Decimal(str(answer))
        threshold = criterion.threshold
        passed = threshold is None or number >= threshold
        reason = (
            ""
            if passed
            else _("Đạt %(v)s %(u)s, yêu cầu ít nhất %(t)s %(u)s.")
            % {
                "v": _fmt(number),
                "u": criterion.unit,
                "t": _fmt(threshold or ZERO),
            }
        )
        return made(
            True,
            number,
            points=criterion.points if passed else ZERO,
            passed=passed,
            reason=reason.replace("  ", " "),
        )
    if kind == CriterionKind.CHOICE:
        option = criterion.options[int(answer)]
        points = Decimal(str(option.get("points", 0)))
        passed = bool(option.get("passes", points > 0))
        return made(
            True,
            option.get("label", ""),
            points=points,
            passed=passed,
            reason="" if passed else _("Chưa đạt: %(o)s.") % {"o": option.get("label", "")},
        )
    # SCORE: the subject's own 0..max points
    score = Decimal(str(answer))
    passed = indicator_floor is None or score >= indicator_floor
    reason = (
        ""
        if passed
        else _("Tự chấm %(v)s điểm, dưới mức tối thiểu %(f)s.")
        % {"v": _fmt(score), "f": _fmt(indicator_floor or ZERO)}
    )
    return made(True, score, points=score, passed=passed, reason=reason)


def _band_min(spec: SetSpec, name: str) -> Decimal | None:
    for band in spec.bands:
        if str(band["name"]) == name:
            return Decimal(str(band["min"]))
    return None


def _band(spec: SetSpec, total: Decimal) -> str:
    for band in sorted(spec.bands, key=lambda b: Decimal(str(b["min"])), reverse=True):
        if total >= Decimal(str(band["min"])):
            return str(band["name"])
    return ""


def _indicators(spec: SetSpec, results: dict[str, CriterionResult]) -> dict[str, bool]:
    flags = {}
    for name, rule in spec.indicators.items():
        members = [r for code, r in results.items() if code.split(".")[0] == str(rule.get("group"))]
        total = sum((r.points for r in members), ZERO)
        each = _decimal(rule.get("min_each"))
        flags[name] = (
            bool(members)
            and all(r.answered for r in members)
            and total >= Decimal(str(rule.get("min_total", 0)))
            and (each is None or all(r.points >= each for r in members))
        )
    return flags


def _condition_failed(criterion: CriterionSpec, result: CriterionResult) -> str:
    return _("Điều kiện chưa đạt: %(c)s. %(r)s") % {
        "c": criterion.text.rstrip("."),
        "r": result.reason,
    }


def _scored_failing(
    spec: SetSpec,
    members: list[CriterionSpec],
    results: dict[str, CriterionResult],
    pass_mark: Decimal | None,
    prefix: str = "",
) -> tuple[list[tuple[str, str]], bool]:
    """What keeps a scored result from passing, and whether every condition held.

    Conditions (criteria marked so, and the floor of self-scored indicators) fail the
    result whatever the total; then each group's minimum; then the pass mark."""
    failing: list[tuple[str, str]] = []
    conditions_held = True
    for criterion in members:
        r = results[criterion.code]
        if not r.answered and criterion.kind != CriterionKind.DERIVED:
            failing.append((r.code, r.reason))  # "Chưa trả lời." (the submit step looks for it)
            conditions_held = conditions_held and not criterion.condition
        elif not r.passed and criterion.condition:
            conditions_held = False
            failing.append((r.code, _condition_failed(criterion, r)))
        elif not r.answered:
            failing.append((r.code, r.reason))
        elif not r.passed and criterion.kind == CriterionKind.SCORE:
            conditions_held = False
            failing.append(
                (
                    r.code,
                    _("Điều kiện chưa đạt: không chỉ số nào dưới %(f)s điểm. %(r)s")
                    % {"f": _fmt(spec.indicator_floor or ZERO), "r": r.reason},
                )
            )
    codes = {c.code for c in members}
    for group in spec.groups:
        in_group = [c for c in group.criteria if c.code in codes]
        if not in_group:
            continue
        got = sum((results[c.code].points for c in in_group), ZERO)
        most = sum((c.points for c in in_group), ZERO)
        needs = [
            n
            for n in (
                most * spec.group_min_share if spec.group_min_share is not None else None,
                group.min_points,
            )
            if n is not None
        ]
        need = max(needs) if needs else None
        if need is not None and got < need:
            failing.append(
                (
                    "",
                    prefix
                    + _("Nhóm %(g)s đạt %(v)s/%(m)s điểm, dưới mức tối thiểu %(n)s điểm.")
                    % {"g": group.code, "v": _fmt(got), "m": _fmt(most), "n": _fmt(need)},
                )
            )
    total = sum((results[c].points for c in codes), ZERO)
    if pass_mark is not None and total < pass_mark:
        failing.append(
            (
                "",
                prefix
                + _("Tổng %(t)s điểm, dưới điểm đạt %(p)s.")
                % {"t": _fmt(total), "p": _fmt(pass_mark)},
            )
        )
    return failing, conditions_held


def score(
    spec: SetSpec,
    answers: dict[str, Any],
    derived: dict[str, DerivedValue] | None = None,
    *,
    held_level: int = 0,
    held_months: int = 0,
) -> Result:
    """The result of one assessment.

    `held_level`/`held_months`: for sets with levels, the level the subject
    already holds and for how long — level 2 needs level 1 held ≥ 12 months.
    """
    derived = derived or {}
    if spec.mode == ResultMode.LEVELS:
        return _score_levels(spec, answers, derived, held_level=held_level, held_months=held_months)
    results = {
        c.code: evaluate(
            c, answers.get(c.code), derived.get(c.code), indicator_floor=spec.indicator_floor
        )
        for c in spec.criteria
    }
    total = sum((r.points for r in results.values()), ZERO)
    complete = all(r.answered for r in results.values())
    groups: dict[str, tuple[Decimal, Decimal]] = {}
    for group in spec.groups:
        got = sum((results[c.code].points for c in group.criteria), ZERO)
        groups[group.code] = (got, group.max_points)
    band = _band(spec, total) if spec.bands else ""
    if spec.mode == ResultMode.ALL_PASS:
        # every indicator is a condition: the failing ones are named by their code
        failing = [(r.code, r.reason) for r in results.values() if not r.passed]
    else:
        failing, conditions_held = _scored_failing(
            spec, list(spec.criteria), results, spec.pass_mark
        )
        if not conditions_held:
            band = ""  # a failed condition grants no band, whatever the points
        elif spec.grant_from_band and spec.bands:
            lowest = _band_min(spec, spec.grant_from_band)
            reached = _band_min(spec, band) if band else None
            if lowest is not None and (reached is None or reached < lowest):
                failing.append(
                    (
                        "",
                        (
                            _("Xếp loại %(b)s (%(t)s điểm): danh hiệu chỉ công nhận từ loại")
                            % {"b": band, "t": _fmt(total)}
                            if band
                            else _(
                                "Tổng %(t)s điểm, chưa đạt loại nào: danh hiệu công nhận từ loại"
                            )
                            % {"t": _fmt(total)}
                        )
                        + _(" %(g)s (từ %(m)s điểm).")
                        % {"g": spec.grant_from_band, "m": _fmt(lowest)},
                    )
                )
    return Result(
        total=total,
        max_total=spec.max_points,
        passed=not failing,
        complete=complete,
        band=band,
        criteria=list(results.values()),
        failing=failing,
        groups=groups,
        indicators=_indicators(spec, results),
    )


def _score_levels(
    spec: SetSpec,
    answers: dict[str, Any],
    derived: dict[str, DerivedValue],
    *,
    held_level: int,
    held_months: int,
) -> Result:
    """Levels, lowest first; each has its own criteria (a criterion's `levels`), thresholds
    (a rule's `p` per level) and way of passing: every indicator met (`all_pass`, the
    learning commune of Thông tư 25/2023) or conditions plus a `pass_mark`."""
    levels = sorted(spec.levels, key=lambda lv: int(lv["level"])) or [
        {"level": 1, "name": _("Đạt")}
    ]
    achieved = 0
    failing: list[tuple[str, str]] = []
    shown: dict[str, CriterionResult] = {}
    for level_info in levels:
        level = int(level_info["level"])
        name = str(level_info.get("name", level))
        members = [c for c in spec.criteria if not c.levels or level in c.levels]
        results = {
            c.code: evaluate(
                c,
                answers.get(c.code),
                derived.get(c.code),
                indicator_floor=spec.indicator_floor,
                level=level,
            )
            for c in members
        }
        for code, r in results.items():
            shown.setdefault(code, r)
        pass_mark = _decimal(level_info.get("pass_mark"))
        if bool(level_info.get("all_pass", pass_mark is None)):
            level_failing = [(r.code, r.reason) for r in results.values() if not r.passed]
        else:
            level_failing, _held = _scored_failing(
                spec, members, results, pass_mark, prefix=f"{name}: "
            )
        months = int(level_info.get("after_months", 0) or 0)
        if months and level > 1 and not (held_level >= level - 1 and held_months >= months):
            level_failing.append(
                (
                    "",
                    _("%(n)s chỉ xét sau khi đạt mức trước ít nhất %(m)s tháng.")
                    % {"n": name, "m": months},
                )
            )
        if level_failing:
            if achieved == 0:
                failing = level_failing
            break
        achieved = level
    level_names = {int(lv["level"]): str(lv.get("name", lv["level"])) for lv in levels}
    criteria = list(shown.values())
    total = sum((r.points for r in criteria), ZERO)
    return Result(
        total=total,
        max_total=spec.max_points,
        passed=achieved >= 1,
        complete=all(r.answered for r in criteria),
        band=level_names.get(achieved, ""),
        level=achieved,
        criteria=criteria,
        failing=failing,
    )
