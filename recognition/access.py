"""Who may have which recognition papers: the whole decision, certificate batches.

Built on the same gates as the rest of the project: a decision is reached through
`assessments.permissions.get_decision_or_404` (its whole list, `whole=True`, belongs to
the officers whose places hold its issuing authority; printing its certificates,
`write=True`, to those who may decide it), one certificate through its assessment's
gate (`get_assessment_or_404`: whoever sees its record), and a certificate batch
through `get_batch_or_404` here.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404

from assessments.models import State
from assessments.permissions import may_print_certificates, sees_whole_decision
from recognition.models import Certificate, CertificateBatch

__all__ = [
    "certificate_of",
    "get_batch_or_404",
    "may_get_batch",
    "may_print_certificates",
    "sees_whole_decision",
]


def certificate_of(assessment: Any) -> Certificate | None:
    """The certificate an assessment the user sees can be printed from: only while it is
    recognised (a revoked one keeps its row, but its paper is no longer given)."""
    if assessment.state != State.RECOGNISED:
        return None
    return getattr(assessment, "certificate", None)


def may_get_batch(user: Any, batch: CertificateBatch) -> bool:
    """A batch is served to the one who asked for it and to the editors of its decision's
    commune, and only while they still see the whole decision."""
    if not sees_whole_decision(user, batch.decision):
        return False
    return batch.requested_by_id == user.pk or may_print_certificates(user, batch.decision)


def get_batch_or_404(user: Any, pk: int) -> CertificateBatch:
    """A certificate batch, to whom `may_get_batch` serves it; 404 to anyone else."""
    batch = get_object_or_404(
        CertificateBatch.objects.select_related("decision__authority_place", "village"), pk=pk
    )
    if not may_get_batch(user, batch):
        raise Http404
    return batch
