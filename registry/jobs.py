"""Imports as background jobs: the upload is stored, checked, shown, confirmed, committed.

With the immediate task backend (the default single-process run and the tests)
each step runs inside the request; with the database backend a `db_worker`
process runs it while the page shows progress.

A write killed mid-way (a restart, a killed worker) loses nothing: the rows go in
one transaction. Its job must not stay "Đang ghi" for good either, and must never
be written twice; three rules see to it:

* **Done together with the rows.** The write marks its job done inside its own
  transaction, and only if the job is still this attempt's and still committing
  (`_write_and_mark`). The rows and "done" are committed together or not at all, so a
  job seen as committing has written nothing; an attempt declared dead, or confirmed
  again meanwhile, finds the job changed and rolls its write back.
* **Dead, not slow.** Each confirmation is a new attempt; the process that runs it
  stamps the job with its process token and, from a thread with its own connection, a
  heartbeat every IMPORT_HEARTBEAT_SECONDS (core.tasks). A committing job is dead when
  its process is seen gone (same machine and pid namespace: exact, at once), or else
  when its heartbeat is older than IMPORT_STALE_SECONDS and its task is not still
  waiting in the queue. This holds on both databases: on PostgreSQL the heartbeat
  commits while the write runs (the write does not lock the job's row until its last
  statement); on SQLite, which has one writer, heartbeats from another machine cannot
  exist (the database is a local file), so the process token decides there; and
  marking a job failed is itself a write that waits for a live SQLite write to end and
  then finds the job done.
* **Marked, then confirmable again.** `fail_stale_jobs` marks a dead job failed with
  its reason and `interrupted`; such a job may be confirmed like a fresh one. It runs
  at start-up (`manage.py fail_stale_jobs`) and whenever a committing job's page is
  viewed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db import OperationalError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus, task

from accounts.models import User
from audit.models import AuditEvent
from core.tasks import fresh_connection, heartbeat, process_alive, worker_token
from core.xlsx import ImportReport, annotated_copy
from places.models import Place
from registry.imports import IMPORTERS
from registry.models import ImportJob, ImportStatus

MAX_STORED_ERRORS = 500
MAX_STORED_CHANGES = 1000  # updated rows listed with their changes on the job's page


def stale_reason() -> str:
    return _(
        "Việc ghi bị dừng giữa chừng (máy chủ khởi động lại hoặc tiến trình bị dừng); "
        "không có dòng nào được ghi. Hãy xác nhận lại."
    )


def heartbeat_seconds() -> float:
    return float(settings.IMPORT_HEARTBEAT_SECONDS)


def stale_seconds() -> float:
    """Silence after which a job whose process cannot be looked at is dead: several
    missed heartbeats, and longer than SQLite's busy timeout that may delay one."""
    return float(settings.IMPORT_STALE_SECONDS)


class SupersededError(Exception):
    """This attempt is no longer its job's: declared dead, or confirmed again."""


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
    """Move a checked job (or one stopped mid-write with nothing written) to committing,
    once: a second click finds it already moving, or done, and starts nothing."""
    moved = ImportJob.objects.filter(
        Q(status=ImportStatus.READY) | Q(status=ImportStatus.FAILED, interrupted=True), pk=job.pk
    ).update(
        status=ImportStatus.COMMITTING,
        attempt=F("attempt") + 1,
        interrupted=False,
        errors=[],
        progress=0.0,
        stage=_("Chờ ghi"),
        heartbeat_at=timezone.now(),
        worker="",
        task_id="",
        finished_at=None,
    )
    if not moved:
        return False
    attempt = ImportJob.objects.values_list("attempt", flat=True).get(pk=job.pk)
    result = commit_job.enqueue(job.pk, attempt)
    if commit_job.get_backend().supports_get_result:  # a queue: remember the task
        ImportJob.objects.filter(
            pk=job.pk, attempt=attempt, status=ImportStatus.COMMITTING, worker=""
        ).update(task_id=str(result.id)[:64])
    return True


def _save_report(job: ImportJob, report: ImportReport, data: bytes) -> None:
    job.created, job.updated, job.unchanged = report.created, report.updated, report.unchanged
    job.errors = [str(e) for e in report.errors[:MAX_STORED_ERRORS]]
    job.warnings = report.warnings[:MAX_STORED_ERRORS]
    # Every alert is kept (they are few and gate the confirmation); the plain updates up
    # to the cap, the page saying how many more the file holds.
    ordered = sorted(report.changes, key=lambda c: (not c["alert"], c["row"]))
    alerts = sum(1 for c in ordered if c["alert"])
    job.changes = ordered[: max(MAX_STORED_CHANGES, alerts)]
    if report.errors and report.sheet is not None:
        try:
            annotated = annotated_copy(data, report.sheet, report.errors)
        except Exception:  # an annotated copy is a convenience; the list above is the record
            annotated = b""
        if annotated:
            (storage_dir() / f"{job.pk}-loi.xlsx").write_bytes(annotated)
            job.has_annotated = True


def _run(job_id: int, *, dry_run: bool, attempt: int | None = None) -> None:
    fresh_connection()
    job = ImportJob.objects.select_related("commune", "created_by").get(pk=job_id)
    running = ImportStatus.VALIDATING if dry_run else ImportStatus.COMMITTING
    mine = ImportJob.objects.filter(pk=job.pk)
    if not dry_run:
        attempt = job.attempt if attempt is None else attempt  # a task queued before attempts
        mine = mine.filter(attempt=attempt)
        claimed = mine.filter(status=running).update(
            worker=worker_token(), heartbeat_at=timezone.now()
        )
        if not claimed:
            return  # declared dead or confirmed again before this attempt began: not ours
    data = (storage_dir() / job.stored_file).read_bytes()
    last = [0.0]

    def progress(fraction: float, stage: str) -> None:
        if fraction - last[0] >= 0.05 or fraction >= 1.0:
            last[0] = fraction
            mine.filter(status=running).update(progress=fraction, stage=stage[:120])

    importer = IMPORTERS[job.kind](
        actor=job.created_by, commune=job.commune, filename=job.filename, progress=progress
    )
    alive: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
    if not dry_run:
        # Only the takeovers the officer ticked on the preview may be written.
        importer.acknowledged = frozenset((c["row"], c["alert"]) for c in job.alerts)
        write = importer.commit

        def _write_and_mark() -> None:
            """Runs inside the importer's write transaction: the rows and "done"
            are committed together, and only by the attempt that still owns the job."""
            write()
            now = timezone.now()
            if not mine.filter(status=running).update(
                status=ImportStatus.DONE, progress=1.0, stage="", finished_at=now
            ):
                raise SupersededError  # rolls the write back

        importer.commit = _write_and_mark  # type: ignore[method-assign]
        alive = heartbeat(
            lambda: mine.filter(status=running).update(heartbeat_at=timezone.now()),
            every=heartbeat_seconds(),
        )
    try:
        with alive:
            report = importer.run(data, dry_run=dry_run)
    except SupersededError:
        return
    except Exception as exc:
        mine.filter(status=running).update(
            status=ImportStatus.FAILED,
            errors=[_("Lỗi hệ thống khi nhập: %(e)s. Chưa ghi dữ liệu nào.") % {"e": exc}],
            finished_at=timezone.now(),
        )
        raise
    _save_report(job, report, data)
    if report.errors:
        status = ImportStatus.INVALID
    elif dry_run:
        status = ImportStatus.READY
    else:
        status = ImportStatus.DONE  # already marked so, with the rows
    mine.filter(status=ImportStatus.DONE if status == ImportStatus.DONE else running).update(
        status=status,
        created=job.created,
        updated=job.updated,
        unchanged=job.unchanged,
        errors=job.errors,
        warnings=job.warnings,
        changes=job.changes,
        has_annotated=job.has_annotated,
        progress=1.0,
        stage="",
        finished_at=timezone.now(),
    )


def _still_queued(job: ImportJob) -> bool:
    """Its task waits in the queue for a worker (not started, so not dead)."""
    if not job.task_id or job.worker:
        return False
    try:
        return commit_job.get_result(job.task_id).status == TaskResultStatus.READY
    except Exception:  # no such result, or a backend that keeps none
        return False


def is_dead(job: ImportJob, now: dt.datetime | None = None) -> bool:
    """Whether a committing job's process is gone (see the module's docstring)."""
    alive = process_alive(job.worker)
    if alive is not None:
        return not alive
    now = now or timezone.now()
    if job.heartbeat_at and job.heartbeat_at > now - dt.timedelta(seconds=stale_seconds()):
        return False
    return not _still_queued(job)


def _written_anyway(job: ImportJob) -> bool:
    """Jobs confirmed before attempts existed (attempt 0) were marked done only after
    their write: one killed in between wrote its rows. The import's audit events say so."""
    if job.attempt:
        return False  # marked done in the write's own transaction: committing = nothing written
    note = _("Nhập từ Excel: %(f)s") % {"f": job.filename}
    return (
        AuditEvent.objects.filter(
            Q(action__endswith=".import_create") | Q(action__endswith=".import_update"),
            actor_id=job.created_by_id,
            note=note,
            created_at__gte=job.created_at,
        )
        .order_by()
        .exists()
    )


def fail_stale_jobs(*, ids: Iterable[int] | None = None, dry_run: bool = False) -> list[ImportJob]:
    """Mark committing jobs whose process died failed (nothing written, may be confirmed
    again), and return them; `dry_run` only finds them. Each is changed only if it is
    still as it was seen (same attempt, no newer heartbeat)."""
    now = timezone.now()
    jobs = ImportJob.objects.filter(status=ImportStatus.COMMITTING).order_by("pk")
    if ids is not None:
        jobs = jobs.filter(pk__in=list(ids))
    found = []
    for job in jobs:
        if not is_dead(job, now):
            continue
        if dry_run:
            found.append(job)
            continue
        same = ImportJob.objects.filter(
            pk=job.pk,
            status=ImportStatus.COMMITTING,
            attempt=job.attempt,
            heartbeat_at=job.heartbeat_at,
            worker=job.worker,
        )
        try:
            if _written_anyway(job):
                note = _(
                    "Tiến trình ghi bị dừng sau khi đã ghi xong; nhật ký xác nhận dữ liệu đã vào sổ."
                )
                moved = same.update(
                    status=ImportStatus.DONE,
                    progress=1.0,
                    stage="",
                    finished_at=now,
                    warnings=[*job.warnings, note],
                )
            else:
                moved = same.update(
                    status=ImportStatus.FAILED,
                    interrupted=True,
                    errors=[stale_reason()],
                    progress=0.0,
                    stage="",
                    finished_at=now,
                )
        except OperationalError:
            # SQLite: a writer held the database past the busy timeout, perhaps this
            # very job alive: leave it to the next look.
            continue
        if moved:
            job.refresh_from_db()
            found.append(job)
    return found


@task()
def validate_job(job_id: int) -> None:
    _run(job_id, dry_run=True)


@task()
def commit_job(job_id: int, attempt: int | None = None) -> None:
    _run(job_id, dry_run=False, attempt=attempt)
