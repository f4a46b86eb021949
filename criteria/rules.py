"""The derived-criterion rule types a province can choose from — parameters, never code.

Each rule names what it measures and which parameters it takes; the
assessments app computes the value from the registry and the year's titles.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from criteria.titles import SubjectKind


@dataclass(frozen=True)
class Rule:
    label: str
    subjects: tuple[str, ...]
    params: tuple[str, ...]
    unit: str = "%"
    help: str = ""


RULES: dict[str, Rule] = {
    "member_households_title_share": Rule(
        str(_("Tỷ lệ hộ thành viên đạt danh hiệu T trong năm ≥ p%")),
        (SubjectKind.CLAN, SubjectKind.VILLAGE),
        ("title", "p"),
        help=str(_("Hộ thành viên của dòng họ (ở bất kỳ đâu) hoặc hộ của thôn.")),
    ),
    "adults_cdht_share": Rule(
        str(_("Tỷ lệ người lớn đạt Công dân học tập ≥ p%")),
        (SubjectKind.HOUSEHOLD, SubjectKind.CLAN, SubjectKind.VILLAGE),
        ("p", "min_age"),
    ),
    "staff_cdht_share": Rule(
        str(_("Tỷ lệ cán bộ, người lao động của đơn vị đạt Công dân học tập ≥ p%")),
        (SubjectKind.ORGANISATION,),
        ("p",),
    ),
    "children_in_school": Rule(
        str(_("Mọi trẻ em trong độ tuổi đều đi học")),
        (SubjectKind.HOUSEHOLD, SubjectKind.CLAN, SubjectKind.VILLAGE),
        ("min_age", "max_age"),
        unit="",
        help=str(_("Tính số trẻ em chưa đi học; đạt khi bằng 0.")),
    ),
    "count_at_least": Rule(
        str(_("Số lượng X ≥ n")),
        (SubjectKind.HOUSEHOLD, SubjectKind.CLAN, SubjectKind.VILLAGE, SubjectKind.ORGANISATION),
        ("what", "p"),
        unit="",
        help=str(
            _(
                "X: member_households (hộ thành viên), adults (người lớn), staff (cán bộ), members (nhân khẩu)."
            )
        ),
    ),
    "commune_title_share": Rule(
        str(_("Tỷ lệ đối tượng của xã đạt danh hiệu T ≥ p%")),
        (SubjectKind.COMMUNE,),
        ("title", "p"),
    ),
    "workers_cdht_share": Rule(
        str(_("Tỷ lệ người lao động đạt Công dân học tập ≥ p%")),
        (SubjectKind.COMMUNE, SubjectKind.VILLAGE),
        ("p",),
    ),
}
