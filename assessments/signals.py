"""Keeping assessments right when the registry changes underneath them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.dispatch import Signal, receiver
from django.utils.translation import gettext as _

from assessments.models import Assessment
from core.text import fold
from registry.models import Citizen
from registry.signals import citizen_merged

# Sent inside the transaction that records a decision; `decision` has its assessments.
decision_issued = Signal()
# Sent inside the transaction that records a revocation decision; `revocation` has its assessments.
revocation_issued = Signal()
# Sent inside the transaction that registers subjects for a title: `communes` (ids), `year`.
registered = Signal()


@receiver(citizen_merged)
def move_assessments(sender: Any, keep: Citizen, gone: Citizen, **kwargs: Any) -> None:
    """A merged record's titles move to the kept record — unless both hold the same one."""
    kept = set(Assessment.objects.filter(citizen=keep).values_list("title", "year"))
    clash = Assessment.objects.filter(citizen=gone).filter(
        title__in=[t for t, _y in kept], year__in=[y for _t, y in kept]
    )
    clash_pairs = [(a.title, a.year) for a in clash if (a.title, a.year) in kept]
    if clash_pairs:
        raise ValidationError(
            _("Cả hai hồ sơ đều có bình xét %(t)s năm %(y)s; xử lý bình xét trước khi gộp.")
            % {"t": clash_pairs[0][0], "y": clash_pairs[0][1]}
        )
    Assessment.objects.filter(citizen=gone).update(
        citizen=keep, subject_name=keep.full_name, search_key=fold(keep.full_name)
    )
