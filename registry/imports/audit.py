"""How imports name things in the audit trail, the way the pages name them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from registry.models import Citizen, Clan, Household, Organisation


def range_events(model: type[Any], ids: Iterable[int]) -> list[dict[str, Any]]:
    """One audit event per run of consecutive new ids: an import of 100,000 people writes
    a handful of rows, and each person's history still finds its creation (range lookup)."""
    label = {Citizen: "công dân", Household: "hộ", Clan: "dòng họ", Organisation: "đơn vị"}.get(
        model, "bản ghi"
    )
    events = []
    ordered = sorted(ids)
    start = 0
    for index in range(1, len(ordered) + 1):
        if index == len(ordered) or ordered[index] != ordered[index - 1] + 1:
            first, last = ordered[start], ordered[index - 1]
            count = index - start
            events.append(
                {
                    "object_id": "",
                    "range_start": first,
                    "range_end": last,
                    "object_repr": _("%(n)s %(what)s (mã %(a)s–%(b)s)")
                    % {"n": count, "what": label, "a": first, "b": last},
                    "changes": {"created": [None, count]},
                }
            )
            start = index
    return events


def names_of(model: type[Any], ids: Iterable[Any], known: dict[int, str]) -> dict[int, str]:
    """`known` completed with the names of the other `ids` (one query per 500 missing)."""
    missing = sorted({i for i in ids if i is not None and i not in known})
    for start in range(0, len(missing), 500):
        chunk = missing[start : start + 500]
        if model is Household:
            known.update(
                (h.pk, str(h))
                for h in Household.objects.filter(pk__in=chunk).select_related("head")
            )
        else:
            field = "full_name" if model is Citizen else "name"
            known.update(model.objects.filter(pk__in=chunk).values_list("id", field))
    return known


def some(items: Iterable[str], limit: int = 20) -> str:
    """The first `limit` items, comma-separated, and how many more."""
    shown: list[str] = []
    more = 0
    for item in items:
        if len(shown) < limit:
            shown.append(item)
        else:
            more += 1
    return ", ".join(shown) + (_(" và %(n)s khác") % {"n": more} if more else "")


def household_label(code: str, head_name: str) -> str:
    """str(Household) without the object: "Hộ PH-001 — Nguyễn Văn An"."""
    return f"Hộ {code}" + (f" — {head_name}" if head_name else "")


def person_label(citizen: Citizen | None) -> str | None:
    """A person in audit changes, as the pages write it (str of the citizen)."""
    return str(citizen) if citizen is not None else None


def plain(value: Any) -> Any:
    """A value as JSON keeps it (dates as ISO text)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
