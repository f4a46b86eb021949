from __future__ import annotations

import datetime as dt
from typing import Any, Self

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scope import Scope, scope_of
from core.search import Searchable, SearchQuerySet
from core.text import fold
from places.models import Place


class Gender(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class Occupation(models.TextChoices):
    FARMER = "farmer", _("Nông dân, lao động nông thôn")
    WORKER = "worker", _("Công nhân, lao động công nghiệp, thủ công")
    OFFICIAL = "official", _("Cán bộ, công chức, viên chức, quản lý")
    STUDENT = "student", _("Học sinh, sinh viên")
    RETIRED = "retired", _("Nghỉ hưu")
    OTHER = "other", _("Khác")


class Relation(models.TextChoices):
    # Never stored (a check constraint): who heads a household is `Household.head`, and
    # the head's own relation is blank. It is what the pages, the sheet and the API show
    # for the head (`Citizen.shown_relation`), and, written in, "make this person the head".
    HEAD = "head", _("Chủ hộ")
    SPOUSE = "spouse", _("Vợ/chồng")
    CHILD = "child", _("Con")
    PARENT = "parent", _("Bố/mẹ")
    GRANDCHILD = "grandchild", _("Cháu")
    SIBLING = "sibling", _("Anh/chị/em")
    OTHER = "other", _("Khác")


class ResidenceStatus(models.TextChoices):
    ACTIVE = "active", _("Đang cư trú")
    MOVED = "moved", _("Đã chuyển đi")
    DECEASED = "deceased", _("Đã mất")


class OrganisationKind(models.TextChoices):
    AGENCY = "agency", _("Cơ quan")
    SCHOOL = "school", _("Trường học")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    PRODUCTION = "production", _("Cơ sở sản xuất, kinh doanh")
    HEALTH = "health", _("Trạm y tế")
    ARMED = "armed", _("Đơn vị lực lượng vũ trang")
    OTHER = "other", _("Khác")


class OrganisationLevel(models.TextChoices):
    COMMUNE = "commune", _("Cấp xã")
    PROVINCE = "province", _("Cấp tỉnh")


def _scope(user: Any) -> Scope:
    return scope_of(user)


class CitizenQuerySet(SearchQuerySet):
    def active(self) -> Self:
        return self.filter(status=ResidenceStatus.ACTIVE)

    def in_place(self, place: Place) -> Self:
        return self.filter(village__path__startswith=place.path)

    def adults(self, year: int) -> Self:
        return self.filter(birth_year__lte=year - 18)

    def with_head(self) -> Self:
        """Each person's household's head id (`household_head_id`), in the same query, so
        `Citizen.is_head` of a list reads no more rows."""
        return self.annotate(household_head_id=F("household__head_id"))

    def visible_to(self, user: Any) -> Self:
        scope = _scope(user)
        condition = scope.record_condition()
        if scope.organisation_ids:
            condition |= Q(workplace_id__in=scope.organisation_ids)
        if scope.clan_ids:
            condition |= Q(household__clan_id__in=scope.clan_ids)
        return self.filter(condition)


class Citizen(Searchable):
    full_name = models.CharField(_("họ và tên"), max_length=120)
    gender = models.CharField(_("giới tính"), max_length=6, choices=Gender.choices)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"))
    # Unique through Meta.constraints: a plain unique=True adds a second (LIKE) index on PostgreSQL.
    identity_number = models.CharField(_("số CCCD"), max_length=12, null=True, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True)
    ethnicity = models.CharField(_("dân tộc"), max_length=40, default="Kinh", blank=True)
    occupation = models.CharField(
        _("nghề nghiệp"), max_length=10, choices=Occupation.choices, default=Occupation.OTHER
    )
    in_school = models.BooleanField(_("đang đi học"), null=True, blank=True)
    # Indexed by (commune, search_key) below; an index of its own is paid on every insert.
    commune = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("xã/phường"),
        db_index=False,
    )
    village = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="citizens", verbose_name=_("thôn nơi ở")
    )
    household = models.ForeignKey(
        "Household",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("hộ gia đình"),
    )
    # The relation to the household's head; blank for the head themself (never "head").
    relation = models.CharField(
        _("quan hệ với chủ hộ"), max_length=12, choices=Relation.choices, blank=True
    )
    workplace = models.ForeignKey(
        "Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
        verbose_name=_("nơi làm việc"),
    )
    status = models.CharField(
        _("tình trạng cư trú"),
        max_length=10,
        choices=ResidenceStatus.choices,
        default=ResidenceStatus.ACTIVE,
    )
    status_date = models.DateField(_("ngày thay đổi tình trạng"), null=True, blank=True)
    # The citizen's own account (self-service portal), once claimed.
    user = models.OneToOneField(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="citizen_record",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CitizenQuerySet.as_manager()

    class Meta:
        verbose_name = _("công dân")
        verbose_name_plural = _("công dân")
        ordering = ["full_name", "id"]
        indexes = [
            # Search within one commune scans this index, not the table (SQLite).
            models.Index(fields=["commune", "search_key"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__gte=1880) & Q(birth_year__lte=2200),
                name="citizen_birth_year_range",
            ),
            models.UniqueConstraint(fields=["identity_number"], name="citizen_identity_unique"),
            # The head is stored once, as Household.head.
            models.CheckConstraint(
                condition=~Q(relation=Relation.HEAD), name="citizen_relation_not_head"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_head(self) -> bool:
        """Heads their household: `Household.head`, the one place it is stored. Read from
        `CitizenQuerySet.with_head`'s annotation, else the loaded household, else one
        query by primary key (then kept with the record)."""
        if self.household_id is None:
            return False
        if "household_head_id" in self.__dict__:
            return bool(self.__dict__["household_head_id"] == self.pk)
        household = self.household
        return household is not None and household.head_id == self.pk

    @property
    def shown_relation(self) -> str:
        """The relation as the pages, the sheet and the API give it: "head" for the head."""
        return Relation.HEAD.value if self.is_head else self.relation

    @property
    def relation_label(self) -> str:
        """`shown_relation` in words ("Chủ hộ" for the head)."""
        shown = self.shown_relation
        return str(Relation(shown).label) if shown else ""

    def search_text(self) -> str:
        return f"{self.full_name} {self.identity_number or ''} {self.phone}"

    def age_in(self, year: int) -> int:
        return year - self.birth_year

    @property
    def birth_display(self) -> str:
        return self.birth_date.strftime("%d/%m/%Y") if self.birth_date else str(self.birth_year)


class HouseholdQuerySet(SearchQuerySet):
    def active(self) -> Self:
        return self.filter(dissolved_on__isnull=True)

    def in_place(self, place: Place) -> Self:
        return self.filter(village__path__startswith=place.path)

    def visible_to(self, user: Any) -> Self:
        scope = _scope(user)
        condition = scope.record_condition()
        if scope.clan_ids:
            condition |= Q(clan_id__in=scope.clan_ids)
        return self.filter(condition)


class Household(Searchable):
    # Both covered by the (commune, code) and (village, code) indexes below.
    commune = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("xã/phường"),
        db_index=False,
    )
    village = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("thôn"),
        db_index=False,
    )
    code = models.CharField(_("mã hộ"), max_length=30)
    head = models.ForeignKey(
        Citizen,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("chủ hộ"),
    )
    address = models.CharField(_("địa chỉ"), max_length=200, blank=True)
    clan = models.ForeignKey(
        "Clan",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="households",
        verbose_name=_("dòng họ"),
    )
    dissolved_on = models.DateField(_("ngày giải thể"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("hộ gia đình")
        verbose_name_plural = _("hộ gia đình")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "code"], name="household_code_per_commune")
        ]
        indexes = [models.Index(fields=["village", "code"])]

    def __str__(self) -> str:
        head = self.head_name
        return f"Hộ {self.code}" + (f" — {head}" if head else "")

    @property
    def head_name(self) -> str:
        return self.head.full_name if self.head_id and self.head else ""

    def search_text(self) -> str:
        return f"{self.code} {self.head_name} {self.address}"


class ClanQuerySet(SearchQuerySet):
    def in_place(self, place: Place) -> Self:
        return self.filter(home_village__path__startswith=place.path)

    def visible_to(self, user: Any) -> Self:
        scope = _scope(user)
        condition = scope.place_condition("home_village__path")
        if scope.clan_ids:
            condition |= Q(pk__in=scope.clan_ids)
        return self.filter(condition)


class Clan(Searchable):
    """A clan (dòng họ) or one of its branches (chi họ), evaluated by its home commune."""

    derived_fields = ("search_key", "name_key")

    name = models.CharField(_("dòng họ"), max_length=80)
    branch_name = models.CharField(_("chi/nhánh"), max_length=80, blank=True)
    head = models.ForeignKey(
        Citizen,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("trưởng họ"),
    )
    commune = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("xã/phường")
    )
    home_village = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="clans", verbose_name=_("thôn gốc")
    )
    name_key = models.CharField(max_length=170, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClanQuerySet.as_manager()

    class Meta:
        verbose_name = _("dòng họ")
        verbose_name_plural = _("dòng họ")
        ordering = ["name", "branch_name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "name_key"], name="clan_name_per_commune")
        ]

    def __str__(self) -> str:
        return f"Họ {self.name}" + (f" — {self.branch_name}" if self.branch_name else "")

    def search_text(self) -> str:
        return f"{self.name} {self.branch_name}"

    def refresh_search_key(self) -> None:
        super().refresh_search_key()
        self.name_key = fold(f"{self.name}|{self.branch_name}")


class OrganisationQuerySet(SearchQuerySet):
    def in_place(self, place: Place) -> Self:
        return self.filter(commune__path__startswith=place.path)

    def visible_to(self, user: Any) -> Self:
        scope = _scope(user)
        condition = scope.place_condition("commune__path", village_level=False)
        if scope.organisation_ids:
            condition |= Q(pk__in=scope.organisation_ids)
        return self.filter(condition)


class Organisation(Searchable):
    derived_fields = ("search_key", "name_key")
    name = models.CharField(_("tên đơn vị"), max_length=200)
    kind = models.CharField(_("loại hình"), max_length=12, choices=OrganisationKind.choices)
    level = models.CharField(
        _("cấp"),
        max_length=10,
        choices=OrganisationLevel.choices,
        default=OrganisationLevel.COMMUNE,
    )
    commune = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("xã/phường")
    )
    head = models.ForeignKey(
        Citizen,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("thủ trưởng"),
    )
    declared_staff = models.PositiveIntegerField(
        _("số cán bộ, người lao động (kê khai)"), default=0
    )
    address = models.CharField(_("địa chỉ"), max_length=200, blank=True)
    name_key = models.CharField(max_length=200, editable=False, default="")
    closed_on = models.DateField(_("ngày ngừng hoạt động"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "name_key"], name="organisation_name_per_commune"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def search_text(self) -> str:
        return self.name

    def refresh_search_key(self) -> None:
        super().refresh_search_key()
        self.name_key = fold(self.name)


def this_year() -> int:
    return timezone.localdate().year


def age_on(birth_year: int, on: dt.date) -> int:
    return on.year - birth_year


class ImportStatus(models.TextChoices):
    VALIDATING = "validating", _("Đang kiểm tra")
    INVALID = "invalid", _("Có lỗi, chưa nhập")
    READY = "ready", _("Kiểm tra xong, chờ xác nhận")
    COMMITTING = "committing", _("Đang ghi")
    DONE = "done", _("Đã nhập")
    FAILED = "failed", _("Thất bại")


class ImportJob(models.Model):
    """An uploaded workbook on its way in: checked (dry run), shown, confirmed, committed."""

    kind = models.CharField(_("sổ"), max_length=20)
    commune = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    filename = models.CharField(max_length=255)
    stored_file = models.CharField(max_length=255)
    status = models.CharField(
        max_length=12, choices=ImportStatus.choices, default=ImportStatus.VALIDATING
    )
    progress = models.FloatField(default=0.0)
    stage = models.CharField(max_length=120, blank=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    # What each updated row would change, shown before confirming (registry.imports'
    # preview): rows with an alert first, then by row; at most MAX_STORED_CHANGES.
    changes = models.JSONField(default=list, blank=True)
    has_annotated = models.BooleanField(default=False)
    # The write's liveness (registry.jobs.fail_stale_jobs): each confirmation is a new
    # attempt; its process stamps `worker` (core.tasks.worker_token) and `heartbeat_at`.
    attempt = models.PositiveIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # Failed because its process died mid-write, nothing written: may be confirmed again.
    interrupted = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.VALIDATING, ImportStatus.COMMITTING)

    @property
    def alerts(self) -> list[dict[str, Any]]:
        """Updated rows that may take over another person's record (a CCCD or id typed
        wrong): confirmed only with these acknowledged."""
        return [c for c in self.changes if c.get("alert")]

    @property
    def can_confirm(self) -> bool:
        """Checked and waiting, or stopped mid-write with nothing written."""
        return self.status == ImportStatus.READY or (
            self.status == ImportStatus.FAILED and self.interrupted
        )
