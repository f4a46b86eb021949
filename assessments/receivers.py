"""What the cycle does when a decision is issued: the records that count its titles follow."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from assessments import services
from assessments.models import State
from assessments.signals import decision_issued, revocation_issued


@receiver(decision_issued)
def recount_after_decision(sender: Any, decision: Any, **kwargs: Any) -> None:
    """A clan counts its learning families, a village its families and citizens, the
    commune every title: their open records are recomputed when a title is recognised."""
    services.recompute_containing(decision.assessments.filter(state=State.RECOGNISED))


@receiver(revocation_issued)
def recount_after_revocation(sender: Any, revocation: Any, **kwargs: Any) -> None:
    """… and when one is revoked."""
    services.recompute_containing(revocation.assessments.all())
