"""The figures a commune reports each year, and the indicators made from them.

One list drives the report form, its Excel template and import, the
pre-filling from the registry, and the indicator arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Figure:
    name: str
    label: str
    group: str
    # Pre-filled from the registry (or, for the learning centre, cadres and members, from the
    # movement's records: see movement.indicators); otherwise typed by the commune.
    from_registry: bool = True


FIGURES: list[Figure] = [
    Figure("households_total", "Tổng số hộ gia đình", "Gia đình học tập"),
    Figure("households_registered", "Số hộ đăng ký", "Gia đình học tập"),
    Figure("households_recognised", "Số hộ được công nhận", "Gia đình học tập"),
    Figure("clans_total", "Tổng số dòng họ, chi họ", "Dòng họ học tập"),
    Figure("clans_registered", "Số dòng họ đăng ký", "Dòng họ học tập"),
    Figure("clans_recognised", "Số dòng họ được công nhận", "Dòng họ học tập"),
    Figure("villages_total", "Tổng số thôn, tổ dân phố", "Cộng đồng học tập"),
    Figure("villages_registered", "Số thôn đăng ký", "Cộng đồng học tập"),
    Figure("villages_recognised", "Số thôn được công nhận", "Cộng đồng học tập"),
    Figure("orgs_total", "Tổng số cơ quan, đơn vị cấp xã", "Đơn vị học tập"),
    Figure("orgs_registered", "Số đơn vị đăng ký", "Đơn vị học tập"),
    Figure("orgs_recognised", "Số đơn vị được công nhận", "Đơn vị học tập"),
    Figure(
        "enterprises_total", "Tổng số doanh nghiệp, cơ sở sản xuất", "Đơn vị học tập — doanh nghiệp"
    ),
    Figure("enterprises_registered", "Số doanh nghiệp đăng ký", "Đơn vị học tập — doanh nghiệp"),
    Figure(
        "enterprises_recognised", "Số doanh nghiệp được công nhận", "Đơn vị học tập — doanh nghiệp"
    ),
    Figure("workers_total", "Người lao động trong GĐHT, DHHT, CĐHT", "Công dân học tập"),
    Figure("workers_registered", "— trong đó đăng ký Công dân học tập", "Công dân học tập"),
    Figure("workers_cdht", "— trong đó đạt Công dân học tập", "Công dân học tập"),
    Figure("staff_total", "Cán bộ, nhân viên trong Đơn vị học tập", "Công dân học tập"),
    Figure("staff_registered", "— trong đó đăng ký Công dân học tập", "Công dân học tập"),
    Figure("staff_cdht", "— trong đó đạt Công dân học tập", "Công dân học tập"),
    Figure("cdht_total", "Tổng số Công dân học tập", "Công dân học tập"),
    Figure("cdht_digital", "— có kỹ năng số đáp ứng công việc", "Công dân học tập"),
    Figure("cdht_self_updated", "— tự cập nhật thông tin trên môi trường số", "Công dân học tập"),
    Figure(
        "clc_chair",
        "Chủ tịch/Phó Chủ tịch Hội tham gia quản lý TTHTCĐ (1 = có)",
        "Trung tâm học tập cộng đồng",
    ),
    Figure("cadres_total", "Cán bộ khuyến học xã", "Cán bộ, hội viên"),
    Figure("cadres_trained_it", "— trong đó được tập huấn CNTT", "Cán bộ, hội viên"),
    Figure("members_total", "Cán bộ, hội viên Hội Khuyến học", "Cán bộ, hội viên"),
    Figure("members_briefed", "— trong đó được phổ biến tiêu chí", "Cán bộ, hội viên"),
    Figure(
        "commune_level", "Mức độ Cộng đồng học tập cấp xã (0, 1, 2)", "Cộng đồng học tập cấp xã"
    ),
]
FIGURE_NAMES = [f.name for f in FIGURES]


class IndicatorCode(models.TextChoices):
    GDHT = "gdht", _("Gia đình học tập")
    DHHT = "dhht", _("Dòng họ học tập")
    CDHT_THON = "cdht_thon", _("Cộng đồng học tập (thôn, tổ dân phố)")
    DVHT = "dvht", _("Đơn vị học tập")
    DVHT_ENTERPRISE = "dvht_dn", _("Đơn vị học tập — doanh nghiệp")
    WORKERS_CDHT = "workers_cdht", _("Người lao động trong GĐHT, DHHT, CĐHT đạt Công dân học tập")
    STAFF_CDHT = "staff_cdht", _("Cán bộ, nhân viên Đơn vị học tập đạt Công dân học tập")
    DIGITAL = "cdht_digital", _("Công dân học tập có kỹ năng số")
    SELF_UPDATED = "cdht_self", _("Công dân học tập tự cập nhật trên môi trường số")
    CLC_CHAIR = "clc_chair", _("Chủ tịch/Phó Chủ tịch Hội tham gia quản lý TTHTCĐ")
    CADRES_IT = "cadres_it", _("Cán bộ khuyến học xã được tập huấn CNTT")
    MEMBERS_BRIEFED = "members_briefed", _("Cán bộ, hội viên được phổ biến tiêu chí")
    LEARNING_COMMUNE = "xa_ht", _("Xã đạt Cộng đồng học tập cấp xã")


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    numerator: str
    total: str  # the "% of all" denominator
    registered: str | None  # the "% of registered" denominator, when the indicator has one
    subject: str  # what one unit of the numerator is, for "how many more"


INDICATORS: dict[str, IndicatorSpec] = {
    spec.code: spec
    for spec in [
        IndicatorSpec(
            IndicatorCode.GDHT,
            "households_recognised",
            "households_total",
            "households_registered",
            "hộ",
        ),
        IndicatorSpec(
            IndicatorCode.DHHT, "clans_recognised", "clans_total", "clans_registered", "dòng họ"
        ),
        IndicatorSpec(
            IndicatorCode.CDHT_THON,
            "villages_recognised",
            "villages_total",
            "villages_registered",
            "thôn",
        ),
        IndicatorSpec(
            IndicatorCode.DVHT, "orgs_recognised", "orgs_total", "orgs_registered", "đơn vị"
        ),
        IndicatorSpec(
            IndicatorCode.DVHT_ENTERPRISE,
            "enterprises_recognised",
            "enterprises_total",
            "enterprises_registered",
            "doanh nghiệp",
        ),
        IndicatorSpec(
            IndicatorCode.WORKERS_CDHT,
            "workers_cdht",
            "workers_total",
            "workers_registered",
            "người lao động",
        ),
        IndicatorSpec(
            IndicatorCode.STAFF_CDHT, "staff_cdht", "staff_total", "staff_registered", "cán bộ"
        ),
        IndicatorSpec(
            IndicatorCode.DIGITAL, "cdht_digital", "cdht_total", None, "công dân học tập"
        ),
        IndicatorSpec(
            IndicatorCode.SELF_UPDATED, "cdht_self_updated", "cdht_total", None, "công dân học tập"
        ),
        IndicatorSpec(IndicatorCode.CLC_CHAIR, "clc_chair", "_communes", None, "xã"),
        IndicatorSpec(IndicatorCode.CADRES_IT, "cadres_trained_it", "cadres_total", None, "cán bộ"),
        IndicatorSpec(
            IndicatorCode.MEMBERS_BRIEFED, "members_briefed", "members_total", None, "hội viên"
        ),
        IndicatorSpec(
            IndicatorCode.LEARNING_COMMUNE, "_communes_learning", "_communes", None, "xã"
        ),
    ]
}
TITLE_INDICATORS = [
    IndicatorCode.GDHT,
    IndicatorCode.DHHT,
    IndicatorCode.CDHT_THON,
    IndicatorCode.DVHT,
]
