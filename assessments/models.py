from __future__ import annotations

import datetime as dt
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_of
from assessments.calendars import DATES, label
from core.search import Searchable, SearchQuerySet
from criteria.models import CriteriaSet
from criteria.titles import SubjectKind, title_choices
from places.models import Place
from registry.access import acts_for_household
from registry.models import Citizen, Clan, Household, Organisation


class State(models.TextChoices):
    REGISTERED = "registered", _("Đã đăng ký")
    SUBMITTED = "submitted", _("Đã tự đánh giá")
    VERIFIED = "verified", _("Đã xác nhận (thôn/đơn vị)")
    PROPOSED = "proposed", _("Xã đã đề nghị")
    RECOGNISED = "recognised", _("Được công nhận")
    NOT_RECOGNISED = "not_recognised", _("Không được công nhận")
    RETURNED = "returned", _("Trả lại để sửa")
    REVOKED = "revoked", _("Bị thu hồi")


EDITABLE_STATES = {State.REGISTERED, State.RETURNED}
OPEN_STATES = {State.REGISTERED, State.RETURNED, State.SUBMITTED, State.VERIFIED, State.PROPOSED}


class CycleYear(models.Model):
    """A commune's year of the cycle: the data year its records count. Each title keeps its
    own calendar in it (`TitleCalendar`); the year is closed when every title is."""

    commune = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="cycle_years")
    year = models.PositiveSmallIntegerField(_("năm"))
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when the last of its titles is closed (or all at once), cleared when one reopens.
    closed_at = models.DateTimeField(_("khóa sổ lúc"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year", "commune__name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "year"], name="cycle_year_per_commune")
        ]

    def __str__(self) -> str:
        return f"{self.commune} — {self.year}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class TitleCalendar(models.Model):
    """One title's windows in a commune's data year (for learning units, one per unit
    level): each date is the last day of its step and may fall in the next calendar year.
    Defaults and their sources: `assessments.calendars`. Closing it makes the title's
    records of that commune and year read-only; the other titles stay open."""

    cycle = models.ForeignKey(CycleYear, on_delete=models.CASCADE, related_name="calendars")
    title = models.CharField(_("danh hiệu"), max_length=12, choices=title_choices)
    org_level = models.CharField(_("cấp đơn vị"), max_length=10, blank=True)
    registration_until = models.DateField(_("hạn đăng ký"))
    assessment_until = models.DateField(_("hạn tự đánh giá, nộp hồ sơ"))
    review_until = models.DateField(_("hạn bình xét"))
    proposal_until = models.DateField(_("hạn đề nghị công nhận"))
    decision_until = models.DateField(_("hạn ra quyết định"))
    closed_at = models.DateTimeField(_("khóa sổ lúc"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["cycle", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "title", "org_level"], name="title_calendar_per_cycle"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cycle} — {label(self.key)}"

    @property
    def key(self) -> tuple[str, str]:
        return (self.title, self.org_level)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def dates(self) -> dict[str, dt.date]:
        return {name: getattr(self, name) for name in DATES}


SIGN_FORMS = [("", _("Ký trực tiếp")), ("KT.", "KT."), ("TM.", "TM.")]


class Decision(models.Model):
    """A recognition decision as issued: number, authority, signer and the subjects it recognises."""

    number = models.CharField(_("số quyết định"), max_length=40, help_text=_("Ví dụ: 15/QĐ-UBND"))
    authority = models.CharField(_("cơ quan ban hành"), max_length=200)
    # Decree 30/2020, Appendix I: the superior body, on the line above the issuing one (not bold).
    superior = models.CharField(_("cơ quan chủ quản"), max_length=200, blank=True)
    authority_place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    signed_on = models.DateField(_("ngày ký"))
    signer_name = models.CharField(_("người ký"), max_length=120)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120)
    sign_form = models.CharField(
        _("thể thức ký"),
        max_length=4,
        blank=True,
        choices=SIGN_FORMS,
    )
    title = models.CharField(_("danh hiệu"), max_length=12, choices=title_choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority_place", "number", "year"], name="decision_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return _("Quyết định số %(n)s ngày %(d)s") % {
            "n": self.number,
            "d": self.signed_on.strftime("%d/%m/%Y"),
        }


class Revocation(models.Model):
    """A decision revoking titles already recognised (one title, one year): number, authority,
    signer, reason; the titles it revokes point to it (`Assessment.revocation`), and with them
    their certificates. Issued in any later year, the title's year closed or not."""

    number = models.CharField(_("số quyết định"), max_length=40, help_text=_("Ví dụ: 3/QĐ-UBND"))
    authority = models.CharField(_("cơ quan ban hành"), max_length=200)
    superior = models.CharField(_("cơ quan chủ quản"), max_length=200, blank=True)
    authority_place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    signed_on = models.DateField(_("ngày ký"))
    signer_name = models.CharField(_("người ký"), max_length=120)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120)
    sign_form = models.CharField(_("thể thức ký"), max_length=4, blank=True, choices=SIGN_FORMS)
    title = models.CharField(_("danh hiệu"), max_length=12, choices=title_choices)
    year = models.PositiveSmallIntegerField(_("năm của danh hiệu"))
    reason = models.TextField(_("lý do thu hồi"))
    # The form's one-time key: the same form posted twice records one revocation.
    key = models.CharField(max_length=40, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return _("Quyết định thu hồi số %(n)s ngày %(d)s") % {
            "n": self.number,
            "d": self.signed_on.strftime("%d/%m/%Y"),
        }


class AssessmentQuerySet(SearchQuerySet):
    def visible_to(self, user: Any) -> Self:
        scope = scope_of(user)
        # By path (`(village or commune).path`, byte-ordered): a commune's records are one
        # range of the (title, year, path, state) index, in the review list's order.
        condition = scope.place_condition("path")
        if scope.organisation_ids:
            condition |= Q(organisation_id__in=scope.organisation_ids) | Q(
                citizen__workplace_id__in=scope.organisation_ids
            )
        if scope.clan_ids:
            condition |= Q(clan_id__in=scope.clan_ids)
        citizen = (
            getattr(user, "citizen_record", None)
            if getattr(user, "is_authenticated", False)
            else None
        )
        if citizen is not None:
            # A citizen sees their own titles and, as household head, the household's.
            condition |= Q(citizen_id=citizen.pk)
            if acts_for_household(citizen):
                condition |= Q(household_id=citizen.household_id)
        return self.filter(condition)

    def holding(self, title: str, year: int) -> Self:
        """Titles in force during `year`: recognised, not revoked, and not expired."""
        return self.filter(
            title=title,
            state=State.RECOGNISED,
            year__lte=year,
            valid_until__gte=dt.date(year, 12, 31),
        )

    def for_subject(self, kind: str, subject: models.Model) -> Self:
        return self.filter(**{SUBJECT_FIELD[kind]: subject})


SUBJECT_FIELD: dict[str, str] = {
    SubjectKind.HOUSEHOLD: "household",
    SubjectKind.CLAN: "clan",
    SubjectKind.VILLAGE: "village_subject",
    SubjectKind.ORGANISATION: "organisation",
    SubjectKind.CITIZEN: "citizen",
    SubjectKind.COMMUNE: "commune_subject",
}


class Assessment(Searchable):
    """One subject's bid for one title in one year, through the whole cycle."""

    title = models.CharField(_("danh hiệu"), max_length=12, choices=title_choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    subject_kind = models.CharField(max_length=12, choices=SubjectKind.choices)
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    clan = models.ForeignKey(
        Clan, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    village_subject = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="village_assessments"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    citizen = models.ForeignKey(
        Citizen, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    commune_subject = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="commune_assessments"
    )
    subject_name = models.CharField(_("đối tượng"), max_length=250)
    # Where the record sits, for scope and counts: the commune that reviews it and its village.
    commune = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    path = models.CharField(max_length=255, db_index=True)
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, related_name="assessments"
    )
    state = models.CharField(
        _("trạng thái"), max_length=16, choices=State.choices, default=State.REGISTERED
    )
    answers = models.JSONField(default=dict, blank=True)
    derived = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    total = models.DecimalField(
        _("tổng điểm"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("đạt"), null=True, blank=True)
    band = models.CharField(_("xếp loại"), max_length=40, blank=True)
    level = models.PositiveSmallIntegerField(_("mức độ"), default=0)
    returned_reasons = models.JSONField(default=dict, blank=True)
    returned_to = models.CharField(max_length=16, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The citizen's (or household head's) own account submitted it, not an officer.
    self_submitted = models.BooleanField(default=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    proposed_at = models.DateTimeField(null=True, blank=True)
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    decision_reason = models.TextField(_("lý do"), blank=True)
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    revocation = models.ForeignKey(
        Revocation, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["subject_name", "id"]
        indexes = [
            models.Index(fields=["commune", "year", "title", "state"]),
            models.Index(fields=["title", "year", "state"]),
            # The review list: one title and year, a place's range of paths (byte order on
            # PostgreSQL, migration 0005), in path order, the state read from the index.
            models.Index(fields=["title", "year", "path", "state"], name="assessment_listing"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["title", "year", field],
                condition=Q(**{f"{field}__isnull": False}),
                name=f"one_assessment_per_{field}",
            )
            for field in SUBJECT_FIELD.values()
        ]

    def __str__(self) -> str:
        return f"{self.get_title_display()} {self.year} — {self.subject_name}"

    def search_text(self) -> str:
        return self.subject_name

    @property
    def subject(self) -> Any:
        return getattr(self, SUBJECT_FIELD[self.subject_kind])

    @property
    def is_valid_now(self) -> bool:
        return (
            self.state == State.RECOGNISED
            and self.valid_until is not None
            and self.valid_until >= timezone.localdate()
        )

    @property
    def title_status(self) -> str:
        """For verification pages: valid, expired or revoked."""
        if self.state == State.REVOKED:
            return "revoked"
        if self.state == State.RECOGNISED:
            return "valid" if self.is_valid_now else "expired"
        return self.state


class Evidence(models.Model):
    """A photo or PDF backing one criterion; stored outside the web root, served through a view."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    criterion_code = models.CharField(max_length=12)
    stored_name = models.CharField(max_length=120)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["criterion_code", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class Rollup(models.Model):
    """Counts per (year, commune, village, title, state), kept by every transition."""

    year = models.PositiveSmallIntegerField()
    commune = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    village = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # village id or 0: a NULL would make the unique key below useless
    village_key = models.PositiveBigIntegerField(default=0)
    title = models.CharField(max_length=12, choices=title_choices)
    state = models.CharField(max_length=16, choices=State.choices)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "commune", "village_key", "title", "state"], name="rollup_key"
            )
        ]
        indexes = [models.Index(fields=["year", "title", "state"])]

    def __str__(self) -> str:
        return f"{self.year} {self.commune_id}/{self.village_id} {self.title} {self.state}: {self.count}"

    @classmethod
    def bump(
        cls, *, year: int, commune_id: int, village_id: int | None, title: str, state: str, by: int
    ) -> None:
        key = {
            "year": year,
            "commune_id": commune_id,
            "village_key": village_id or 0,
            "title": title,
            "state": state,
        }
        updated = cls.objects.filter(**key).update(count=F("count") + by)
        if not updated:
            cls.objects.create(**key, village_id=village_id, count=by)


class AuthorityRule(models.Model):
    """Who recognises a title (after the 2025 reform: mostly the commune chair) — configuration."""

    title = models.CharField(_("danh hiệu"), max_length=12, choices=title_choices)
    org_level = models.CharField(_("cấp đơn vị"), max_length=10, blank=True)
    level = models.CharField(
        _("cấp công nhận"),
        max_length=10,
        choices=[("commune", _("Cấp xã")), ("province", _("Cấp tỉnh"))],
    )
    authority = models.CharField(
        _("cơ quan"),
        max_length=200,
        help_text=_("{xa} được thay bằng tên xã, {tinh} bằng tên tỉnh"),
    )
    superior = models.CharField(
        _("cơ quan chủ quản"),
        max_length=200,
        blank=True,
        help_text=_("Dòng trên tên cơ quan ban hành (không in đậm), nếu có; {xa}, {tinh} như trên"),
    )
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120)
    sign_form = models.CharField(_("thể thức ký"), max_length=4, blank=True, choices=SIGN_FORMS)
    basis = models.TextField(
        _("căn cứ"),
        blank=True,
        help_text=_("Văn bản, điều khoản quy định thẩm quyền này (hoặc văn bản của tỉnh xác nhận)"),
    )
    # Why the shipped default is only a proposal (a body the 2025 reform abolished…); empty
    # once the province has confirmed the rule.
    proposal = models.TextField(_("đề xuất — lý do"), blank=True)
    confirmed_at = models.DateTimeField(_("tỉnh xác nhận lúc"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["title", "org_level"], name="authority_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_title_display()} {self.org_level}: {self.authority}"
