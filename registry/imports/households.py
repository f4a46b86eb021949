"""The household import, and the clan labels of the household sheet."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext as _

from core.text import fold
from core.xlsx import Row
from places.models import Place
from registry.columns import clan_label
from registry.fields import HOUSEHOLD
from registry.forms import HouseholdFieldsForm
from registry.imports.audit import names_of
from registry.imports.base import BATCH, Importer, RowForm
from registry.models import Citizen, Clan, Household, ResidenceStatus

COMMUNE_CODE = re.compile(r"^(?P<label>.*?)\s*\[\s*(?P<code>\d+)\s*\]$")  # "… [11953]"


class ClanLabels:
    """Clan labels of the household sheet (`registry.columns.clan_label`) → clans: a
    label without a code is a clan of the importing commune; "Nguyễn — Chi 2 [11953]" is
    the clan of commune 11953."""

    def __init__(self, commune: Place) -> None:
        self.commune = commune
        self.by_id: dict[int, Clan] = {}
        self.codes: dict[int, str] = {}  # commune id → code
        self.index: dict[tuple[int, str], Clan] = {}  # (commune id, folded label) → clan
        self.elsewhere: dict[str, list[Clan]] = {}  # folded label → clans of other communes
        clans = list(
            Clan.objects.only("id", "name", "branch_name", "name_key", "commune_id").order_by("pk")
        )
        communes = {c.commune_id for c in clans} | {commune.pk}
        self.codes = {
            pk: code or ""
            for pk, code in Place.objects.filter(pk__in=communes).values_list("id", "code")
        }
        self.commune_ids = {code: pk for pk, code in self.codes.items() if code}
        for clan in clans:
            self.by_id[clan.pk] = clan
            label = fold(clan_label(clan))
            self.index[(clan.commune_id, label)] = clan
            if clan.commune_id != commune.pk:
                self.elsewhere.setdefault(label, []).append(clan)
        for clan in clans:  # "Nguyễn Chi 2" for "Nguyễn — Chi 2"
            self.index.setdefault((clan.commune_id, clan.name_key.replace("|", " ").strip()), clan)

    def find(self, commune_id: int, text: str) -> Clan | None:
        return self.index.get((commune_id, fold(text))) or self.index.get(
            (commune_id, fold(text.removeprefix("Họ ").removeprefix("họ ")))
        )

    def resolve(self, text: str, current: Clan | None) -> tuple[Clan | None, str]:
        """(the clan, "") or (None, why not)."""
        coded = COMMUNE_CODE.match(text)
        if coded:
            label, code = coded["label"], coded["code"]
            commune_id = self.commune_ids.get(code)
            clan = self.find(commune_id, label) if commune_id is not None else None
            if clan is None:
                return None, _("Không có dòng họ “%(c)s” ở xã/phường mã %(x)s.") % {
                    "c": label,
                    "x": code,
                }
            return clan, ""
        clan = self.find(self.commune.pk, text)
        if clan is not None:
            return clan, ""
        # A file exported before labels carried codes: the household's clan, unchanged.
        if current is not None and fold(text) in (
            fold(clan_label(current)),
            fold(str(current)),
        ):
            return current, ""
        others = self.elsewhere.get(fold(text)) or self.elsewhere.get(
            fold(text.removeprefix("Họ ").removeprefix("họ ")), []
        )
        if not others:
            return None, _("Chưa có dòng họ “%(c)s” trong sổ dòng họ của %(x)s.") % {
                "c": text,
                "x": self.commune,
            }
        example = clan_label(others[0], self.codes.get(others[0].commune_id, ""))
        if len(others) > 1:
            message = _(
                "Có nhiều dòng họ “%(c)s” ở các xã khác; ghi kèm mã xã trong ngoặc vuông, ví dụ “%(e)s”."
            )
        else:
            message = _(
                "Dòng họ “%(c)s” không thuộc %(x)s; dòng họ của xã khác ghi kèm mã xã trong ngoặc vuông, ví dụ “%(e)s”."
            )
        return None, message % {"c": text, "x": self.commune, "e": example}


class HouseholdImporter(Importer):
    kind = "households"
    form_class = HouseholdFieldsForm

    def plan(self, rows: Iterable[Row]) -> None:
        self.village_table = self.villages()
        self.clans = ClanLabels(self.commune)
        self.existing = {
            h.pk: h for h in Household.objects.filter(commune=self.commune).select_related("head")
        }
        self.by_code = {h.code: h for h in self.existing.values()}
        village_names = names_of(
            Place,
            {h.village_id for h in self.existing.values()},
            {v.pk: v.name for v in self.village_table.values()},
        )
        clans = self.clans
        # Audit values named as the pages name them (registry.services: str of the object).
        self.shown: dict[str, Callable[[Any], Any]] = {
            "village": lambda pk: village_names.get(pk) if pk else None,
            "clan": lambda pk: str(clans.by_id[pk]) if pk in clans.by_id else None,
        }
        self.form = RowForm(HouseholdFieldsForm)
        self.creates: list[Household] = []
        self.updates: list[tuple[Household, dict[str, list[Any]]]] = []
        self.seen: dict[str, int] = {}  # code → row
        for row in rows:
            self.plan_row(row)
        self.report.created, self.report.updated = len(self.creates), len(self.updates)

    def plan_row(self, row: Row) -> None:
        cleaned, errors = self.form.clean(self.cells(row, HOUSEHOLD))
        self.form_errors(row, errors)
        village = self.village_table.get(fold(str(row.values.get("village") or "")))
        if village is None:
            self.err(
                row,
                "village",
                _("Không có thôn “%(v)s” trong %(c)s.")
                % {"v": row.values.get("village") or "", "c": self.commune},
            )
        clan_text = str(row.values.get("clan") or "").strip()
        clan = self.clan_of(row, clan_text, cleaned) if clan_text else None
        row_id = self.row_id(row)
        match = self.existing.get(row_id) if row_id else self.by_code.get(cleaned.get("code") or "")
        if errors or village is None or (clan_text and clan is None):
            return
        if not self.check_match(row, cleaned["code"], row_id, match):
            return
        target = match or Household(commune=self.commune)
        compared = HOUSEHOLD.compared
        before = [getattr(target, name) for name in compared]
        on_record = target.code  # before the row changes it
        for name, value in HOUSEHOLD.values(cleaned, HOUSEHOLD.plain_form_fields).items():
            setattr(target, name, value)
        target.village, target.clan = village, clan
        after = [getattr(target, name) for name in compared]
        if match is None:
            self.creates.append(target)
        elif before != after:
            shown = self.shown
            changes = {}
            for attname, b, a in zip(compared, before, after, strict=True):
                if b != a:
                    name = attname.removesuffix("_id")
                    changes[name] = [shown[name](b), shown[name](a)] if name in shown else [b, a]
            self.updates.append((target, changes))
            self.preview(row.number, _("Hộ %(c)s") % {"c": on_record}, Household, changes)
        else:
            self.report.unchanged += 1

    def clan_of(self, row: Row, text: str, cleaned: dict[str, Any]) -> Clan | None:
        """The clan a label names (reported when none)."""
        peek = self.row_id(row, quiet=True)
        known = self.existing.get(peek) if peek else self.by_code.get(cleaned.get("code") or "")
        current = self.clans.by_id.get(known.clan_id) if known and known.clan_id else None
        clan, problem = self.clans.resolve(text, current)
        if clan is None:
            self.err(row, "clan", problem)
        return clan

    def check_match(self, row: Row, code: str, row_id: int | None, match: Household | None) -> bool:
        """A code on one row only, a system id that exists, a code not another's."""
        if code in self.seen:
            self.err(row, "code", _("Mã hộ trùng với dòng %(r)s.") % {"r": self.seen[code]})
            return False
        self.seen[code] = row.number
        if row_id and match is None:
            self.err(
                row,
                "id",
                _("Không có hộ mã hệ thống %(i)s trong %(c)s.") % {"i": row_id, "c": self.commune},
            )
            return False
        if match is not None and match.code != code and code in self.by_code:
            self.err(row, "code", _("Mã hộ %(c)s đã dùng cho hộ khác.") % {"c": code})
            return False
        return True

    def commit(self) -> None:
        for h in self.creates + [h for h, _c in self.updates]:
            h.refresh_search_key()
        Household.objects.bulk_create(self.creates, batch_size=BATCH)
        Household.objects.bulk_update(
            [h for h, _c in self.updates],
            [*(f.name for f in HOUSEHOLD.sheet_fields), "search_key"],
            batch_size=500,
        )
        for household, changes in self.updates:
            if "village" in changes:
                Citizen.objects.filter(household=household, status=ResidenceStatus.ACTIVE).update(
                    village=household.village
                )
        self.audit(Household, self.creates, self.updates)
