"""How an audit event reads on a page: its action as a Vietnamese phrase, each changed
field by its Vietnamese name and each value in words (issue 19). Codes never reach a page.

The action table lists every action the code records (a test greps the sources for the
literals and checks each has a phrase); actions built at run time (`movement.<model>.create`,
`export.<sheet>`, `<model>.import_create`) read through the rules of `action_label`.
Models are found through Django's app registry by the event's content type, so this
module imports no app above audit.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst

OTHER_ACTION = "Thao tác khác"
OTHER_FIELD = "Thông tin khác"
# Actions whose changes are a self-assessment's answers, keyed by criterion code.
ANSWER_ACTIONS = frozenset({"assessment.answers"})
EMPTY = "(trống)"

ACTIONS: dict[str, str] = {
    # places
    "village.create": "Thêm thôn",
    "village.rename": "Đổi tên thôn",
    "village.close": "Giải thể thôn",
    "village.merge": "Sáp nhập thôn",
    "village.import": "Nhập danh sách thôn từ tệp",
    "place.shares": "Sửa tỷ lệ chia số liệu của xã cũ bị chia tách",
    # accounts
    "user.create": "Tạo tài khoản",
    "role.assign": "Giao vai trò",
    "role.end": "Kết thúc vai trò",
    "otp.enabled": "Bật xác thực hai bước",
    "account.login_changed": "Đổi tài khoản đăng nhập",
    # criteria
    "criteria.draft": "Tạo bản nháp bộ tiêu chí",
    "criteria.publish": "Ban hành bộ tiêu chí",
    "criteria.retire": "Ngừng áp dụng bộ tiêu chí",
    "criteria.update": "Sửa bộ tiêu chí",
    "criteria.group": "Sửa nhóm tiêu chí",
    "criteria.group_delete": "Xóa nhóm tiêu chí",
    "criteria.criterion": "Sửa tiêu chí",
    "criteria.criterion_delete": "Xóa tiêu chí",
    "criteria.adopt": "Áp dụng bộ tiêu chí",
    "criteria.import": "Nhập bộ tiêu chí từ tệp",
    # registry
    "citizen.create": "Thêm công dân",
    "citizen.update": "Sửa thông tin công dân",
    "citizen.move": "Chuyển hộ",
    "citizen.merge": "Gộp hồ sơ trùng",
    "citizen.workplace": "Đổi nơi làm việc",
    "citizen.active": "Ghi nhận đang cư trú",
    "citizen.moved": "Ghi nhận đã chuyển đi",
    "citizen.deceased": "Ghi nhận đã mất",
    "citizen.import_create": "Thêm công dân từ tệp",
    "citizen.import_update": "Cập nhật công dân từ tệp",
    "household.create": "Thêm hộ gia đình",
    "household.update": "Sửa thông tin hộ",
    "household.head": "Đổi chủ hộ",
    "household.member_in": "Thêm người vào hộ",
    "household.member_out": "Người ra khỏi hộ",
    "household.clan": "Đổi dòng họ của hộ",
    "household.import_create": "Thêm hộ gia đình từ tệp",
    "household.import_update": "Cập nhật hộ gia đình từ tệp",
    "clan.create": "Thêm dòng họ",
    "clan.update": "Sửa thông tin dòng họ",
    "clan.import_create": "Thêm dòng họ từ tệp",
    "clan.import_update": "Cập nhật dòng họ từ tệp",
    "organisation.create": "Thêm đơn vị",
    "organisation.update": "Sửa thông tin đơn vị",
    "organisation.import_create": "Thêm đơn vị từ tệp",
    "organisation.import_update": "Cập nhật đơn vị từ tệp",
    "personal.reveal": "Xem đầy đủ số CCCD",
    "personal.search": "Tìm theo đúng số CCCD",
    "retention.purge": "Xóa dữ liệu hết hạn lưu giữ",
    # movement
    "movement.training.attendance": "Ghi danh sách tham dự tập huấn",
    "movement.commendation.review": "Xét đề nghị khen thưởng",
    # assessments
    "assessment.register": "Đăng ký danh hiệu",
    "assessment.answers": "Sửa bản tự đánh giá",
    "assessment.evidence": "Cập nhật minh chứng",
    "assessment.submit": "Nộp bản tự đánh giá",
    "assessment.verify": "Xác nhận kết quả bình xét",
    "assessment.propose": "Đề nghị công nhận",
    "assessment.return": "Trả lại để sửa",
    "assessment.recognise": "Công nhận danh hiệu",
    "assessment.not_recognised": "Không công nhận danh hiệu",
    "assessment.revoke": "Thu hồi danh hiệu",
    "decision.issue": "Ban hành quyết định công nhận",
    "revocation.issue": "Ban hành quyết định thu hồi",
    "cycle.open": "Mở năm bình xét",
    "cycle.calendar": "Đặt lịch bình xét",
    "cycle.close": "Khóa sổ năm bình xét",
    "cycle.reopen": "Mở lại năm bình xét",
    "cycle.close_title": "Khóa sổ một danh hiệu",
    "cycle.reopen_title": "Mở lại sổ một danh hiệu",
    # recognition
    "decision.document": "Tạo văn bản quyết định công nhận",
    "revocation.document": "Tạo văn bản quyết định thu hồi",
    "legal_basis.save": "Lưu căn cứ pháp lý",
    "legal_basis.delete": "Xóa căn cứ pháp lý",
    "authority_rule.save": "Lưu quy định thẩm quyền công nhận",
    # stats
    "stat_report.create": "Tạo báo cáo thống kê",
    "stat_report.save": "Lưu báo cáo thống kê",
    "stat_report.submit": "Gửi báo cáo thống kê",
    "stat_report.approve": "Duyệt báo cáo thống kê",
    "stat_report.return": "Trả lại báo cáo thống kê",
    "stat_report.reopen": "Mở lại báo cáo thống kê",
    "stat_report.import": "Nhập báo cáo thống kê từ tệp",
    "target.set": "Đặt chỉ tiêu",
    # portal
    "portal.claim": "Yêu cầu nhận tài khoản",
    "portal.claim_refused": "Yêu cầu nhận tài khoản không khớp sổ",
    "portal.claim_confirmed": "Xác nhận nhận tài khoản",
    "portal.approve": "Duyệt yêu cầu tài khoản",
    "portal.reject": "Từ chối yêu cầu tài khoản",
    "portal.register": "Đăng ký tài khoản mới",
    "portal.register_same_identity": "Đăng ký tài khoản mới trùng số CCCD",
    "portal.password_reset": "Cấp lại mật khẩu",
    "portal.change_request": "Đề nghị sửa thông tin",
    "portal.change_decided": "Xét đề nghị sửa thông tin",
    "portal.change_withdrawn": "Rút đề nghị sửa thông tin",
    "portal.review": "Xem khi duyệt yêu cầu tài khoản",
    "portal.own_data": "Công dân tải dữ liệu của mình",
    # api
    "api.citizens": "Phần mềm kết nối lấy danh sách công dân",
    "api_token.create": "Cấp khóa kết nối",
    "api_token.revoke": "Thu hồi khóa kết nối",
}

# The verb of `movement.<model>.<verb>` and `<model>.import_<verb>` (run-time actions).
VERBS = {
    "create": "Thêm",
    "update": "Sửa",
    "delete": "Xóa",
    "import": "Nhập từ tệp",
    "import_update": "Cập nhật từ tệp",
    "import_create": "Thêm từ tệp",
}

# Changed fields that are not a field of the event's model (or whose model is unknown).
FIELDS: dict[str, str] = {
    "member": "Thành viên",
    "name": "Tên",
    "pdf_sha256": "Mã kiểm tra tệp PDF",
    "identity_number": "Số CCCD",
    "phone": "Số điện thoại",
    "birth_date": "Ngày sinh",
    "state": "Bước",
}


def _model(content_type: Any) -> type[models.Model] | None:
    if content_type is None:
        return None
    try:
        return apps.get_model(content_type.app_label, content_type.model)
    except LookupError:
        return None


def action_label(action: str) -> str:
    """ "assessment.submit" → "Nộp bản tự đánh giá"; never the code itself."""
    if action in ACTIONS:
        return ACTIONS[action]
    parts = action.split(".")
    if parts[0] == "export":
        return "Xuất danh sách ra tệp (Excel)"
    if len(parts) == 3 and parts[:2] == ["movement", "import"]:
        return "Nhập danh sách phong trào từ tệp"
    if len(parts) == 3 and parts[0] == "movement" and parts[2] in VERBS:
        return _verb_of(VERBS[parts[2]], "movement", parts[1])
    if len(parts) == 2 and parts[1] in VERBS:
        for app_config in apps.get_app_configs():
            try:
                apps.get_model(app_config.label, parts[0])
            except LookupError:
                continue
            return _verb_of(VERBS[parts[1]], app_config.label, parts[0])
    return OTHER_ACTION


def _verb_of(verb: str, app_label: str, model_name: str) -> str:
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return OTHER_ACTION
    return f"{verb}: {model._meta.verbose_name}"


def field_label(model: type[models.Model] | None, name: str) -> str:
    if model is not None:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            pass
        else:
            verbose = getattr(field, "verbose_name", None)
            if verbose and str(verbose).replace(" ", "_") != name:
                return capfirst(str(verbose))
    return FIELDS.get(name, OTHER_FIELD)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def value_text(model: type[models.Model] | None, name: str, value: Any) -> str:
    """A stored before/after value in words: a choice by its label, a boolean as Có/Không,
    a date as dd/mm/yyyy, nothing as "(trống)". Masked values pass unchanged."""
    field: Any = None
    if model is not None:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return "Có" if value else "Không"
    choices = getattr(field, "flatchoices", None) if field is not None else None
    if choices:
        for key, label in choices:
            if str(key) == str(value):
                return str(label)
    if isinstance(value, str):
        if _ISO_TIME.match(value):
            try:
                moment = dt.datetime.fromisoformat(value)
            except ValueError:
                return value
            return moment.strftime("%d/%m/%Y %H:%M")
        if _ISO_DATE.match(value):
            try:
                return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
            except ValueError:
                return value
        return value
    if isinstance(value, dict):
        return "; ".join(f"{key}: {value_text(None, '', inner)}" for key, inner in value.items())
    if isinstance(value, list):
        return ", ".join(value_text(None, "", inner) for inner in value)
    return str(value)


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def changes_of(event: Any, changes: dict[str, Any] | None = None) -> list[Change]:
    """An event's changes (already masked for the reader, when given) as lines to show."""
    model = _model(event.content_type) if event.content_type_id else None
    answers = event.action in ANSWER_ACTIONS  # keyed by criterion code ("1.2", "ĐK1")
    out = []
    for name, values in (event.changes if changes is None else changes).items():
        pair = values if isinstance(values, list | tuple) and len(values) == 2 else [None, values]
        out.append(
            Change(
                f"Tiêu chí {name}" if answers else field_label(model, name),
                value_text(model, name, pair[0]),
                value_text(model, name, pair[1]),
            )
        )
    return out


# Personal fields named in a disclosure's note ("đầy đủ: identity_number, phone").
_NOTE_FIELDS = {"identity_number": "số CCCD", "phone": "số điện thoại", "birth_date": "ngày sinh"}
_QUERY = re.compile(r"^(bộ lọc:|trang)\s*\S*=\S*$")


def note_text(note: str) -> str:
    """A note as a person reads it: personal fields by name, no web addresses' filters."""
    parts = []
    for part in note.split("; "):
        if part.strip() in ("bộ lọc:", "trang"):
            continue
        if _QUERY.match(part.strip()):
            parts.append("có lọc danh sách" if part.startswith("bộ lọc") else "qua trang kết nối")
            continue
        for code, label in _NOTE_FIELDS.items():
            part = part.replace(code, label)
        parts.append(part)
    return "; ".join(parts)


def describe(event: Any, changes: dict[str, Any] | None = None) -> Any:
    """Sets `action_text`, `change_lines` and `note_text` on the event for its template."""
    event.action_text = action_label(event.action)
    event.change_lines = changes_of(event, changes)
    event.note_text = note_text(event.note)
    return event
