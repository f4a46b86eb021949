"""The shared flow of every import: read the sheet, validate and plan every row, then
write all or nothing (`Importer.run`), with the helpers the importers share."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.labels import field_label, value_text
from audit.models import AuditEvent
from core.bulk import refresh_statistics
from core.middleware import client_ip
from core.text import fold
from core.xlsx import Column, ImportFileError, ImportReport, Row, read_sheet
from places.models import Place
from registry.access import can_edit_commune
from registry.columns import CHOICES, COLUMNS, choice_lookup
from registry.fields import Registry
from registry.imports.audit import range_events
from registry.privacy import mask_changes
from registry.signals import registry_changed

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
    # The alerts the officer ticked on the preview, as (row, alert text): a write checks
    # its own plan against them (`check_acknowledged`). None: nothing was previewed (a
    # dry run, the command line), nothing to check.
    acknowledged: frozenset[tuple[int, str]] | None = None

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
        # New rows per model written by the commit (`audit` counts them): large writes
        # refresh the planner's statistics (core.bulk.refresh_statistics).
        self.written: dict[type[Any], int] = {}
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

    def cells(self, row: Row, registry: Registry) -> dict[str, Any]:
        """The data of the registry's form from a row's cells (its plain form fields in the
        sheet): choice labels as codes (a blank one as the model field's default), whole
        numbers that Excel made decimals back to whole."""
        payload: dict[str, Any] = {}
        for field in registry.plain_form_fields:
            if field.sheet is None:
                continue
            key = registry.sheet_key(field)
            value = row.values.get(key)
            if key in CHOICES:
                default = registry.model_field(field.name).get_default() or ""
                value = self.choice(row, key, value, default=default)
            elif isinstance(value, float) and value.is_integer():
                value = int(value)
            payload[field.name] = value
        return payload

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
        created = list(created)
        self.written[model] = self.written.get(model, 0) + len(created)
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

    def preview(
        self,
        row: int,
        name: str,
        model: type[Any],
        changes: dict[str, list[Any]],
        *,
        alert: str = "",
    ) -> None:
        """What an updated row changes, as the preview lists it: each field by its
        Vietnamese name, each value in words (the history pages' labels), personal
        values masked as the importer sees them."""
        shown = mask_changes(self.actor, changes) if self.actor is not None else changes
        self.report.changes.append(
            {
                "row": row,
                "name": name,
                "fields": [
                    [
                        field_label(model, key),
                        value_text(model, key, pair[0]),
                        value_text(model, key, pair[1]),
                    ]
                    for key, pair in shown.items()
                ],
                "alert": alert,
            }
        )

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
        self.check_acknowledged()
        if self.report.errors:
            return self.report
        self.progress(0.9, _("Ghi dữ liệu"))
        try:
            with transaction.atomic():
                self.commit()
                refresh_statistics(self.written)  # before the recount plans its queries
                # Once per import, not per row: the commune's counts are redone in one go.
                registry_changed.send(sender=type(self), communes=[self.commune.pk])
        except IntegrityError:
            self.report.file_error(
                _("Dữ liệu vừa bị người khác thay đổi trong lúc nhập; chưa ghi gì. Hãy nhập lại.")
            )
            return self.report
        self.report.committed = True
        self.progress(1.0, _("Xong"))
        return self.report

    def check_acknowledged(self) -> None:
        """The write re-plans every row against the register as it is now. A row that
        takes over somebody's record only now — that person was added or changed after
        the preview — was never shown, nor ticked: the whole import stops (nothing is
        written) and asks for a fresh preview, row by row."""
        if self.acknowledged is None:
            return
        for change in self.report.changes:
            alert = change["alert"]
            if alert and (change["row"], alert) not in self.acknowledged:
                self.err(
                    Row(change["row"], {}),
                    "",
                    _(
                        "Sổ đã thay đổi sau khi xem trước: %(a)s Dòng này chưa có trong danh "
                        "sách cần kiểm tra đã xác nhận, nên chưa ghi dòng nào của tệp. Hãy tải "
                        "tệp lên lại để xem trước và đánh dấu xác nhận lại."
                    )
                    % {"a": alert},
                )

    def plan(self, rows: Iterable[Row]) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        raise NotImplementedError
