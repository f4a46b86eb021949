"""Imports as background jobs: the upload is stored, checked, shown, confirmed, committed.

With the immediate task backend (the default single-process run and the tests)
each step runs inside the request; with the database backend a `db_worker`
process runs it while the page shows progress.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from accounts.models import User
from core.tasks import fresh_connection
from core.xlsx import ImportReport, annotated_copy
from places.models import Place
from registry.imports import run_import
from registry.models import ImportJob, ImportStatus

MAX_STORED_ERRORS = 500


def storage_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def start_import(
    *, kind: str, actor: User, commune: Place, filename: str, data: bytes
) -> ImportJob:
    name = f"{uuid.uuid4().hex}.xlsx"
    (storage_dir() / name).write_bytes(data)
    job = ImportJob.objects.create(
        kind=kind, commune=commune, created_by=actor, filename=filename[:255], stored_file=name
    )
    validate_job.enqueue(job.pk)
    return job


def confirm_import(job: ImportJob) -> bool:
    """Move a checked job to committing, once: a second click finds it already moving."""
    moved = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.READY).update(
        status=ImportStatus.COMMITTING, progress=0.0, stage=_("Chờ ghi")
    )
    if moved:
        commit_job.enqueue(job.pk)
    return bool(moved)


def _save_report(job: ImportJob, report: ImportReport, data: bytes) -> None:
    job.created, job.updated, job.unchanged = report.created, report.updated, report.unchanged
    job.errors = [str(e) for e in report.errors[:MAX_STORED_ERRORS]]
    job.warnings = report.warnings[:MAX_STORED_ERRORS]
    if report.errors and report.sheet is not None:
        try:
            annotated = annotated_copy(data, report.sheet, report.errors)
        except Exception:  # an annotated copy is a convenience; the list above is the record
            annotated = b""
        if annotated:
            (storage_dir() / f"{job.pk}-loi.xlsx").write_bytes(annotated)
            job.has_annotated = True


def _run(job_id: int, *, dry_run: bool) -> None:
    fresh_connection()
    job = ImportJob.objects.select_related("commune", "created_by").get(pk=job_id)
    data = (storage_dir() / job.stored_file).read_bytes()
    last = [0.0]

    def progress(fraction: float, stage: str) -> None:
        if fraction - last[0] >= 0.05 or fraction >= 1.0:
            last[0] = fraction
            ImportJob.objects.filter(pk=job.pk).update(progress=fraction, stage=stage[:120])

    try:
        report = run_import(
            kind=job.kind,
            actor=job.created_by,
            commune=job.commune,
            data=data,
            dry_run=dry_run,
            filename=job.filename,
            progress=progress,
        )
    except Exception as exc:
        job.status = ImportStatus.FAILED
        job.errors = [_("Lỗi hệ thống khi nhập: %(e)s. Chưa ghi dữ liệu nào.") % {"e": exc}]
        job.finished_at = timezone.now()
        job.save()
        raise
    _save_report(job, report, data)
    if report.errors:
        job.status = ImportStatus.INVALID
    elif dry_run:
        job.status = ImportStatus.READY
    else:
        job.status = ImportStatus.DONE
    job.progress = 1.0
    job.stage = ""
    job.finished_at = timezone.now()
    job.save()


@task()
def validate_job(job_id: int) -> None:
    _run(job_id, dry_run=True)


@task()
def commit_job(job_id: int) -> None:
    _run(job_id, dry_run=False)
