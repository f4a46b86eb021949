"""Remake the figures served ready-made (`stats.summary`) from the reports and snapshots.

Why: the approvals, reopenings and share edits keep them current in their own
transactions; a write made around the services (a direct UPDATE, a restored backup, a
bulk load) does not. `--check` compares every row with a fresh computation and exits
non-zero when one differs, without writing; without it, every row is remade, and the
official rows of the province and of each current commune for 2020 up to this year are
made where missing (so the first reader does not wait for them).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from places.models import Place
from stats import summary
from stats.models import SummaryKind


class Command(BaseCommand):
    help = (
        "Dựng lại số liệu tổng hợp sẵn của các trang chỉ tiêu và báo cáo; --check để chỉ kiểm tra."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="chỉ so với số liệu tính lại, không ghi; thoát với mã lỗi nếu có dòng sai",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not Place.objects.current().communes().exists():
            raise CommandError("Chưa có bản đồ — chạy load_places trước.")
        if options["check"]:
            stale = summary.stale_rows()
            for row in stale:
                kind = SummaryKind(row.kind).label.lower()
                self.stdout.write(f"Sai: số liệu {kind} năm {row.year} của {row.place.name}.")
            if stale:
                raise CommandError(
                    f"{len(stale)} dòng số liệu tổng hợp khác với số liệu tính lại — "
                    "chạy `manage.py rebuild_summaries` để dựng lại."
                )
            self.stdout.write("Số liệu tổng hợp khớp với số liệu tính lại.")
            return
        this_year = timezone.localdate().year
        official = summary.refresh_all(
            official=True, years=range(summary.FIRST_YEAR, this_year + 1)
        )
        provisional = summary.refresh_all(official=False)
        self.stdout.write(
            f"Đã dựng lại {official} dòng số liệu chính thức và {provisional} dòng tạm tính."
        )
