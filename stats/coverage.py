"""How many of an area's communes a figure covers, and which are missing.

A province figure summed from approved reports is only the province's figure when
every commune is in; until then it is partial, and the page says how partial and
who is missing. The same object says whether a projection may be drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from places.models import Place

if TYPE_CHECKING:
    from stats.compute import CommuneFigures

PROJECTION_MIN_COVERAGE = Fraction(9, 10)
"""Proposal (not in plan 127/KH-UBND nor the ministry's guidance): a 2030 projection is
drawn only when, in every year it uses, at least 90 % of the current communes have a
figure. Below that a province trend follows which communes happened to report more
than the movement itself; 90 % leaves room for a handful of late communes."""

PROJECTION_MIN_COVERAGE_SOURCE = (
    "đề xuất của hệ thống, không phải quy định: dưới mức này xu hướng phản ánh việc "
    "xã nào đã báo cáo hơn là kết quả phong trào"
)


@dataclass(frozen=True)
class Coverage:
    """`covered` of `total` communes have a figure; `missing` are the others (by name)."""

    covered: int
    total: int
    missing: list[Place]

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.covered == self.total

    @property
    def share(self) -> Fraction:
        return Fraction(self.covered, self.total) if self.total else Fraction(0)

    @property
    def label(self) -> str:
        return f"{self.covered}/{self.total} xã, phường"

    @property
    def enough_for_projection(self) -> bool:
        return self.total > 0 and self.share >= PROJECTION_MIN_COVERAGE


def coverage(communes: list[Place], figures_by_commune: dict[int, CommuneFigures]) -> Coverage:
    """Which of `communes` have a whole figure in `figures_by_commune` (keyed by commune
    id). A commune whose figure is a sum of legacy communes with some of them missing
    (`CommuneFigures.complete` false) is counted as missing: its figure is partial."""

    def whole(commune: Place) -> bool:
        found = figures_by_commune.get(commune.pk)
        return found is not None and found.complete

    missing = sorted((c for c in communes if not whole(c)), key=lambda c: c.name)
    return Coverage(len(communes) - len(missing), len(communes), missing)


def threshold_label() -> str:
    """ "90 %" — the projection threshold as the page shows it."""
    return f"{float(PROJECTION_MIN_COVERAGE * 100):g} %"
