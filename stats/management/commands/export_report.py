"""Write a report to a file: the annual report, the report to the Ministry of Education and
Training and the Hội Khuyến học Việt Nam (due 15/12), or the plan's reviews (Sơ kết 2021–2025,
Tổng kết 2021–2030), e.g. to send or print them from the server.

python manage.py export_report --kind ministry --year 2026 --format docx --out bao-cao-2026.docx
python manage.py export_report --kind so-ket --format pdf --out so-ket-2021-2025.pdf
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from places.models import Place
from stats.downloads import annual_file, ministry_file, review_file

KINDS = {
    "annual": "báo cáo năm",
    "ministry": "báo cáo gửi Bộ Giáo dục và Đào tạo, Hội Khuyến học Việt Nam",
    "so-ket": "sơ kết 2021–2025",
    "tong-ket": "tổng kết 2021–2030",
}
FORMATS = {"xlsx": "Excel", "pdf": "PDF", "docx": "Word"}
PERIODS = {"so-ket": (2021, 2025), "tong-ket": (2021, 2030)}


class Command(BaseCommand):
    help = "Xuất báo cáo năm, báo cáo gửi Bộ, sơ kết hoặc tổng kết (xlsx, pdf hoặc docx)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--kind", default="annual", help="annual, ministry, so-ket, tong-ket")
        parser.add_argument("--year", type=int, help="năm báo cáo (báo cáo năm, báo cáo gửi Bộ)")
        parser.add_argument("--place", help="mã xã/phường; bỏ trống = toàn tỉnh")
        parser.add_argument("--format", default="xlsx", help="xlsx, pdf hoặc docx")
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        kind, form, year = options["kind"], options["format"], options["year"]
        if kind not in KINDS:
            raise CommandError(
                f"Loại báo cáo “{kind}” không có; chọn một trong: "
                + "; ".join(f"{k} ({v})" for k, v in KINDS.items())
            )
        if form not in FORMATS:
            raise CommandError(f"Định dạng “{form}” không có; chọn xlsx, pdf hoặc docx.")
        if kind == "annual" and form == "docx":
            raise CommandError(
                "Báo cáo năm có bản Excel và PDF; bản Word là báo cáo gửi Bộ (--kind ministry)."
            )
        if kind in ("annual", "ministry") and (year is None or not 2019 < year < 2100):
            raise CommandError("Thiếu hoặc sai năm báo cáo (--year, ví dụ --year 2026).")
        place = None
        if options["place"]:
            place = Place.objects.current().communes().filter(code=options["place"]).first()
            if place is None:
                raise CommandError(f"Không có xã/phường mã {options['place']}.")
        if kind == "annual":
            content = annual_file(year, form, place)
        elif kind == "ministry":
            content = ministry_file(year, form, place)
        else:
            first, last = PERIODS[kind]
            content = review_file(first, last, form, place)
        out: Path = options["out"]
        if not out.parent.is_dir():
            raise CommandError(f"Không có thư mục {out.parent} để ghi tệp.")
        out.write_bytes(content)
        self.stdout.write(
            f"Đã ghi {KINDS[kind]} ({FORMATS[form]}) vào {out} ({len(content) // 1024} KB)."
        )
