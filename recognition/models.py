from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, Decision, Revocation
from criteria.titles import title_choices_or_any
from places.models import Place
from recognition.codes import display, new_code


class LegalBasis(models.Model):
    """One "Căn cứ …" line of decisions, per authority level, title and years (configurable)."""

    level = models.CharField(
        _("cấp ban hành"),
        max_length=10,
        blank=True,
        choices=[("", _("Mọi cấp")), ("commune", _("Cấp xã")), ("province", _("Cấp tỉnh"))],
    )
    title = models.CharField(
        _("danh hiệu"),
        max_length=12,
        blank=True,
        choices=title_choices_or_any,
    )
    # The kind of issuing body it is a ground for: a committee decides under the law on local
    # government, an association under its statute.
    body = models.CharField(
        _("cơ quan ban hành"),
        max_length=12,
        blank=True,
        choices=[
            ("", _("Mọi cơ quan")),
            ("committee", _("Ủy ban nhân dân")),
            ("association", _("Hội Khuyến học")),
            ("department", _("Sở, cơ quan chuyên môn")),
        ],
    )
    year_from = models.PositiveSmallIntegerField(_("từ năm"), default=2021)
    year_to = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    text = models.TextField(_("nội dung"))

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("căn cứ")

    def __str__(self) -> str:
        return self.text[:80]


class DecisionDocument(models.Model):
    """The decision rendered once, as issued, and kept: its hash is what a signature will cover."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="document")
    pdf_name = models.CharField(max_length=120)
    pdf_sha256 = models.CharField(max_length=64)
    docx_name = models.CharField(max_length=120)
    docx_sha256 = models.CharField(max_length=64)
    generated_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.decision} ({self.pdf_sha256[:12]})"


class RevocationDocument(models.Model):
    """A revocation decision rendered once, as issued, and kept (as `DecisionDocument`)."""

    revocation = models.OneToOneField(Revocation, on_delete=models.PROTECT, related_name="document")
    pdf_name = models.CharField(max_length=120)
    pdf_sha256 = models.CharField(max_length=64)
    docx_name = models.CharField(max_length=120)
    docx_sha256 = models.CharField(max_length=64)
    generated_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.revocation} ({self.pdf_sha256[:12]})"


class Certificate(models.Model):
    """The certificate of one recognised title, checked by anyone through its code."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.PROTECT, related_name="certificate"
    )
    code = models.CharField(max_length=26, unique=True, default=new_code, editable=False)
    issued_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.display_code

    @property
    def display_code(self) -> str:
        return display(self.code)


class BatchStatus(models.TextChoices):
    RUNNING = "running", _("Đang tạo")
    DONE = "done", _("Xong")
    FAILED = "failed", _("Lỗi")


class CertificateBatch(models.Model):
    """Certificates of a decision (or of one village in it) as one printable PDF."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="certificate_batches"
    )
    village = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=10, choices=BatchStatus.choices, default=BatchStatus.RUNNING
    )
    progress = models.FloatField(default=0)
    count = models.PositiveIntegerField(default=0)
    stored_name = models.CharField(max_length=120, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.decision} {self.village or ''} ({self.get_status_display()})"
