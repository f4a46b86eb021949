"""The criteria editor (province admins) and the read-only view for everyone else."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scope import scope_of
from core.forms import apply_errors, error_text
from core.http import AuthedRequest, attachment
from criteria import services
from criteria.describe import criterion_sentence, level_names_of
from criteria.engine import spec_of
from criteria.forms import (
    AdoptForm,
    CriterionForm,
    GroupForm,
    ImportForm,
    SetForm,
    answers_form_class,
)
from criteria.io import export_json, parse
from criteria.items import criterion_items, find, group_items, set_items
from criteria.models import CriteriaGroup, CriteriaSet, Criterion, SetStatus


def _require_reader(request: AuthedRequest) -> None:
    if not scope_of(request.user).roles - {"citizen"}:
        raise Http404


def _require_admin(request: AuthedRequest) -> None:
    if not scope_of(request.user).is_province_admin:
        raise Http404


@login_required
def set_list(request: AuthedRequest) -> HttpResponse:
    _require_reader(request)
    sets = CriteriaSet.objects.order_by(
        "title", "population_group", "org_level", "family", "-version"
    )
    return render(
        request,
        "criteria/set_list.html",
        {
            "sets": sets,
            "is_admin": scope_of(request.user).is_province_admin,
            "import_form": ImportForm(),
        },
    )


@login_required
def set_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The set as people will fill it in (a preview), with its rules."""
    _require_reader(request)
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    spec = spec_of(criteria_set)
    preview = answers_form_class(spec)(initial={"version": 0})
    groups = []
    waiting = 0
    conditions = []
    level_names = level_names_of(criteria_set.levels)
    for group in criteria_set.groups.prefetch_related("criteria"):
        rows = []
        for c in group.criteria.all():
            items = criterion_items(c)
            waiting += sum(item.source.awaits_adoption for item in items)
            if c.condition:
                conditions.append({"criterion": c, "items": items})
            rows.append(
                {
                    "criterion": c,
                    "items": items,
                    "sentence": criterion_sentence(c, level_names),
                    "field": preview[f"c_{c.code}"] if f"c_{c.code}" in preview.fields else None,
                }
            )
        g_items = group_items(group)
        waiting += sum(item.source.awaits_adoption for item in g_items)
        groups.append({"group": group, "items": g_items, "rows": rows})
    rules = set_items(criteria_set)
    waiting += sum(item.source.awaits_adoption for item in rules)
    return render(
        request,
        "criteria/set_detail.html",
        {
            "set": criteria_set,
            "groups": groups,
            "rules": rules,
            "conditions": conditions,
            "waiting": waiting,
            "max_points": spec.max_points,
            "is_admin": scope_of(request.user).is_province_admin,
            "versions": CriteriaSet.objects.filter(family=criteria_set.family).order_by("-version"),
            "used": criteria_set.assessments.count(),
            "total_warning": services.total_problem(criteria_set)
            if criteria_set.is_editable
            else "",
            "bands": services.band_ranges(criteria_set),
        },
    )


@login_required
def set_export(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    return attachment(
        export_json(criteria_set),
        f"{criteria_set.family}-v{criteria_set.version}.json",
        "application/json",
    )


@login_required
@require_POST
def set_import(request: AuthedRequest) -> HttpResponse:
    _require_admin(request)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn tệp."))
        return redirect("criteria:list")
    upload = form.cleaned_data["file"]
    try:
        created = services.import_set(actor=request.user, data=parse(upload.read(), upload.name))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _("Không nhập được: %(e)s") % {"e": error_text(exc)})
        return redirect("criteria:list")
    messages.success(request, _("Đã nhập thành bản nháp: %(s)s.") % {"s": created})
    return redirect("criteria:detail", pk=created.pk)


@login_required
@require_POST
def set_new_version(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    draft = services.new_draft(
        actor=request.user, criteria_set=get_object_or_404(CriteriaSet, pk=pk)
    )
    messages.success(
        request, _("Bản nháp phiên bản %(v)s: sửa rồi ban hành.") % {"v": draft.version}
    )
    return redirect("criteria:detail", pk=draft.pk)


@login_required
def set_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    """Publishing is two steps: this page (what changes from the version in force, which
    files it concerns, what still stops it), then its confirm button (a POST with
    `confirm`). A second press on a set already published changes nothing."""
    _require_admin(request)
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    if criteria_set.status == SetStatus.PUBLISHED and request.method == "POST":
        messages.info(request, _("Bộ tiêu chí này đã được ban hành."))
        return redirect("criteria:detail", pk=criteria_set.pk)
    if not criteria_set.is_editable:
        raise Http404
    if request.method == "POST" and request.POST.get("confirm"):
        try:
            services.publish(actor=request.user, criteria_set=criteria_set)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _(
                    "Đã ban hành. Các hồ sơ đã đăng ký giữ phiên bản cũ; hồ sơ đăng ký từ nay dùng phiên bản này."
                ),
            )
            return redirect("criteria:detail", pk=criteria_set.pk)
    current = services.in_force(criteria_set)
    year = timezone.localdate().year
    return render(
        request,
        "criteria/publish.html",
        {
            "set": criteria_set,
            "current": current,
            "changes": services.changes_between(current, criteria_set) if current else [],
            "problems": services.set_problems(criteria_set),
            "open_files": services.open_files(criteria_set, year),
            "year": year,
        },
    )


@login_required
def set_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    if not criteria_set.is_editable:
        raise Http404
    form = SetForm(request.POST or None, instance=criteria_set)
    if request.method == "POST" and not form.adding_rows and form.is_valid():
        try:
            services.update_set(
                actor=request.user, criteria_set=criteria_set, data=form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            _warn_total(request, criteria_set)
            return redirect("criteria:detail", pk=criteria_set.pk)
    return render(
        request,
        "criteria/edit_form.html",
        {
            "form": form,
            "set": criteria_set,
            "title": _("Sửa thông tin bộ tiêu chí"),
            "validated": request.method == "POST" and not form.adding_rows,
        },
    )


def _warn_total(request: AuthedRequest, criteria_set: CriteriaSet) -> None:
    """A draft may be saved with points that do not add up yet; it is said at once."""
    criteria_set.refresh_from_db()
    found = services.total_problem(criteria_set)
    if found:
        messages.warning(request, _("%(p)s Bộ chưa ban hành được cho đến khi sửa.") % {"p": found})


@login_required
def group_edit(request: AuthedRequest, pk: int, group_pk: int | None = None) -> HttpResponse:
    _require_admin(request)
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    group = (
        get_object_or_404(CriteriaGroup, pk=group_pk, criteria_set=criteria_set)
        if group_pk
        else None
    )
    if not criteria_set.is_editable:
        raise Http404
    form = GroupForm(
        request.POST or None,
        initial={
            "code": group.code,
            "name": group.name,
            "min_points": group.min_points,
            "source": group.source,
            "min_points_source": group.min_points_source,
        }
        if group
        else None,
    )
    if request.method == "POST":
        if request.POST.get("delete") and group is not None:
            services.delete_group(actor=request.user, group=group)
            _warn_total(request, criteria_set)
            return redirect("criteria:detail", pk=criteria_set.pk)
        if form.is_valid():
            try:
                services.save_group(
                    actor=request.user, criteria_set=criteria_set, group=group, **form.cleaned_data
                )
            except (ValidationError, PermissionDenied) as exc:
                apply_errors(form, exc)
            else:
                return redirect("criteria:detail", pk=criteria_set.pk)
    return render(
        request,
        "criteria/edit_form.html",
        {
            "form": form,
            "set": criteria_set,
            "title": _("Nhóm tiêu chí"),
            "deletable": group is not None,
        },
    )


@login_required
def criterion_edit(
    request: AuthedRequest, pk: int, group_pk: int, criterion_pk: int | None = None
) -> HttpResponse:
    _require_admin(request)
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    group = get_object_or_404(CriteriaGroup, pk=group_pk, criteria_set=criteria_set)
    criterion = get_object_or_404(Criterion, pk=criterion_pk, group=group) if criterion_pk else None
    if not criteria_set.is_editable:
        raise Http404
    form = CriterionForm(request.POST or None, instance=criterion, criteria_set=criteria_set)
    if request.method == "POST" and not form.adding_rows:
        if request.POST.get("delete") and criterion is not None:
            services.delete_criterion(actor=request.user, criterion=criterion)
            _warn_total(request, criteria_set)
            return redirect("criteria:detail", pk=criteria_set.pk)
        if form.is_valid():
            try:
                services.save_criterion(
                    actor=request.user, group=group, criterion=criterion, data=form.cleaned_data
                )
            except (ValidationError, PermissionDenied) as exc:
                apply_errors(form, exc)
            else:
                _warn_total(request, criteria_set)
                return redirect("criteria:detail", pk=criteria_set.pk)
    return render(
        request,
        "criteria/edit_form.html",
        {
            "form": form,
            "set": criteria_set,
            "title": _("Tiêu chí — %(g)s") % {"g": group},
            "deletable": criterion is not None,
            "preview": form.preview(),
            "validated": request.method == "POST" and not form.adding_rows,
        },
    )


@login_required
def adopt(request: AuthedRequest, pk: int, item: str) -> HttpResponse:
    """The province records the document that adopts a proposal (one item, or all)."""
    _require_admin(request)
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    every = item == services.ALL_PROPOSALS
    found = None if every else find(criteria_set, item)
    if not every and found is None:
        raise Http404
    form = AdoptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            adopted = services.adopt(
                actor=request.user, criteria_set=criteria_set, key=item, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã ghi nhận tỉnh thông qua %(n)s mục theo %(d)s.")
                % {"n": len(adopted), "d": form.cleaned_data["document"]},
            )
            return redirect("criteria:detail", pk=criteria_set.pk)
    return render(
        request,
        "criteria/adopt.html",
        {"form": form, "set": criteria_set, "item": found, "every": every},
    )
