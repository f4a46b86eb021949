"""Where each rule of a criteria set comes from: an official text, or our proposal.

Every item of a set — a criterion, its threshold, its being a condition, a group's
minimum, a band, a level, the pass mark, the validity — carries a *source*, stored as
a small dict next to the item (the model's JSON fields, the `source = {…}` keys of a
set file):

    {"kind": "official", "document": "Thông tư 24/2023/TT-BGDĐT", "date": "2023-12-28",
     "article": "Điều 5"}
    {"kind": "proposal", "reason": "…", "by": "…",
     "adopted": {"document": "Quyết định số 15/QĐ-UBND", "date": "2025-03-01"}}

A proposal the province adopts keeps its reason and gains `adopted`: the provincial
document that adopts it. Official documents and adopting documents are what a
decision may cite ("Căn cứ …"); the reasons and notes never reach a document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

OFFICIAL = "official"
PROPOSAL = "proposal"
KINDS = (OFFICIAL, PROPOSAL)


def _iso(value: Any) -> str:
    """A date as stored (yyyy-mm-dd): from a TOML date, a date, or text in either form."""
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise ValueError(text)


def shown_date(iso: str) -> str:
    """dd/mm/yyyy, as Vietnamese offices write dates."""
    if not iso:
        return ""
    return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")


def written_date(iso: str) -> str:
    """The date as a decision's "Căn cứ" lines write it: ngày 01 tháng 3 năm 2025."""
    day = dt.date.fromisoformat(iso)
    return f"ngày {day.day:02d} tháng {day.month} năm {day.year}"


@dataclass(frozen=True)
class Source:
    kind: str = ""  # OFFICIAL, PROPOSAL, or "" when nobody recorded it
    document: str = ""
    date: str = ""
    article: str = ""
    reason: str = ""
    by: str = ""
    adopted_document: str = ""
    adopted_date: str = ""

    @classmethod
    def of(cls, data: Any) -> Source:
        """The source of a stored dict; an empty or broken one is "not recorded"."""
        if not isinstance(data, dict) or data.get("kind") not in KINDS:
            return cls()
        found = data.get("adopted")
        adopted: dict[str, Any] = found if isinstance(found, dict) else {}
        return cls(
            kind=str(data["kind"]),
            document=str(data.get("document", "")),
            date=str(data.get("date", "")),
            article=str(data.get("article", "")),
            reason=str(data.get("reason", "")),
            by=str(data.get("by", "")),
            adopted_document=str(adopted.get("document", "")),
            adopted_date=str(adopted.get("date", "")),
        )

    def as_data(self) -> dict[str, Any]:
        if not self.kind:
            return {}
        data: dict[str, Any] = {"kind": self.kind}
        for key in ("document", "date", "article", "reason", "by"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.adopted_document:
            data["adopted"] = {"document": self.adopted_document, "date": self.adopted_date}
        return data

    @property
    def recorded(self) -> bool:
        return bool(self.kind)

    @property
    def is_official(self) -> bool:
        return self.kind == OFFICIAL

    @property
    def is_proposal(self) -> bool:
        return self.kind == PROPOSAL

    @property
    def is_adopted(self) -> bool:
        return self.kind == PROPOSAL and bool(self.adopted_document)

    @property
    def awaits_adoption(self) -> bool:
        return self.kind == PROPOSAL and not self.adopted_document

    def without_adoption(self) -> Source:
        return Source(self.kind, self.document, self.date, self.article, self.reason, self.by)

    def adopted_by(self, document: str, date: str) -> Source:
        return Source(
            self.kind, self.document, self.date, self.article, self.reason, self.by, document, date
        )

    @property
    def citation(self) -> str:
        """The official document, dated: "Thông tư 24/2023/TT-BGDĐT ngày 28/12/2023"."""
        parts = [self.document]
        if self.date:
            parts.append(_("ngày %(d)s") % {"d": shown_date(self.date)})
        return " ".join(parts)

    @property
    def adoption(self) -> str:
        parts = [self.adopted_document]
        if self.adopted_date:
            parts.append(_("ngày %(d)s") % {"d": shown_date(self.adopted_date)})
        return " ".join(parts)

    @property
    def label(self) -> str:
        """What the pages show next to the item."""
        if self.is_official:
            where = self.citation + (f", {self.article}" if self.article else "")
            return _("chính thức (%(w)s)") % {"w": where}
        if self.is_adopted:
            return _("đã được tỉnh thông qua (%(d)s)") % {"d": self.adoption}
        if self.is_proposal:
            why = _("lý do: %(r)s") % {"r": self.reason}
            if self.by:
                why += "; " + _("đề xuất bởi: %(b)s") % {"b": self.by}
            return _("đề xuất (%(w)s)") % {"w": why}
        return _("chưa ghi nguồn")

    @property
    def css(self) -> str:
        if self.is_official:
            return "src-official"
        if self.is_adopted:
            return "src-adopted"
        return "src-proposal" if self.is_proposal else "src-none"


def problems(data: Any, where: str) -> list[str]:
    """What is wrong with a source as written in a set file (Vietnamese; empty when fine)."""
    if data in (None, {}):
        return []
    if not isinstance(data, dict):
        return [_("%(w)s: nguồn phải là một bảng (kind, document, …).") % {"w": where}]
    out = []
    kind = data.get("kind")
    if kind not in KINDS:
        out.append(
            _(
                "%(w)s: loại nguồn “%(k)s” không có (official: văn bản chính thức; proposal: đề xuất)."
            )
            % {"w": where, "k": kind}
        )
    if kind == OFFICIAL and not str(data.get("document", "")).strip():
        out.append(_("%(w)s: nguồn chính thức cần số, ký hiệu văn bản.") % {"w": where})
    if kind == PROPOSAL and not str(data.get("reason", "")).strip():
        out.append(_("%(w)s: đề xuất cần ghi lý do.") % {"w": where})
    dates = [data.get("date")]
    adopted = data.get("adopted")
    if adopted not in (None, {}):
        if kind != PROPOSAL or not isinstance(adopted, dict):
            out.append(_("%(w)s: chỉ mục đề xuất mới được tỉnh thông qua.") % {"w": where})
        else:
            if not str(adopted.get("document", "")).strip() or not adopted.get("date"):
                out.append(_("%(w)s: văn bản thông qua cần số và ngày.") % {"w": where})
            dates.append(adopted.get("date"))
    for value in dates:
        try:
            _iso(value)
        except ValueError:
            out.append(
                _("%(w)s: ngày “%(d)s” không đúng (dd/mm/yyyy hoặc yyyy-mm-dd).")
                % {"w": where, "d": value}
            )
    return out


def clean(data: Any) -> dict[str, Any]:
    """A source as stored: known keys only, text stripped, dates as yyyy-mm-dd.
    Call after `problems` found nothing."""
    if not isinstance(data, dict) or data.get("kind") not in KINDS:
        return {}
    out: dict[str, Any] = {"kind": data["kind"]}
    for key in ("document", "article", "reason", "by"):
        text = str(data.get(key, "") or "").strip()
        if text:
            out[key] = text
    if data.get("date"):
        out["date"] = _iso(data["date"])
    adopted = data.get("adopted")
    if isinstance(adopted, dict) and adopted.get("document"):
        out["adopted"] = {
            "document": str(adopted["document"]).strip(),
            "date": _iso(adopted.get("date")),
        }
    return out
