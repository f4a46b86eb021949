"""Open a data year of the cycle for one commune or all current communes: each title gets
its own calendar at its defaults (`assessments.calendars`, every date with its source).
Opening a year again adds only what it lacks: dates the province edited stay. The province
edits a commune's dates on the calendar page (Năm bình xét → Lịch từng danh hiệu)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from assessments import calendars
from assessments.services import open_year
from places.models import Place


class Command(BaseCommand):
    help = "Mở năm bình xét cho xã (hoặc tất cả các xã), mỗi danh hiệu theo lịch mặc định."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("year", type=int, help="năm số liệu")
        parser.add_argument("--commune", help="mã xã/phường; bỏ trống = tất cả")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="chỉ in lịch mặc định của năm (kèm nguồn), không mở năm nào",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if options["dry_run"]:
            for key in calendars.KEYS:
                self.stdout.write(calendars.label(key))
                dates = calendars.defaults(key, year)
                sources = calendars.sources(key, year, dates)
                for name, day in dates.items():
                    self.stdout.write(
                        f"  {calendars.DATE_LABELS[name]}: {day:%d/%m/%Y} — {sources[name]}"
                    )
            return
        communes = Place.objects.current().communes()
        if options["commune"]:
            communes = communes.filter(code=options["commune"])
            if not communes.exists():
                raise CommandError(f"Không có xã/phường mã {options['commune']}")
        count = 0
        for commune in communes:
            open_year(actor=None, commune=commune, year=year)
            count += 1
        self.stdout.write(
            f"Đã mở năm {year} cho {count} xã/phường; mỗi danh hiệu theo lịch mặc định."
        )
