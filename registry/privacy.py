"""Personal data: who may see identity numbers, phones and birth dates unmasked, and
the trail of every disclosure (Nghị định 13/2023/NĐ-CP on personal data protection).

Which roles see which field in full is the setting PERSONAL_DATA_ROLES. Everyone
else sees the masked form in pages, lists, exports and the API. Every export that
holds personal data, every API page with unmasked identity numbers and every
"show in full" click writes one audit event (who, what, how many rows) and one
PersonalDataAccess row per citizen, which the citizen's history page and the
citizen's own portal page list.

A reader who sees identity numbers masked finds a person by one only by typing the
whole number (`SEARCH_WHOLE`, core.search); each such search is a disclosure of whom
it found (`record_identity_search`), found or not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings

from accounts.scope import scope_of
from audit.models import AuditEvent, PersonalDataAccess
from audit.services import record
from core.text import fold

FIELDS = ("identity_number", "phone", "birth_date")
DOT = "•"
IDENTITY_LENGTH = 12
# Searching by identity number: the event's action, and the columns a reader who sees
# them masked can match only as a whole (core.search.find's `whole`).
IDENTITY_SEARCH = "personal.search"
SEARCH_WHOLE = ("identity_number",)


def can_see(user: Any, field: str) -> bool:
    """Whether the user's roles need this field in full."""
    allowed = set(settings.PERSONAL_DATA_ROLES.get(field, ()))
    return bool(scope_of(user).roles & allowed)


def unmasked_fields(user: Any) -> list[str]:
    return [f for f in FIELDS if can_see(user, f)]


def mask_identity(value: str | None) -> str:
    """033075000123 → •••••••••123 (the last three digits tell two people apart)."""
    if not value:
        return ""
    return DOT * (len(value) - 3) + value[-3:]


def mask_phone(value: str | None) -> str:
    """0901234567 → 090••••567."""
    if not value:
        return ""
    if len(value) < 7:
        return DOT * len(value)
    return value[:3] + DOT * (len(value) - 6) + value[-3:]


def mask_birth(birth_date: dt.date | None, birth_year: int) -> str:
    """The year only: what the titles need (age groups)."""
    return f"{DOT * 2}/{DOT * 2}/{birth_year}" if birth_date else str(birth_year)


def mask_changes(user: Any, changes: dict[str, Any]) -> dict[str, Any]:
    """An audit event's before/after values with the personal fields masked for this reader."""
    maskers = {
        "identity_number": mask_identity,
        "phone": mask_phone,
        "birth_date": lambda v: f"{DOT * 2}/{DOT * 2}/{v[:4]}" if v else "",
    }
    masked = dict(changes)
    for field, masker in maskers.items():
        if field in masked and not can_see(user, field):
            masked[field] = [masker(str(v)) if v else v for v in masked[field]]
    return masked


class View:
    """A citizen's personal fields as one reader may see them."""

    def __init__(self, user: Any, *, reveal: bool = False) -> None:
        self.identity = can_see(user, "identity_number")
        self.phone = can_see(user, "phone")
        self.birth = can_see(user, "birth_date")
        # Identity numbers stay masked on pages until the reader asks (and is recorded).
        self.reveal_identity = self.identity and reveal

    def identity_number(self, citizen: Any, *, page: bool = False) -> str:
        full = self.reveal_identity if page else self.identity
        value = citizen.identity_number or ""
        return value if full else mask_identity(value)

    def phone_number(self, citizen: Any) -> str:
        return citizen.phone if self.phone else mask_phone(citizen.phone)

    def birth_text(self, citizen: Any) -> str:
        if self.birth:
            return str(citizen.birth_display)
        return mask_birth(citizen.birth_date, citizen.birth_year)

    @property
    def anything_full(self) -> bool:
        return self.identity or self.phone or self.birth


def record_disclosure(
    *, actor: Any, action: str, citizen_ids: Iterable[int], note: str = "", obj: Any = None
) -> AuditEvent:
    """One event (who, what, how many) and one access row per citizen disclosed."""
    ids = list(dict.fromkeys(citizen_ids))
    event = record(
        actor=actor, action=action, obj=obj, note=f"{len(ids)} người; {note}".strip("; ")
    )
    batch: list[PersonalDataAccess] = []
    for citizen_id in ids:
        batch.append(PersonalDataAccess(event=event, citizen_id=citizen_id))
        if len(batch) >= 5000:
            PersonalDataAccess.objects.bulk_create(batch)
            batch = []
    PersonalDataAccess.objects.bulk_create(batch)
    return event


def search_whole(user: Any) -> tuple[str, ...]:
    """The columns this reader's searches match only as a whole: identity numbers when
    the reader sees them masked (else the number is recovered digit by digit)."""
    return () if can_see(user, "identity_number") else SEARCH_WHOLE


def identity_query(query: str | None) -> str | None:
    """The identity number a search asks for: the query when it is a whole one."""
    digits = fold(query or "").replace(" ", "")
    return digits if len(digits) == IDENTITY_LENGTH and digits.isdigit() else None


def record_identity_search(*, actor: Any, query: str | None, found: Any, where: str) -> None:
    """A search by a whole identity number, by a reader who sees them masked, is a
    disclosure (the number is tied to a name): one event, found or not, and one access
    row per citizen of `found` (the search's results) holding that number."""
    number = identity_query(query)
    if number is None or not search_whole(actor):
        return
    record_disclosure(
        actor=actor,
        action=IDENTITY_SEARCH,
        citizen_ids=found.filter(identity_number=number).values_list("pk", flat=True),
        note=f"tìm theo số CCCD {mask_identity(number)} ({where})",
    )


def disclosures_of(citizen_ids: Iterable[int]) -> Any:
    """Events that disclosed any of these citizens' data, newest first."""
    return (
        AuditEvent.objects.filter(
            pk__in=PersonalDataAccess.objects.filter(citizen_id__in=list(citizen_ids)).values(
                "event_id"
            )
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
