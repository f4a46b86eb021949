"""Values of derived criteria, computed from the registry and the year's titles.

Each rule type of `criteria.rules` has one function here taking the
assessment and the criterion's parameters and returning the value with the
records behind it, which the assessment page lists.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from assessments.models import Assessment
from assessments.subjects import subject_of
from criteria.engine import DerivedValue, SetSpec
from criteria.models import CriterionKind
from criteria.titles import Title
from registry.models import Citizen, Household, Occupation, ResidenceStatus

MAX_RECORDS = 200
WORKER_OCCUPATIONS = (Occupation.FARMER, Occupation.WORKER)


def _percent(part: int, whole: int) -> Decimal | None:
    """The share as shown, rounded to 0.01 %; the engine compares `_exact_percent`."""
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _exact_percent(part: int, whole: int) -> Fraction | None:
    return None if whole == 0 else Fraction(part * 100, whole)


def _households(assessment: Assessment) -> QuerySet[Household]:
    """The households that belong to the assessed subject (none for a person or a unit)."""
    active = Household.objects.filter(dissolved_on__isnull=True)
    return active.filter(subject_of(assessment.title).households(assessment))


def _people(assessment: Assessment) -> QuerySet[Citizen]:
    """The people who belong to the assessed subject (its members, its staff)."""
    active = Citizen.objects.filter(status=ResidenceStatus.ACTIVE)
    return active.filter(subject_of(assessment.title).people(assessment))


def _holders(title: str, year: int, field: str, ids: list[int]) -> set[int]:
    return set(
        Assessment.objects.holding(title, year)
        .filter(**{f"{field}_id__in": ids})
        .values_list(f"{field}_id", flat=True)
    )


def _share_of_people(assessment: Assessment, people: QuerySet[Citizen], what: str) -> DerivedValue:
    rows = list(people.values_list("id", "full_name").order_by("full_name"))
    ids = [pk for pk, _name in rows]
    holders = _holders(Title.CDHT, assessment.year, "citizen", ids)
    value = _percent(len(holders), len(ids))
    return DerivedValue(
        value,
        exact=_exact_percent(len(holders), len(ids)),
        numerator=len(holders),
        denominator=len(ids),
        records=[(name, pk in holders) for pk, name in rows[:MAX_RECORDS]],
        note="" if value is not None else _("Không có %(w)s nào để tính.") % {"w": what},
    )


def adults_cdht_share(assessment: Assessment, params: dict[str, Any]) -> DerivedValue:
    min_age = int(params.get("min_age", 18))
    adults = _people(assessment).filter(birth_year__lte=assessment.year - min_age)
    return _share_of_people(assessment, adults, _("người lớn"))


def staff_cdht_share(assessment: Assessment, params: dict[str, Any]) -> DerivedValue:
    return _share_of_people(assessment, _people(assessment), _("cán bộ, người lao động"))


def learning_workers(people: QuerySet[Citizen], year: int) -> QuerySet[Citizen]:
    """“Người lao động trong Gia đình học tập, Dòng họ học tập, Cộng đồng học tập” (Kế hoạch
    127/KH-UBND, mục II.2): of `people`, those whose occupation is farmer or worker, aged 15 or
    more in `year`, in a household, a clan or a village holding its title in `year`.

    The families' titles are looked up through these people's own households (the
    assessments' household index), not among the province's hundreds of thousands: at
    province scale (7.8 million files) the province-wide semi-join took 421 s for one
    commune and year, this 3 s on a busy machine. Clans' and villages' titles are few.

    The one definition: the indicator `workers_cdht` (stats.compute.live_figures) and the
    derived criterion `workers_cdht_share` (learning commune, learning village) both call it;
    its wording is in stats/data/indicators.toml."""
    holding = Assessment.objects.holding
    # The titles of these people's households (wherever the household was titled).
    families = holding(Title.GDHT, year).filter(household_id__in=people.values("household_id"))
    return people.filter(occupation__in=WORKER_OCCUPATIONS, birth_year__lte=year - 15).filter(
        Q(household_id__in=families.values("household_id"))
        | Q(household__clan_id__in=holding(Title.DHHT, year).values("clan_id"))
        | Q(village_id__in=holding(Title.CDHT_THON, year).values("village_subject_id"))
    )


def workers_cdht_share(assessment: Assessment, params: dict[str, Any]) -> DerivedValue:
    workers = learning_workers(_people(assessment), assessment.year)
    return _share_of_people(assessment, workers, _("người lao động"))


def children_in_school(assessment: Assessment, params: dict[str, Any]) -> DerivedValue:
    low, high = int(params.get("min_age", 6)), int(params.get("max_age", 14))
    children = list(
        _people(assessment)
        .filter(birth_year__gte=assessment.year - high, birth_year__lte=assessment.year - low)
        .values_list("full_name", "in_school")
        .order_by("full_name")
    )
    out = [name for name, in_school in children if in_school is not True]
    note = ""
    if out:
        shown = ", ".join(out[:10]) + ("…" if len(out) > 10 else "")
        note = _("%(n)s trẻ %(a)s–%(b)s tuổi chưa ghi nhận đi học: %(names)s.") % {
            "n": len(out),
            "a": low,
            "b": high,
            "names": shown,
        }
    return DerivedValue(
        Decimal(len(out)),
        numerator=len(children) - len(out),
        denominator=len(children),
        records=[(name, in_school is True) for name, in_school in children[:MAX_RECORDS]],
        note=note,
    )


def member_households_title_share(assessment: Assessment, params: dict[str, Any]) -> DerivedValue:
    title = params.get("title", Title.GDHT)
    rows = list(
        _households(assessment).values_list("id", "code", "head__full_name").order_by("code")
    )
    ids = [pk for pk, _c, _h in rows]
    holders = _holders(title, assessment.year, "household", ids)
    value = _percent(len(holders), len(ids))
    return DerivedValue(
        value,
        exact=_exact_percent(len(holders), len(ids)),
        numerator=len(holders),
        denominator=len(ids),
        records=[
            (f"Hộ {code}" + (f" — {head}" if head else ""), pk in holders)
            for pk, code, head in rows[:MAX_RECORDS]
        ],
        note="" if value is not None else _("Chưa có hộ thành viên nào."),
    )


def count_at_least(assessment: Assessment, params: dict[str, Any]) -> DerivedValue:
    what = params.get("what", "members")
    if what == "member_households":
        count = _households(assessment).count()
    elif what == "adults":
        count = _people(assessment).filter(birth_year__lte=assessment.year - 18).count()
    else:  # staff, members: the subject's people
        count = _people(assessment).count()
    return DerivedValue(Decimal(count), numerator=count, denominator=count)


def commune_title_share(assessment: Assessment, params: dict[str, Any]) -> DerivedValue:
    title = params.get("title", Title.GDHT)
    subject = subject_of(title)
    field, rows = subject.field, list(subject.in_commune(assessment.commune_subject_id or 0))
    ids = [pk for pk, _label in rows]
    holders = _holders(title, assessment.year, field, ids)
    value = _percent(len(holders), len(ids))
    return DerivedValue(
        value,
        exact=_exact_percent(len(holders), len(ids)),
        numerator=len(holders),
        denominator=len(ids),
        records=[(label, pk in holders) for pk, label in rows[:MAX_RECORDS]],
        note="" if value is not None else _("Xã chưa có đối tượng nào để tính."),
    )


RULE_FUNCTIONS: dict[str, Callable[[Assessment, dict[str, Any]], DerivedValue]] = {
    "adults_cdht_share": adults_cdht_share,
    "staff_cdht_share": staff_cdht_share,
    "workers_cdht_share": workers_cdht_share,
    "children_in_school": children_in_school,
    "member_households_title_share": member_households_title_share,
    "count_at_least": count_at_least,
    "commune_title_share": commune_title_share,
}


def compute(assessment: Assessment, spec: SetSpec) -> dict[str, DerivedValue]:
    values = {}
    for criterion in spec.criteria:
        if criterion.kind == CriterionKind.DERIVED:
            function = RULE_FUNCTIONS.get(criterion.rule)
            values[criterion.code] = (
                function(assessment, criterion.params)
                if function
                else DerivedValue(None, note=_("Quy tắc tính chưa hỗ trợ."))
            )
    return values


def as_json(values: dict[str, DerivedValue]) -> dict[str, Any]:
    return {
        code: {
            "value": None if v.value is None else str(v.value),
            "numerator": v.numerator,
            "denominator": v.denominator,
            "records": [[label, ok] for label, ok in v.records],
            "note": v.note,
        }
        for code, v in values.items()
    }
