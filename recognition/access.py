"""Who may have which recognition papers: the whole decision, certificate batches.

Built on the same gates as the rest of the project (`accounts.scope`): a decision's
whole list belongs to the officers whose places hold its issuing authority, printing
its certificates to those who may decide it, and one certificate to whoever sees its
record (`Assessment.objects.visible_to`, used by the views directly).
"""

from __future__ import annotations

from typing import Any

from accounts.scope import scope_of
from assessments.models import Decision
from assessments.permissions import COMMUNE_EDITORS
from recognition.models import CertificateBatch


def sees_whole_decision(user: Any, decision: Decision) -> bool:
    """The province's admin and viewer, and the officers of the issuing commune: the
    decision page lists them every row, so the decision's documents (with the whole
    annex) are theirs too. A citizen, a household head, a clan or organisation manager
    and a village officer see only their own rows, and get none of the documents."""
    scope = scope_of(user)
    return scope.is_province or scope.covers(decision.authority_place)


def may_print_certificates(user: Any, decision: Decision) -> bool:
    """Who may decide may print: the province admin, and for a commune's decision that
    commune's officer (a province-level decision is the province admin's alone). The
    province viewer reads, and does not print."""
    scope = scope_of(user)
    return scope.is_province_admin or scope.covers(decision.authority_place, COMMUNE_EDITORS)


def may_get_batch(user: Any, batch: CertificateBatch) -> bool:
    """A batch is served to the one who asked for it and to the editors of its decision's
    commune, and only while they still see the whole decision."""
    if not sees_whole_decision(user, batch.decision):
        return False
    return batch.requested_by_id == user.pk or may_print_certificates(user, batch.decision)
