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
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
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
from registry.columns import COLUMNS, choice_lookup
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

    def row_id(self, row: Row) -> int | None:
        raw = row.values.get("id")
        text = str(raw).strip() if raw not in (None, "") else ""
        if text.endswith(".0"):
            text = text[:-2]
        if not text:
            return None
        if not text.isdigit():
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
                object_id=str(obj.pk),
                object_repr=str(obj)[:300],
                note=note,
                ip=ip,
            )
            for obj in created
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
        self.plan(counted)
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
        organisations = dict(
            Organisation.objects.filter(commune=self.commune).values_list("name_key", "id")
        )
        self.households = {
            code: (pk, village_id, head_id, address)
            for pk, code, village_id, head_id, address in Household.objects.filter(
                commune=self.commune
            ).values_list("id", "code", "village_id", "head_id", "address")
        }
        code_of = {v[0]: code for code, v in self.households.items()}
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
                match = (exact or candidates or [None])[0]
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
            if code and relation == Relation.HEAD:
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
            else:
                self.report.unchanged += 1
        # CCCDs of people registered in other communes: one query after the pass.
        numbers = sorted(seen_identity)
        for start in range(0, len(numbers), 5000):
            foreign = (
                Citizen.objects.filter(identity_number__in=numbers[start : start + 5000])
                .exclude(commune=self.commune)
                .values_list("identity_number", flat=True)
            )
            for identity in foreign:
                self.err(
                    Row(seen_identity[identity], {}),
                    "identity_number",
                    _("Số CCCD %(n)s đã được đăng ký cho một công dân ở xã khác.")
                    % {"n": identity},
                )
        self.report.errors.sort(key=lambda e: e.row)
        self.report.created = len(self.creates)
        self.report.updated = len(self.updates)
        if self.new_households:
            self.report.warnings.append(
                _("Sẽ tạo %(n)s hộ mới theo mã hộ trong tệp.") % {"n": len(self.new_households)}
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
            objects = []
            for pk, record, _changes in self.updates:
                values = citizen_row(pk, record)
                values.pop("household_code")
                objects.append(Citizen(**values, commune_id=self.commune.pk, updated_at=now))
            Citizen.objects.bulk_update(
                objects,
                [f.removesuffix("_id") for f in CITIZEN_COMPARE] + ["search_key", "updated_at"],
                batch_size=500,
            )
        changed = [
            (
                head_id,
                fold(f"{code} {head_name} {self.households[code][3]}"),
                self.households[code][0],
            )
            for code, (head_id, head_name) in head_of.items()
            if code not in self.new_households and self.households[code][2] != head_id
        ]
        update_rows(Household, ["head_id", "search_key"], changed)
        self.audit_rows(Household, [(household_ids[c], f"Hộ {c}") for c in new_codes], [])
        self.audit_rows(
            Citizen,
            [(pk, r["full_name"]) for pk, r in zip(citizen_ids, self.creates, strict=True)],
            [(pk, r["full_name"], changes) for pk, r, changes in self.updates],
        )

    def audit_rows(
        self,
        model: type[Any],
        created: list[tuple[int, str]],
        updated: list[tuple[int, str, dict[str, list[Any]]]],
    ) -> None:
        content_type = ContentType.objects.get_for_model(model)
        name = model._meta.model_name
        base = {
            "actor_id": self.actor.pk if self.actor else None,
            "content_type_id": content_type.pk,
            "ip": client_ip.get(),
            "note": _("Nhập từ Excel: %(f)s") % {"f": self.filename}
            if self.filename
            else _("Nhập từ Excel"),
            "created_at": timezone.now(),
        }
        writer = RowWriter(AuditEvent, base, with_ids=False)
        writer.insert(
            [
                *(
                    {
                        "action": f"{name}.import_create",
                        "object_id": str(pk),
                        "object_repr": label[:300],
                        "changes": {},
                    }
                    for pk, label in created
                ),
                *(
                    {
                        "action": f"{name}.import_update",
                        "object_id": str(pk),
                        "object_repr": label[:300],
                        "changes": changes,
                    }
                    for pk, label, changes in updated
                ),
            ]
        )


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class HouseholdImporter(Importer):
    kind = "households"
    form_class = HouseholdFieldsForm

    def plan(self, rows: Iterable[Row]) -> None:
        villages = self.villages()
        clans = {}
        for clan in Clan.objects.all().only("id", "name", "branch_name", "name_key"):
            clans[fold(clan.name + " — " + clan.branch_name if clan.branch_name else clan.name)] = (
                clan
            )
            clans.setdefault(clan.name_key.replace("|", " ").strip(), clan)
        existing = {h.pk: h for h in Household.objects.filter(commune=self.commune)}
        by_code = {h.code: h for h in existing.values()}
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
                clan = clans.get(fold(clan_text)) or clans.get(
                    fold(clan_text.removeprefix("Họ ").removeprefix("họ "))
                )
                if clan is None:
                    self.err(
                        row,
                        "clan",
                        _("Chưa có dòng họ “%(c)s” trong sổ dòng họ.") % {"c": clan_text},
                    )
            row_id = self.row_id(row)
            if errors or village is None or (clan_text and clan is None):
                continue
            if cleaned["code"] in seen:
                self.err(
                    row, "code", _("Mã hộ trùng với dòng %(r)s.") % {"r": seen[cleaned["code"]]}
                )
                continue
            seen[cleaned["code"]] = row.number
            match = existing.get(row_id) if row_id else by_code.get(cleaned["code"])
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
                        {n: [b, a] for n, b, a in zip(names, before, after, strict=True) if b != a},
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


class ClanImporter(Importer):
    kind = "clans"
    form_class = ClanFieldsForm

    def plan(self, rows: Iterable[Row]) -> None:
        villages = self.villages()
        existing = {c.pk: c for c in Clan.objects.filter(commune=self.commune)}
        by_key = {c.name_key: c for c in existing.values()}
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
            before = (target.name, target.branch_name, target.home_village_id, target.head_id)
            target.name, target.branch_name, target.home_village = (
                cleaned["name"],
                cleaned["branch_name"],
                village,
            )
            if head is not None or match is None:
                target.head = head
            after = (target.name, target.branch_name, target.home_village_id, target.head_id)
            if match is None:
                self.creates.append(target)
            elif before != after:
                names = ["name", "branch_name", "home_village", "head"]
                self.updates.append(
                    (
                        target,
                        {n: [b, a] for n, b, a in zip(names, before, after, strict=True) if b != a},
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
        existing = {o.pk: o for o in Organisation.objects.filter(commune=self.commune)}
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
            if head is not None or match is None:
                target.head = head
            after = [getattr(target, f) for f in fields]
            if match is None:
                self.creates.append(target)
            elif before != after:
                self.updates.append(
                    (
                        target,
                        {
                            f.removesuffix("_id"): [b, a]
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
