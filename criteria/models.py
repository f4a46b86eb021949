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
    # each level passes its own way: every criterion of the level met (Thông tư 25/2023), or
    # the conditions held and the level's pass mark reached (Thông tư 24/2023)
    LEVELS = "levels", _("Theo mức độ")


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
    legal_basis = models.TextField(
        _("căn cứ pháp lý (in trên quyết định)"),
        blank=True,
        help_text=_(
            "Chỉ văn bản chính thức, mỗi dòng một văn bản, viết như sau chữ “Căn cứ”, ví dụ: "
            "Thông tư số 25/2023/TT-BGDĐT ngày 28 tháng 12 năm 2023 của Bộ Giáo dục và Đào tạo. "
            "Ghi chú nội bộ để ở mục dưới."
        ),
    )
    note = models.TextField(
        _("ghi chú nội bộ (không in trên quyết định)"),
        blank=True,
        help_text=_("Nguồn chưa đối chiếu, việc tỉnh cần xác nhận… Không bao giờ in ra văn bản."),
    )
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
    # The total the set states (e.g. 100): the editor checks that the points add up to it
    # and refuses to publish a points-based set without it.
    total_points = models.DecimalField(
        _("tổng điểm của bộ"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Tổng điểm tối đa văn bản quy định, ví dụ 100. Khi ban hành, tổng điểm các tiêu chí "
            "phải bằng số này."
        ),
    )
    # [{"name": "Tốt", "min": 85, "source": {…}}, ...] highest first; the band of the total.
    bands = models.JSONField(_("xếp loại"), default=list, blank=True)
    grant_from_band = models.CharField(
        _("công nhận danh hiệu từ loại"),
        max_length=40,
        blank=True,
        help_text=_(
            "Tên một loại trong Xếp loại, ví dụ Khá: loại thấp hơn (Trung bình) được xếp loại "
            "nhưng không được công nhận. Để trống: mọi loại đều được công nhận."
        ),
    )
    # Levels: [{"level": 1, "name": "Mức độ 1", "all_pass": true, "source": {…}},
    #          {"level": 2, ..., "after_months": 12}]; a level may instead have "pass_mark".
    levels = models.JSONField(_("các mức độ"), default=list, blank=True)
    # Extra indicators read off the answers, e.g. digital skills of a learning citizen.
    indicators = models.JSONField(_("chỉ số phụ"), default=dict, blank=True)
    # The source of each rule of the set as a whole: {"validity_years": {…}, "pass_mark": {…},
    # "group_min_share": …, "indicator_floor": …, "grant_from_band": …, "mode": …}.
    sources = models.JSONField(_("nguồn của các quy định chung"), default=dict, blank=True)
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

    @property
    def basis_lines(self) -> list[str]:
        """The official documents the set rests on, one per line of `legal_basis`."""
        return [
            line.strip().rstrip(".;").strip()
            for line in self.legal_basis.splitlines()
            if line.strip()
        ]


class CriteriaGroup(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="groups")
    order = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(_("mã nhóm"), max_length=10)
    name = models.CharField(_("tên nhóm"), max_length=300)
    min_points = models.DecimalField(
        _("điểm tối thiểu của nhóm"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Chỉ ghi khi văn bản quy định mức tối thiểu riêng cho nhóm này."),
    )
    source = models.JSONField(_("nguồn của nhóm"), default=dict, blank=True)
    min_points_source = models.JSONField(_("nguồn của điểm tối thiểu"), default=dict, blank=True)

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
    # A condition must hold for recognition whatever the points (Thông tư 24/2023: ≥ 90 % of
    # staff learning citizens); a failing one grants no band and no title.
    condition = models.BooleanField(
        _("điều kiện công nhận"),
        default=False,
        help_text=_("Phải đạt mới được công nhận, dù tổng điểm bao nhiêu."),
    )
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
    source = models.JSONField(_("nguồn của tiêu chí"), default=dict, blank=True)
    threshold_source = models.JSONField(_("nguồn của ngưỡng"), default=dict, blank=True)
    condition_source = models.JSONField(
        _("nguồn của điều kiện công nhận"), default=dict, blank=True
    )

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.code}. {self.text[:80]}"

    @property
    def has_threshold(self) -> bool:
        return self.threshold is not None or "p" in (self.params or {})
