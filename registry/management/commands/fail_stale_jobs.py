"""Mark import jobs whose write was killed mid-way as failed, so they can be confirmed again.

    python manage.py fail_stale_jobs            # mark them (run at start-up)
    python manage.py fail_stale_jobs --dry-run  # only list them

Why: an import killed mid-write (the server restarted, the worker was stopped or ran
out of memory) loses nothing, because its rows are written in one transaction; but
its job would stay "Đang ghi" for good and could not be confirmed again. Run before
the web server and the workers start, this marks every committing job whose process
is gone failed with the reason ("Việc ghi bị dừng giữa chừng ...; không có dòng nào
được ghi. Hãy xác nhận lại."), and its page offers the confirm button again. A job
still being written by a live process (another machine's worker with a fresh
heartbeat) is left alone; one whose process cannot be looked at from here is marked
once its heartbeat is older than IMPORT_STALE_SECONDS, by this command run later or
when its page is viewed. See registry/jobs.py for how a dead job is told from a slow one.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from registry.jobs import fail_stale_jobs


class Command(BaseCommand):
    help = "Đánh dấu thất bại các lần nhập bị dừng giữa lúc ghi, để có thể xác nhận lại."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="chỉ liệt kê, không thay đổi gì")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        jobs = fail_stale_jobs(dry_run=dry_run)
        for job in jobs:
            self.stdout.write(
                f"Lần nhập #{job.pk} ({job.filename}, {job.commune.name}, lần xác nhận "
                f"{job.attempt}): {job.get_status_display()}"
            )
        if dry_run:
            self.stdout.write(
                f"Chạy thử: {len(jobs)} lần nhập bị dừng giữa lúc ghi; chưa thay đổi gì."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Đã đánh dấu {len(jobs)} lần nhập bị dừng giữa lúc ghi.")
            )
