"""Which records have a history page, who may open it (the record's own gate), and how
its changes read to that user (the maskers: registry hides personal fields)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

Gate = Callable[[Any], QuerySet[Any]]
Masker = Callable[[Any, dict[str, Any]], dict[str, Any]]
_gates: dict[str, Gate] = {}
_maskers: list[Masker] = []


def register(label: str, gate: Gate) -> None:
    """`label` is "app_label.modelname"; `gate(user)` returns the records the user may see."""
    _gates[label] = gate


def gate_for(label: str) -> Gate | None:
    return _gates.get(label)


def register_masker(masker: Masker) -> None:
    """`masker(user, changes)` returns an event's before/after values as `user` may see them."""
    if masker not in _maskers:
        _maskers.append(masker)


def masked(user: Any, changes: dict[str, Any]) -> dict[str, Any]:
    for masker in _maskers:
        changes = masker(user, changes)
    return changes
