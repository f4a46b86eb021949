"""A recognition decision gives each recognised subject its certificate, in the same transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from assessments.models import State
from assessments.signals import decision_issued, revocation_issued
from recognition.jobs import build_document, build_revocation_document
from recognition.models import Certificate


@receiver(decision_issued)
def create_certificates(sender: Any, decision: Any, **kwargs: Any) -> None:
    recognised = decision.assessments.filter(state=State.RECOGNISED, certificate__isnull=True)
    Certificate.objects.bulk_create([Certificate(assessment=a) for a in recognised])
    transaction.on_commit(lambda: build_document.enqueue(decision.pk))


@receiver(revocation_issued)
def render_revocation(sender: Any, revocation: Any, **kwargs: Any) -> None:
    """A revocation decision's files, rendered once it is recorded (its hash known from the start)."""
    transaction.on_commit(lambda: build_revocation_document.enqueue(revocation.pk))
