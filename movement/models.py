"""The movement's work beyond the titles (plan sections III and V): community learning
centres, training and briefings, communication, mobilised resources and commendations.

Every record hangs off a `place`: a current commune, or the province for what the
province association runs itself (province-level trainings, communication, its own
budget estimate and proposals). Who sees what is decided in `movement.access`.
"""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.search import Searchable, SearchQuerySet
from movement.access import visible_q
from places.models import Place


class MovementQuerySet(SearchQuerySet):
    # Which rule of `movement.access.visible_q` applies to this kind of record.
    shared_with_communes = False  # province-level rows are read by commune and village officers
    village_rule = ""  # "commune": village officers read their commune's rows; "village": their own

    def visible_to(self, user: Any) -> Self:
        return self.filter(
            visible_q(user, shared=self.shared_with_communes, village_rule=self.village_rule)
        )

    def in_place(self, place: Place) -> Self:
        return self.filter(place__path__startswith=place.path)


class CentreQuerySet(MovementQuerySet):
    village_rule = "commune"

    def open_in(self, year: int) -> Self:
        """Centres working at some time in `year`."""
        return self.filter(
            Q(established_on__isnull=True) | Q(established_on__year__lte=year),
            Q(closed_on__isnull=True) | Q(closed_on__year__gte=year),
        )


class LearningCentre(Searchable):
    """A community learning centre (trung tâm học tập cộng đồng) of a commune. Since the 2025
    reform the commune chair decides its creation and merging."""

    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        related_name="learning_centres",
        verbose_name=_("xã/phường"),
    )
    name = models.CharField(_("tên trung tâm"), max_length=200)
    address = models.CharField(_("địa chỉ"), max_length=200, blank=True)
    established_on = models.DateField(_("ngày thành lập"), null=True, blank=True)
    decision = models.CharField(
        _("quyết định thành lập"), max_length=120, blank=True, help_text=_("Số, ngày, người ký")
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
        verbose_name=_("đã sáp nhập vào"),
    )
    closed_on = models.DateField(_("ngày giải thể/sáp nhập"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    objects = CentreQuerySet.as_manager()

    class Meta:
        ordering = ["place__name", "name"]
        verbose_name = _("trung tâm học tập cộng đồng")
        constraints = [
            models.UniqueConstraint(fields=["place", "name"], name="centre_name_per_commune"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(established_on__isnull=True)
                | Q(closed_on__gte=models.F("established_on")),
                name="centre_closed_after_established",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def search_text(self) -> str:
        return f"{self.name} {self.address}"


class BoardRole(models.TextChoices):
    DIRECTOR = "director", _("Giám đốc")
    DEPUTY = "deputy", _("Phó Giám đốc")
    MEMBER = "member", _("Ủy viên Ban quản lý")


class BoardMember(models.Model):
    centre = models.ForeignKey(LearningCentre, on_delete=models.CASCADE, related_name="board")
    full_name = models.CharField(_("họ và tên"), max_length=120)
    role = models.CharField(_("chức vụ ở trung tâm"), max_length=10, choices=BoardRole.choices)
    association_leader = models.BooleanField(
        _("là Chủ tịch/Phó Chủ tịch Hội Khuyến học xã"), default=False
    )
    other_post = models.CharField(_("chức vụ khác"), max_length=120, blank=True)
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        ordering = ["role", "full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="board_member_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} — {self.get_role_display()}"


class ActivityKind(models.TextChoices):
    COURSE = "course", _("Lớp học, bồi dưỡng")
    TALK = "talk", _("Chuyên đề, nói chuyện")
    CLUB = "club", _("Câu lạc bộ, sinh hoạt")
    OTHER = "other", _("Hoạt động khác")


class Activity(Searchable):
    centre = models.ForeignKey(LearningCentre, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("loại"), max_length=10, choices=ActivityKind.choices)
    topic = models.CharField(_("chủ đề"), max_length=200)
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("số người tham gia"))
    village = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("thôn"),
    )
    facilitators = models.CharField(_("báo cáo viên, hướng dẫn viên"), max_length=200, blank=True)

    objects = SearchQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "topic"]
        indexes = [models.Index(fields=["centre", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="activity_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.start_date:%d/%m/%Y})"

    def search_text(self) -> str:
        return f"{self.topic} {self.facilitators}"


class Rating(models.TextChoices):
    GOOD = "good", _("Tốt")
    FAIR = "fair", _("Khá")
    AVERAGE = "average", _("Trung bình")
    WEAK = "weak", _("Chưa đạt")


class SelfEvaluation(models.Model):
    centre = models.ForeignKey(LearningCentre, on_delete=models.CASCADE, related_name="evaluations")
    year = models.PositiveSmallIntegerField(_("năm"))
    rating = models.CharField(_("tự xếp loại"), max_length=10, choices=Rating.choices)
    summary = models.TextField(_("tóm tắt kết quả, hạn chế"), blank=True)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "year"], name="one_evaluation_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.get_rating_display()}"


class MemberPosition(models.TextChoices):
    CHAIR = "chair", _("Chủ tịch Hội")
    VICE_CHAIR = "vice_chair", _("Phó Chủ tịch Hội")
    STANDING = "standing", _("Ủy viên Ban Thường vụ, Ban Chấp hành")
    BRANCH_HEAD = "branch_head", _("Chi hội trưởng")
    MEMBER = "member", _("Hội viên")


class MemberQuerySet(MovementQuerySet):
    village_rule = "village"

    def active_in(self, year: int) -> Self:
        return self.filter(
            Q(joined_year__isnull=True) | Q(joined_year__lte=year),
            Q(left_year__isnull=True) | Q(left_year__gte=year),
        )


class Member(Searchable):
    """A cadre or member of the commune's study-promotion association (Hội Khuyến học)."""

    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        related_name="association_members",
        verbose_name=_("xã/phường"),
    )
    village = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("thôn, chi hội"),
    )
    full_name = models.CharField(_("họ và tên"), max_length=120)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    position = models.CharField(
        _("chức vụ trong Hội"),
        max_length=12,
        choices=MemberPosition.choices,
        default=MemberPosition.MEMBER,
    )
    is_cadre = models.BooleanField(
        _("cán bộ khuyến học xã"),
        default=False,
        help_text=_("Cán bộ làm công tác khuyến học, tham gia hoạt động của TTHTCĐ"),
    )
    joined_year = models.PositiveSmallIntegerField(_("năm vào Hội"), null=True, blank=True)
    left_year = models.PositiveSmallIntegerField(_("năm thôi"), null=True, blank=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["place__name", "full_name"]
        verbose_name = _("cán bộ, hội viên")

    def __str__(self) -> str:
        return self.full_name

    def search_text(self) -> str:
        return self.full_name


class TrainingTopic(models.TextChoices):
    CRITERIA = "criteria", _("Phổ biến bộ tiêu chí các mô hình học tập")
    IT = "it", _("Tập huấn công nghệ thông tin, kỹ năng số")
    DECISIONS = "decisions", _("Quán triệt các quyết định về học tập suốt đời")
    CLC = "clc", _("Nghiệp vụ quản lý TTHTCĐ")
    OTHER = "other", _("Khác")


class Level(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")
    VILLAGE = "village", _("Cấp thôn, chi hội")


class TrainingQuerySet(MovementQuerySet):
    shared_with_communes = True
    village_rule = "commune"


class Training(Searchable):
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("địa bàn tổ chức")
    )
    topic = models.CharField(_("nội dung"), max_length=10, choices=TrainingTopic.choices)
    title = models.CharField(_("tên lớp, hội nghị"), max_length=200)
    date = models.DateField(_("ngày"))
    level = models.CharField(_("cấp tổ chức"), max_length=10, choices=Level.choices)
    organiser = models.CharField(_("đơn vị tổ chức"), max_length=200, blank=True)

    objects = TrainingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = _("lớp tập huấn, hội nghị phổ biến")

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y})"

    def search_text(self) -> str:
        return f"{self.title} {self.organiser}"


class Attendance(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attendance")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["training", "member"], name="attend_once")]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.training_id}"


class MediaKind(models.TextChoices):
    ARTICLE = "article", _("Bài viết")
    BROADCAST = "broadcast", _("Tin phát thanh, truyền hình")
    NEWS = "news", _("Tin đăng trang thông tin điện tử, mạng xã hội")
    EVENT = "event", _("Sự kiện")


class CommunicationQuerySet(MovementQuerySet):
    shared_with_communes = True
    village_rule = "commune"


class Communication(Searchable):
    """A piece of communication on the movement; the lifelong-learning week (each October) is an
    event whose activities are the items under it."""

    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("địa bàn")
    )
    kind = models.CharField(_("loại"), max_length=10, choices=MediaKind.choices)
    channel = models.CharField(
        _("kênh"), max_length=120, help_text=_("Báo, đài, loa truyền thanh, trang tin, Zalo…")
    )
    date = models.DateField(_("ngày"))
    title = models.CharField(_("tiêu đề"), max_length=250)
    link = models.URLField(_("đường dẫn"), blank=True)
    file_reference = models.CharField(
        _("tệp, số lưu trữ"),
        max_length=200,
        blank=True,
        help_text=_("Tên tệp hoặc nơi lưu bản gốc"),
    )
    # An attached file (the article, the broadcast script, a photo of the event): stored
    # under MEDIA_ROOT/communication by `services`, served by `communication_file`.
    attachment = models.CharField(max_length=120, blank=True, editable=False)
    attachment_name = models.CharField(
        _("tệp đính kèm"), max_length=255, blank=True, editable=False
    )
    attachment_type = models.CharField(max_length=120, blank=True, editable=False)
    attachment_size = models.PositiveIntegerField(null=True, blank=True, editable=False)
    learning_week = models.BooleanField(_("Tuần lễ hưởng ứng học tập suốt đời"), default=False)
    event = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("thuộc sự kiện"),
    )
    participants = models.PositiveIntegerField(_("số người tham gia"), null=True, blank=True)

    objects = CommunicationQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = _("tin, bài, sự kiện truyền thông")

    def __str__(self) -> str:
        return self.title

    def search_text(self) -> str:
        return f"{self.title} {self.channel}"


class Source(models.TextChoices):
    CLAN = "clan", _("Quỹ dòng họ")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    INDIVIDUAL = "individual", _("Cá nhân")
    BUDGET = "budget", _("Ngân sách")
    OTHER = "other", _("Nguồn khác")


class Purpose(models.TextChoices):
    SCHOLARSHIP = "scholarship", _("Học bổng")
    REWARD = "reward", _("Khen thưởng")
    CENTRE = "centre", _("Trung tâm học tập cộng đồng")
    OTHER = "other", _("Khác")


class PrivateQuerySet(MovementQuerySet):
    """Resources and commendations: commune and province officers only."""


class Contribution(Searchable):
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("xã/phường")
    )
    date = models.DateField(_("ngày"))
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices)
    donor = models.CharField(_("người, đơn vị đóng góp"), max_length=200)
    purpose = models.CharField(_("mục đích"), max_length=12, choices=Purpose.choices)
    cash = models.PositiveBigIntegerField(_("tiền mặt (đồng)"), default=0)
    in_kind = models.PositiveBigIntegerField(_("hiện vật quy ra tiền (đồng)"), default=0)
    in_kind_description = models.CharField(_("hiện vật"), max_length=200, blank=True)

    objects = PrivateQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "donor"]
        indexes = [models.Index(fields=["place", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(cash__gt=0) | Q(in_kind__gt=0), name="contribution_not_empty"
            )
        ]

    def __str__(self) -> str:
        return f"{self.donor} ({self.date:%d/%m/%Y})"

    def search_text(self) -> str:
        return f"{self.donor} {self.in_kind_description}"

    @property
    def total(self) -> int:
        return self.cash + self.in_kind


class BudgetEstimate(models.Model):
    """The yearly estimate (dự toán) the association prepares: what it plans to mobilise and spend."""

    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("địa bàn")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    amount = models.PositiveBigIntegerField(_("tổng dự toán (đồng)"))
    scholarships = models.PositiveBigIntegerField(_("— học bổng"), default=0)
    rewards = models.PositiveBigIntegerField(_("— khen thưởng"), default=0)
    centre = models.PositiveBigIntegerField(_("— hoạt động TTHTCĐ"), default=0)
    note = models.TextField(_("ghi chú"), blank=True)

    objects = PrivateQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "place__name"]
        constraints = [
            models.UniqueConstraint(fields=["place", "year"], name="one_estimate_per_place_year")
        ]

    def __str__(self) -> str:
        return f"Dự toán {self.year} — {self.place}"


class SubjectKind(models.TextChoices):
    COLLECTIVE = "collective", _("Tập thể")
    INDIVIDUAL = "individual", _("Cá nhân")


class AwardLevel(models.TextChoices):
    COMMUNE = "commune", _("Giấy khen cấp xã")
    PROVINCE = "province", _("Bằng khen, giấy khen cấp tỉnh")
    CENTRAL = "central", _("Bằng khen Trung ương Hội Khuyến học Việt Nam")


class CommendationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Đề nghị")
    APPROVED = "approved", _("Được khen thưởng")
    REJECTED = "rejected", _("Không khen thưởng")


class Commendation(Searchable):
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị đề nghị")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    subject_kind = models.CharField(_("đối tượng"), max_length=10, choices=SubjectKind.choices)
    name = models.CharField(_("tên tập thể, cá nhân"), max_length=200)
    village = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("thôn"),
    )
    reason = models.TextField(_("lý do đề nghị"))
    achievements = models.TextField(_("thành tích"), blank=True)
    level = models.CharField(_("hình thức đề nghị"), max_length=10, choices=AwardLevel.choices)
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=CommendationStatus.choices,
        default=CommendationStatus.PROPOSED,
    )
    exemplary = models.BooleanField(_("điển hình tiêu biểu"), default=False)
    review_note = models.TextField(_("ý kiến xét duyệt"), blank=True)
    decision = models.CharField(_("số quyết định"), max_length=120, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = PrivateQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "place__name", "name"]
        verbose_name = _("đề nghị khen thưởng")
        constraints = [
            models.CheckConstraint(
                condition=Q(exemplary=False) | Q(status="approved"),
                name="exemplary_only_when_approved",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def search_text(self) -> str:
        return self.name
