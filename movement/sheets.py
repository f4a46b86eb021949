"""Excel in and out for the movement's lists (association members, centre activities,
contributions): one column spec each, used by the template, the export and the import.

An import goes into one commune; every row is checked by the page's form, and one error
anywhere saves nothing. A row carrying the "Mã hệ thống" of an exported record updates it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models, transaction
from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit.services import record, record_many
from core.text import fold
from core.xlsx import (
    Column,
    ImportFileError,
    ImportReport,
    Row,
    cell_text,
    read_sheet,
    write_workbook,
)
from movement import forms as f
from movement import models as m
from movement.access import require_edit
from movement.services import changed
from places.models import Place


def _labels(choices: type[TextChoices]) -> tuple[str, ...]:
    return tuple(str(label) for label in choices.labels)


def _date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


ID = Column(
    "id",
    "Mã hệ thống",
    aliases=("id",),
    width=12,
    help="Để trống khi thêm mới; giữ nguyên khi sửa tệp đã xuất.",
)
YES_NO = ("Có", "Không")
BOOLEANS = {"is_cadre", "learning_week"}


@dataclass(frozen=True)
class SheetSpec:
    key: str
    title: str
    model: type[models.Model]
    form: type[f.PlaceForm]
    columns: list[Column]
    choices: dict[str, type[TextChoices]]  # column key → the choices its labels name
    row_of: Callable[[Any], list[Any]]  # a record → its export row
    parent: str = ""  # "centre": rows belong to a centre of the commune named in a column
    importable: bool = True  # commendations are exported only: their review happens on the pages

    def queryset(self, place: Place) -> models.QuerySet[Any]:
        manager: Any = self.model._default_manager
        if self.parent:
            return manager.filter(centre__place=place)
        return manager.filter(place=place)


MEMBER_COLUMNS = [
    ID,
    Column("full_name", "Họ và tên", required=True, aliases=("họ tên",), width=26),
    Column("birth_year", "Năm sinh", width=10),
    Column("village", "Thôn, chi hội", aliases=("thôn", "chi hội"), width=20),
    Column(
        "position",
        "Chức vụ trong Hội",
        aliases=("chức vụ",),
        choices=_labels(m.MemberPosition),
        width=26,
    ),
    Column("is_cadre", "Cán bộ khuyến học xã", aliases=("cán bộ",), choices=YES_NO, width=12),
    Column("joined_year", "Năm vào Hội", width=10),
    Column("left_year", "Năm thôi", width=10),
]

ACTIVITY_COLUMNS = [
    ID,
    Column("centre", "Trung tâm", required=True, aliases=("tên trung tâm", "tthtcđ"), width=28),
    Column("kind", "Loại", required=True, choices=_labels(m.ActivityKind), width=22),
    Column("topic", "Chủ đề", required=True, aliases=("nội dung",), width=32),
    Column("start_date", "Từ ngày", required=True, aliases=("ngày",), width=12, help="dd/mm/yyyy"),
    Column("end_date", "Đến ngày", width=12, help="dd/mm/yyyy"),
    Column("participants", "Số người tham gia", required=True, aliases=("số người",), width=12),
    Column("village", "Thôn", width=20),
    Column("facilitators", "Báo cáo viên, hướng dẫn viên", aliases=("báo cáo viên",), width=24),
]

CONTRIBUTION_COLUMNS = [
    ID,
    Column("date", "Ngày", required=True, width=12, help="dd/mm/yyyy"),
    Column("source", "Nguồn", required=True, choices=_labels(m.Source), width=18),
    Column("donor", "Người, đơn vị đóng góp", required=True, aliases=("người đóng góp",), width=28),
    Column("purpose", "Mục đích", required=True, choices=_labels(m.Purpose), width=24),
    Column("cash", "Tiền mặt (đồng)", aliases=("tiền mặt",), width=16),
    Column("in_kind", "Hiện vật quy ra tiền (đồng)", aliases=("hiện vật quy tiền",), width=16),
    Column("in_kind_description", "Hiện vật", width=24),
]


TRAINING_COLUMNS = [
    ID,
    Column("topic", "Nội dung", required=True, choices=_labels(m.TrainingTopic), width=34),
    Column("title", "Tên lớp, hội nghị", required=True, aliases=("tên lớp",), width=34),
    Column("date", "Ngày", required=True, width=12, help="dd/mm/yyyy"),
    Column("level", "Cấp tổ chức", required=True, choices=_labels(m.Level), width=16),
    Column("organiser", "Đơn vị tổ chức", width=24),
    Column("attendance", "Số người dự", width=10, help="Chỉ để xem; danh sách dự ghi trên trang."),
]

COMMUNICATION_COLUMNS = [
    ID,
    Column("kind", "Loại", required=True, choices=_labels(m.MediaKind), width=28),
    Column("channel", "Kênh", required=True, width=24),
    Column("date", "Ngày", required=True, width=12, help="dd/mm/yyyy"),
    Column("title", "Tiêu đề", required=True, width=40),
    Column("link", "Đường dẫn", width=30),
    Column("file_reference", "Tệp, số lưu trữ", width=20),
    Column("learning_week", "Tuần lễ học tập suốt đời", choices=YES_NO, width=12),
    Column("participants", "Số người tham gia", width=12),
]

COMMENDATION_COLUMNS = [
    ID,
    Column("year", "Năm", required=True, width=8),
    Column("subject_kind", "Đối tượng", required=True, choices=_labels(m.SubjectKind), width=12),
    Column("name", "Tên tập thể, cá nhân", required=True, width=30),
    Column("place", "Đơn vị đề nghị", width=24),
    Column("level", "Hình thức đề nghị", required=True, choices=_labels(m.AwardLevel), width=30),
    Column("status", "Trạng thái", width=18),
    Column("decision", "Số quyết định", width=16),
    Column("exemplary", "Điển hình tiêu biểu", width=10),
]


def _training_row(x: m.Training) -> list[Any]:
    return [
        x.pk,
        x.get_topic_display(),
        x.title,
        _date(x.date),
        x.get_level_display(),
        x.organiser,
        x.attendance.count(),
    ]


def _communication_row(x: m.Communication) -> list[Any]:
    return [
        x.pk,
        x.get_kind_display(),
        x.channel,
        _date(x.date),
        x.title,
        x.link,
        x.file_reference,
        "Có" if x.learning_week else "Không",
        x.participants,
    ]


def _commendation_row(x: m.Commendation) -> list[Any]:
    return [
        x.pk,
        x.year,
        x.get_subject_kind_display(),
        x.name,
        x.place.name,
        x.get_level_display(),
        x.get_status_display(),
        x.decision,
        "Có" if x.exemplary else "",
    ]


def _member_row(x: m.Member) -> list[Any]:
    return [
        x.pk,
        x.full_name,
        x.birth_year,
        x.village.short_name if x.village else "",
        x.get_position_display(),
        "Có" if x.is_cadre else "Không",
        x.joined_year,
        x.left_year,
    ]


def _activity_row(x: m.Activity) -> list[Any]:
    return [
        x.pk,
        x.centre.name,
        x.get_kind_display(),
        x.topic,
        _date(x.start_date),
        _date(x.end_date),
        x.participants,
        x.village.short_name if x.village else "",
        x.facilitators,
    ]


def _contribution_row(x: m.Contribution) -> list[Any]:
    return [
        x.pk,
        _date(x.date),
        x.get_source_display(),
        x.donor,
        x.get_purpose_display(),
        x.cash,
        x.in_kind,
        x.in_kind_description,
    ]


SPECS: dict[str, SheetSpec] = {
    "hoi-vien": SheetSpec(
        "hoi-vien",
        "Danh sách cán bộ, hội viên Hội Khuyến học",
        m.Member,
        f.MemberForm,
        MEMBER_COLUMNS,
        {"position": m.MemberPosition},
        _member_row,
    ),
    "hoat-dong": SheetSpec(
        "hoat-dong",
        "Hoạt động của trung tâm học tập cộng đồng",
        m.Activity,
        f.ActivityForm,
        ACTIVITY_COLUMNS,
        {"kind": m.ActivityKind},
        _activity_row,
        parent="centre",
    ),
    "nguon-luc": SheetSpec(
        "nguon-luc",
        "Nguồn lực xã hội hóa huy động",
        m.Contribution,
        f.ContributionForm,
        CONTRIBUTION_COLUMNS,
        {"source": m.Source, "purpose": m.Purpose},
        _contribution_row,
    ),
    "tap-huan": SheetSpec(
        "tap-huan",
        "Lớp tập huấn, hội nghị phổ biến",
        m.Training,
        f.TrainingForm,
        TRAINING_COLUMNS,
        {"topic": m.TrainingTopic, "level": m.Level},
        _training_row,
    ),
    "truyen-thong": SheetSpec(
        "truyen-thong",
        "Tin, bài, sự kiện truyền thông",
        m.Communication,
        f.CommunicationForm,
        COMMUNICATION_COLUMNS,
        {"kind": m.MediaKind},
        _communication_row,
    ),
    "khen-thuong": SheetSpec(
        "khen-thuong",
        "Đề nghị khen thưởng",
        m.Commendation,
        f.CommendationForm,
        COMMENDATION_COLUMNS,
        {},
        _commendation_row,
        importable=False,
    ),
}


def template_bytes(spec: SheetSpec) -> bytes:
    return write_workbook(
        title=_("Mẫu nhập: %(t)s") % {"t": spec.title},
        columns=spec.columns,
        instructions=[
            _("Mỗi dòng một bản ghi của một xã/phường (chọn xã khi tải tệp lên)."),
            _("Ngày ghi dd/mm/yyyy. Có lỗi ở bất kỳ dòng nào thì không dòng nào được ghi."),
        ],
    )


def export_bytes(spec: SheetSpec, records: Iterable[Any]) -> bytes:
    return write_workbook(
        title=spec.title, columns=spec.columns, rows=(spec.row_of(r) for r in records)
    )


def _text(value: Any) -> str:
    return cell_text(value).strip()


def _form_data(
    spec: SheetSpec,
    row: Row,
    villages: dict[str, int],
    centres: dict[str, int],
    report: ImportReport,
) -> dict[str, Any] | None:
    """The row as the page's form would receive it, or None after reporting why not."""
    columns = {c.key: c for c in spec.columns}
    data: dict[str, Any] = {}
    ok = True
    for column in spec.columns:
        if column.key in ("id", "centre", "attendance"):
            continue
        text = _text(row.values.get(column.key))
        if not text and column.key not in BOOLEANS:
            # An empty cell (or a column left out) takes the record's default, as on the page.
            field = spec.model._meta.get_field(column.key)
            assert isinstance(field, models.Field)
            if field.has_default() and not callable(field.default):
                data[column.key] = str(field.default)
                continue
        if column.key in spec.choices and text:
            by_label = {
                fold(str(label)): value for value, label in spec.choices[column.key].choices
            }
            if fold(text) not in by_label:
                report.error(
                    row,
                    column,
                    _("“%(v)s” không có trong danh sách: %(c)s.")
                    % {"v": text, "c": "; ".join(column.choices)},
                )
                ok = False
                continue
            text = by_label[fold(text)]
        elif column.key in BOOLEANS:
            text = "on" if fold(text) in ("co", "1", "x") else ""
        elif column.key == "village" and text:
            found = villages.get(fold(text))
            if found is None:
                report.error(row, column, _("Không có thôn “%(v)s” trong xã.") % {"v": text})
                ok = False
                continue
            text = str(found)
        data[column.key] = text
    if spec.parent:
        name = _text(row.values.get("centre"))
        centre = centres.get(fold(name))
        if centre is None:
            report.error(row, columns["centre"], _("Xã không có trung tâm “%(v)s”.") % {"v": name})
            ok = False
        data["centre"] = centre
    return data if ok else None


def import_rows(*, actor: User, spec: SheetSpec, place: Place, data: bytes) -> ImportReport:
    require_edit(actor, place)
    report = ImportReport()
    try:
        sheet = read_sheet(data, spec.columns)
    except ImportFileError as exc:
        report.file_error(str(exc))
        return report
    report.sheet, report.warnings = sheet, list(sheet.warnings)
    villages: dict[str, int] = {}
    for village in Place.objects.current().villages().filter(parent=place):
        villages[fold(village.name)] = village.pk
        villages[fold(village.short_name or village.name)] = village.pk
    centre_objs = {c.pk: c for c in m.LearningCentre.objects.filter(place=place)}
    centres = {fold(c.name): c.pk for c in centre_objs.values()}
    existing = {obj.pk: obj for obj in spec.queryset(place)}
    columns = {c.key: c for c in spec.columns}
    planned: list[tuple[Any, dict[str, Any], Any]] = []
    for row in sheet.rows:
        values = _form_data(spec, row, villages, centres, report)
        if values is None:
            continue
        raw_id = _text(row.values.get("id"))
        instance = None
        if raw_id:
            instance = existing.get(int(raw_id)) if raw_id.isdigit() else None
            if instance is None:
                report.error(
                    row, columns["id"], _("Mã hệ thống “%(v)s” không thuộc xã này.") % {"v": raw_id}
                )
                continue
        form = spec.form(values, place=place, instance=instance)
        if not form.is_valid():
            for name, errors in form.errors.items():
                for message in errors:
                    report.error(row, columns.get(name), str(message))
            continue
        planned.append((instance, form.cleaned_data, values.get("centre")))
    if report.errors:
        return report
    created: list[models.Model] = []
    updated: list[models.Model] = []
    with transaction.atomic():
        for instance, cleaned, centre in planned:
            obj = instance if instance is not None else spec.model()
            if instance is None:
                setattr(
                    obj,
                    "centre" if spec.parent else "place",
                    centre_objs[centre] if spec.parent else place,
                )
            for name, value in cleaned.items():
                setattr(obj, name, value)
            obj.save()
            if instance is None:
                created.append(obj)
                report.created += 1
            else:
                updated.append(obj)
                report.updated += 1
        label = spec.model._meta.model_name
        record_many(actor=actor, action=f"movement.{label}.import", objects=created)
        record_many(actor=actor, action=f"movement.{label}.import_update", objects=updated)
        record(
            actor=actor,
            action=f"movement.import.{spec.key}",
            obj=place,
            note=f"{report.created} mới, {report.updated} sửa",
        )
        if report.created or report.updated:
            changed(place)
    report.committed = True
    return report


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp Excel (.xlsx)"))
