"""Excel imports for the registries: validate every row, then commit all or nothing.

Each importer reads the sheet through the shared column layout
(`registry.columns`), validates every row with the same form fields the pages
use (one form instance reused, so 100,000 rows stay fast), matches rows to
existing records (system id, then CCCD / household code / name), and plans
creates and updates. Nothing is written unless the whole file is clean;
re-importing the same file changes nothing.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit.models import AuditEvent
from core.bulk import RowWriter, allocate_ids, update_rows
from core.middleware import client_ip
from core.text import fold
from core.xlsx import Column, ImportFileError, ImportReport, Row, read_sheet
from places.models import Place
from registry.access import can_edit_commune
from registry.columns import COLUMNS, choice_lookup, clan_label
from registry.forms import (
    CitizenFieldsForm,
    ClanFieldsForm,
    HouseholdFieldsForm,
    OrganisationFieldsForm,
    citizen_cross_check,
)
from registry.identity import restore_leading_zeros
from registry.models import (
    Citizen,
    Clan,
    Household,
    Organisation,
    OrganisationLevel,
    Relation,
    ResidenceStatus,
)

Progress = Callable[[float, str], None]
BATCH = 2000
MAX_ERRORS = 1000  # beyond this the file is clearly wrong; stop collecting


class _Counted:
    """Counts rows as the importer consumes them (the sheet is read lazily)."""

    def __init__(self, rows: Iterator[Row]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[Row]:
        for row in self.rows:
            self.count += 1
            yield row


class RowForm:
    """One form instance validating many rows: the page's fields and messages, without
    re-building the form for each row."""

    def __init__(self, form_class: type[forms.Form]) -> None:
        self.form = form_class(data={})

    def clean(self, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
        form = self.form
        form.data = values
        form._errors = None  # type: ignore[attr-defined]
        form.full_clean()
        errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
        return form.cleaned_data, errors


class Importer:
    kind = ""
    form_class: type[forms.Form] = forms.Form

    def __init__(
        self,
        *,
        actor: User | None,
        commune: Place,
        filename: str = "",
        progress: Progress | None = None,
    ) -> None:
        self.actor = actor
        self.commune = commune
        self.filename = filename
        self.progress = progress or (lambda fraction, stage: None)
        self.columns: dict[str, Column] = {c.key: c for c in COLUMNS[self.kind]}
        self.report = ImportReport()
        self.content_types: dict[type[Any], int] = {}
        self.reported: set[tuple[int, str]] = set()
        self.total = 1
        self.too_many = False

    # --- shared helpers -------------------------------------------------
    def err(self, row: Row, key: str, message: str) -> None:
        self.reported.add((row.number, key))
        if len(self.report.errors) < MAX_ERRORS:
            self.report.error(row, self.columns.get(key), message)
        else:
            self.too_many = True

    def form_errors(self, row: Row, errors: dict[str, list[str]]) -> None:
        for key, messages in errors.items():
            if (row.number, key) in self.reported:
                continue  # already explained (e.g. an unknown choice)
            for message in messages:
                self.err(row, key if key in self.columns else "", message)

    def villages(self) -> dict[str, Place]:
        table: dict[str, Place] = {}
        for village in Place.objects.current().villages().filter(parent=self.commune):
            table[fold(village.name)] = village
            table.setdefault(fold(village.short_name), village)
        return table

    def choice(self, row: Row, key: str, value: Any, *, default: str = "") -> str:
        text = fold(str(value or ""))
        if not text:
            return default
        code = choice_lookup(key).get(text)
        if code is None:
            options = ", ".join(self.columns[key].choices)
            self.err(
                row,
                key,
                _("“%(v)s” không hợp lệ; chọn một trong: %(o)s.") % {"v": value, "o": options},
            )
        return code or ""

    def row_id(self, row: Row, *, quiet: bool = False) -> int | None:
        """The row's system id; `quiet` only looks (a bad id is reported once, later)."""
        raw = row.values.get("id")
        text = str(raw).strip() if raw not in (None, "") else ""
        if text.endswith(".0"):
            text = text[:-2]
        if not text:
            return None
        if not text.isdigit():
            if not quiet:
                self.err(row, "id", _("Mã hệ thống phải là số (hoặc để trống khi thêm mới)."))
            return None
        return int(text)

    def audit(
        self,
        model: type[Any],
        created: Iterable[Any],
        updated: Iterable[tuple[Any, dict[str, list[Any]]]],
    ) -> None:
        content_type = ContentType.objects.get_for_model(model)
        actor_id = self.actor.pk if self.actor else None
        ip = client_ip.get()
        note = (
            _("Nhập từ Excel: %(f)s") % {"f": self.filename}
            if self.filename
            else _("Nhập từ Excel")
        )
        events = [
            AuditEvent(
                actor_id=actor_id,
                action=f"{model._meta.model_name}.import_create",
                content_type=content_type,
                note=note,
                ip=ip,
                **values,
            )
            for values in range_events(model, [obj.pk for obj in created])
        ]
        events += [
            AuditEvent(
                actor_id=actor_id,
                action=f"{model._meta.model_name}.import_update",
                content_type=content_type,
                object_id=str(obj.pk),
                object_repr=str(obj)[:300],
                changes=changes,
                note=note,
                ip=ip,
            )
            for obj, changes in updated
        ]
        AuditEvent.objects.bulk_create(events, batch_size=BATCH)

    # --- the flow -------------------------------------------------------
    def run(self, data: bytes, *, dry_run: bool) -> ImportReport:
        if self.actor is not None and not can_edit_commune(self.actor, self.commune):
            raise PermissionDenied(_("Bạn không quản lý sổ của %(c)s.") % {"c": self.commune})
        self.progress(0.0, _("Đọc tệp"))
        try:
            sheet = read_sheet(data, list(self.columns.values()))
        except ImportFileError as exc:
            self.report.file_error(str(exc))
            return self.report
        self.report.sheet = sheet
        self.report.warnings.extend(sheet.warnings)
        self.total = max(sheet.height - sheet.header_row, 1)
        counted = _Counted(sheet.rows)
        # Planning allocates hundreds of thousands of small dicts and no cycles: the
        # collector's passes over them cost a second and free nothing.
        gc.disable()
        try:
            self.plan(counted)
        finally:
            gc.enable()
        if counted.count == 0:
            self.report.file_error(
                _("Trang “%(s)s” không có dòng dữ liệu nào.") % {"s": sheet.name}
            )
            return self.report
        if self.too_many:
            self.report.file_error(
                _("Quá nhiều lỗi; chỉ liệt kê %(n)s lỗi đầu tiên.") % {"n": MAX_ERRORS}
            )
        if self.report.errors or dry_run:
            return self.report
        self.progress(0.9, _("Ghi dữ liệu"))
        try:
            with transaction.atomic():
                self.commit()
        except IntegrityError:
            self.report.file_error(
                _("Dữ liệu vừa bị người khác thay đổi trong lúc nhập; chưa ghi gì. Hãy nhập lại.")
            )
            return self.report
        self.report.committed = True
        self.progress(1.0, _("Xong"))
        return self.report

    def plan(self, rows: Iterable[Row]) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        raise NotImplementedError


CITIZEN_COMPARE = [
    "full_name",
    "gender",
    "birth_date",
    "birth_year",
    "identity_number",
    "phone",
    "ethnicity",
    "occupation",
    "in_school",
    "village_id",
    "household_id",
    "relation",
    "workplace_id",
    "status",
]
REPEATING = {"gender", "birth", "ethnicity", "occupation", "in_school", "relation"}
CITIZEN_FORM_FIELDS = [
    "full_name",
    "gender",
    "birth",
    "identity_number",
    "phone",
    "ethnicity",
    "occupation",
    "in_school",
    "relation",
]


def _identity_text(raw: Any) -> str:
    if raw in (None, ""):
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


class CitizenImporter(Importer):
    """The big one (a commune's whole population): rows stay plain dicts and are written
    as tuples, so 100,000 people validate and commit in seconds."""

    kind = "citizens"
    form_class = CitizenFieldsForm

    def plan(self, rows: Iterable[Row]) -> None:
        villages = self.villages()
        organisations: dict[str, int] = {}
        self.organisation_names: dict[int, str] = {}
        for key, pk, name in Organisation.objects.filter(commune=self.commune).values_list(
            "name_key", "id", "name"
        ):
            organisations[key] = pk
            self.organisation_names[pk] = name
        self.households = {
            code: (pk, village_id, head_id, address)
            for pk, code, village_id, head_id, address in Household.objects.filter(
                commune=self.commune
            ).values_list("id", "code", "village_id", "head_id", "address")
        }
        code_of = {v[0]: code for code, v in self.households.items()}
        self.code_of = code_of
        self.existing: dict[int, tuple[Any, ...]] = {}
        by_identity: dict[str, int] = {}
        by_person: dict[tuple[str, str, int], list[int]] = {}
        by_name: dict[tuple[int, str, int], list[tuple[int, str]]] = {}
        for values in (
            Citizen.objects.filter(commune=self.commune)
            .values_list("id", *CITIZEN_COMPARE)
            .iterator(chunk_size=5000)
        ):
            pk, record = values[0], values[1:]
            self.existing[pk] = record
            name, identity, year, village_id, household_id = (
                record[0],
                record[4],
                record[3],
                record[9],
                record[10],
            )
            if identity:
                by_identity[identity] = pk
            if household_id:
                by_person.setdefault((code_of.get(household_id, ""), fold(name), year), []).append(
                    pk
                )
            by_name.setdefault((village_id, fold(name), year), []).append((pk, name))
        fields = CitizenFieldsForm().fields
        # Same value, same verdict: gender, birth dates, labels repeat thousands of times.
        memo: dict[tuple[str, Hashable], tuple[bool, Any]] = {}
        gender_codes, occupation_codes = choice_lookup("gender"), choice_lookup("occupation")
        relation_codes, status_codes = choice_lookup("relation"), choice_lookup("status")
        self.new_households: dict[str, dict[str, Any]] = {}
        self.creates: list[dict[str, Any]] = []
        self.updates: list[tuple[int, dict[str, Any], dict[str, list[Any]]]] = []
        self.heads: dict[str, tuple[int | None, dict[str, Any], int]] = {}
        # People who die or move away in this file: (citizen, household code, status, name)
        self.departures: list[tuple[int, str, str, str]] = []
        seen_identity: dict[str, int] = {}
        seen_ids: dict[int, int] = {}
        total = self.total
        for index, row in enumerate(rows):
            if index % 10000 == 0:
                self.progress(
                    0.8 * index / total, _("Kiểm tra dòng %(i)s/%(n)s") % {"i": index, "n": total}
                )
            values = row.values
            identity_text = _identity_text(values.get("identity_number"))
            if identity_text:
                restored = restore_leading_zeros(identity_text.replace(" ", "").replace(".", ""))
                if restored:
                    self.report.warnings.append(
                        _(
                            "Dòng %(r)s: số CCCD “%(v)s” bị mất số 0 ở đầu (ô dạng số); đã khôi phục thành %(f)s."
                        )
                        % {"r": row.number, "v": identity_text, "f": restored}
                    )
                    identity_text = restored
            payload = {
                "full_name": values.get("full_name"),
                "gender": self.coded(row, "gender", values.get("gender"), gender_codes),
                "birth": values.get("birth"),
                "identity_number": identity_text,
                "phone": values.get("phone"),
                "ethnicity": values.get("ethnicity"),
                "occupation": self.coded(
                    row, "occupation", values.get("occupation"), occupation_codes, "other"
                ),
                "in_school": values.get("in_school"),
                "relation": self.coded(row, "relation", values.get("relation"), relation_codes),
            }
            status = self.coded(row, "status", values.get("status"), status_codes)
            cleaned: dict[str, Any] = {}
            errors: dict[str, list[str]] = {}
            for name in CITIZEN_FORM_FIELDS:
                value = payload[name]
                key = (name, value) if name in REPEATING and isinstance(value, Hashable) else None
                outcome = memo.get(key) if key is not None else None
                if outcome is None:
                    try:
                        outcome = (True, fields[name].clean(value))
                    except forms.ValidationError as exc:
                        outcome = (False, exc.messages)
                    if key is not None:
                        memo[key] = outcome
                if outcome[0]:
                    cleaned[name] = outcome[1]
                else:
                    errors[name] = outcome[1]
            if not errors:
                errors.update({k: [v] for k, v in citizen_cross_check(cleaned).items()})
            self.form_errors(row, errors)
            village = villages.get(fold(str(values.get("village") or "")))
            if village is None:
                self.err(
                    row,
                    "village",
                    _("Không có thôn “%(v)s” trong %(c)s.")
                    % {"v": values.get("village") or "", "c": self.commune}
                    if values.get("village")
                    else _("Thiếu tên thôn."),
                )
            workplace_text = str(values.get("workplace") or "").strip()
            workplace_id = organisations.get(fold(workplace_text)) if workplace_text else None
            if workplace_text and workplace_id is None:
                self.err(
                    row,
                    "workplace",
                    _("Chưa có đơn vị “%(w)s” trong sổ đơn vị của xã; nhập sổ đơn vị trước.")
                    % {"w": workplace_text},
                )
            row_id = self.row_id(row)
            if (
                errors
                or village is None
                or (workplace_text and workplace_id is None)
                or (row.number, "id") in self.reported
            ):
                continue
            identity = cleaned["identity_number"] or None
            if identity:
                if identity in seen_identity:
                    self.err(
                        row,
                        "identity_number",
                        _("Số CCCD trùng với dòng %(r)s.") % {"r": seen_identity[identity]},
                    )
                    continue
                seen_identity[identity] = row.number
            code = _identity_text(values.get("household_code"))
            if code:
                known = self.households.get(code)
                household_village = (
                    known[1]
                    if known
                    else self.new_households.setdefault(
                        code, {"code": code, "village_id": village.pk, "row": row.number}
                    )["village_id"]
                )
                if household_village != village.pk:
                    self.err(
                        row,
                        "village",
                        _("Hộ %(h)s ở thôn khác với thôn ghi trên dòng này.") % {"h": code},
                    )
                    continue
            match: int | None = None
            if row_id is not None:
                if row_id not in self.existing:
                    self.err(
                        row,
                        "id",
                        _("Không có công dân mã %(i)s trong %(c)s.")
                        % {"i": row_id, "c": self.commune},
                    )
                    continue
                other = by_identity.get(identity) if identity else None
                if other is not None and other != row_id:
                    self.err(
                        row,
                        "identity_number",
                        _("Số CCCD %(n)s đang là của công dân mã %(i)s.")
                        % {"n": identity, "i": other},
                    )
                    continue
                match = row_id
            elif identity and identity in by_identity:
                match = by_identity[identity]
            else:
                # Same household, name and birth year; twins are told apart by the full date.
                candidates = [
                    pk
                    for pk in by_person.get(
                        (code, fold(cleaned["full_name"]), cleaned["birth"][1]), []
                    )
                    if pk not in seen_ids
                ]
                exact = [pk for pk in candidates if self.existing[pk][2] == cleaned["birth"][0]]
                match = exact[0] if exact else (candidates[0] if candidates else None)
            if match is not None:
                if match in seen_ids:
                    self.err(
                        row, "full_name", _("Trùng người với dòng %(r)s.") % {"r": seen_ids[match]}
                    )
                    continue
                seen_ids[match] = row.number
            birth_date, birth_year = cleaned["birth"]
            relation = cleaned["relation"] if code else ""
            record = {
                "full_name": cleaned["full_name"],
                "gender": cleaned["gender"],
                "birth_date": birth_date,
                "birth_year": birth_year,
                "identity_number": identity,
                "phone": cleaned["phone"],
                "ethnicity": cleaned["ethnicity"] or "Kinh",
                "occupation": cleaned["occupation"],
                "in_school": cleaned["in_school"],
                "village_id": village.pk,
                "household_code": code,
                "relation": relation,
                "workplace_id": workplace_id,
                "status": status or (self.existing[match][13] if match else ResidenceStatus.ACTIVE),
            }
            # Only a resident can head a household (a head who died stays "Chủ hộ" on record).
            if code and relation == Relation.HEAD and record["status"] == ResidenceStatus.ACTIVE:
                if code in self.heads:
                    self.err(
                        row,
                        "relation",
                        _("Hộ %(h)s đã có chủ hộ ở dòng %(r)s.")
                        % {"h": code, "r": self.heads[code][2]},
                    )
                    continue
                self.heads[code] = (match, record, row.number)
            if match is None:
                for pk, name in by_name.get(
                    (village.pk, fold(record["full_name"]), birth_year), []
                ):
                    self.report.warnings.append(
                        _(
                            "Dòng %(r)s: có thể trùng với công dân đã có “%(n)s” (mã %(i)s) cùng năm sinh, cùng thôn."
                        )
                        % {"r": row.number, "n": name, "i": pk}
                    )
                self.creates.append(record)
                continue
            before = self.existing[match]
            known = self.households.get(code)
            after = (
                record["full_name"],
                record["gender"],
                birth_date,
                birth_year,
                identity,
                record["phone"],
                record["ethnicity"],
                record["occupation"],
                record["in_school"],
                village.pk,
                known[0] if known else (None if not code else -1),
                relation,
                workplace_id,
                record["status"],
            )
            changes = {
                name.removesuffix("_id"): [_plain(b), _plain(a)]
                for name, b, a in zip(CITIZEN_COMPARE, before, after, strict=True)
                if b != a
            }
            if changes:
                self.updates.append((match, record, changes))
                if "status" in changes and record["status"] != ResidenceStatus.ACTIVE:
                    left = code or code_of.get(before[10], "")
                    if left:
                        self.departures.append((match, left, record["status"], record["full_name"]))
            else:
                self.report.unchanged += 1
        self.plan_headships(seen_ids)
        # CCCDs of people registered in other communes: one query after the pass.
        for identity in registered_elsewhere(sorted(seen_identity), self.commune.pk):
            self.err(
                Row(seen_identity[identity], {}),
                "identity_number",
                _("Số CCCD %(n)s đã được đăng ký cho một công dân ở xã khác.") % {"n": identity},
            )
        self.report.errors.sort(key=lambda e: e.row)
        self.report.created = len(self.creates)
        self.report.updated = len(self.updates)
        if self.new_households:
            self.report.warnings.append(
                _("Sẽ tạo %(n)s hộ mới theo mã hộ trong tệp.") % {"n": len(self.new_households)}
            )

    def plan_headships(self, in_file: dict[int, int]) -> None:
        """The household side of a change of head, as the pages do it: a previous head
        who is not in the file stops being "Chủ hộ" (relation "Khác"); a head who dies or
        moves away leaves the household without a head unless the file names a new one."""
        self.demoted: list[tuple[int, str]] = []  # (citizen, household code)
        for code, (match, _record, _row) in self.heads.items():
            known = self.households.get(code)
            previous = known[2] if known else None
            if known is None or previous is None or previous == match or previous in in_file:
                continue
            before = self.existing.get(previous)
            if before is None or before[10] != known[0] or before[11] != Relation.HEAD:
                continue
            self.demoted.append((previous, code))
        headed = {v[2]: code for code, v in self.households.items() if v[2] is not None}
        self.headless: list[str] = []  # households whose head leaves, none named instead
        for pk, _code, _status, _name in self.departures:
            led = headed.get(pk)
            if led is not None and led not in self.heads:
                self.headless.append(led)
        if self.demoted:
            self.report.warnings.append(
                _(
                    "%(n)s chủ hộ cũ không có trong tệp sẽ thôi làm chủ hộ (quan hệ với chủ hộ đổi thành “%(r)s”): %(l)s."
                )
                % {
                    "n": len(self.demoted),
                    "r": Relation.OTHER.label,
                    "l": _some(f"{self.existing[pk][0]} (hộ {code})" for pk, code in self.demoted),
                }
            )
        if self.headless:
            self.report.warnings.append(
                _(
                    "%(n)s hộ sẽ không còn chủ hộ vì chủ hộ đã mất hoặc chuyển đi và tệp không ghi chủ hộ mới: %(l)s."
                )
                % {"n": len(self.headless), "l": _some(self.headless)}
            )

    def coded(
        self, row: Row, key: str, value: Any, table: dict[str, str], default: str = ""
    ) -> str:
        if value in (None, ""):
            return default
        code = table.get(fold(str(value)))
        if code is None:
            options = ", ".join(self.columns[key].choices)
            self.err(
                row,
                key,
                _("“%(v)s” không hợp lệ; chọn một trong: %(o)s.") % {"v": value, "o": options},
            )
            return ""
        return code

    def commit(self) -> None:
        now = timezone.now()
        household_ids = {code: v[0] for code, v in self.households.items()}
        new_codes = list(self.new_households)
        for code, pk in zip(new_codes, allocate_ids(Household, len(new_codes)), strict=True):
            household_ids[code] = pk
        citizen_ids = allocate_ids(Citizen, len(self.creates))
        position = {id(record): i for i, record in enumerate(self.creates)}
        head_of: dict[str, tuple[int, str]] = {}
        for code, (match, record, _row) in self.heads.items():
            head_id = match if match is not None else citizen_ids[position[id(record)]]
            head_of[code] = (head_id, record["full_name"])
        households = RowWriter(
            Household, {"created_at": now, "updated_at": now, "commune_id": self.commune.pk}
        )
        # Heads are written with the households: the foreign key is checked at commit.
        households.insert(
            {
                "id": household_ids[code],
                "village_id": spec["village_id"],
                "code": code,
                "address": "",
                "head_id": head_of.get(code, (None, ""))[0],
                "search_key": fold(f"{code} {head_of.get(code, (0, ''))[1]}"),
            }
            for code, spec in self.new_households.items()
        )
        citizens = RowWriter(
            Citizen, {"created_at": now, "updated_at": now, "commune_id": self.commune.pk}
        )

        def citizen_row(pk: int, record: dict[str, Any]) -> dict[str, Any]:
            code = record["household_code"]
            return {
                **record,
                "id": pk,
                "household_id": household_ids.get(code) if code else None,
                "search_key": fold(
                    f"{record['full_name']} {record['identity_number'] or ''} {record['phone']}"
                )[:400],
            }

        citizens.insert(
            citizen_row(pk, record) for pk, record in zip(citizen_ids, self.creates, strict=True)
        )
        if self.updates:
            # One UPDATE per row through executemany: bulk_update's CASE WHEN statements
            # take minutes when a whole commune changes.
            columns = [*CITIZEN_COMPARE, "search_key", "updated_at"]
            writer = RowWriter(Citizen, {"updated_at": now})
            adapt = {attname: adapter for attname, adapter, _default in writer.plan if adapter}
            rows = []
            for pk, record, _changes in self.updates:
                values = {**citizen_row(pk, record), "updated_at": now}
                row = []
                for column in columns:
                    value, adapter = values[column], adapt.get(column)
                    row.append(
                        adapter(value) if adapter is not None and value is not None else value
                    )
                rows.append([*row, pk])
            update_rows(Citizen, columns, rows)
        if self.demoted:
            demoted = [pk for pk, _code in self.demoted]
            for start in range(0, len(demoted), 500):
                Citizen.objects.filter(pk__in=demoted[start : start + 500]).update(
                    relation=Relation.OTHER, updated_at=now
                )
        final_heads: dict[str, int | None] = {code: v[0] for code, v in head_of.items()}
        final_heads.update(dict.fromkeys(self.headless))
        head_changes: list[tuple[str, int | None, int | None]] = []  # code, before, after
        for code, final in final_heads.items():
            if code in self.new_households or self.households[code][2] == final:
                continue
            head_changes.append((code, self.households[code][2], final))
        update_rows(
            Household,
            ["head_id", "search_key"],
            [
                (
                    after,
                    fold(
                        f"{code} {head_of[code][1] if after is not None else ''}"
                        f" {self.households[code][3]}"
                    ),
                    self.households[code][0],
                )
                for code, _before, after in head_changes
            ],
        )

        names = _CitizenAuditNames(self, head_of)
        event = self.event
        self.write_events(
            [
                *(
                    {
                        **values,
                        "content_type_id": self._content_type(Household),
                        "action": "household.import_create",
                    }
                    for values in range_events(Household, [household_ids[c] for c in new_codes])
                ),
                *(
                    {
                        **values,
                        "content_type_id": self._content_type(Citizen),
                        "action": "citizen.import_create",
                    }
                    for values in range_events(Citizen, citizen_ids)
                ),
                *(
                    event(Citizen, "citizen.import_update", pk, r["full_name"], names.changes(r, c))
                    for pk, r, c in self.updates
                ),
                *(
                    event(
                        Citizen,
                        "citizen.import_update",
                        pk,
                        names.person_after(pk),
                        {"relation": [Relation.HEAD.value, Relation.OTHER.value]},
                    )
                    for pk, _code in self.demoted
                ),
                # The household side of a death or a move away (as registry.services.record_status).
                *(
                    event(
                        Household,
                        "household.member_out",
                        household_ids[code],
                        names.household_after(code),
                        {"member": [name, None]},
                        note=str(ResidenceStatus(status).label),
                    )
                    for _pk, code, status, name in self.departures
                ),
                *(
                    event(
                        Household,
                        "household.head",
                        household_ids[code],
                        names.household_after(code),
                        {
                            "head": [
                                names.person_before(before) if before else None,
                                head_of[code][1] if after is not None else None,
                            ]
                        },
                    )
                    for code, before, after in head_changes
                ),
            ]
        )

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
            "content_type_id": self._content_type(model),
            "action": action,
            "object_id": str(pk),
            "object_repr": label[:300],
            "changes": changes or {},
        }
        if note is not None:
            values["note"] = note
        return values

    def _content_type(self, model: type[Any]) -> int:
        content_type = self.content_types.get(model)
        if content_type is None:
            content_type = self.content_types[model] = ContentType.objects.get_for_model(model).pk
        return content_type

    def write_events(self, events: Iterable[dict[str, Any]]) -> None:
        base = {
            "actor_id": self.actor.pk if self.actor else None,
            "ip": client_ip.get(),
            "note": _("Nhập từ Excel: %(f)s") % {"f": self.filename}
            if self.filename
            else _("Nhập từ Excel"),
            "created_at": timezone.now(),
        }
        RowWriter(AuditEvent, base, with_ids=False).insert(events)


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


def range_events(model: type[Any], ids: Iterable[int]) -> list[dict[str, Any]]:
    """One audit event per run of consecutive new ids: an import of 100,000 people writes
    a handful of rows, and each person's history still finds its creation (range lookup)."""
    label = {Citizen: "công dân", Household: "hộ", Clan: "dòng họ", Organisation: "đơn vị"}.get(
        model, "bản ghi"
    )
    events = []
    ordered = sorted(ids)
    start = 0
    for index in range(1, len(ordered) + 1):
        if index == len(ordered) or ordered[index] != ordered[index - 1] + 1:
            first, last = ordered[start], ordered[index - 1]
            count = index - start
            events.append(
                {
                    "object_id": "",
                    "range_start": first,
                    "range_end": last,
                    "object_repr": _("%(n)s %(what)s (mã %(a)s–%(b)s)")
                    % {"n": count, "what": label, "a": first, "b": last},
                    "changes": {"created": [None, count]},
                }
            )
            start = index
    return events


def _some(items: Iterable[str], limit: int = 20) -> str:
    """The first `limit` items, comma-separated, and how many more."""
    shown: list[str] = []
    more = 0
    for item in items:
        if len(shown) < limit:
            shown.append(item)
        else:
            more += 1
    return ", ".join(shown) + (_(" và %(n)s khác") % {"n": more} if more else "")


def _household_label(code: str, head_name: str) -> str:
    """str(Household) without the object: "Hộ PH-001 — Nguyễn Văn An"."""
    return f"Hộ {code}" + (f" — {head_name}" if head_name else "")


def _names(model: type[Any], ids: Iterable[Any], known: dict[int, str]) -> dict[int, str]:
    """`known` completed with the names of the other `ids` (one query per 500 missing)."""
    missing = sorted({i for i in ids if i is not None and i not in known})
    for start in range(0, len(missing), 500):
        chunk = missing[start : start + 500]
        if model is Household:
            known.update(
                (h.pk, str(h))
                for h in Household.objects.filter(pk__in=chunk).select_related("head")
            )
        else:
            field = "full_name" if model is Citizen else "name"
            known.update(model.objects.filter(pk__in=chunk).values_list("id", field))
    return known


class _CitizenAuditNames:
    """Audit values the way the pages write them (registry.services: str of the related
    object, not its id), from id → name tables built once per import."""

    def __init__(self, importer: CitizenImporter, head_of: dict[str, tuple[int, str]]) -> None:
        self.importer = importer
        self.head_of = head_of
        self.headless = set(importer.headless)
        self.renamed = {pk: r["full_name"] for pk, r, _c in importer.updates}
        changed = [c for _pk, _r, c in importer.updates]
        self.villages = _names(
            Place,
            (v for c in changed if "village" in c for v in c["village"]),
            dict(Place.objects.filter(parent=importer.commune).values_list("id", "name")),
        )
        self.workplaces = _names(
            Organisation,
            (v for c in changed if "workplace" in c for v in c["workplace"]),
            dict(importer.organisation_names),
        )
        self.outside_households = _names(
            Household,
            (
                c["household"][0]
                for c in changed
                if "household" in c and c["household"][0] not in importer.code_of
            ),
            {},
        )
        self.outside_people = _names(
            Citizen,
            (v[2] for v in importer.households.values() if v[2] not in importer.existing),
            {},
        )

    def person_before(self, pk: int) -> str:
        record = self.importer.existing.get(pk)
        return record[0] if record else self.outside_people.get(pk, "")

    def person_after(self, pk: int) -> str:
        return self.renamed.get(pk) or self.person_before(pk)

    def household_before(self, pk: int) -> str:
        code = self.importer.code_of.get(pk)
        if code is None:
            return self.outside_households.get(pk, "")
        head = self.importer.households[code][2]
        return _household_label(code, self.person_before(head) if head else "")

    def household_after(self, code: str) -> str:
        if code in self.head_of:
            return _household_label(code, self.head_of[code][1])
        known = self.importer.households.get(code)
        head = known[2] if known and code not in self.headless else None
        return _household_label(code, self.person_after(head) if head else "")

    def changes(self, record: dict[str, Any], changes: dict[str, list[Any]]) -> dict[str, Any]:
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


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


_COMMUNE_CODE = re.compile(r"^(?P<label>.*?)\s*\[\s*(?P<code>\d+)\s*\]$")  # "… [11953]"


class _ClanLabels:
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
        coded = _COMMUNE_CODE.match(text)
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
        villages = self.villages()
        clans = _ClanLabels(self.commune)
        existing = {
            h.pk: h for h in Household.objects.filter(commune=self.commune).select_related("head")
        }
        by_code = {h.code: h for h in existing.values()}
        village_names = _names(
            Place,
            {h.village_id for h in existing.values()},
            {v.pk: v.name for v in villages.values()},
        )
        # Audit values named as the pages name them (registry.services: str of the object).
        shown: dict[str, Callable[[Any], Any]] = {
            "village": lambda pk: village_names.get(pk) if pk else None,
            "clan": lambda pk: str(clans.by_id[pk]) if pk in clans.by_id else None,
        }
        form = RowForm(HouseholdFieldsForm)
        self.creates: list[Household] = []
        self.updates: list[tuple[Household, dict[str, list[Any]]]] = []
        seen: dict[str, int] = {}
        for row in rows:
            code = row.values.get("code")
            if isinstance(code, float) and code.is_integer():
                code = str(int(code))
            cleaned, errors = form.clean({"code": code, "address": row.values.get("address")})
            self.form_errors(row, errors)
            village = villages.get(fold(str(row.values.get("village") or "")))
            if village is None:
                self.err(
                    row,
                    "village",
                    _("Không có thôn “%(v)s” trong %(c)s.")
                    % {"v": row.values.get("village") or "", "c": self.commune},
                )
            clan_text = str(row.values.get("clan") or "").strip()
            clan = None
            if clan_text:
                peek = self.row_id(row, quiet=True)
                known = existing.get(peek) if peek else by_code.get(cleaned.get("code") or "")
                current = clans.by_id.get(known.clan_id) if known and known.clan_id else None
                clan, problem = clans.resolve(clan_text, current)
                if clan is None:
                    self.err(row, "clan", problem)
            row_id = self.row_id(row)
            match = existing.get(row_id) if row_id else by_code.get(cleaned.get("code") or "")
            if errors or village is None or (clan_text and clan is None):
                continue
            if cleaned["code"] in seen:
                self.err(
                    row, "code", _("Mã hộ trùng với dòng %(r)s.") % {"r": seen[cleaned["code"]]}
                )
                continue
            seen[cleaned["code"]] = row.number
            if row_id and match is None:
                self.err(
                    row,
                    "id",
                    _("Không có hộ mã hệ thống %(i)s trong %(c)s.")
                    % {"i": row_id, "c": self.commune},
                )
                continue
            if match is not None and match.code != cleaned["code"] and cleaned["code"] in by_code:
                self.err(
                    row, "code", _("Mã hộ %(c)s đã dùng cho hộ khác.") % {"c": cleaned["code"]}
                )
                continue
            target = match or Household(commune=self.commune)
            before = (target.code, target.village_id, target.address, target.clan_id)
            target.code, target.village, target.address, target.clan = (
                cleaned["code"],
                village,
                cleaned["address"],
                clan,
            )
            after = (target.code, target.village_id, target.address, target.clan_id)
            if match is None:
                self.creates.append(target)
            elif before != after:
                names = ["code", "village", "address", "clan"]
                self.updates.append(
                    (
                        target,
                        {
                            n: [shown[n](b), shown[n](a)] if n in shown else [b, a]
                            for n, b, a in zip(names, before, after, strict=True)
                            if b != a
                        },
                    )
                )
            else:
                self.report.unchanged += 1
        self.report.created, self.report.updated = len(self.creates), len(self.updates)

    def commit(self) -> None:
        for h in self.creates + [h for h, _c in self.updates]:
            h.refresh_search_key()
        Household.objects.bulk_create(self.creates, batch_size=BATCH)
        Household.objects.bulk_update(
            [h for h, _c in self.updates],
            ["code", "village", "address", "clan", "search_key"],
            batch_size=500,
        )
        for household, changes in self.updates:
            if "village" in changes:
                Citizen.objects.filter(household=household, status=ResidenceStatus.ACTIVE).update(
                    village=household.village
                )
        self.audit(Household, self.creates, self.updates)


def _head_by_identity(
    importer: Importer, row: Row, identity_raw: Any
) -> tuple[bool, Citizen | None]:
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


def _head_after(
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


def _person(citizen: Citizen | None) -> str | None:
    """A person in audit changes, as the pages write it (str of the citizen)."""
    return str(citizen) if citizen is not None else None


class ClanImporter(Importer):
    kind = "clans"
    form_class = ClanFieldsForm

    def plan(self, rows: Iterable[Row]) -> None:
        villages = self.villages()
        existing = {
            c.pk: c for c in Clan.objects.filter(commune=self.commune).select_related("head")
        }
        by_key = {c.name_key: c for c in existing.values()}
        village_names = _names(
            Place,
            {c.home_village_id for c in existing.values()},
            {v.pk: v.name for v in villages.values()},
        )
        form = RowForm(ClanFieldsForm)
        self.creates: list[Clan] = []
        self.updates: list[tuple[Clan, dict[str, list[Any]]]] = []
        seen: dict[str, int] = {}
        for row in rows:
            cleaned, errors = form.clean(
                {"name": row.values.get("name"), "branch_name": row.values.get("branch_name")}
            )
            self.form_errors(row, errors)
            village = villages.get(fold(str(row.values.get("home_village") or "")))
            if village is None:
                self.err(
                    row,
                    "home_village",
                    _("Không có thôn “%(v)s” trong %(c)s.")
                    % {"v": row.values.get("home_village") or "", "c": self.commune},
                )
            ok, head = _head_by_identity(self, row, row.values.get("head_identity"))
            row_id = self.row_id(row)
            if errors or village is None or not ok:
                continue
            key = fold(f"{cleaned['name']}|{cleaned['branch_name']}")
            if key in seen:
                self.err(row, "name", _("Dòng họ/chi trùng với dòng %(r)s.") % {"r": seen[key]})
                continue
            seen[key] = row.number
            match = existing.get(row_id) if row_id else by_key.get(key)
            if row_id and match is None:
                self.err(
                    row,
                    "id",
                    _("Không có dòng họ mã %(i)s trong %(c)s.") % {"i": row_id, "c": self.commune},
                )
                continue
            target = match or Clan(commune=self.commune)
            before_head: Citizen | None = target.head if target.head_id else None
            before = (target.name, target.branch_name, target.home_village_id, target.head_id)
            target.name, target.branch_name, target.home_village = (
                cleaned["name"],
                cleaned["branch_name"],
                village,
            )
            target.head = _head_after(self, row, before_head, head)
            after = (target.name, target.branch_name, target.home_village_id, target.head_id)
            if match is None:
                self.creates.append(target)
            elif before != after:
                # Named as the pages name them (registry.services: str of the object).
                names = ["name", "branch_name", "home_village", "head"]
                shown_before = (
                    *before[:2],
                    village_names.get(before[2]),
                    _person(before_head),
                )
                shown_after = (
                    *after[:2],
                    village.name,
                    _person(target.head if target.head_id else None),
                )
                self.updates.append(
                    (
                        target,
                        {
                            n: [sb, sa]
                            for n, b, a, sb, sa in zip(
                                names, before, after, shown_before, shown_after, strict=True
                            )
                            if b != a
                        },
                    )
                )
            else:
                self.report.unchanged += 1
        self.report.created, self.report.updated = len(self.creates), len(self.updates)

    def commit(self) -> None:
        for c in self.creates + [c for c, _x in self.updates]:
            c.refresh_search_key()
        Clan.objects.bulk_create(self.creates, batch_size=BATCH)
        Clan.objects.bulk_update(
            [c for c, _x in self.updates],
            ["name", "branch_name", "home_village", "head", "search_key", "name_key"],
            batch_size=500,
        )
        self.audit(Clan, self.creates, self.updates)


class OrganisationImporter(Importer):
    kind = "organisations"
    form_class = OrganisationFieldsForm

    def plan(self, rows: Iterable[Row]) -> None:
        existing = {
            o.pk: o
            for o in Organisation.objects.filter(commune=self.commune).select_related("head")
        }
        by_key = {o.name_key: o for o in existing.values()}
        form = RowForm(OrganisationFieldsForm)
        self.creates: list[Organisation] = []
        self.updates: list[tuple[Organisation, dict[str, list[Any]]]] = []
        seen: dict[str, int] = {}
        for row in rows:
            staff = row.values.get("declared_staff")
            payload = {
                "name": row.values.get("name"),
                "kind": self.choice(row, "kind", row.values.get("kind")),
                "level": self.choice(
                    row, "level", row.values.get("level"), default=OrganisationLevel.COMMUNE
                ),
                "declared_staff": int(staff)
                if isinstance(staff, float) and staff.is_integer()
                else staff,
                "address": row.values.get("address"),
            }
            cleaned, errors = form.clean(payload)
            self.form_errors(row, errors)
            ok, head = _head_by_identity(self, row, row.values.get("head_identity"))
            row_id = self.row_id(row)
            if errors or not ok or not payload["kind"]:
                continue
            key = fold(cleaned["name"])
            if key in seen:
                self.err(row, "name", _("Tên đơn vị trùng với dòng %(r)s.") % {"r": seen[key]})
                continue
            seen[key] = row.number
            match = existing.get(row_id) if row_id else by_key.get(key)
            if row_id and match is None:
                self.err(
                    row,
                    "id",
                    _("Không có đơn vị mã %(i)s trong %(c)s.") % {"i": row_id, "c": self.commune},
                )
                continue
            target = match or Organisation(commune=self.commune)
            fields = ["name", "kind", "level", "declared_staff", "address", "head_id"]
            before_head: Citizen | None = target.head if target.head_id else None
            before = [getattr(target, f) for f in fields]
            target.name, target.kind, target.level = (
                cleaned["name"],
                cleaned["kind"],
                cleaned["level"],
            )
            target.declared_staff, target.address = (
                cleaned["declared_staff"] or 0,
                cleaned["address"],
            )
            target.head = _head_after(self, row, before_head, head)
            after = [getattr(target, f) for f in fields]
            if match is None:
                self.creates.append(target)
            elif before != after:
                # The head named as the pages name it (registry.services: str of the citizen).
                shown = {
                    "head_id": (
                        _person(before_head),
                        _person(target.head if target.head_id else None),
                    )
                }
                self.updates.append(
                    (
                        target,
                        {
                            f.removesuffix("_id"): list(shown.get(f, (b, a)))
                            for f, b, a in zip(fields, before, after, strict=True)
                            if b != a
                        },
                    )
                )
            else:
                self.report.unchanged += 1
        self.report.created, self.report.updated = len(self.creates), len(self.updates)

    def commit(self) -> None:
        for o in self.creates + [o for o, _x in self.updates]:
            o.refresh_search_key()
        Organisation.objects.bulk_create(self.creates, batch_size=BATCH)
        Organisation.objects.bulk_update(
            [o for o, _x in self.updates],
            [
                "name",
                "kind",
                "level",
                "declared_staff",
                "address",
                "head",
                "search_key",
                "name_key",
            ],
            batch_size=500,
        )
        self.audit(Organisation, self.creates, self.updates)


IMPORTERS: dict[str, type[Importer]] = {
    "citizens": CitizenImporter,
    "households": HouseholdImporter,
    "clans": ClanImporter,
    "organisations": OrganisationImporter,
}
KIND_LABELS = {
    "villages": gettext_lazy("thôn, tổ dân phố"),
    "households": gettext_lazy("hộ gia đình"),
    "citizens": gettext_lazy("công dân"),
    "clans": gettext_lazy("dòng họ"),
    "organisations": gettext_lazy("đơn vị"),
}


def run_import(
    *,
    kind: str,
    actor: User | None,
    commune: Place,
    data: bytes,
    dry_run: bool,
    filename: str = "",
    progress: Progress | None = None,
) -> ImportReport:
    importer = IMPORTERS[kind](actor=actor, commune=commune, filename=filename, progress=progress)
    return importer.run(data, dry_run=dry_run)
