"""Certificate batches as background jobs (a decision can list thousands of households)."""

from __future__ import annotations

from django_tasks import task

from assessments.models import Decision, Revocation
from core.tasks import fresh_connection
from recognition.models import BatchStatus, CertificateBatch
from recognition.services import (
    document_for,
    render_certificates,
    revocation_document_for,
    storage_dir,
)


@task()
def build_batch(batch_id: int, base_url: str = "") -> None:
    """`base_url`: where the QR codes point (services.site_url of the request that asked)."""
    fresh_connection()
    batch = CertificateBatch.objects.select_related("decision", "village").get(pk=batch_id)
    total = max(batch.count, 1)

    def progress(done: int) -> None:
        CertificateBatch.objects.filter(pk=batch.pk).update(progress=min(done / total, 0.99))

    try:
        data, count = render_certificates(
            batch.decision, batch.village, progress=progress, base_url=base_url
        )
    except Exception as exc:
        CertificateBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.FAILED, error=str(exc)[:500]
        )
        raise
    name = f"giay-{batch.pk}.pdf"
    (storage_dir("certificates") / name).write_bytes(data)
    CertificateBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.DONE, progress=1.0, count=count, stored_name=name
    )


@task()
def build_document(decision_id: int) -> None:
    """Render a new decision's files right away, so its hash is known from the start."""
    fresh_connection()
    document_for(Decision.objects.get(pk=decision_id))


@task()
def build_revocation_document(revocation_id: int) -> None:
    """Render a new revocation decision's files right away, as `build_document`."""
    fresh_connection()
    revocation_document_for(Revocation.objects.get(pk=revocation_id))
