"""An import killed mid-write: its job is marked failed with the reason (at start-up and
when its page is viewed), may be confirmed again, and is never written twice; a job
still being written is left alone."""

from __future__ import annotations

import datetime as dt
import subprocess
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEvent
from core import tasks as core_tasks
from core.tasks import heartbeat, process_alive, worker_token
from registry import jobs
from registry.imports import IMPORTERS
from registry.models import Citizen, ImportJob
from registry.tests.test_import_jobs import good_file, job_page, post_file

REASON = (
    "Việc ghi bị dừng giữa chừng (máy chủ khởi động lại hoặc tiến trình bị dừng); "
    "không có dòng nào được ghi. Hãy xác nhận lại."
)
ELSEWHERE = (
    "may-khac|boot|pid:[1]|4242|999"  # a worker on another machine: only its heartbeat tells
)
IMPORTED = ["Đỗ Văn Hùng", "Đỗ Minh Khôi"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def dead_token() -> str:
    """The token of a process of this machine that has since ended."""
    child = subprocess.Popen(["sleep", "30"])
    try:
        place = worker_token().split("|")[:3]  # host, boot, pid namespace
        token = "|".join([*place, str(child.pid), core_tasks._start_time(child.pid)])
    finally:
        child.kill()
        child.wait()
    return token


def checked_job(world, as_user) -> ImportJob:
    post_file(as_user("cuong"), world.commune_a, good_file())
    job = ImportJob.objects.get()
    assert job.status == "ready" and job.created == 2
    return job


def killed(job: ImportJob, *, worker: str, beat_ago: float = 0, attempt: int = 1) -> ImportJob:
    """The job as a process killed mid-write leaves it: committing, nothing written."""
    ImportJob.objects.filter(pk=job.pk).update(
        status="committing",
        attempt=attempt,
        worker=worker,
        heartbeat_at=timezone.now() - dt.timedelta(seconds=beat_ago),
        progress=0.9,
        stage="Ghi dữ liệu",
    )
    job.refresh_from_db()
    return job


def imported() -> int:
    return Citizen.objects.filter(full_name__in=IMPORTED).count()


def test_process_tokens():
    assert process_alive(worker_token()) is True  # this very process
    assert process_alive(dead_token()) is False  # ended: its pid is gone
    mine = worker_token().split("|")
    assert process_alive("|".join([*mine[:4], "1"])) is False  # the pid reused by another start
    assert process_alive(ELSEWHERE) is None  # another machine: cannot tell
    assert process_alive("") is None


def test_killed_import_fails_on_view_and_is_confirmed_again_once(world, as_user):
    job = killed(checked_job(world, as_user), worker=dead_token())  # heartbeat fresh even
    client = as_user("cuong")
    page = job_page(client, job)
    job.refresh_from_db()
    assert (job.status, job.interrupted, job.errors) == ("failed", True, [REASON])
    assert "Thất bại" in page and REASON in page and "Xác nhận ghi 2 dòng" in page
    assert "hx-get" not in page  # no longer polling
    assert imported() == 0

    response = client.post(f"/so/nhap-lan/{job.pk}/xac-nhan/")
    assert response["Location"] == f"/so/nhap-lan/{job.pk}/"
    job.refresh_from_db()
    assert (job.status, job.interrupted, job.errors, job.attempt) == ("done", False, [], 2)
    assert "Đã nhập: 2 mới, 0 cập nhật." in client.get(response["Location"]).content.decode()
    assert imported() == 2
    assert AuditEvent.objects.filter(action="citizen.import_create").count() == 1

    # a second click (or a double POST) imports nothing more, and a done job is never re-run
    before = (Citizen.objects.count(), AuditEvent.objects.count())
    client.post(f"/so/nhap-lan/{job.pk}/xac-nhan/")
    assert (Citizen.objects.count(), AuditEvent.objects.count()) == before
    assert jobs.fail_stale_jobs() == []
    job.refresh_from_db()
    assert job.status == "done" and "Xác nhận ghi" not in job_page(client, job)


def test_start_up_command_marks_dead_jobs_only(world, as_user):
    dead = killed(checked_job(world, as_user), worker=ELSEWHERE, beat_ago=600)
    others = {}
    for name, worker, beat_ago in [
        ("beating", ELSEWHERE, 5),  # another machine, fresh heartbeat: alive
        ("here", worker_token(), 600),  # this process runs it, however long since a beat
    ]:
        post_file(as_user("cuong"), world.commune_a, good_file(), name=f"{name}.xlsx")
        others[name] = killed(
            ImportJob.objects.get(filename=f"{name}.xlsx"), worker=worker, beat_ago=beat_ago
        )

    out = StringIO()
    call_command("fail_stale_jobs", "--dry-run", stdout=out)
    assert f"Lần nhập #{dead.pk} (dan-cu.xlsx" in out.getvalue()
    assert "Chạy thử: 1 lần nhập bị dừng giữa lúc ghi; chưa thay đổi gì." in out.getvalue()
    assert set(ImportJob.objects.values_list("status", flat=True)) == {"committing"}

    out = StringIO()
    call_command("fail_stale_jobs", stdout=out)
    assert "Đã đánh dấu 1 lần nhập bị dừng giữa lúc ghi." in out.getvalue()
    dead.refresh_from_db()
    assert (dead.status, dead.interrupted, dead.errors) == ("failed", True, [REASON])
    for job in others.values():
        job.refresh_from_db()
        assert (job.status, job.interrupted) == ("committing", False)
    assert imported() == 0

    # confirmed again from its page: imported once
    as_user("cuong").post(f"/so/nhap-lan/{dead.pk}/xac-nhan/")
    dead.refresh_from_db()
    assert dead.status == "done" and imported() == 2


@pytest.mark.parametrize(
    ("worker", "beat_ago"),
    [(ELSEWHERE, 10), ("", 10), ("here", 3600)],
    ids=["fresh-heartbeat", "just-confirmed", "own-process-alive"],
)
def test_a_live_committing_job_is_not_marked_failed(world, as_user, worker, beat_ago):
    worker = worker_token() if worker == "here" else worker
    job = killed(checked_job(world, as_user), worker=worker, beat_ago=beat_ago)
    page = job_page(as_user("cuong"), job)
    assert "Đang ghi" in page and f'hx-get="/so/nhap-lan/{job.pk}/"' in page
    assert "Xác nhận ghi" not in page
    job.refresh_from_db()
    assert job.status == "committing"
    assert jobs.fail_stale_jobs() == []
    as_user("cuong").post(f"/so/nhap-lan/{job.pk}/xac-nhan/")  # cannot be confirmed meanwhile
    job.refresh_from_db()
    assert job.status == "committing" and imported() == 0


def test_a_job_waiting_in_the_queue_is_not_dead(world, as_user, settings):
    job = checked_job(world, as_user)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert jobs.confirm_import(job)
    job.refresh_from_db()
    assert job.status == "committing" and job.task_id and not job.worker
    ImportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(hours=5)  # the worker has been down a while
    )
    assert jobs.fail_stale_jobs() == []  # still queued: it will run
    # the worker takes it and is killed: once its heartbeat is old, the job is dead
    DBTaskResult.objects.filter(id=job.task_id).update(status="RUNNING")  # stays so for good
    ImportJob.objects.filter(pk=job.pk).update(worker=ELSEWHERE)
    (marked,) = jobs.fail_stale_jobs()
    assert marked.pk == job.pk and marked.interrupted and imported() == 0


def test_the_write_marks_its_job_done_with_its_rows(world, as_user, monkeypatch):
    """Killed after the rows are committed but before the job's report is saved: the job
    is already done (same transaction as the rows), so it is never run again."""
    job = checked_job(world, as_user)

    class Killed(BaseException):
        pass

    def killed_after_the_write(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(jobs, "_save_report", killed_after_the_write)
    as_user("cuong").post(f"/so/nhap-lan/{job.pk}/xac-nhan/")
    job.refresh_from_db()
    assert job.status == "done" and imported() == 2
    assert jobs.fail_stale_jobs() == []
    monkeypatch.undo()
    as_user("cuong").post(f"/so/nhap-lan/{job.pk}/xac-nhan/")
    assert imported() == 2 and Citizen.objects.filter(full_name=IMPORTED[0]).count() == 1


def test_an_attempt_declared_dead_mid_write_writes_nothing(world, as_user, monkeypatch):
    """Declared dead while in fact still writing (a false alarm): its write finds the job
    no longer its own and is rolled back; confirmed again, the rows go in once."""
    job = checked_job(world, as_user)
    importer = IMPORTERS["citizens"]
    plan = importer.plan

    def planned_then_declared_dead(self, rows):
        plan(self, rows)
        # what fail_stale_jobs does meanwhile from another process, before the write
        ImportJob.objects.filter(pk=job.pk).update(
            status="failed", interrupted=True, errors=[REASON]
        )

    monkeypatch.setattr(importer, "plan", planned_then_declared_dead)
    as_user("cuong").post(f"/so/nhap-lan/{job.pk}/xac-nhan/")
    job.refresh_from_db()
    assert (job.status, job.interrupted) == ("failed", True) and imported() == 0
    assert not AuditEvent.objects.filter(action="citizen.import_create").exists()

    # an old attempt's task run late does nothing either
    jobs.commit_job.call(job.pk, job.attempt - 1)
    assert imported() == 0

    monkeypatch.undo()
    as_user("cuong").post(f"/so/nhap-lan/{job.pk}/xac-nhan/")
    job.refresh_from_db()
    assert job.status == "done" and imported() == 2


def test_a_job_confirmed_before_attempts_existed(world, as_user):
    """attempt 0: the old code marked a job done after its write; the audit trail tells
    whether a killed one wrote its rows."""
    job = checked_job(world, as_user)
    as_user("cuong").post(f"/so/nhap-lan/{job.pk}/xac-nhan/")
    assert imported() == 2
    written = killed(job, worker="", beat_ago=3600, attempt=0)
    (marked,) = jobs.fail_stale_jobs()
    assert (marked.pk, marked.status, marked.interrupted) == (written.pk, "done", False)
    assert "nhật ký xác nhận dữ liệu đã vào sổ" in marked.warnings[-1]

    post_file(as_user("cuong"), world.commune_a, good_file(), name="khac.xlsx")
    other = killed(ImportJob.objects.get(filename="khac.xlsx"), worker="", beat_ago=3600, attempt=0)
    (marked,) = jobs.fail_stale_jobs()
    assert (marked.pk, marked.status, marked.interrupted) == (other.pk, "failed", True)


def test_heartbeat_beats_from_its_own_thread_until_the_block_ends():
    beats: list[float] = []
    with heartbeat(lambda: beats.append(time.monotonic()), every=0.01):
        time.sleep(0.2)
    count = len(beats)
    assert count >= 3
    time.sleep(0.05)
    assert len(beats) == count  # stopped with the block


def test_the_same_without_the_pages(world):
    """The services alone (as a worker and the start-up command see them)."""
    job = jobs.start_import(
        kind="citizens",
        actor=world.users["cuong"],
        commune=world.commune_a,
        filename="dan-cu.xlsx",
        data=good_file(),
    )
    job.refresh_from_db()
    assert job.status == "ready"
    killed(job, worker=dead_token())
    assert [j.pk for j in jobs.fail_stale_jobs(dry_run=True)] == [job.pk]
    assert ImportJob.objects.get().status == "committing"
    (marked,) = jobs.fail_stale_jobs()
    assert (marked.status, marked.interrupted, marked.errors) == ("failed", True, [REASON])
    assert jobs.fail_stale_jobs() == []
    assert jobs.confirm_import(marked) and imported() == 2
    assert not jobs.confirm_import(marked) and imported() == 2
    assert ImportJob.objects.get().status == "done"
