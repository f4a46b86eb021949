from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from places.models import Place
from stats.figures import FIGURE_NAMES, IndicatorCode


class Figures(models.Model):
    """A commune's yearly figures (one column per `stats.figures.FIGURES` entry)."""

    households_total = models.PositiveIntegerField(_("Tổng số hộ gia đình"), null=True, blank=True)
    households_registered = models.PositiveIntegerField(_("Số hộ đăng ký"), null=True, blank=True)
    households_recognised = models.PositiveIntegerField(
        _("Số hộ được công nhận"), null=True, blank=True
    )
    clans_total = models.PositiveIntegerField(_("Tổng số dòng họ, chi họ"), null=True, blank=True)
    clans_registered = models.PositiveIntegerField(_("Số dòng họ đăng ký"), null=True, blank=True)
    clans_recognised = models.PositiveIntegerField(
        _("Số dòng họ được công nhận"), null=True, blank=True
    )
    villages_total = models.PositiveIntegerField(
        _("Tổng số thôn, tổ dân phố"), null=True, blank=True
    )
    villages_registered = models.PositiveIntegerField(_("Số thôn đăng ký"), null=True, blank=True)
    villages_recognised = models.PositiveIntegerField(
        _("Số thôn được công nhận"), null=True, blank=True
    )
    orgs_total = models.PositiveIntegerField(
        _("Tổng số cơ quan, đơn vị cấp xã"), null=True, blank=True
    )
    orgs_registered = models.PositiveIntegerField(_("Số đơn vị đăng ký"), null=True, blank=True)
    orgs_recognised = models.PositiveIntegerField(
        _("Số đơn vị được công nhận"), null=True, blank=True
    )
    province_orgs_total = models.PositiveIntegerField(
        _("Tổng số đơn vị cấp tỉnh đóng trên địa bàn"), null=True, blank=True
    )
    province_orgs_registered = models.PositiveIntegerField(
        _("Số đơn vị cấp tỉnh đăng ký"), null=True, blank=True
    )
    province_orgs_recognised = models.PositiveIntegerField(
        _("Số đơn vị cấp tỉnh được công nhận"), null=True, blank=True
    )
    enterprises_total = models.PositiveIntegerField(
        _("Tổng số doanh nghiệp, cơ sở sản xuất"), null=True, blank=True
    )
    enterprises_registered = models.PositiveIntegerField(
        _("Số doanh nghiệp đăng ký"), null=True, blank=True
    )
    enterprises_recognised = models.PositiveIntegerField(
        _("Số doanh nghiệp được công nhận"), null=True, blank=True
    )
    workers_total = models.PositiveIntegerField(
        _("Người lao động trong GĐHT, DHHT, CĐHT"), null=True, blank=True
    )
    workers_registered = models.PositiveIntegerField(
        _("— trong đó đăng ký Công dân học tập"), null=True, blank=True
    )
    workers_cdht = models.PositiveIntegerField(
        _("— trong đó đạt Công dân học tập"), null=True, blank=True
    )
    staff_total = models.PositiveIntegerField(
        _("Cán bộ, nhân viên trong Đơn vị học tập"), null=True, blank=True
    )
    staff_registered = models.PositiveIntegerField(
        _("— trong đó đăng ký Công dân học tập"), null=True, blank=True
    )
    staff_cdht = models.PositiveIntegerField(
        _("— trong đó đạt Công dân học tập"), null=True, blank=True
    )
    cdht_total = models.PositiveIntegerField(_("Tổng số Công dân học tập"), null=True, blank=True)
    cdht_digital = models.PositiveIntegerField(
        _("— có kỹ năng số đáp ứng công việc"), null=True, blank=True
    )
    cdht_self_updated = models.PositiveIntegerField(
        _("— tự cập nhật thông tin trên môi trường số (mọi Công dân học tập)"),
        null=True,
        blank=True,
    )
    cdht_digital_self_updated = models.PositiveIntegerField(
        _("— có kỹ năng số và tự cập nhật thông tin trên môi trường số"), null=True, blank=True
    )
    clc_chair = models.PositiveIntegerField(
        _("Chủ tịch/Phó Chủ tịch Hội tham gia quản lý TTHTCĐ (1 = có)"), null=True, blank=True
    )
    cadres_total = models.PositiveIntegerField(_("Cán bộ khuyến học xã"), null=True, blank=True)
    cadres_trained_it = models.PositiveIntegerField(
        _("— trong đó được tập huấn CNTT"), null=True, blank=True
    )
    cadres_clc_it = models.PositiveIntegerField(
        _("— trong đó tham gia tổ chức hoạt động TTHTCĐ và được tập huấn CNTT"),
        null=True,
        blank=True,
    )
    leaders_total = models.PositiveIntegerField(
        _("Chủ tịch, Phó Chủ tịch Hội Khuyến học xã"), null=True, blank=True
    )
    leaders_trained_it = models.PositiveIntegerField(
        _("— trong đó được tập huấn CNTT"), null=True, blank=True
    )
    members_total = models.PositiveIntegerField(
        _("Cán bộ, hội viên Hội Khuyến học"), null=True, blank=True
    )
    members_briefed = models.PositiveIntegerField(
        _("— trong đó được phổ biến tiêu chí"), null=True, blank=True
    )
    commune_level = models.PositiveIntegerField(
        _("Mức độ Cộng đồng học tập cấp xã (0, 1, 2)"), null=True, blank=True
    )

    class Meta:
        abstract = True

    def values(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in FIGURE_NAMES}


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang nhập")
    SUBMITTED = "submitted", _("Đã gửi, chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    RETURNED = "returned", _("Trả lại")


class ReportSource(models.TextChoices):
    TYPED = "typed", _("Xã nhập")
    REGISTRY = "registry", _("Lấy từ sổ đăng ký")
    IMPORTED = "imported", _("Nhập từ Excel")


class StatReport(Figures):
    """A commune's statistical report for a year: the official figure once the province approves it."""

    commune = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="stat_reports")
    year = models.PositiveSmallIntegerField(_("năm"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    source = models.CharField(
        _("nguồn"), max_length=10, choices=ReportSource.choices, default=ReportSource.TYPED
    )
    note = models.TextField(_("ghi chú"), blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "commune__name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "year"], name="stat_report_per_commune_year")
        ]

    def __str__(self) -> str:
        return f"Báo cáo {self.year} — {self.commune}"

    @property
    def is_locked(self) -> bool:
        return self.status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


class LiveFigures(Figures):
    """The same figures counted from the registry now — provisional, refreshed on demand."""

    commune = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "year"], name="live_figures_per_commune_year"
            )
        ]

    def __str__(self) -> str:
        return f"Số liệu tạm tính {self.year} — {self.commune_id}"


class TargetSource(models.TextChoices):
    NATIONAL = "national", _("Chương trình quốc gia")
    PROVINCE = "province", _("Kế hoạch của tỉnh")
    COMMUNE = "commune", _("Chỉ tiêu của xã")
    ACHIEVED = "achieved", _("Kết quả đạt được (mốc)")


class Target(models.Model):
    """A target (or baseline) for an indicator, place and year. Edits add rows; the last counts."""

    indicator = models.CharField(_("chỉ tiêu"), max_length=20, choices=IndicatorCode.choices)
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("năm"))
    source = models.CharField(_("nguồn"), max_length=10, choices=TargetSource.choices)
    value = models.DecimalField(_("tỷ lệ (%)"), max_digits=6, decimal_places=2)
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(auto_now_add=True)
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["indicator", "year", "source"]
        indexes = [models.Index(fields=["indicator", "place", "year", "source"])]

    def __str__(self) -> str:
        return (
            f"{self.get_indicator_display()} {self.year} {self.get_source_display()}: {self.value}%"
        )


class SummaryKind(models.TextChoices):
    OFFICIAL = "official", _("Chính thức")
    PROVISIONAL = "provisional", _("Tạm tính")


class FigureSummary(models.Model):
    """A place's figures of a year as the dashboards and reports read them, made ready
    (`stats.summary`): the province (every current commune) or one commune.

    Official rows are rewritten inside the transaction of every write that changes an
    approved report or a split commune's shares; provisional rows carry the live
    snapshots' count and last recount they were made from, and are remade when those differ.
    """

    kind = models.CharField(max_length=11, choices=SummaryKind.choices)
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    data = models.JSONField()  # see stats.summary: exact values kept exact ("num/den")
    # What it was made from: how many approved reports (live snapshots), the last approval
    # (recount) among them, and the shares of the split legacy communes it used.
    made_from = models.PositiveIntegerField(default=0)
    last_change = models.DateTimeField(null=True, blank=True)
    shares = models.JSONField(default=dict)
    made_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "place", "year"], name="figure_summary_per_kind_place_year"
            )
        ]

    def __str__(self) -> str:
        return f"Tổng hợp {self.get_kind_display().lower()} {self.year} — {self.place_id}"
