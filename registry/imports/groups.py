"""The clan and organisation imports: small registers, each row with its head by CCCD."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from core.text import fold
from core.xlsx import Row
from places.models import Place
from registry.fields import CLAN, ORGANISATION, Registry
from registry.forms import ClanFieldsForm, OrganisationFieldsForm
from registry.identity import restore_leading_zeros
from registry.imports.audit import names_of, person_label
from registry.imports.base import BATCH, Importer, RowForm
from registry.models import Citizen, Clan, Organisation


def head_by_identity(
    importer: Importer, row: Row, identity_raw: Any
) -> tuple[bool, Citizen | None]:
    """(False, None) for a CCCD nobody has (reported); else (True, its citizen or None)."""
    text = (
        str(int(identity_raw))
        if isinstance(identity_raw, float)
        else str(identity_raw or "").strip()
    )
    if not text:
        return True, None
    text = restore_leading_zeros(text) or text
    head = Citizen.objects.filter(identity_number=text).first()
    if head is None:
        importer.err(
            row, "head_identity", _("Không có công dân số CCCD %(n)s trong sổ.") % {"n": text}
        )
        return False, None
    return True, head


def head_after(
    importer: Importer, row: Row, current: Citizen | None, found: Citizen | None
) -> Citizen | None:
    """The head a clan or organisation row leaves. Without the CCCD column in the sheet the
    head stays; with it, the CCCD's citizen, and a blank cell clears the head — except
    beside the name of a head who has no CCCD (the export leaves that cell blank)."""
    sheet = importer.report.sheet
    if sheet is None or "head_identity" not in sheet.column_letters:
        return current
    if found is None and current is not None and not current.identity_number:
        shown = str(row.values.get("head_name") or "").strip()
        if shown and fold(shown) == fold(current.full_name):
            return current
    return found


def shown_changes(
    registry: Registry,
    before: list[Any],
    after: list[Any],
    shown_before: dict[str, Any],
    shown_after: dict[str, Any],
) -> dict[str, list[Any]]:
    """The audit's changes of a row (`Registry.compared` before and after), by field name
    (`head`, not `head_id`), links as `shown_…` name them."""
    return {
        name.removesuffix("_id"): [shown_before.get(name, b), shown_after.get(name, a)]
        for name, b, a in zip(registry.compared, before, after, strict=True)
        if b != a
    }


class ClanImporter(Importer):
    kind = "clans"
    form_class = ClanFieldsForm

    def plan(self, rows: Iterable[Row]) -> None:
        self.village_table = self.villages()
        self.existing = {
            c.pk: c for c in Clan.objects.filter(commune=self.commune).select_related("head")
        }
        self.by_key = {c.name_key: c for c in self.existing.values()}
        self.village_names = names_of(
            Place,
            {c.home_village_id for c in self.existing.values()},
            {v.pk: v.name for v in self.village_table.values()},
        )
        self.form = RowForm(ClanFieldsForm)
        self.creates: list[Clan] = []
        self.updates: list[tuple[Clan, dict[str, list[Any]]]] = []
        self.seen: dict[str, int] = {}  # folded name|branch → row
        for row in rows:
            self.plan_row(row)
        self.report.created, self.report.updated = len(self.creates), len(self.updates)

    def plan_row(self, row: Row) -> None:
        cleaned, errors = self.form.clean(self.cells(row, CLAN))
        self.form_errors(row, errors)
        village = self.village_table.get(fold(str(row.values.get("home_village") or "")))
        if village is None:
            self.err(
                row,
                "home_village",
                _("Không có thôn “%(v)s” trong %(c)s.")
                % {"v": row.values.get("home_village") or "", "c": self.commune},
            )
        ok, head = head_by_identity(self, row, row.values.get("head_identity"))
        row_id = self.row_id(row)
        if errors or village is None or not ok:
            return
        key = fold(f"{cleaned['name']}|{cleaned['branch_name']}")
        if key in self.seen:
            self.err(row, "name", _("Dòng họ/chi trùng với dòng %(r)s.") % {"r": self.seen[key]})
            return
        self.seen[key] = row.number
        match = self.existing.get(row_id) if row_id else self.by_key.get(key)
        if row_id and match is None:
            self.err(
                row,
                "id",
                _("Không có dòng họ mã %(i)s trong %(c)s.") % {"i": row_id, "c": self.commune},
            )
            return
        target = match or Clan(commune=self.commune)
        before_head: Citizen | None = target.head if target.head_id else None
        before = [getattr(target, name) for name in CLAN.compared]
        on_record = str(target)  # its name before the row changes it
        # Links named as the pages name them (registry.services: str of the object).
        shown_before = {
            "home_village_id": self.village_names.get(target.home_village_id),
            "head_id": person_label(before_head),
        }
        for name, value in CLAN.values(cleaned, CLAN.plain_form_fields).items():
            setattr(target, name, value)
        target.home_village = village
        target.head = head_after(self, row, before_head, head)
        after = [getattr(target, name) for name in CLAN.compared]
        if match is None:
            self.creates.append(target)
        elif before != after:
            shown_after = {
                "home_village_id": village.name,
                "head_id": person_label(target.head if target.head_id else None),
            }
            changes = shown_changes(CLAN, before, after, shown_before, shown_after)
            self.updates.append((target, changes))
            self.preview(row.number, on_record, Clan, changes)
        else:
            self.report.unchanged += 1

    def commit(self) -> None:
        for c in self.creates + [c for c, _x in self.updates]:
            c.refresh_search_key()
        Clan.objects.bulk_create(self.creates, batch_size=BATCH)
        Clan.objects.bulk_update(
            [c for c, _x in self.updates],
            [*(f.name for f in CLAN.sheet_fields), "search_key", "name_key"],
            batch_size=500,
        )
        self.audit(Clan, self.creates, self.updates)


class OrganisationImporter(Importer):
    kind = "organisations"
    form_class = OrganisationFieldsForm

    def plan(self, rows: Iterable[Row]) -> None:
        self.existing = {
            o.pk: o
            for o in Organisation.objects.filter(commune=self.commune).select_related("head")
        }
        self.by_key = {o.name_key: o for o in self.existing.values()}
        self.form = RowForm(OrganisationFieldsForm)
        self.creates: list[Organisation] = []
        self.updates: list[tuple[Organisation, dict[str, list[Any]]]] = []
        self.seen: dict[str, int] = {}  # folded name → row
        for row in rows:
            self.plan_row(row)
        self.report.created, self.report.updated = len(self.creates), len(self.updates)

    def plan_row(self, row: Row) -> None:
        payload = self.cells(row, ORGANISATION)
        cleaned, errors = self.form.clean(payload)
        self.form_errors(row, errors)
        ok, head = head_by_identity(self, row, row.values.get("head_identity"))
        row_id = self.row_id(row)
        if errors or not ok or not payload["kind"]:
            return
        key = fold(cleaned["name"])
        if key in self.seen:
            self.err(row, "name", _("Tên đơn vị trùng với dòng %(r)s.") % {"r": self.seen[key]})
            return
        self.seen[key] = row.number
        match = self.existing.get(row_id) if row_id else self.by_key.get(key)
        if row_id and match is None:
            self.err(
                row,
                "id",
                _("Không có đơn vị mã %(i)s trong %(c)s.") % {"i": row_id, "c": self.commune},
            )
            return
        target = match or Organisation(commune=self.commune)
        before_head: Citizen | None = target.head if target.head_id else None
        before = [getattr(target, name) for name in ORGANISATION.compared]
        on_record = target.name  # before the row changes it
        for name, value in ORGANISATION.values(cleaned, ORGANISATION.plain_form_fields).items():
            setattr(target, name, value)
        target.head = head_after(self, row, before_head, head)
        after = [getattr(target, name) for name in ORGANISATION.compared]
        if match is None:
            self.creates.append(target)
        elif before != after:
            # The head named as the pages name it (registry.services: str of the citizen).
            shown_before = {"head_id": person_label(before_head)}
            shown_after = {"head_id": person_label(target.head if target.head_id else None)}
            changes = shown_changes(ORGANISATION, before, after, shown_before, shown_after)
            self.updates.append((target, changes))
            self.preview(row.number, on_record, Organisation, changes)
        else:
            self.report.unchanged += 1

    def commit(self) -> None:
        for o in self.creates + [o for o, _x in self.updates]:
            o.refresh_search_key()
        Organisation.objects.bulk_create(self.creates, batch_size=BATCH)
        Organisation.objects.bulk_update(
            [o for o, _x in self.updates],
            [*(f.name for f in ORGANISATION.sheet_fields), "search_key", "name_key"],
            batch_size=500,
        )
        self.audit(Organisation, self.creates, self.updates)
