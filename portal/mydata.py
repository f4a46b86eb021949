"""Everything the system holds about one citizen, for the citizen (JSON and PDF),
and the list of who saw or exported their personal data."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from django.db import models
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from assessments.models import Assessment
from audit.labels import action_label, changes_of, note_text
from audit.models import AuditEvent
from core.text import fold
from portal.models import AccountRequest, ChangeRequest
from recognition import fonts
from registry import privacy
from registry.fields import CITIZEN
from registry.models import Citizen


def _date(value: Any) -> str | None:
    return value.strftime("%d/%m/%Y") if value else None


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


def key_of(label: str) -> str:
    """A label as a key of the export: "số CCCD" → "so_cccd"."""
    return fold(label).replace(" ", "_").replace("/", "_")


# Fields the record section writes its own way: (key, value).
SHOWN: dict[str, tuple[str, Callable[[Citizen], Any]]] = {
    "village": ("noi_o", lambda c: f"{c.village.name}, {c.commune.name}"),
    # "Chủ hộ" for the head (Household.head; their stored relation is blank).
    "relation": ("quan_he_voi_chu_ho", lambda c: c.relation_label),
}


def _value(citizen: Citizen, name: str) -> Any:
    """A field as a person reads it: a choice by its label, a date as dd/mm/yyyy, a link
    by its name."""
    field = CITIZEN.model_field(name)
    if field.choices:
        return getattr(citizen, f"get_{name}_display")()
    value = getattr(citizen, name)
    if isinstance(field, models.DateField):
        return _date(value)
    if field.is_relation:
        return str(value) if value is not None else None
    return value


def record_of(citizen: Citizen) -> dict[str, Any]:
    """The record section: every field of the spec marked `mine` (registry.fields),
    keyed by its model field's name in Vietnamese ("ho_va_ten")."""
    out: dict[str, Any] = {}
    for field in CITIZEN.fields:
        if not field.mine:
            continue
        if field.name in SHOWN:
            key, shown = SHOWN[field.name]
            out[key] = shown(citizen)
            continue
        for name in field.columns:
            out[key_of(str(CITIZEN.model_field(name).verbose_name))] = _value(citizen, name)
    return out


def collect(citizen: Citizen) -> dict[str, Any]:
    """The record, household, assessments, requests, history and disclosures."""
    household = citizen.household
    assessments = Assessment.objects.filter(citizen=citizen)
    if household is not None:
        assessments = assessments | Assessment.objects.filter(household=household)
    user = citizen.user
    history = AuditEvent.objects.for_object(citizen).select_related("actor")
    return {
        "xuat_luc": _when(timezone.now()),
        "ho_so": {
            "ma": citizen.pk,
            **record_of(citizen),
            "tai_khoan": user.get_username() if user else None,
        },
        "ho_gia_dinh": None
        if household is None
        else {
            "ma_ho": household.code,
            "dia_chi": household.address,
            "thanh_vien": [
                {"ho_va_ten": m.full_name, "nam_sinh": m.birth_year}
                for m in household.members.order_by("birth_year", "id")
            ],
        },
        "danh_gia": [
            {
                "danh_hieu": a.get_title_display(),
                "nam": a.year,
                "buoc": a.get_state_display(),
                "diem": str(a.total) if a.total is not None else None,
                "tra_loi": a.answers,
            }
            for a in assessments.distinct().order_by("-year", "title")
        ],
        "de_nghi_sua_thong_tin": [
            {"luc": _when(r.created_at), "thay_doi": r.changes, "ket_qua": r.get_status_display()}
            for r in ChangeRequest.objects.filter(citizen=citizen)
        ],
        "yeu_cau_tai_khoan": [
            {
                "luc": _when(r.created_at),
                "loai": r.get_kind_display(),
                "ket_qua": r.get_status_display(),
            }
            for r in AccountRequest.objects.filter(citizen=citizen)
        ],
        "lich_su_thay_doi": [
            {
                "luc": _when(e.created_at),
                "nguoi": str(e.actor) if e.actor else "Hệ thống",
                "thao_tac": action_label(e.action),
                "thay_doi": {c.field: f"{c.before} → {c.after}" for c in changes_of(e)},
                "ghi_chu": note_text(e.note),
            }
            for e in history[:500]
        ],
        "lan_xem_hoac_xuat_du_lieu": [
            {
                "luc": _when(e.created_at),
                "nguoi": str(e.actor or "Hệ thống"),
                "cach": disclosure_label(e.action),
                "ghi_chu": note_text(e.note),
            }
            for e in privacy.disclosures_of([citizen.pk])[:500]
        ],
    }


# How each kind of event that touched a person's data reads on their own page.
DISCLOSURE_LABELS = {
    "personal.reveal": "Cán bộ bấm xem đầy đủ số CCCD, ngày sinh, điện thoại",
    "api.citizens": "Phần mềm kết nối (API) lấy danh sách có dữ liệu đầy đủ",
    "portal.review": "Cán bộ thôn xem khi duyệt yêu cầu tài khoản",
    "portal.claim": "Có người yêu cầu nhận tài khoản với thông tin của bạn",
    "portal.claim_refused": "Có người yêu cầu nhận tài khoản với số CCCD của bạn (không khớp sổ)",
    "portal.register_same_identity": "Có người đăng ký tài khoản mới với số CCCD của bạn",
    "personal.search": "Cán bộ tìm theo đúng số CCCD của bạn",
}


def disclosure_label(action: str) -> str:
    if action in DISCLOSURE_LABELS:
        return DISCLOSURE_LABELS[action]
    if action.startswith("export."):
        return "Xuất danh sách ra tệp (Excel)"
    return "Xem hoặc xuất dữ liệu cá nhân"


def _lines(value: Any, indent: int = 0) -> list[tuple[int, str]]:
    pad = indent
    if isinstance(value, dict):
        out: list[tuple[int, str]] = []
        for key, inner in value.items():
            if isinstance(inner, dict | list) and inner:
                out.append((pad, f"{key.replace('_', ' ')}:"))
                out.extend(_lines(inner, indent + 1))
            else:
                out.append(
                    (
                        pad,
                        f"{key.replace('_', ' ')}: {'—' if inner in (None, '', [], {}) else inner}",
                    )
                )
        return out
    if isinstance(value, list):
        out = []
        for number, item in enumerate(value, start=1):
            out.append((pad, f"{number}."))
            out.extend(_lines(item, indent + 1))
        return out
    return [(pad, str(value))]


def as_pdf(data: dict[str, Any]) -> bytes:
    fonts.register()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, title="Dữ liệu của tôi"
    )
    title = ParagraphStyle("t", fontName=fonts.SERIF_BOLD, fontSize=15, leading=20)
    heading = ParagraphStyle("h", fontName=fonts.SERIF_BOLD, fontSize=12, leading=16, spaceBefore=8)
    body = ParagraphStyle("b", fontName=fonts.SERIF, fontSize=10, leading=13)
    story: list[Any] = [
        Paragraph(fonts.text("Dữ liệu hệ thống học tập suốt đời lưu về bạn"), title),
        Paragraph(fonts.text(f"Xuất lúc {data['xuat_luc']}"), body),
    ]
    for section, content in data.items():
        if section == "xuat_luc":
            continue
        story.append(Paragraph(fonts.text(section.replace("_", " ").capitalize()), heading))
        lines = _lines(content) if content not in (None, [], {}) else [(0, "—")]
        for indent, line in lines:
            style = ParagraphStyle("i", parent=body, leftIndent=indent * 6 * mm)
            story.append(Paragraph(escape(fonts.text(line)), style))
        story.append(Spacer(1, 3 * mm))
    document.build(story, canvasmaker=fonts.canvas)
    return buffer.getvalue()
