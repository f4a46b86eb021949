"""Provisional figures kept current: each write that changes a commune's counts recounts
its `LiveFigures` inside the same transaction (issue 18) — no button to press.

* a decision or revocation: the (commune, year) of every assessment it names;
* a registration: the communes and year registered;
* a registry write (services, or an import once at its end): the current year of the
  communes touched — the registry is counted as it stands now.

Receivers are connected in `StatsConfig.ready`, after the assessments app's own receivers
(INSTALLED_APPS order), so the recount sees the containing records already recomputed.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.utils import timezone

from assessments.signals import decision_issued, registered, revocation_issued
from registry.signals import registry_changed
from stats.compute import refresh_communes


def _recount(assessments: Any) -> None:
    pairs = set(assessments.values_list("commune_id", "year"))
    for year in {y for _c, y in pairs}:
        refresh_communes([c for c, y in pairs if y == year], year)


@receiver(decision_issued, dispatch_uid="stats.live_after_decision")
def live_after_decision(sender: Any, decision: Any, **kwargs: Any) -> None:
    _recount(decision.assessments.all())


@receiver(revocation_issued, dispatch_uid="stats.live_after_revocation")
def live_after_revocation(sender: Any, revocation: Any, **kwargs: Any) -> None:
    _recount(revocation.assessments.all())


@receiver(registered, dispatch_uid="stats.live_after_registration")
def live_after_registration(sender: Any, communes: list[int], year: int, **kwargs: Any) -> None:
    refresh_communes(communes, year)


@receiver(registry_changed, dispatch_uid="stats.live_after_registry_write")
def live_after_registry_write(sender: Any, communes: list[int], **kwargs: Any) -> None:
    refresh_communes(communes, timezone.localdate().year)
