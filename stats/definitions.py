"""Every indicator's definition, read once from `stats/data/indicators.toml`.

Numerator, denominator, population, source records, legal basis and whether the reading of
the plan is official or a proposal: the dashboards, the indicator pages, the API and
`docs/indicators.md` all read these, and `stats.figures.INDICATORS` is built from them.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "indicators.toml"

OFFICIAL, PROPOSAL = "official", "proposal"
STATUS_LABELS = {
    OFFICIAL: "Chính thức (đúng lời văn của văn bản)",
    PROPOSAL: "Đề xuất (cách hiểu của hệ thống, chờ tỉnh xác nhận)",
}
# Pseudo-figures: counts of communes, not columns of a report.
COMMUNE_COUNTS = {
    "_communes": "Số xã, phường có số liệu",
    "_communes_learning": "Số xã đạt mức độ 1 trở lên",
    "_communes_clc_chair": "Số xã ghi “1 = có”",
}


@dataclass(frozen=True)
class Term:
    figure: str  # a name of stats.figures.FIGURES, or a key of COMMUNE_COUNTS
    definition: str


@dataclass(frozen=True)
class Basis:
    document: str
    section: str


@dataclass(frozen=True)
class Definition:
    code: str
    name: str
    unit: str  # what one unit of the numerator is, for "how many more"
    population: str
    numerator: Term
    denominator: Term
    registered: Term | None  # the "% of registered" denominator, for reference
    sources: tuple[str, ...]
    basis: tuple[Basis, ...]
    status: str
    reason: str

    @property
    def is_official(self) -> bool:
        return self.status == OFFICIAL

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _term(raw: dict[str, Any]) -> Term:
    return Term(raw["figure"], _nfc(raw["definition"]))


def _definition(raw: dict[str, Any]) -> Definition:
    status = raw["status"]
    if status not in STATUS_LABELS:
        raise ValueError(f"{DATA.name}: {raw['code']}: status must be official or proposal")
    reason = _nfc(raw.get("reason", ""))
    if status == PROPOSAL and not reason:
        raise ValueError(f"{DATA.name}: {raw['code']}: a proposal needs its reason")
    if not raw.get("basis"):
        raise ValueError(f"{DATA.name}: {raw['code']}: no legal basis")
    return Definition(
        code=raw["code"],
        name=_nfc(raw["name"]),
        unit=_nfc(raw["unit"]),
        population=_nfc(raw["population"]),
        numerator=_term(raw["numerator"]),
        denominator=_term(raw["denominator"]),
        registered=_term(raw["registered"]) if "registered" in raw else None,
        sources=tuple(_nfc(s) for s in raw["sources"]),
        basis=tuple(Basis(_nfc(b["document"]), _nfc(b["section"])) for b in raw["basis"]),
        status=status,
        reason=reason,
    )


def load(path: Path = DATA) -> dict[str, Definition]:
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    found = [_definition(item) for item in raw["indicator"]]
    codes = [d.code for d in found]
    if len(set(codes)) != len(codes):
        raise ValueError(f"{path.name}: an indicator code is defined twice")
    return {d.code: d for d in found}


DEFINITIONS: dict[str, Definition] = load()
