"""A recognition decision gives each recognised subject its certificate, in the same transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from assessments.models import State
from assessments.signals import decision_issued
from recognition.jobs import build_document
from recognition.models import Certificate


@receiver(decision_issued)
def create_certificates(sender: Any, decision: Any, **kwargs: Any) -> None:
    recognised = decision.assessments.filter(state=State.RECOGNISED, certificate__isnull=True)
    Certificate.objects.bulk_create([Certificate(assessment=a) for a in recognised])
    transaction.on_commit(lambda: build_document.enqueue(decision.pk))
