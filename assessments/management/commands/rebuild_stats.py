"""Recompute the rollups the dashboards read from the assessments themselves.

`--check` compares instead of rewriting and exits 1 when any count differs —
the proof that the counts kept by every transition are right.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from assessments.stats import differences, rebuild


class Command(BaseCommand):
    help = "Tính lại số liệu tổng hợp từ hồ sơ bình xét (--check: chỉ so sánh)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="chỉ so sánh, thoát 1 nếu lệch")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            diffs = differences()
            for (year, commune, village, title, state), stored, live in diffs[:50]:
                self.stderr.write(
                    f"Lệch {year} xã {commune} thôn {village} {title} {state}: lưu {stored}, thực {live}"
                )
            if diffs:
                self.stderr.write(f"{len(diffs)} số liệu lệch.")
                sys.exit(1)
            self.stdout.write("Số liệu tổng hợp khớp với hồ sơ.")
            return
        self.stdout.write(f"Đã tính lại {rebuild()} dòng số liệu tổng hợp.")
