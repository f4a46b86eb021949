"""The titles (danh hiệu) and what kind of subject each one is given to."""

from __future__ import annotations

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


SUBJECT_OF: dict[str, str] = {
    Title.GDHT: SubjectKind.HOUSEHOLD,
    Title.DHHT: SubjectKind.CLAN,
    Title.CDHT_THON: SubjectKind.VILLAGE,
    Title.DVHT: SubjectKind.ORGANISATION,
    Title.CDHT: SubjectKind.CITIZEN,
    Title.XA_HT: SubjectKind.COMMUNE,
}


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
