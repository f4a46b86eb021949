"""Decision documents (generated once, kept, hashed), certificates and their verification."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, Decision, Revocation, State
from assessments.subjects import subject_of
from audit.services import record
from criteria.titles import SubjectKind, Title
from places.models import Place, PlaceKind
from recognition import content, pdf, word
from recognition.codes import normalize
from recognition.models import Certificate, DecisionDocument, RevocationDocument


def storage_dir(kind: str) -> Path:
    path = Path(settings.MEDIA_ROOT) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def document_for(decision: Decision, actor: object | None = None) -> DecisionDocument:
    """The decision's PDF and Word files, rendered the first time they are asked for and then
    kept unchanged: an issued decision is immutable, and its hash is what gets signed."""
    return _rendered_once(
        DecisionDocument, "decision", decision, lambda: content.build(decision), "qd", actor
    )


def revocation_document_for(
    revocation: Revocation, actor: object | None = None
) -> RevocationDocument:
    """A revocation decision's PDF and Word files, rendered once from the record by the same
    renderers as a recognition decision, and then kept unchanged (as `document_for`)."""
    return _rendered_once(
        RevocationDocument,
        "revocation",
        revocation,
        lambda: content.build_revocation(revocation),
        "thu-hoi",
        actor,
    )


D = TypeVar("D", DecisionDocument, RevocationDocument)


def _rendered_once(
    kind: type[D],
    field: str,
    issued: Decision | Revocation,
    build: Callable[[], content.DecisionContent],
    prefix: str,
    actor: object | None,
) -> D:
    """Render an issued decision's two files once, keep them and their hashes, audit it."""
    existing = kind.objects.filter(**{field: issued}).first()
    if existing is not None:
        return existing
    built = build()
    pdf_bytes = pdf.decision_pdf(built)
    docx_bytes = word.decision_docx(built)
    stem = f"{prefix}-{issued.pk}"
    (storage_dir("decisions") / f"{stem}.pdf").write_bytes(pdf_bytes)
    (storage_dir("decisions") / f"{stem}.docx").write_bytes(docx_bytes)
    try:
        with transaction.atomic():
            document = kind.objects.create(
                **{field: issued},
                pdf_name=f"{stem}.pdf",
                pdf_sha256=hashlib.sha256(pdf_bytes).hexdigest(),
                docx_name=f"{stem}.docx",
                docx_sha256=hashlib.sha256(docx_bytes).hexdigest(),
            )
    except IntegrityError:  # generated concurrently by another request: keep theirs
        return kind.objects.get(**{field: issued})
    record(
        actor=actor,
        action=f"{field}.document",
        obj=issued,
        changes={"pdf_sha256": [None, document.pdf_sha256]},
    )
    return document


def public_name(assessment: Assessment) -> str:
    return subject_of(assessment.title).public_name(assessment)


def place_line(assessment: Assessment) -> str:
    parts = [assessment.village.name] if assessment.village else []
    if assessment.subject_kind != SubjectKind.COMMUNE:
        parts.append(assessment.commune.name)
    province = (
        assessment.commune.parent
        if assessment.commune.kind == PlaceKind.COMMUNE
        else assessment.commune
    )
    if province is not None:
        parts.append(province.name)
    return ", ".join(parts)


def site_url(request: HttpRequest | None = None) -> str:
    """Where the certificates' QR codes point: SITE_URL when it is set (production), else
    the host and port of the request (validated by ALLOWED_HOSTS), else the local server
    on PORT (a certificate rendered outside a request)."""
    if settings.SITE_URL:
        return str(settings.SITE_URL)
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return f"http://127.0.0.1:{settings.PORT}"


def certificate_items(
    certificates: Iterator[Certificate], base_url: str = ""
) -> Iterator[pdf.CertificateItem]:
    base = base_url.rstrip("/") or site_url()
    for certificate in certificates:
        assessment = certificate.assessment
        decision = assessment.decision
        assert decision is not None
        built_signature = content.build_signature(decision)
        yield pdf.CertificateItem(
            code=certificate.code,
            display_code=certificate.display_code,
            verify_url=base + reverse("verify", kwargs={"code": certificate.code}),
            title_label=str(Title(assessment.title).label),
            subject_name=subject_of(assessment.title).certificate_name(assessment),
            place_line=place_line(assessment),
            year=assessment.year,
            decision_line=f"Theo Quyết định số {decision.number} ngày {decision.signed_on:%d/%m/%Y} của {decision.authority}",
            authority=decision.authority,
            superior_lines=content.superior_lines(decision.superior),
            authority_lines=content.authority_lines(decision.authority),
            signature_lines=built_signature,
            signer_name=decision.signer_name,
            place_date=f"{decision.authority_place.short_name}, ngày {decision.signed_on:%d} tháng {decision.signed_on:%m} năm {decision.signed_on:%Y}",
        )


def certificates_for(decision: Decision, village: Place | None = None):  # type: ignore[no-untyped-def]
    qs = Certificate.objects.filter(
        assessment__decision=decision, assessment__state=State.RECOGNISED
    )
    if village is not None:
        qs = qs.filter(assessment__village=village)
    return qs.select_related(
        "assessment__decision__authority_place",
        "assessment__village",
        "assessment__commune__parent",
        "assessment__household__head",
    ).order_by("assessment__village__name", "assessment__subject_name", "id")


def render_certificates(
    decision: Decision,
    village: Place | None = None,
    progress: Callable[[int], None] | None = None,
    base_url: str = "",
) -> tuple[bytes, int]:
    certificates = certificates_for(decision, village)
    count = certificates.count()
    return pdf.certificates_pdf(
        certificate_items(certificates.iterator(chunk_size=500), base_url), progress=progress
    ), count


def find_certificate(typed: str) -> Certificate | None:
    code = normalize(typed)
    if len(code) != 26:
        return None
    return (
        Certificate.objects.filter(code=code)
        .select_related(
            "assessment__decision__document",
            "assessment__revocation",
            "assessment__village",
            "assessment__commune__parent",
            "assessment__household__head",
        )
        .first()
    )


def status_of(certificate: Certificate) -> str:
    assessment = certificate.assessment
    if assessment.state == State.REVOKED:
        return "revoked"
    if assessment.valid_until and assessment.valid_until < timezone.localdate():
        return "expired"
    return "valid"
