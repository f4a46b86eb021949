"""Which records have a history page, and who may open it: the record's own gate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

Gate = Callable[[Any], QuerySet[Any]]
_gates: dict[str, Gate] = {}


def register(label: str, gate: Gate) -> None:
    """`label` is "app_label.modelname"; `gate(user)` returns the records the user may see."""
    _gates[label] = gate


def gate_for(label: str) -> Gate | None:
    return _gates.get(label)
