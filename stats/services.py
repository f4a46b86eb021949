"""Statistical reports (fill, submit, approve, return, reopen) and targets: scoped, atomic, audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.scope import scope_of
from audit.services import diff, record
from places.models import Place, PlaceKind
from stats import summary
from stats.compute import live_figures
from stats.figures import FIGURE_NAMES, FIGURES
from stats.models import ReportSource, ReportStatus, StatReport, Target, TargetSource


def _commune_editor(actor: User, commune: Place) -> bool:
    return scope_of(actor).covers(commune, {Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER})


def _require_province(actor: User) -> None:
    if not scope_of(actor).is_province_admin:
        raise PermissionDenied(_("Chỉ cấp tỉnh được duyệt, trả lại hoặc mở lại báo cáo."))


class ReportConflictError(ValidationError):
    pass


def report_for(*, actor: User, commune: Place, year: int) -> StatReport:
    """The commune's report for the year, created pre-filled from the registry when missing."""
    existing = StatReport.objects.filter(commune=commune, year=year).first()
    if existing is not None:
        return existing
    if not _commune_editor(actor, commune):
        raise PermissionDenied(_("Bạn không lập báo cáo cho %(c)s.") % {"c": commune})
    with transaction.atomic():
        report, created = StatReport.objects.get_or_create(commune=commune, year=year)
        if created and commune.is_current:
            for name, value in live_figures(commune, year).items():
                setattr(report, name, value)
            report.source = ReportSource.REGISTRY
            report.save()
            record(actor=actor, action="stat_report.create", obj=report)
    return report


def _locked(report: StatReport, version: int | None) -> StatReport:
    locked = StatReport.objects.select_for_update().get(pk=report.pk)
    if version is not None and locked.version != version:
        raise ReportConflictError(_("Báo cáo vừa được người khác cập nhật; hãy tải lại trang."))
    return locked


@transaction.atomic
def save_report(
    *,
    actor: User,
    report: StatReport,
    values: dict[str, Any],
    note: str = "",
    version: int | None = None,
    source: str = ReportSource.TYPED,
) -> StatReport:
    locked = _locked(report, version)
    if not _commune_editor(actor, locked.commune):
        raise PermissionDenied(_("Bạn không sửa được báo cáo của %(c)s.") % {"c": locked.commune})
    if locked.is_locked:
        raise ValidationError(
            _("Báo cáo đã gửi hoặc đã duyệt; cần cấp tỉnh trả lại hoặc mở lại để sửa.")
        )
    problems = check_values(values)
    if problems:
        raise ValidationError(problems)
    before = locked.values()
    for name in FIGURE_NAMES:
        if name in values:
            setattr(locked, name, values[name])
    locked.note = note or locked.note
    locked.source = (
        source
        if source != ReportSource.TYPED or locked.source == ReportSource.TYPED
        else locked.source
    )
    locked.version += 1
    locked.save()
    changes = diff(before, locked.values())
    if changes:
        record(actor=actor, action="stat_report.save", obj=locked, changes=changes)
    return locked


def check_values(values: dict[str, Any]) -> dict[str, list[str]]:
    """Parts never exceed their whole: registered ≤ total, recognised ≤ registered, …"""
    labels = {f.name: f.label for f in FIGURES}
    problems: dict[str, list[str]] = {}
    pairs = []
    for prefix in ("households", "clans", "villages", "orgs", "enterprises", "province_orgs"):
        pairs += [
            (f"{prefix}_registered", f"{prefix}_total"),
            (f"{prefix}_recognised", f"{prefix}_registered"),
        ]
    for prefix in ("workers", "staff"):
        pairs += [
            (f"{prefix}_registered", f"{prefix}_total"),
            (f"{prefix}_cdht", f"{prefix}_registered"),
        ]
    pairs += [
        ("cdht_digital", "cdht_total"),
        ("cdht_self_updated", "cdht_total"),
        ("cadres_trained_it", "cadres_total"),
        ("members_briefed", "members_total"),
        ("cdht_digital_self_updated", "cdht_digital"),
        ("cdht_digital_self_updated", "cdht_self_updated"),
        ("cadres_clc_it", "cadres_trained_it"),
        ("leaders_trained_it", "leaders_total"),
    ]
    for part, whole in pairs:
        a, b = values.get(part), values.get(whole)
        if a is not None and b is not None and a > b:
            problems.setdefault(part, []).append(
                _("“%(a)s” (%(x)s) lớn hơn “%(b)s” (%(y)s).")
                % {"a": labels[part], "x": a, "b": labels[whole], "y": b}
            )
    if values.get("clc_chair") not in (None, 0, 1):
        problems.setdefault("clc_chair", []).append(_("Ghi 1 (có) hoặc 0 (không)."))
    if values.get("commune_level") not in (None, 0, 1, 2):
        problems.setdefault("commune_level", []).append(_("Mức độ chỉ là 0, 1 hoặc 2."))
    return problems


@transaction.atomic
def submit_report(*, actor: User, report: StatReport, version: int | None = None) -> StatReport:
    locked = _locked(report, version)
    if locked.status == ReportStatus.SUBMITTED:
        return locked
    if not _commune_editor(actor, locked.commune):
        raise PermissionDenied(_("Bạn không gửi được báo cáo của %(c)s.") % {"c": locked.commune})
    if locked.status == ReportStatus.APPROVED:
        raise ValidationError(_("Báo cáo đã được duyệt."))
    missing = [f.label for f in FIGURES if getattr(locked, f.name) is None]
    if missing:
        raise ValidationError(_("Còn thiếu: %(m)s.") % {"m": "; ".join(missing)})
    old = locked.status
    locked.status, locked.submitted_at, locked.submitted_by = (
        ReportStatus.SUBMITTED,
        timezone.now(),
        actor,
    )
    locked.return_reason = ""
    locked.version += 1
    locked.save()
    record(
        actor=actor,
        action="stat_report.submit",
        obj=locked,
        changes={"status": [old, locked.status]},
    )
    return locked


@transaction.atomic
def approve_reports(*, actor: User, reports: list[StatReport]) -> int:
    """Approve submitted reports, all or none; approval locks them. The ready-made official
    figures they feed are remade in the same transaction."""
    _require_province(actor)
    count = 0
    approved: list[StatReport] = []
    for report in reports:
        locked = StatReport.objects.select_for_update().get(pk=report.pk)
        if locked.status == ReportStatus.APPROVED:
            continue
        if locked.status != ReportStatus.SUBMITTED:
            raise ValidationError(_("Báo cáo của %(c)s chưa được gửi.") % {"c": locked.commune})
        locked.status, locked.approved_at, locked.approved_by = (
            ReportStatus.APPROVED,
            timezone.now(),
            actor,
        )
        locked.version += 1
        locked.save()
        record(
            actor=actor,
            action="stat_report.approve",
            obj=locked,
            changes={"status": [ReportStatus.SUBMITTED, ReportStatus.APPROVED]},
        )
        approved.append(locked)
        count += 1
    summary.refresh_official(
        commune_ids={r.commune_id for r in approved}, years={r.year for r in approved}
    )
    return count


@transaction.atomic
def return_report(*, actor: User, report: StatReport, reason: str) -> StatReport:
    _require_province(actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do trả lại.")})
    locked = StatReport.objects.select_for_update().get(pk=report.pk)
    if locked.status == ReportStatus.RETURNED:
        return locked
    if locked.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Chỉ trả lại báo cáo đang chờ duyệt; báo cáo đã duyệt thì mở lại."))
    # Only a report waiting for approval goes back: no official figure (`stats.summary`)
    # changes; reopening an approved one does (`reopen_report`).
    old = locked.status
    locked.status, locked.return_reason = ReportStatus.RETURNED, reason.strip()
    locked.version += 1
    locked.save()
    record(
        actor=actor,
        action="stat_report.return",
        obj=locked,
        changes={"status": [old, locked.status]},
        note=reason,
    )
    return locked


@transaction.atomic
def reopen_report(*, actor: User, report: StatReport, reason: str) -> StatReport:
    _require_province(actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do mở lại.")})
    locked = StatReport.objects.select_for_update().get(pk=report.pk)
    if locked.status != ReportStatus.APPROVED:
        return locked
    locked.status, locked.return_reason = ReportStatus.RETURNED, reason.strip()
    locked.approved_at = None
    locked.version += 1
    locked.save()
    record(
        actor=actor,
        action="stat_report.reopen",
        obj=locked,
        changes={"status": [ReportStatus.APPROVED, ReportStatus.RETURNED]},
        note=reason,
    )
    summary.refresh_official(commune_ids=[locked.commune_id], years=[locked.year])
    return locked


def current_target(indicator: str, place: Place, year: int) -> Target | None:
    """The commune's own target, else the province's plan, else the national programme."""
    targets = Target.objects.filter(indicator=indicator, year=year, replaced_at__isnull=True)
    if place.kind == PlaceKind.COMMUNE:
        own = targets.filter(place=place, source=TargetSource.COMMUNE).order_by("-set_at").first()
        if own is not None:
            return own
    province = place if place.kind == PlaceKind.PROVINCE else place.parent
    for source in (TargetSource.PROVINCE, TargetSource.NATIONAL):
        found = targets.filter(place=province, source=source).order_by("-set_at").first()
        if found is not None:
            return found
    return None


@transaction.atomic
def set_target(
    *,
    actor: User,
    indicator: str,
    place: Place,
    year: int,
    value: Decimal,
    source: str,
    note: str = "",
) -> Target:
    """A new target row; the one it replaces is kept, marked replaced (the history)."""
    scope = scope_of(actor)
    if not scope.is_province_admin:
        raise PermissionDenied(_("Chỉ cấp tỉnh được đặt chỉ tiêu."))
    if not (Decimal(0) <= value <= Decimal(100)):
        raise ValidationError({"value": _("Chỉ tiêu là tỷ lệ từ 0 đến 100%.")})
    previous = Target.objects.select_for_update().filter(
        indicator=indicator, place=place, year=year, source=source, replaced_at__isnull=True
    )
    old = previous.first()
    now = timezone.now()
    previous.update(replaced_at=now)
    target = Target.objects.create(
        indicator=indicator,
        place=place,
        year=year,
        source=source,
        value=value,
        note=note,
        set_by=actor,
    )
    record(
        actor=actor,
        action="target.set",
        obj=place,
        changes={f"{indicator} {year} {source}": [str(old.value) if old else None, str(value)]},
        note=note,
    )
    return target
