"""Evidence files: checked by their content (not their name), capped, stored outside the web root."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from assessments import permissions as can
from assessments.models import EDITABLE_STATES, Assessment, Evidence
from audit.services import record
from criteria.engine import spec_of

MAX_BYTES = 5 * 1024 * 1024
KINDS = {
    "image/jpeg": ((b"\xff\xd8\xff",), {".jpg", ".jpeg"}),
    "image/png": ((b"\x89PNG\r\n\x1a\n",), {".png"}),
    "image/webp": ((b"RIFF",), {".webp"}),
    "application/pdf": ((b"%PDF-",), {".pdf"}),
}


def sniff(head: bytes) -> str | None:
    for content_type, (magics, _ext) in KINDS.items():
        if any(head.startswith(m) for m in magics):
            if content_type == "image/webp" and head[8:12] != b"WEBP":
                continue
            return content_type
    return None


def storage_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "evidence"
    path.mkdir(parents=True, exist_ok=True)
    return path


@transaction.atomic
def add_evidence(
    *, actor: User, assessment: Assessment, criterion_code: str, upload: UploadedFile
) -> Evidence:
    if not can.can_fill(actor, assessment):
        raise PermissionDenied(_("Bạn không có quyền thêm minh chứng cho hồ sơ này."))
    if assessment.state not in EDITABLE_STATES:
        raise ValidationError(_("Hồ sơ đã nộp; không thêm minh chứng được."))
    if criterion_code not in {c.code for c in spec_of(assessment.criteria_set).criteria}:
        raise ValidationError(_("Không có tiêu chí %(c)s.") % {"c": criterion_code})
    if upload.size is None or upload.size > MAX_BYTES:
        raise ValidationError(_("Tệp quá 5 MB."))
    data = upload.read()
    if len(data) > MAX_BYTES:
        raise ValidationError(_("Tệp quá 5 MB."))
    content_type = sniff(data[:16])
    name = upload.name or "tep"
    extension = Path(name).suffix.lower()
    if content_type is None:
        raise ValidationError(
            _("Tệp “%(n)s” không phải ảnh (JPEG, PNG, WebP) hay PDF.") % {"n": name}
        )
    if extension not in KINDS[content_type][1]:
        raise ValidationError(
            _("Tệp “%(n)s” có đuôi %(e)s nhưng nội dung là %(t)s; hãy kiểm tra lại tệp.")
            % {"n": name, "e": extension or _("(không có)"), "t": content_type}
        )
    stored = f"{uuid.uuid4().hex}{extension}"
    (storage_dir() / stored).write_bytes(data)
    evidence = Evidence.objects.create(
        assessment=assessment,
        criterion_code=criterion_code,
        stored_name=stored,
        original_name=name[:255],
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    record(
        actor=actor, action="assessment.evidence", obj=assessment, note=f"{criterion_code}: {name}"
    )
    return evidence
