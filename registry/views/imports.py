from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.http import AuthedRequest, xlsx_response
from core.xlsx import ImportFileError, check_xlsx, write_workbook
from places.models import Place
from registry.access import editable_communes
from registry.columns import COLUMNS
from registry.imports import KIND_LABELS
from registry.jobs import confirm_import, fail_stale_jobs, start_import, storage_dir
from registry.models import ImportJob, ImportStatus

INSTRUCTIONS = [
    gettext_lazy(
        "Mỗi dòng một hồ sơ. Giữ nguyên dòng tiêu đề; có thể thêm dòng tiêu đề phía trên."
    ),
    gettext_lazy(
        "Tệp được kiểm tra toàn bộ trước; chỉ khi không còn lỗi mới được ghi, và ghi tất cả hoặc không dòng nào."
    ),
    gettext_lazy(
        "Nhập lại cùng một tệp không tạo bản ghi trùng: dòng đã có sẽ được cập nhật hoặc giữ nguyên."
    ),
    gettext_lazy("Ngày ghi dạng dd/mm/yyyy. Số CCCD và số điện thoại nên để ô dạng Văn bản."),
]


class ImportUploadForm(forms.Form):
    commune = forms.ModelChoiceField(label=gettext_lazy("Xã/phường"), queryset=Place.objects.none())
    file = forms.FileField(label=gettext_lazy("Tệp Excel (.xlsx)"))

    def __init__(self, *args, communes: list[Place], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Place.objects.filter(pk__in=[c.pk for c in communes])  # type: ignore[attr-defined]
        if len(communes) == 1:
            self.fields["commune"].initial = communes[0].pk

    def clean_file(self) -> Any:
        """Not a workbook at all (a .xls, .csv, .pdf...): said at once, nothing is stored."""
        upload = self.cleaned_data["file"]
        data = upload.read()
        upload.seek(0)
        try:
            check_xlsx(data)
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload


def _kind_or_404(kind: str) -> str:
    if kind not in COLUMNS:
        raise Http404
    return kind


@login_required
def import_template(request: AuthedRequest, kind: str) -> HttpResponse:
    _kind_or_404(kind)
    if not editable_communes(request.user):
        raise Http404
    content = write_workbook(
        title=_("Mẫu nhập sổ %(k)s") % {"k": KIND_LABELS[kind]},
        columns=COLUMNS[kind],
        instructions=[str(line) for line in INSTRUCTIONS],
    )
    return xlsx_response(content, f"mau-nhap-{kind}.xlsx")


@login_required
def import_upload(request: AuthedRequest, kind: str) -> HttpResponse:
    _kind_or_404(kind)
    communes = editable_communes(request.user)
    if not communes:
        raise Http404
    form = ImportUploadForm(request.POST or None, request.FILES or None, communes=communes)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = start_import(
            kind=kind,
            actor=request.user,
            commune=form.cleaned_data["commune"],
            filename=upload.name,
            data=upload.read(),
        )
        return redirect("registry:import_job", pk=job.pk)
    jobs = ImportJob.objects.filter(kind=kind, commune__in=communes).select_related(
        "commune", "created_by"
    )[:10]
    return render(
        request,
        "registry/import_upload.html",
        {"form": form, "kind": kind, "label": KIND_LABELS[kind], "jobs": jobs},
    )


def _job_or_404(request: AuthedRequest, pk: int) -> ImportJob:
    communes = editable_communes(request.user)
    return get_object_or_404(
        ImportJob.objects.select_related("commune"), pk=pk, commune__in=communes
    )


@login_required
def import_job(request: AuthedRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    if job.status == ImportStatus.COMMITTING and fail_stale_jobs(ids=[job.pk]):
        job.refresh_from_db()  # its process died mid-write: failed, may be confirmed again
    template = "registry/_import_job.html" if request.htmx else "registry/import_job.html"
    return render(request, template, {"job": job, "label": KIND_LABELS.get(job.kind, job.kind)})


@login_required
@require_POST
def import_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    alerts = len(job.alerts) if job.can_confirm else 0
    if alerts and request.POST.get("acknowledge") != str(alerts):
        # Rows that would rename a person or move them to another household: written
        # only once the officer has ticked that they checked them (all of them).
        messages.error(
            request,
            _(
                "Chưa ghi: hãy xem %(n)s dòng cần kiểm tra và đánh dấu ô xác nhận đã kiểm tra "
                "trước khi ghi."
            )
            % {"n": alerts},
        )
        return redirect("registry:import_job", pk=job.pk)
    if confirm_import(job):
        job.refresh_from_db()
        if job.status == ImportStatus.DONE:
            messages.success(
                request,
                _("Đã nhập: %(c)s mới, %(u)s cập nhật.") % {"c": job.created, "u": job.updated},
            )
    elif job.status != ImportStatus.DONE:
        messages.error(request, _("Lần nhập này không ở trạng thái chờ xác nhận."))
    return redirect("registry:import_job", pk=job.pk)


@login_required
def import_errors_file(request: AuthedRequest, pk: int) -> FileResponse:
    job = _job_or_404(request, pk)
    path = storage_dir() / f"{job.pk}-loi.xlsx"
    if not job.has_annotated or not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"loi-{job.filename}")
