"""What each kind of subject a title is given to *is*, declared once.

A title names its subject kind (`criteria.titles.SUBJECT_OF`); everything that depends on
the kind — the assessment's link to the subject, where it sits (commune, village), who is
in it (households, people) for derived criteria, what a place has of it (bulk
registration, a commune's share), and how a decision's annex and a certificate name it —
is read from its `Subject` here instead of switching on the kind in every module.
Adding a subject kind: one `Subject` below, its `SubjectKind` and the assessment's link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import SUBJECT_FIELD, Assessment
from criteria.titles import SUBJECT_OF, PopulationGroup, SubjectKind, group_for_occupation
from places.models import Place
from registry.access import acts_for_household
from registry.models import Citizen, Clan, Household, Occupation, Organisation, ResidenceStatus

Where = tuple[Place, Place | None, str]
NOTHING = Q(pk__in=[])

# Who may bid for "Công dân học tập" in a year, by the form (population group) they are
# assessed on. Quyết định 324/QĐ-KHVN (25/10/2023) sets no age; both ages are proposals of
# the software team, which the province may change:
# * every form: the year one turns 15 — the minimum working age of Bộ luật Lao động 2019
#   (Điều 3, khoản 1: "đủ 15 tuổi"), since the plan 127/KH-UBND counts the title among
#   "người lao động" and officials;
# * the pupils' and students' form ("Học sinh, sinh viên"): the year one turns 11 — the age
#   of entering lower secondary school, Luật Giáo dục 2019, Điều 28, khoản 1, điểm b ("Tuổi
#   của học sinh vào học lớp sáu là 11 tuổi"), the form's questions being about studying.
# An age is the one reached in the year (birth year), as the lists have always counted it.
CITIZEN_MIN_AGE = 15
PUPIL_MIN_AGE = 11
CITIZEN_AGE_NOTE = gettext_lazy(
    "Chỉ liệt kê người từ đủ 15 tuổi trong năm; học sinh, sinh viên từ đủ 11 tuổi trong năm "
    "(tuổi vào lớp sáu). Đây là đề xuất của nhóm xây dựng phần mềm: Quyết định 324/QĐ-KHVN "
    "không quy định độ tuổi; 15 tuổi là tuổi lao động tối thiểu theo Bộ luật Lao động 2019, "
    "Điều 3 khoản 1; 11 tuổi là tuổi vào học lớp sáu theo Luật Giáo dục 2019, Điều 28 khoản 1 "
    "điểm b."
)


def min_age(group: str) -> int:
    """The youngest age (reached in the year) at which a person is assessed on `group`."""
    return PUPIL_MIN_AGE if group == PopulationGroup.STUDENT else CITIZEN_MIN_AGE


# A pupil or student on record: the occupation says so, or the person is in school with no
# other occupation recorded ("Khác", the default a child's record has).
PUPIL = Q(occupation=Occupation.STUDENT) | Q(in_school=True, occupation=Occupation.OTHER)


def is_pupil(citizen: Citizen) -> bool:
    """`PUPIL` for one person (the same rule, so a list and a registration agree)."""
    return citizen.occupation == Occupation.STUDENT or (
        citizen.in_school is True and citizen.occupation == Occupation.OTHER
    )


def suggested_group(subject: Any) -> str:
    """The form a person is assessed on unless another is chosen: the pupils' form for a
    pupil on record, else the one their occupation suggests."""
    if isinstance(subject, Citizen) and is_pupil(subject):
        return PopulationGroup.STUDENT
    return group_for_occupation(getattr(subject, "occupation", ""))


def citizen_of_age(year: int) -> Q:
    """The people old enough to be listed for "Công dân học tập" in `year` on the form
    their record suggests (`suggested_group`)."""
    return Q(birth_year__lte=year - CITIZEN_MIN_AGE) | (
        Q(birth_year__lte=year - PUPIL_MIN_AGE) & PUPIL
    )


def old_enough(citizen: Citizen, year: int, group: str = "") -> bool:
    """Whether `citizen` may be assessed on `group` (or their suggested form) in `year`."""
    return citizen.birth_year <= year - min_age(group or suggested_group(citizen))


def check_citizen_age(citizen: Citizen, year: int, group: str = "") -> None:
    """Refuse (ValidationError) a registration for "Công dân học tập" of someone younger
    than their form's minimum age: the lists hide them, a posted form must not add them."""
    group = group or suggested_group(citizen)
    if old_enough(citizen, year, group):
        return
    age = min_age(group)
    if group == PopulationGroup.STUDENT:
        rule = _(
            "học sinh, sinh viên được xét từ năm đủ %(a)s tuổi (tuổi vào lớp sáu, Luật Giáo "
            "dục 2019, Điều 28 khoản 1 điểm b)"
        ) % {"a": age}
    else:
        rule = _(
            "mẫu “%(g)s” được xét từ năm đủ %(a)s tuổi (tuổi lao động tối thiểu, Bộ luật Lao "
            "động 2019, Điều 3 khoản 1)"
        ) % {"g": PopulationGroup(group).label, "a": age}
    raise ValidationError(
        _(
            "Chưa đăng ký được %(n)s (sinh năm %(b)s) cho danh hiệu Công dân học tập năm "
            "%(y)s: %(r)s. Độ tuổi này là đề xuất của nhóm xây dựng phần mềm, Quyết định "
            "324/QĐ-KHVN không quy định."
        )
        % {"n": citizen.full_name, "b": citizen.birth_year, "y": year, "r": rule}
    )


def _short_person(name: str) -> str:
    """ "Nguyễn Thị Hương" → "Nguyễn T. H.": enough to recognise, not to identify."""
    parts = name.split()
    if len(parts) <= 1:
        return name
    return " ".join([parts[0], *(f"{p[0]}." for p in parts[1:])])


def _head_name(household: Household | None) -> str:
    return household.head.full_name if household and household.head else ""


@dataclass(frozen=True)
class Subject:
    kind: str
    model: type[Model]
    # (commune that reviews it, its village or None, its display name)
    where: Callable[[Any], Where]
    # everything of `place` that may bid in `year` (bulk registration)
    candidates: Callable[[Place, int], QuerySet[Any]]
    # (id, label) of every such subject of a commune (a commune's share of them)
    in_commune: Callable[[int], QuerySet[Any]]
    # the households and the people that belong to an assessed subject (derived criteria)
    households: Callable[[Assessment], Q]
    people: Callable[[Assessment], Q]
    # the other way round: given subjects of this kind (their ids), the assessments whose
    # subject holds them — a household's clan, village and commune — the records whose
    # derived criteria count them, recomputed when one of them gains or loses a title
    containers: Callable[[list[int]], Q]
    # the decision's annex: its plural noun, its columns and one row
    plural: str
    annex_columns: tuple[str, str, str, str]
    annex_row: Callable[[Assessment], tuple[str, str, str]]
    # the records a user may pick a subject from (registering one from its own page)
    visible: Callable[[Any], QuerySet[Any]]
    # how the public verification page and the certificate name it
    public_name: Callable[[Assessment], str] = lambda a: a.subject_name
    certificate_name: Callable[[Assessment], str] = lambda a: a.subject_name
    # whether this citizen is the subject acting for itself (their own record, their
    # household as its head); nobody is, for the other kinds
    acts_as_self: Callable[[Citizen, Assessment], bool] = lambda citizen, a: False
    # refuses (ValidationError) a subject that may not bid in a year on the form chosen
    # ("" = its suggested one): a child for "Công dân học tập"; anything may, for the others
    refuse_ineligible: Callable[[Any, int, str], None] = lambda subject, year, group: None

    @property
    def field(self) -> str:
        """The assessment's link to a subject of this kind."""
        return SUBJECT_FIELD[self.kind]


def _holding(records: QuerySet[Any], **links: str) -> Q:
    """The assessments linked (`assessment field=record field`, e.g. clan_id="clan_id") to
    any of `records`: one query for all the links."""
    rows = list(records.values_list(*links.values()))
    wanted = NOTHING
    for position, field in enumerate(links):
        ids = {row[position] for row in rows} - {None}
        if ids:
            wanted |= Q(**{f"{field}__in": sorted(ids)})
    return wanted


def _village_of(a: Assessment) -> str:
    return a.village.name if a.village else ""


def _household_public(a: Assessment) -> str:
    head = _head_name(a.household)
    return f"Hộ {_short_person(head)}" if head else "Hộ gia đình"


def _household_certificate(a: Assessment) -> str:
    head = _head_name(a.household)
    return f"Gia đình ông/bà {head}" if head else a.subject_name


HOUSEHOLD = Subject(
    kind=SubjectKind.HOUSEHOLD,
    model=Household,
    where=lambda s: (s.commune, s.village, str(s)),
    candidates=lambda place, year: (
        Household.objects.in_place(place)
        .filter(dissolved_on__isnull=True)
        .select_related("commune", "village", "head")
    ),
    in_commune=lambda commune_id: Household.objects.filter(
        commune_id=commune_id, dissolved_on__isnull=True
    ).values_list("id", "code"),
    households=lambda a: Q(pk=a.household_id),
    people=lambda a: Q(household_id=a.household_id),
    containers=lambda ids: _holding(
        Household.objects.filter(pk__in=ids),
        clan_id="clan_id",
        village_subject_id="village_id",
        commune_subject_id="commune_id",
    ),
    plural="hộ gia đình",
    annex_columns=("TT", "Họ và tên chủ hộ", "Mã hộ", "Thôn, tổ dân phố"),
    annex_row=lambda a: (
        _head_name(a.household) or a.subject_name,
        a.household.code if a.household else "",
        _village_of(a),
    ),
    visible=lambda user: Household.objects.visible_to(user),
    public_name=_household_public,
    certificate_name=_household_certificate,
    acts_as_self=lambda citizen, a: acts_for_household(citizen, a.household_id),
)

CITIZEN = Subject(
    kind=SubjectKind.CITIZEN,
    model=Citizen,
    where=lambda s: (s.commune, s.village, s.full_name),
    candidates=lambda place, year: (
        Citizen.objects.in_place(place)
        .active()
        .filter(citizen_of_age(year))
        .select_related("commune", "village")
    ),
    in_commune=lambda commune_id: Citizen.objects.filter(
        commune_id=commune_id, status=ResidenceStatus.ACTIVE
    ).values_list("id", "full_name"),
    households=lambda a: NOTHING,
    people=lambda a: NOTHING,
    containers=lambda ids: _holding(
        Citizen.objects.filter(pk__in=ids),
        household_id="household_id",
        clan_id="household__clan_id",
        village_subject_id="village_id",
        commune_subject_id="commune_id",
        organisation_id="workplace_id",
    ),
    plural="công dân",
    annex_columns=("TT", "Họ và tên", "Năm sinh", "Thôn, tổ dân phố"),
    annex_row=lambda a: (
        a.subject_name,
        str(a.citizen.birth_year) if a.citizen else "",
        _village_of(a),
    ),
    visible=lambda user: Citizen.objects.visible_to(user),
    public_name=lambda a: _short_person(a.subject_name),
    acts_as_self=lambda citizen, a: a.citizen_id == citizen.pk,
    refuse_ineligible=check_citizen_age,
)

CLAN = Subject(
    kind=SubjectKind.CLAN,
    model=Clan,
    where=lambda s: (s.commune, s.home_village, str(s)),
    candidates=lambda place, year: Clan.objects.in_place(place).select_related(
        "commune", "home_village"
    ),
    in_commune=lambda commune_id: Clan.objects.filter(commune_id=commune_id).values_list(
        "id", "name"
    ),
    households=lambda a: Q(clan_id=a.clan_id),
    people=lambda a: Q(household__clan_id=a.clan_id),
    containers=lambda ids: _holding(
        Clan.objects.filter(pk__in=ids), commune_subject_id="commune_id"
    ),
    plural="dòng họ",
    annex_columns=("TT", "Dòng họ", "Trưởng họ", "Thôn gốc"),
    annex_row=lambda a: (
        a.subject_name,
        a.clan.head.full_name if a.clan and a.clan.head else "",
        _village_of(a),
    ),
    visible=lambda user: Clan.objects.visible_to(user),
)

VILLAGE = Subject(
    kind=SubjectKind.VILLAGE,
    model=Place,
    where=lambda s: (s.parent, s, s.name),
    candidates=lambda place, year: (
        Place.objects.current().villages().within(place).select_related("parent")
    ),
    in_commune=lambda commune_id: (
        Place.objects.current().villages().filter(parent_id=commune_id).values_list("id", "name")
    ),
    households=lambda a: Q(village_id=a.village_subject_id),
    people=lambda a: Q(village_id=a.village_subject_id),
    containers=lambda ids: _holding(
        Place.objects.filter(pk__in=ids), commune_subject_id="parent_id"
    ),
    plural="thôn, tổ dân phố",
    annex_columns=("TT", "Thôn, tổ dân phố", "Xã, phường", ""),
    annex_row=lambda a: (a.subject_name, a.commune.name, ""),
    visible=lambda user: Place.objects.visible_to(user).villages().current(),
)

ORGANISATION = Subject(
    kind=SubjectKind.ORGANISATION,
    model=Organisation,
    where=lambda s: (s.commune, None, s.name),
    candidates=lambda place, year: (
        Organisation.objects.in_place(place)
        .filter(closed_on__isnull=True)
        .select_related("commune")
    ),
    # a commune's share counts its own units (province-level ones are the province's)
    in_commune=lambda commune_id: Organisation.objects.filter(
        commune_id=commune_id, closed_on__isnull=True, level="commune"
    ).values_list("id", "name"),
    households=lambda a: NOTHING,
    people=lambda a: Q(workplace_id=a.organisation_id),
    containers=lambda ids: _holding(
        Organisation.objects.filter(pk__in=ids), commune_subject_id="commune_id"
    ),
    plural="đơn vị",
    annex_columns=("TT", "Tên đơn vị", "Loại hình", "Xã, phường"),
    annex_row=lambda a: (
        a.subject_name,
        a.organisation.get_kind_display() if a.organisation else "",
        a.commune.name,
    ),
    visible=lambda user: Organisation.objects.visible_to(user),
)

COMMUNE = Subject(
    kind=SubjectKind.COMMUNE,
    model=Place,
    where=lambda s: (s, None, s.name),
    candidates=lambda place, year: Place.objects.current().communes().within(place),
    in_commune=lambda commune_id: Place.objects.filter(pk=commune_id).values_list("id", "name"),
    households=lambda a: Q(commune_id=a.commune_subject_id),
    people=lambda a: Q(commune_id=a.commune_subject_id),
    containers=lambda ids: NOTHING,  # nothing holds a commune's title
    plural="xã, phường",
    annex_columns=("TT", "Xã, phường", "Mức độ", ""),
    annex_row=lambda a: (a.subject_name, a.band or f"Mức độ {a.level}", ""),
    visible=lambda user: Place.objects.visible_to(user).communes().current(),
)

SUBJECTS: dict[str, Subject] = {
    s.kind: s for s in (HOUSEHOLD, CITIZEN, CLAN, VILLAGE, ORGANISATION, COMMUNE)
}
assert set(SUBJECTS) == set(SubjectKind.values), "every subject kind is declared"


def subject_of(title: str) -> Subject:
    """The kind of subject `title` is given to."""
    return SUBJECTS[SUBJECT_OF[title]]
