"""Evidence files: checked by their content (not their name), capped, stored outside the web root."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from assessments import permissions as can
from assessments import services
from assessments.models import EDITABLE_STATES, Assessment, Evidence
from audit.services import record
from core import uploads
from criteria.engine import spec_of

FOLDER = "evidence"
MAX_MB = 5
DESCRIBED = "ảnh (JPEG, PNG, WebP) hay PDF"


@transaction.atomic
def add_evidence(
    *, actor: User, assessment: Assessment, criterion_code: str, upload: UploadedFile
) -> Evidence:
    if not can.can_fill(actor, assessment):
        raise PermissionDenied(_("Bạn không có quyền thêm minh chứng cho hồ sơ này."))
    if assessment.state not in EDITABLE_STATES:
        raise ValidationError(_("Hồ sơ đã nộp; không thêm minh chứng được."))
    services.check_open(assessment)
    if criterion_code not in {c.code for c in spec_of(assessment.criteria_set).criteria}:
        raise ValidationError(_("Không có tiêu chí %(c)s.") % {"c": criterion_code})
    checked = uploads.check(
        upload, kinds=uploads.IMAGES_AND_PDF, max_mb=MAX_MB, described=DESCRIBED
    )
    stored = uploads.store(FOLDER, checked)
    evidence = Evidence.objects.create(
        assessment=assessment,
        criterion_code=criterion_code,
        stored_name=stored,
        original_name=checked.name,
        content_type=checked.kind.content_type,
        size=len(checked.data),
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    record(
        actor=actor,
        action="assessment.evidence",
        obj=assessment,
        note=f"{criterion_code}: {checked.name}",
    )
    return evidence
