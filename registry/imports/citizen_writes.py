"""Writing a planned citizen import: bulk inserts and updates (explicit ids, executemany
or COPY through `core.bulk`), then the audit trail the pages would have left.

Runs inside the importer's transaction: all or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from core.bulk import RowWriter, allocate_ids, update_rows
from core.middleware import client_ip
from core.text import fold
from places.models import Place
from registry.imports.audit import household_label, names_of, range_events
from registry.imports.citizen_rows import CITIZEN_COMPARE
from registry.models import Citizen, Household, Organisation, Relation, ResidenceStatus

if TYPE_CHECKING:
    from registry.imports.citizens import CitizenImporter


class HeadOf(NamedTuple):
    """The head a household has after the import."""

    id: int
    name: str


class HeadChange(NamedTuple):
    household: str  # code
    before: int | None
    after: int | None


class CitizenWriter:
    def __init__(self, importer: CitizenImporter) -> None:
        self.importer = importer
        self.now = timezone.now()

    def write(self) -> None:
        self.allocate_ids()
        self.insert_households()
        self.insert_citizens()
        self.update_citizens()
        self.demote_heads()
        head_changes = self.update_heads()
        self.write_events(self.events(head_changes))
        self.importer.written[Household] = len(self.new_codes)
        self.importer.written[Citizen] = len(self.citizen_ids)

    def allocate_ids(self) -> None:
        """Ids for the new households and people, and each household's head after."""
        imp = self.importer
        self.household_ids = {code: v.id for code, v in imp.households.items()}
        self.new_codes = list(imp.new_households)
        new_ids = allocate_ids(Household, len(self.new_codes))
        for code, pk in zip(self.new_codes, new_ids, strict=True):
            self.household_ids[code] = pk
        self.citizen_ids = allocate_ids(Citizen, len(imp.creates))
        position = {id(record): i for i, record in enumerate(imp.creates)}
        self.head_of: dict[str, HeadOf] = {}
        for code, head in imp.heads.items():
            head_id = (
                head.citizen
                if head.citizen is not None
                else self.citizen_ids[position[id(head.record)]]
            )
            self.head_of[code] = HeadOf(head_id, head.record["full_name"])

    def insert_households(self) -> None:
        imp = self.importer
        households = RowWriter(
            Household,
            {"created_at": self.now, "updated_at": self.now, "commune_id": imp.commune.pk},
        )
        # Heads are written with the households: the foreign key is checked at commit.
        households.insert(
            {
                "id": self.household_ids[code],
                "village_id": spec["village_id"],
                "code": code,
                "address": "",
                "head_id": self.head_of[code].id if code in self.head_of else None,
                "search_key": fold(
                    f"{code} {self.head_of[code].name if code in self.head_of else ''}"
                ),
            }
            for code, spec in imp.new_households.items()
        )

    def citizen_row(self, pk: int, record: dict[str, Any]) -> dict[str, Any]:
        code = record["household_code"]
        return {
            **record,
            "id": pk,
            "household_id": self.household_ids.get(code) if code else None,
            "search_key": fold(
                f"{record['full_name']} {record['identity_number'] or ''} {record['phone']}"
            )[:400],
        }

    def insert_citizens(self) -> None:
        imp = self.importer
        citizens = RowWriter(
            Citizen, {"created_at": self.now, "updated_at": self.now, "commune_id": imp.commune.pk}
        )
        citizens.insert(
            self.citizen_row(pk, record)
            for pk, record in zip(self.citizen_ids, imp.creates, strict=True)
        )

    def update_citizens(self) -> None:
        if not self.importer.updates:
            return
        # One UPDATE per row through executemany: bulk_update's CASE WHEN statements
        # take minutes when a whole commune changes.
        now = self.now
        columns = [*CITIZEN_COMPARE, "search_key", "updated_at"]
        writer = RowWriter(Citizen, {"updated_at": now})
        adapt = {attname: adapter for attname, adapter, _default in writer.plan if adapter}
        rows = []
        for update in self.importer.updates:
            values = {**self.citizen_row(update.citizen, update.record), "updated_at": now}
            row = []
            for column in columns:
                value, adapter = values[column], adapt.get(column)
                row.append(adapter(value) if adapter is not None and value is not None else value)
            rows.append([*row, update.citizen])
        update_rows(Citizen, columns, rows)

    def demote_heads(self) -> None:
        demoted = [d.citizen for d in self.importer.demoted]
        for start in range(0, len(demoted), 500):
            Citizen.objects.filter(pk__in=demoted[start : start + 500]).update(
                relation=Relation.OTHER, updated_at=self.now
            )

    def update_heads(self) -> list[HeadChange]:
        """Households on record whose head changes: named in the file, or gone."""
        imp = self.importer
        final_heads: dict[str, int | None] = {code: v.id for code, v in self.head_of.items()}
        final_heads.update(dict.fromkeys(imp.headless))
        head_changes = [
            HeadChange(code, imp.households[code].head_id, final)
            for code, final in final_heads.items()
            if code not in imp.new_households and imp.households[code].head_id != final
        ]
        update_rows(
            Household,
            ["head_id", "search_key"],
            [
                (
                    change.after,
                    fold(
                        f"{change.household} "
                        f"{self.head_of[change.household].name if change.after is not None else ''}"
                        f" {imp.households[change.household].address}"
                    ),
                    imp.households[change.household].id,
                )
                for change in head_changes
            ],
        )
        return head_changes

    # --- the audit trail ------------------------------------------------------
    def events(self, head_changes: list[HeadChange]) -> list[dict[str, Any]]:
        names = AuditNames(self.importer, self.head_of)
        return [*self.creation_events(), *self.change_events(names, head_changes)]

    def creation_events(self) -> list[dict[str, Any]]:
        """One event per run of consecutive new ids (`range_events`)."""
        households = [self.household_ids[c] for c in self.new_codes]
        return [
            *(
                {
                    **values,
                    "content_type_id": self.content_type(Household),
                    "action": "household.import_create",
                }
                for values in range_events(Household, households)
            ),
            *(
                {
                    **values,
                    "content_type_id": self.content_type(Citizen),
                    "action": "citizen.import_create",
                }
                for values in range_events(Citizen, self.citizen_ids)
            ),
        ]

    def change_events(
        self, names: AuditNames, head_changes: list[HeadChange]
    ) -> list[dict[str, Any]]:
        imp, event, household_ids = self.importer, self.event, self.household_ids
        return [
            *(
                event(
                    Citizen,
                    "citizen.import_update",
                    u.citizen,
                    u.record["full_name"],
                    names.changes(u.record, u.changes, u.citizen),
                )
                for u in imp.updates
            ),
            *(
                event(
                    Citizen,
                    "citizen.import_update",
                    d.citizen,
                    names.person_after(d.citizen),
                    {"relation": [Relation.HEAD.value, Relation.OTHER.value]},
                )
                for d in imp.demoted
            ),
            # The household side of a death or a move away (as registry.services.record_status).
            *(
                event(
                    Household,
                    "household.member_out",
                    household_ids[d.household],
                    names.household_after(d.household),
                    {"member": [d.name, None]},
                    note=str(ResidenceStatus(d.status).label),
                )
                for d in imp.departures
            ),
            *(
                event(
                    Household,
                    "household.head",
                    household_ids[c.household],
                    names.household_after(c.household),
                    {
                        "head": [
                            names.person_before(c.before) if c.before else None,
                            self.head_of[c.household].name if c.after is not None else None,
                        ]
                    },
                )
                for c in head_changes
            ),
        ]

    def event(
        self,
        model: type[Any],
        action: str,
        pk: int,
        label: str,
        changes: dict[str, list[Any]] | None = None,
        *,
        note: str | None = None,
    ) -> dict[str, Any]:
        values = {
            "content_type_id": self.content_type(model),
            "action": action,
            "object_id": str(pk),
            "object_repr": label[:300],
            "changes": changes or {},
        }
        if note is not None:
            values["note"] = note
        return values

    def content_type(self, model: type[Any]) -> int:
        cache = self.importer.content_types
        content_type = cache.get(model)
        if content_type is None:
            content_type = cache[model] = ContentType.objects.get_for_model(model).pk
        return content_type

    def write_events(self, events: Iterable[dict[str, Any]]) -> None:
        imp = self.importer
        base = {
            "actor_id": imp.actor.pk if imp.actor else None,
            "ip": client_ip.get(),
            "note": _("Nhập từ Excel: %(f)s") % {"f": imp.filename}
            if imp.filename
            else _("Nhập từ Excel"),
            "created_at": timezone.now(),
        }
        RowWriter(AuditEvent, base, with_ids=False).insert(events)


class AuditNames:
    """Audit values the way the pages write them (registry.services: str of the related
    object, not its id), from id → name tables built once per import."""

    def __init__(self, importer: CitizenImporter, head_of: dict[str, HeadOf]) -> None:
        self.importer = importer
        self.head_of = head_of
        self.headless = set(importer.headless)
        self.renamed = {u.citizen: u.record["full_name"] for u in importer.updates}
        changed = [u.changes for u in importer.updates]
        self.villages = names_of(
            Place,
            (v for c in changed if "village" in c for v in c["village"]),
            dict(Place.objects.filter(parent=importer.commune).values_list("id", "name")),
        )
        self.workplaces = names_of(
            Organisation,
            (v for c in changed if "workplace" in c for v in c["workplace"]),
            dict(importer.organisation_names),
        )
        self.outside_households = names_of(
            Household,
            (
                c["household"][0]
                for c in changed
                if "household" in c and c["household"][0] not in importer.code_of
            ),
            {},
        )
        self.outside_people = names_of(
            Citizen,
            (v.head_id for v in importer.households.values() if v.head_id not in importer.existing),
            {},
        )

    def person_before(self, pk: int) -> str:
        person = self.importer.existing.get(pk)
        return person.full_name if person else self.outside_people.get(pk, "")

    def person_after(self, pk: int) -> str:
        return self.renamed.get(pk) or self.person_before(pk)

    def household_before(self, pk: int) -> str:
        code = self.importer.code_of.get(pk)
        if code is None:
            return self.outside_households.get(pk, "")
        head = self.importer.households[code].head_id
        return household_label(code, self.person_before(head) if head else "")

    def household_after(self, code: str) -> str:
        if code in self.head_of:
            return household_label(code, self.head_of[code].name)
        known = self.importer.households.get(code)
        head = known.head_id if known and code not in self.headless else None
        return household_label(code, self.person_after(head) if head else "")

    def headed_before(self, pk: int) -> bool:
        person = self.importer.existing.get(pk)
        if person is None or person.household_id is None:
            return False
        code = self.importer.code_of.get(person.household_id)
        return code is not None and self.importer.households[code].head_id == pk

    def heads_after(self, pk: int, code: str) -> bool:
        return code in self.head_of and self.head_of[code].id == pk

    def changes(
        self, record: dict[str, Any], changes: dict[str, list[Any]], pk: int
    ) -> dict[str, Any]:
        if "relation" in changes:  # as the pages show it: "head" for the head (stored blank)
            before, after = changes["relation"]
            changes["relation"] = [
                Relation.HEAD.value if self.headed_before(pk) else before,
                Relation.HEAD.value if self.heads_after(pk, record["household_code"]) else after,
            ]
        if "village" in changes:
            changes["village"] = [self.villages.get(v) if v else None for v in changes["village"]]
        if "workplace" in changes:
            changes["workplace"] = [
                self.workplaces.get(v) if v else None for v in changes["workplace"]
            ]
        if "household" in changes:
            before, after = changes["household"]
            changes["household"] = [
                self.household_before(before) if before else None,
                self.household_after(record["household_code"]) if after else None,
            ]
        return changes
