from __future__ import annotations

from typing import Any, Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from criteria.titles import PopulationGroup, title_choices


class SetStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PUBLISHED = "published", _("Đang áp dụng")
    RETIRED = "retired", _("Ngừng áp dụng")


class ResultMode(models.TextChoices):
    POINTS = "points", _("Chấm điểm")
    ALL_PASS = "all_pass", _("Đạt tất cả tiêu chí")
    LEVELS = "levels", _("Theo mức độ (đạt tất cả tiêu chí của mức)")


class CriterionKind(models.TextChoices):
    YESNO = "yesno", _("Có/Không")
    NUMBER = "number", _("Số")
    CHOICE = "choice", _("Lựa chọn")
    SCORE = "score", _("Tự chấm điểm")
    DERIVED = "derived", _("Tính từ dữ liệu")


class CriteriaSetQuerySet(models.QuerySet["CriteriaSet"]):
    def published(self) -> Self:
        return self.filter(status=SetStatus.PUBLISHED)

    def for_year(self, year: int) -> Self:
        return self.filter(Q(year_from__lte=year), Q(year_to__isnull=True) | Q(year_to__gte=year))


class CriteriaSet(models.Model):
    """One version of a criteria set. Published versions never change; editing makes a new draft."""

    family = models.CharField(
        _("mã bộ"), max_length=40, help_text=_("Các phiên bản của cùng một bộ có chung mã.")
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    title = models.CharField(_("danh hiệu"), max_length=12, choices=title_choices)
    name = models.CharField(_("tên bộ tiêu chí"), max_length=200)
    legal_basis = models.TextField(_("căn cứ"))
    is_default = models.BooleanField(_("bộ mặc định (tỉnh cần xác nhận)"), default=False)
    population_group = models.CharField(
        _("đối tượng (Công dân học tập)"),
        max_length=10,
        choices=PopulationGroup.choices,
        blank=True,
    )
    org_level = models.CharField(
        _("cấp đơn vị (Đơn vị học tập)"),
        max_length=10,
        choices=[("commune", _("Cấp xã")), ("province", _("Cấp tỉnh"))],
        blank=True,
    )
    year_from = models.PositiveSmallIntegerField(_("áp dụng từ năm"))
    year_to = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)
    validity_years = models.PositiveSmallIntegerField(_("thời hạn danh hiệu (năm)"), default=1)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=SetStatus.choices, default=SetStatus.DRAFT
    )
    mode = models.CharField(
        _("cách xét"), max_length=10, choices=ResultMode.choices, default=ResultMode.POINTS
    )
    pass_mark = models.DecimalField(
        _("điểm đạt"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    group_min_share = models.DecimalField(
        _("mỗi nhóm tối thiểu (tỷ lệ điểm tối đa của nhóm)"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Ví dụ 0,5: mỗi nhóm phải đạt ít nhất một nửa số điểm của nhóm."),
    )
    indicator_floor = models.DecimalField(
        _("điểm sàn mỗi chỉ số tự chấm"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Ví dụ 5: không chỉ số nào dưới 5 điểm."),
    )
    # [{"name": "Tốt", "min": 85}, ...] highest first; the band of the total.
    bands = models.JSONField(_("xếp loại"), default=list, blank=True)
    # Levels (learning commune): [{"level": 1, "name": "Mức độ 1"}, {"level": 2, ..., "after_months": 12}]
    levels = models.JSONField(_("các mức độ"), default=list, blank=True)
    # Extra indicators read off the answers, e.g. digital skills of a learning citizen.
    indicators = models.JSONField(_("chỉ số phụ"), default=dict, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CriteriaSetQuerySet.as_manager()

    class Meta:
        ordering = ["title", "population_group", "family", "-version"]
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["family", "version"], name="criteria_set_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (phiên bản {self.version})"

    @property
    def is_editable(self) -> bool:
        return self.status == SetStatus.DRAFT

    @property
    def max_points(self) -> Any:
        return sum((g.max_points for g in self.groups.all()), 0)


class CriteriaGroup(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="groups")
    order = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(_("mã nhóm"), max_length=10)
    name = models.CharField(_("tên nhóm"), max_length=300)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="criteria_group_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    @property
    def max_points(self) -> Any:
        return sum((c.points for c in self.criteria.all()), 0)


class Criterion(models.Model):
    group = models.ForeignKey(CriteriaGroup, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(_("mã tiêu chí"), max_length=12)
    text = models.TextField(_("nội dung"))
    help_text = models.TextField(_("hướng dẫn"), blank=True)
    kind = models.CharField(_("loại"), max_length=8, choices=CriterionKind.choices)
    points = models.DecimalField(_("điểm tối đa"), max_digits=6, decimal_places=2, default=0)
    required = models.BooleanField(_("bắt buộc đạt"), default=False)
    unit = models.CharField(_("đơn vị"), max_length=30, blank=True)
    # number: passes when value ≥ threshold; derived: the rule's parameters
    threshold = models.DecimalField(
        _("ngưỡng"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    # choice: [{"label": "...", "points": 10, "passes": true}]
    options = models.JSONField(_("các lựa chọn"), default=list, blank=True)
    rule = models.CharField(_("quy tắc tính"), max_length=40, blank=True)
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    # levels mode: the levels this criterion belongs to, e.g. [1, 2]
    levels = models.JSONField(_("thuộc mức"), default=list, blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.code}. {self.text[:80]}"
