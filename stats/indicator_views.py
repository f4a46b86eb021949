"""The indicator pages: each indicator's definition, targets and source mark, in Vietnamese.

Read from `stats.definitions` (stats/data/indicators.toml), the same data the dashboards,
the reports, the API and docs/indicators.md use. Readers: whoever sees the dashboards.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from accounts.scope import scope_of
from core.http import AuthedRequest
from places.models import Place
from stats.dashboard import Targets, province_place
from stats.definitions import COMMUNE_COUNTS, DEFINITIONS, Definition, Term
from stats.figures import FIGURES
from stats.models import TargetSource
from stats.views import READERS

FIGURE_LABELS = {f.name: f"{f.label} ({f.group})" for f in FIGURES} | COMMUNE_COUNTS
# The 2020 baselines belong to a territory (old Hưng Yên), not to today's province: they are
# not targets and are shown where the baselines are (stats/data/targets.toml, [[baseline]]).
TARGET_CELLS = [
    (2025, TargetSource.NATIONAL),
    (2025, TargetSource.PROVINCE),
    (2030, TargetSource.NATIONAL),
    (2030, TargetSource.PROVINCE),
]


@dataclass
class TermRow:
    role: str
    figure: str  # the figure's label on the report form
    definition: str


@dataclass
class TargetCell:
    year: int
    source: str
    value: Decimal | None


@dataclass
class Entry:
    definition: Definition
    terms: list[TermRow]
    targets: list[TargetCell]

    @property
    def has_target(self) -> bool:
        return any(t.value is not None for t in self.targets)


def figure_label(term: Term) -> str:
    return FIGURE_LABELS[term.figure]


def _entry(definition: Definition, targets: Targets, province: Place | None) -> Entry:
    terms = [
        TermRow("Tử số", figure_label(definition.numerator), definition.numerator.definition),
        TermRow("Mẫu số", figure_label(definition.denominator), definition.denominator.definition),
    ]
    if definition.registered is not None:
        terms.append(
            TermRow(
                "Mẫu số tham khảo (% đăng ký)",
                figure_label(definition.registered),
                definition.registered.definition,
            )
        )
    cells = [
        TargetCell(
            year,
            str(TargetSource(source).label),
            targets.get(definition.code, province, year, source) if province else None,
        )
        for year, source in TARGET_CELLS
    ]
    return Entry(definition, terms, cells)


def _reader(request: AuthedRequest) -> None:
    if not scope_of(request.user).roles & READERS:
        raise Http404


def _province() -> Place | None:
    try:
        return province_place()
    except Place.DoesNotExist:
        return None


@login_required
def indicator_list(request: AuthedRequest) -> HttpResponse:
    _reader(request)
    targets, province = Targets(), _province()
    entries = [_entry(d, targets, province) for d in DEFINITIONS.values()]
    return render(
        request,
        "stats/indicator_list.html",
        {"entries": entries, "years": [(y, str(TargetSource(s).label)) for y, s in TARGET_CELLS]},
    )


@login_required
def indicator_detail(request: AuthedRequest, code: str) -> HttpResponse:
    _reader(request)
    definition = DEFINITIONS.get(code)
    if definition is None:
        raise Http404
    entry = _entry(definition, Targets(), _province())
    return render(request, "stats/indicator_detail.html", {"entry": entry, "d": definition})
