"""Provisional figures kept current (issue 18) — no button to press.

* a decision or revocation (rare, and the figures an official reads next): the
  (commune, year) of every assessment it names, recounted inside its transaction;
* a registration, a registry write (services, or an import once at its end), a write to
  the movement's records (centres, boards, cadres, trainings; an import once): frequent
  and cheap, so the commune's recount (about 30 queries over its registry) is queued
  once the write commits (`stats.jobs.recount_live`) instead of lengthening it.

Official figures made ready (`stats.summary`) follow the shares of split legacy communes:
a share edited, or a succession link added, remakes them inside the same transaction.

Receivers are connected in `StatsConfig.ready`, after the assessments app's own receivers
(INSTALLED_APPS order), so the recount sees the containing records already recomputed.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from assessments.signals import decision_issued, registered, revocation_issued
from movement.signals import movement_changed
from places.models import REFORM_DATE
from places.signals import successions_changed
from registry.signals import registry_changed
from stats import summary
from stats.compute import refresh_communes
from stats.jobs import recount_live


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


def _after_commit(communes: list[int], year: int) -> None:
    ids = sorted(set(communes))
    transaction.on_commit(lambda: recount_live.enqueue(ids, year))


@receiver(registered, dispatch_uid="stats.live_after_registration")
def live_after_registration(sender: Any, communes: list[int], year: int, **kwargs: Any) -> None:
    _after_commit(communes, year)


@receiver(registry_changed, dispatch_uid="stats.live_after_registry_write")
def live_after_registry_write(sender: Any, communes: list[int], **kwargs: Any) -> None:
    _after_commit(communes, timezone.localdate().year)


@receiver(movement_changed, dispatch_uid="stats.live_after_movement_write")
def live_after_movement_write(sender: Any, communes: list[int], **kwargs: Any) -> None:
    _after_commit(communes, timezone.localdate().year)


@receiver(successions_changed, dispatch_uid="stats.official_after_shares")
def official_after_shares(sender: Any, predecessors: list[int], **kwargs: Any) -> None:
    # A legacy commune's reports feed its successors' figures up to the reform year.
    legacy_years = range(summary.FIRST_YEAR, REFORM_DATE.year + 1)
    summary.refresh_official(commune_ids=predecessors, years=legacy_years, create=False)
