"""The figures a commune reports each year, and the indicators made from them.

One list drives the report form, its Excel template and import, the
pre-filling from the registry, and the indicator arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from stats.definitions import COMMUNE_COUNTS, DEFINITIONS, Definition


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
        "province_orgs_total",
        "Tổng số đơn vị cấp tỉnh đóng trên địa bàn",
        "Đơn vị học tập cấp tỉnh (báo cáo riêng)",
    ),
    Figure(
        "province_orgs_registered",
        "Số đơn vị cấp tỉnh đăng ký",
        "Đơn vị học tập cấp tỉnh (báo cáo riêng)",
    ),
    Figure(
        "province_orgs_recognised",
        "Số đơn vị cấp tỉnh được công nhận",
        "Đơn vị học tập cấp tỉnh (báo cáo riêng)",
    ),
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
    Figure(
        "cdht_self_updated",
        "— tự cập nhật thông tin trên môi trường số (mọi Công dân học tập)",
        "Công dân học tập",
    ),
    Figure(
        "cdht_digital_self_updated",
        "— có kỹ năng số và tự cập nhật thông tin trên môi trường số",
        "Công dân học tập",
    ),
    Figure(
        "clc_chair",
        "Chủ tịch/Phó Chủ tịch Hội tham gia quản lý TTHTCĐ (1 = có)",
        "Trung tâm học tập cộng đồng",
    ),
    Figure("cadres_total", "Cán bộ khuyến học xã", "Cán bộ, hội viên"),
    Figure("cadres_trained_it", "— trong đó được tập huấn CNTT", "Cán bộ, hội viên"),
    Figure(
        "cadres_clc_it",
        "— trong đó tham gia tổ chức hoạt động TTHTCĐ và được tập huấn CNTT",
        "Cán bộ, hội viên",
    ),
    Figure("leaders_total", "Chủ tịch, Phó Chủ tịch Hội Khuyến học xã", "Cán bộ, hội viên"),
    Figure("leaders_trained_it", "— trong đó được tập huấn CNTT", "Cán bộ, hội viên"),
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
    DVHT_PROVINCE = "dvht_tinh", _("Đơn vị học tập cấp tỉnh đóng trên địa bàn xã")
    DVHT_ENTERPRISE = "dvht_dn", _("Đơn vị học tập — doanh nghiệp")
    WORKERS_CDHT = "workers_cdht", _("Người lao động trong GĐHT, DHHT, CĐHT đạt Công dân học tập")
    STAFF_CDHT = "staff_cdht", _("Cán bộ, nhân viên Đơn vị học tập đạt Công dân học tập")
    DIGITAL = "cdht_digital", _("Công dân học tập có kỹ năng số")
    SELF_UPDATED = (
        "cdht_self",
        _("Công dân học tập tự cập nhật trên môi trường số (trong số có kỹ năng số)"),
    )
    SELF_UPDATED_ALL = (
        "cdht_self_all",
        _(
            "Công dân học tập có kỹ năng số tự cập nhật trên môi trường số"
            " (trên tổng số Công dân học tập, tham khảo)"
        ),
    )
    CLC_CHAIR = "clc_chair", _("Chủ tịch/Phó Chủ tịch Hội tham gia quản lý TTHTCĐ")
    CADRES_IT = (
        "cadres_it",
        _("Cán bộ khuyến học xã tham gia tổ chức hoạt động TTHTCĐ và được tập huấn CNTT"),
    )
    LEADERS_IT = "leaders_it", _("Chủ tịch, Phó Chủ tịch Hội Khuyến học xã được tập huấn CNTT")
    MEMBERS_BRIEFED = "members_briefed", _("Cán bộ, hội viên được phổ biến tiêu chí")
    LEARNING_COMMUNE = "xa_ht", _("Xã đạt Cộng đồng học tập cấp xã")


@dataclass(frozen=True)
class IndicatorSpec:
    """The arithmetic of one indicator, read from its definition (`stats.definitions`)."""

    code: str
    numerator: str
    total: str  # the "% of all" denominator
    registered: str | None  # the "% of registered" denominator, when the indicator has one
    subject: str  # what one unit of the numerator is, for "how many more"
    definition: Definition


def _spec(definition: Definition) -> IndicatorSpec:
    names = set(FIGURE_NAMES) | set(COMMUNE_COUNTS)
    terms = [definition.numerator, definition.denominator]
    if definition.registered is not None:
        terms.append(definition.registered)
    for term in terms:
        if term.figure not in names:
            raise ValueError(f"indicators.toml: {definition.code}: no figure {term.figure}")
    if definition.code not in IndicatorCode.values:
        raise ValueError(f"indicators.toml: {definition.code} is not an IndicatorCode")
    if str(IndicatorCode(definition.code).label) != definition.name:
        raise ValueError(f"indicators.toml: {definition.code}: name differs from IndicatorCode")
    return IndicatorSpec(
        definition.code,
        definition.numerator.figure,
        definition.denominator.figure,
        definition.registered.figure if definition.registered else None,
        definition.unit,
        definition,
    )


INDICATORS: dict[str, IndicatorSpec] = {code: _spec(d) for code, d in DEFINITIONS.items()}
if set(INDICATORS) != set(IndicatorCode.values):
    raise ValueError("indicators.toml must define every IndicatorCode, and only those")
TITLE_INDICATORS = [
    IndicatorCode.GDHT,
    IndicatorCode.DHHT,
    IndicatorCode.CDHT_THON,
    IndicatorCode.DVHT,
]
