"""Open a year of the cycle for one commune or all current communes (default deadlines)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from assessments.services import open_year
from places.models import Place


class Command(BaseCommand):
    help = "Mở năm bình xét cho xã (hoặc tất cả các xã)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("--commune", help="mã xã/phường; bỏ trống = tất cả")

    def handle(self, *args: Any, **options: Any) -> None:
        communes = Place.objects.current().communes()
        if options["commune"]:
            communes = communes.filter(code=options["commune"])
            if not communes.exists():
                raise CommandError(f"Không có xã/phường mã {options['commune']}")
        count = 0
        for commune in communes:
            open_year(actor=None, commune=commune, year=options["year"])  # type: ignore[arg-type]
            count += 1
        self.stdout.write(f"Đã mở năm {options['year']} cho {count} xã/phường.")
