"""Write the annual report to a file, e.g. for the December submission to the Ministry.

python manage.py export_report --year 2026 [--place CODE] --format xlsx --out bao-cao-2026.xlsx
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from places.models import Place
from stats.exports import annual_data, annual_pdf, annual_xlsx


class Command(BaseCommand):
    help = "Xuất báo cáo năm (xlsx hoặc pdf)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--place", help="mã xã/phường; bỏ trống = toàn tỉnh")
        parser.add_argument("--format", choices=["xlsx", "pdf"], default="xlsx")
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        place = None
        if options["place"]:
            place = Place.objects.current().communes().filter(code=options["place"]).first()
            if place is None:
                raise CommandError(f"Không có xã/phường mã {options['place']}")
        data = annual_data(options["year"], place)
        content = annual_xlsx(data) if options["format"] == "xlsx" else annual_pdf(data)
        options["out"].write_bytes(content)
        self.stdout.write(f"Đã ghi {options['out']} ({len(content) // 1024} KB).")
