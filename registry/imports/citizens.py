"""The citizen import: a commune's whole population, planned in small steps.

`CitizenImporter.plan` loads the register once (bulk queries), then takes each row
through the same steps: check its cells, claim its CCCD, check its household, match it
to a person on record, build the record, claim the headship, plan a create or an update.
A step that rejects a row reports why and raises `_RejectedRowError`; the row plans nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from core.text import fold
from core.xlsx import Row
from places.models import Place
from registry.fields import CITIZEN
from registry.forms import CitizenFieldsForm
from registry.imports.audit import plain, some
from registry.imports.base import Importer
from registry.imports.citizen_rows import (
    CELL_FIELDS,
    CITIZEN_COMPARE,
    CheckedRow,
    CitizenCells,
    CitizenUpdate,
    CitizenValues,
    Demotion,
    Departure,
    KnownHousehold,
    PlannedHead,
    citizen_values,
    identity_text,
)
from registry.imports.citizen_writes import CitizenWriter
from registry.models import Citizen, Household, Organisation, Relation, ResidenceStatus


class _RejectedRowError(Exception):
    """The row was rejected (and the reason reported); it plans nothing."""


class CitizenImporter(Importer):
    """The big one (a commune's whole population): rows stay plain dicts and are written
    as tuples, so 100,000 people validate and commit in seconds."""

    kind = "citizens"
    form_class = CitizenFieldsForm

    def plan(self, rows: Iterable[Row]) -> None:
        self.load_register()
        self.start_plan()
        # A local, not an attribute: the cells refer to the importer, and a reference cycle
        # would keep the whole plan alive after the import, until the collector came by.
        cells = CitizenCells(self)
        total = self.total
        for index, row in enumerate(rows):
            if index % 10000 == 0:
                self.progress(
                    0.8 * index / total, _("Kiểm tra dòng %(i)s/%(n)s") % {"i": index, "n": total}
                )
            self.plan_row(row, cells)
        self.plan_headships(self.seen_ids)
        self.check_registered_elsewhere()
        self.summarise()

    # --- the register, read once ------------------------------------------
    def load_register(self) -> None:
        """The commune's villages, organisations, households and people (bulk queries)."""
        self.village_table = self.villages()
        self.load_organisations()
        self.load_households()
        self.load_citizens()

    def load_organisations(self) -> None:
        self.organisations: dict[str, int] = {}  # folded name → id
        self.organisation_names: dict[int, str] = {}
        for key, pk, name in Organisation.objects.filter(commune=self.commune).values_list(
            "name_key", "id", "name"
        ):
            self.organisations[key] = pk
            self.organisation_names[pk] = name

    def load_households(self) -> None:
        self.households: dict[str, KnownHousehold] = {
            code: KnownHousehold(pk, village_id, head_id, address)
            for pk, code, village_id, head_id, address in Household.objects.filter(
                commune=self.commune
            ).values_list("id", "code", "village_id", "head_id", "address")
        }
        self.code_of = {known.id: code for code, known in self.households.items()}

    def load_citizens(self) -> None:
        """The commune's people, and the indexes rows are matched on."""
        self.existing: dict[int, CitizenValues] = {}
        self.by_identity: dict[str, int] = {}
        self.by_person: dict[tuple[str, str, int], list[int]] = {}  # household, name, year
        self.by_name: dict[tuple[int, str, int], list[tuple[int, str]]] = {}  # village, …
        code_of, make = self.code_of, citizen_values
        for values in (
            Citizen.objects.filter(commune=self.commune)
            .values_list("id", *CITIZEN_COMPARE)
            .iterator(chunk_size=5000)
        ):
            pk = values[0]
            person = self.existing[pk] = make(values[1:])
            name, year = person.full_name, person.birth_year
            if person.identity_number:
                self.by_identity[person.identity_number] = pk
            if person.household_id:
                self.by_person.setdefault(
                    (code_of.get(person.household_id, ""), fold(name), year), []
                ).append(pk)
            self.by_name.setdefault((person.village_id, fold(name), year), []).append((pk, name))

    def start_plan(self) -> None:
        self.new_households: dict[str, dict[str, Any]] = {}
        self.creates: list[dict[str, Any]] = []
        self.updates: list[CitizenUpdate] = []
        self.heads: dict[str, PlannedHead] = {}
        self.departures: list[Departure] = []
        self.seen_identity: dict[str, int] = {}  # CCCD → row
        self.seen_ids: dict[int, int] = {}  # person on record → row

    # --- one row ------------------------------------------------------------
    def plan_row(self, row: Row, cells: CitizenCells) -> None:
        try:
            checked = self.checked(row, cells)
            self.claim_identity(row, checked.identity)
            self.check_household(row, checked)
            match = self.claim_person(row, self.match(row, checked))
            record = self.record(checked, match)
            self.claim_headship(row, checked, match, record)
        except _RejectedRowError:
            return
        else:
            if match is None:
                self.plan_create(row, record)
            else:
                how = (
                    "id"
                    if checked.row_id is not None
                    else ("identity" if checked.identity in self.by_identity else "person")
                )
                self.plan_update(match, record, row=row.number, how=how)

    def checked(self, row: Row, cells: CitizenCells) -> CheckedRow:
        """Every cell checked and every problem reported; a row with any is skipped."""
        cleaned, errors, status = cells.clean(row)
        self.form_errors(row, errors)
        village = self.village_of(row)
        workplace_text, workplace_id = self.workplace_of(row)
        row_id = self.row_id(row)
        if (
            errors
            or village is None
            or (workplace_text and workplace_id is None)
            or (row.number, "id") in self.reported
        ):
            raise _RejectedRowError
        return CheckedRow(
            cleaned=cleaned,
            status=status,
            village=village,
            workplace_id=workplace_id,
            row_id=row_id,
            identity=cleaned["identity_number"] or None,
            code=identity_text(row.values.get("household_code")),
        )

    def village_of(self, row: Row) -> Place | None:
        values = row.values
        village = self.village_table.get(fold(str(values.get("village") or "")))
        if village is None:
            self.err(
                row,
                "village",
                _("Không có thôn “%(v)s” trong %(c)s.")
                % {"v": values.get("village") or "", "c": self.commune}
                if values.get("village")
                else _("Thiếu tên thôn."),
            )
        return village

    def workplace_of(self, row: Row) -> tuple[str, int | None]:
        """(the cell's text, the organisation's id or None)."""
        text = str(row.values.get("workplace") or "").strip()
        workplace_id = self.organisations.get(fold(text)) if text else None
        if text and workplace_id is None:
            self.err(
                row,
                "workplace",
                _("Chưa có đơn vị “%(w)s” trong sổ đơn vị của xã; nhập sổ đơn vị trước.")
                % {"w": text},
            )
        return text, workplace_id

    def claim_identity(self, row: Row, identity: str | None) -> None:
        """A CCCD appears on one row of the file only."""
        if not identity:
            return
        if identity in self.seen_identity:
            self.err(
                row,
                "identity_number",
                _("Số CCCD trùng với dòng %(r)s.") % {"r": self.seen_identity[identity]},
            )
            raise _RejectedRowError
        self.seen_identity[identity] = row.number

    def check_household(self, row: Row, checked: CheckedRow) -> None:
        """The row's household (on record, or new in this file) is in the row's village."""
        code = checked.code
        if not code:
            return
        known = self.households.get(code)
        household_village = (
            known.village_id
            if known
            else self.new_households.setdefault(
                code, {"code": code, "village_id": checked.village.pk, "row": row.number}
            )["village_id"]
        )
        if household_village != checked.village.pk:
            self.err(
                row, "village", _("Hộ %(h)s ở thôn khác với thôn ghi trên dòng này.") % {"h": code}
            )
            raise _RejectedRowError

    def match(self, row: Row, checked: CheckedRow) -> int | None:
        """The person on record this row is: by system id, then CCCD, then household,
        name and birth year. None for a new person."""
        row_id, identity = checked.row_id, checked.identity
        if row_id is not None:
            if row_id not in self.existing:
                self.err(
                    row,
                    "id",
                    _("Không có công dân mã %(i)s trong %(c)s.") % {"i": row_id, "c": self.commune},
                )
                raise _RejectedRowError
            other = self.by_identity.get(identity) if identity else None
            if other is not None and other != row_id:
                self.err(
                    row,
                    "identity_number",
                    _("Số CCCD %(n)s đang là của công dân mã %(i)s.") % {"n": identity, "i": other},
                )
                raise _RejectedRowError
            return row_id
        if identity and identity in self.by_identity:
            return self.by_identity[identity]
        # Same household, name and birth year; twins are told apart by the full date.
        birth_date, birth_year = checked.cleaned["birth"]
        candidates = [
            pk
            for pk in self.by_person.get(
                (checked.code, fold(checked.cleaned["full_name"]), birth_year), []
            )
            if pk not in self.seen_ids
        ]
        exact = [pk for pk in candidates if self.existing[pk].birth_date == birth_date]
        return exact[0] if exact else (candidates[0] if candidates else None)

    def claim_person(self, row: Row, match: int | None) -> int | None:
        """A person on record is matched by one row of the file only."""
        if match is not None:
            if match in self.seen_ids:
                self.err(
                    row,
                    "full_name",
                    _("Trùng người với dòng %(r)s.") % {"r": self.seen_ids[match]},
                )
                raise _RejectedRowError
            self.seen_ids[match] = row.number
        return match

    def record(self, checked: CheckedRow, match: int | None) -> dict[str, Any]:
        """The citizen as the row leaves it, as the columns the writer writes: the cells
        the page's fields read, as the model keeps them (`Registry.stored`), and the
        links and the status the import resolves. "Chủ hộ" is no stored relation: it
        claims the headship (`claim_headship`, kept as Household.head), the head's own
        relation blank."""
        code = checked.code
        record = CITIZEN.values(checked.cleaned, CELL_FIELDS)
        relation = record["relation"] if code else ""
        record.update(
            identity_number=checked.identity,
            village_id=checked.village.pk,
            household_code=code,
            relation="" if relation == Relation.HEAD else relation,
            workplace_id=checked.workplace_id,
            status=checked.status
            or (self.existing[match].status if match else ResidenceStatus.ACTIVE),
        )
        return record

    def claim_headship(
        self, row: Row, checked: CheckedRow, match: int | None, record: dict[str, Any]
    ) -> None:
        """A row saying "Chủ hộ" makes its person the household's head. Only a resident
        can head a household (a head who died or moved away heads nothing), and a
        household has one head in the file."""
        code = checked.code
        if not (
            code
            and checked.cleaned["relation"] == Relation.HEAD
            and record["status"] == ResidenceStatus.ACTIVE
        ):
            return
        if code in self.heads:
            self.err(
                row,
                "relation",
                _("Hộ %(h)s đã có chủ hộ ở dòng %(r)s.") % {"h": code, "r": self.heads[code].row},
            )
            raise _RejectedRowError
        self.heads[code] = PlannedHead(match, record, row.number)

    def plan_create(self, row: Row, record: dict[str, Any]) -> None:
        similar = self.by_name.get(
            (record["village_id"], fold(record["full_name"]), record["birth_year"]), []
        )
        for pk, name in similar:
            self.report.warnings.append(
                _(
                    "Dòng %(r)s: có thể trùng với công dân đã có “%(n)s” (mã %(i)s) cùng năm sinh, cùng thôn."
                )
                % {"r": row.number, "n": name, "i": pk}
            )
        self.creates.append(record)

    def plan_update(
        self, match: int, record: dict[str, Any], *, row: int = 0, how: str = "person"
    ) -> None:
        """The changes the row makes to the person on record, if any, and their preview."""
        before = self.existing[match]
        code = record["household_code"]
        known = self.households.get(code)
        household_id = known.id if known else (None if not code else -1)  # -1: new here
        after = [household_id if c == "household_id" else record[c] for c in CITIZEN_COMPARE]
        changes = {
            name.removesuffix("_id"): [plain(b), plain(a)]
            for name, b, a in zip(CITIZEN_COMPARE, before, after, strict=True)
            if b != a
        }
        if not changes:
            self.report.unchanged += 1
            return
        self.updates.append(CitizenUpdate(match, record, changes))
        self.preview_update(row, match, record, changes, how)
        if "status" in changes and record["status"] != ResidenceStatus.ACTIVE:
            left = code or (
                self.code_of.get(before.household_id, "") if before.household_id else ""
            )
            if left:
                self.departures.append(
                    Departure(match, left, record["status"], record["full_name"])
                )

    def preview_update(
        self,
        row: int,
        match: int,
        record: dict[str, Any],
        changes: dict[str, list[Any]],
        how: str,
    ) -> None:
        """The update as the preview lists it: links by name; an alert when the row
        would rename the person on record or move them to another household or village
        (a mistyped CCCD or system id takes over somebody else's record)."""
        before = self.existing[match]
        named: dict[str, Callable[[Any], str | None]] = {
            "village": self.village_name,
            "household": lambda pk: self.household_name(pk, record["household_code"]),
            "workplace": self.organisation_names.get,
        }
        shown = {
            key: [named[key](b), named[key](a)] if key in named else [b, a]
            for key, (b, a) in changes.items()
        }
        renamed = fold(before.full_name) != fold(record["full_name"])
        moved = ("household" in changes and before.household_id is not None) or (
            "village" in changes
        )
        alert = ""
        if renamed or moved:
            where = ", ".join(
                part
                for part in (
                    self.household_name(before.household_id, ""),
                    self.village_name(before.village_id),
                )
                if part
            )
            effects = []
            if renamed:
                effects.append(_("đổi tên thành “%(n)s”") % {"n": record["full_name"]})
            if "household" in changes and before.household_id is not None:
                effects.append(
                    _("chuyển sang %(h)s") % {"h": shown["household"][1] or _("không thuộc hộ nào")}
                )
            elif "village" in changes:
                effects.append(_("chuyển sang %(v)s") % {"v": shown["village"][1]})
            matched_by = {
                "id": _("Mã hệ thống %(i)s là của") % {"i": match},
                "identity": _("Số CCCD trên dòng này trùng với"),
                "person": _("Dòng này được nhận là"),
            }[how]
            alert = _(
                "%(by)s công dân đã có “%(n)s” (%(w)s): xác nhận sẽ %(e)s. Nếu không phải "
                "cùng một người, hãy sửa tệp trước khi xác nhận."
            ) % {
                "by": matched_by,
                "n": before.full_name,
                "w": where,
                "e": " và ".join(str(e) for e in effects),
            }
        self.preview(row, before.full_name, Citizen, shown, alert=str(alert))

    def village_name(self, pk: int | None) -> str:
        if not hasattr(self, "_village_names"):
            self._village_names = {v.pk: v.name for v in self.village_table.values()}
        return self._village_names.get(pk, "") if pk is not None else ""

    def household_name(self, pk: int | None, new_code: str) -> str:
        if pk is None:
            return ""
        if pk == -1:
            return _("hộ mới %(c)s") % {"c": new_code}
        return _("hộ %(c)s") % {"c": self.code_of.get(pk, "")}

    # --- after the rows -------------------------------------------------------
    def plan_headships(self, in_file: dict[int, int]) -> None:
        """The household side of a change of head, as the pages do it: a previous head
        who is not in the file stops being "Chủ hộ" (relation "Khác"); a head who dies,
        moves away or moves to another household leaves the household without a head
        unless the file names a new one; a head who stays, resident, keeps the headship
        unless the file names a new one, so their row cannot give them another relation."""
        self.demoted: list[Demotion] = []
        for code, head in self.heads.items():
            known = self.households.get(code)
            previous = known.head_id if known else None
            if known is None or previous is None or previous == head.citizen or previous in in_file:
                continue
            before = self.existing.get(previous)
            if before is None or before.household_id != known.id:
                continue
            self.demoted.append(Demotion(previous, code))
        headed = {v.head_id: code for code, v in self.households.items() if v.head_id is not None}
        self.headless: list[str] = []  # households whose head leaves, none named instead
        leaving = [d.citizen for d in self.departures]
        for update in self.updates:
            led = headed.get(update.citizen)
            if led is None or led in self.heads:
                continue
            if update.record["household_code"] != led:
                leaving.append(update.citizen)
            elif update.record["relation"] and update.record["status"] == ResidenceStatus.ACTIVE:
                self.err(
                    Row(self.seen_ids[update.citizen], {}),
                    "relation",
                    _(
                        "%(n)s là chủ hộ %(h)s: ghi “Chủ hộ” (hoặc để trống); muốn đổi chủ hộ, ghi “Chủ hộ” cho người mới trong tệp."
                    )
                    % {"n": update.record["full_name"], "h": led},
                )
        for citizen in leaving:
            led = headed.get(citizen)
            if led is not None and led not in self.heads and led not in self.headless:
                self.headless.append(led)
        if self.demoted:
            self.report.warnings.append(
                _(
                    "%(n)s chủ hộ cũ không có trong tệp sẽ thôi làm chủ hộ (quan hệ với chủ hộ đổi thành “%(r)s”): %(l)s."
                )
                % {
                    "n": len(self.demoted),
                    "r": Relation.OTHER.label,
                    "l": some(
                        f"{self.existing[d.citizen].full_name} (hộ {d.household})"
                        for d in self.demoted
                    ),
                }
            )
        if self.headless:
            self.report.warnings.append(
                _(
                    "%(n)s hộ sẽ không còn chủ hộ vì chủ hộ đã mất hoặc chuyển đi và tệp không ghi chủ hộ mới: %(l)s."
                )
                % {"n": len(self.headless), "l": some(self.headless)}
            )

    def check_registered_elsewhere(self) -> None:
        """CCCDs of people registered in other communes: one query after the pass."""
        for identity in registered_elsewhere(sorted(self.seen_identity), self.commune.pk):
            self.err(
                Row(self.seen_identity[identity], {}),
                "identity_number",
                _("Số CCCD %(n)s đã được đăng ký cho một công dân ở xã khác.") % {"n": identity},
            )

    def summarise(self) -> None:
        self.report.errors.sort(key=lambda e: e.row)
        self.report.created = len(self.creates)
        self.report.updated = len(self.updates)
        if self.new_households:
            self.report.warnings.append(
                _("Sẽ tạo %(n)s hộ mới theo mã hộ trong tệp.") % {"n": len(self.new_households)}
            )

    def commit(self) -> None:
        CitizenWriter(self).write()


def registered_elsewhere(numbers: list[str], commune_id: int) -> list[str]:
    """Which of these CCCDs belong to people of other communes (one indexed probe each)."""
    found: list[str] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array parameter instead of thousands of bound values.
            cursor.execute(
                f'SELECT identity_number FROM "{Citizen._meta.db_table}" '
                "WHERE identity_number = ANY(%s) AND commune_id <> %s",
                [numbers, commune_id],
            )
            return [row[0] for row in cursor.fetchall()]
    for start in range(0, len(numbers), 5000):
        found += list(
            Citizen.objects.filter(identity_number__in=numbers[start : start + 5000])
            .exclude(commune_id=commune_id)
            .values_list("identity_number", flat=True)
        )
    return found
