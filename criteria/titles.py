"""The titles (danh hiệu) and what kind of subject each one is given to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Title(models.TextChoices):
    GDHT = "GDHT", _("Gia đình học tập")
    DHHT = "DHHT", _("Dòng họ học tập")
    CDHT_THON = "CDHT_THON", _("Cộng đồng học tập (cấp thôn)")
    DVHT = "DVHT", _("Đơn vị học tập")
    CDHT = "CDHT", _("Công dân học tập")
    XA_HT = "XA_HT", _("Cộng đồng học tập cấp xã")


class SubjectKind(models.TextChoices):
    HOUSEHOLD = "household", _("Hộ gia đình")
    CLAN = "clan", _("Dòng họ")
    VILLAGE = "village", _("Thôn, tổ dân phố")
    ORGANISATION = "organisation", _("Đơn vị")
    CITIZEN = "citizen", _("Công dân")
    COMMUNE = "commune", _("Xã, phường")


@dataclass(frozen=True)
class TitleSpec:
    """One title, declared once; modules read these instead of switching on the title.
    What depends on the subject kind is `assessments.subjects.Subject`."""

    title: str
    subject: str  # a SubjectKind
    # What picks the criteria set among the year's published ones for this title:
    # "population_group" (the four forms of the learning-citizen criteria), "org_level"
    # (commune- or province-level units), or "" (one set).
    chosen_by: str = ""
    # Recognised at a level (1 or 2) that later years build on (learning communes, units
    # of province level).
    leveled: bool = False
    # Who recognises it when the province has set no rule (assessments.AuthorityRule).
    default_authority: str = "commune"
    # Who verifies and proposes it: the commune (its subjects and their managers fill it
    # in), or the province (the commune itself is the subject: its officers fill it in).
    reviewed_by: str = "commune"


TITLES: dict[str, TitleSpec] = {
    spec.title: spec
    for spec in (
        TitleSpec(Title.GDHT, SubjectKind.HOUSEHOLD),
        TitleSpec(Title.DHHT, SubjectKind.CLAN),
        TitleSpec(Title.CDHT_THON, SubjectKind.VILLAGE),
        # Leveled: province-level units have two levels (Thông tư 24/2023/TT-BGDĐT); the
        # commune-level set is scored by points and never uses the level held.
        TitleSpec(Title.DVHT, SubjectKind.ORGANISATION, chosen_by="org_level", leveled=True),
        TitleSpec(Title.CDHT, SubjectKind.CITIZEN, chosen_by="population_group"),
        TitleSpec(
            Title.XA_HT,
            SubjectKind.COMMUNE,
            leveled=True,
            default_authority="province",
            reviewed_by="province",
        ),
    )
}
assert set(TITLES) == set(Title.values), "every title is declared"

SUBJECT_OF: dict[str, str] = {title: spec.subject for title, spec in TITLES.items()}


def title_choices() -> list[tuple[str, Any]]:
    """The `choices` of every model's `title` field. A callable: migrations record its
    name, not the list, so adding a title needs no migration."""
    return list(Title.choices)


def title_choices_or_any() -> list[tuple[str, Any]]:
    """`title_choices` with a blank first choice, for rules that hold for every title."""
    return [("", _("Mọi danh hiệu")), *Title.choices]


class PopulationGroup(models.TextChoices):
    """The four forms of the learning-citizen criteria (QĐ 324/QĐ-KHVN)."""

    RESIDENT = "resident", _("Người dân trên địa bàn xã")
    WORKER = "worker", _("Người lao động")
    OFFICIAL = "official", _("Cán bộ, công chức, viên chức, doanh nhân")
    STUDENT = "student", _("Học sinh, sinh viên")


def group_for_occupation(occupation: str) -> str:
    """The form suggested for a person by their occupation on record."""
    return {
        "worker": PopulationGroup.WORKER,
        "official": PopulationGroup.OFFICIAL,
        "student": PopulationGroup.STUDENT,
    }.get(occupation, PopulationGroup.RESIDENT)
