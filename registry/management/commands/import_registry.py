"""Import a registry sheet from the command line — the same checks as the page.

    python manage.py import_registry citizens so-cong-dan.xlsx --commune 11953 [--dry-run]

Prints the summary and every error; exits 0 when committed (or a clean dry
run) and 1 when the file has errors (then nothing is committed).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from core.xlsx import ImportReport
from places.imports import import_villages
from places.models import Place
from registry.imports import IMPORTERS, run_import

KINDS = ["villages", *IMPORTERS]


class Command(BaseCommand):
    help = "Nhập sổ (thôn, hộ, công dân, dòng họ, đơn vị) từ tệp Excel."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument("--commune", help="mã xã/phường (không cần với villages)")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi")
        parser.add_argument("--user", help="tên đăng nhập người thực hiện (ghi vào nhật ký)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"Không có tệp {path}")
        data = path.read_bytes()
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"Không có người dùng {options['user']}")
        if options["kind"] == "villages":
            if actor is None:
                raise CommandError("Nhập thôn cần --user (cán bộ có quyền với các xã trong tệp).")
            report = import_villages(actor=actor, data=data, dry_run=options["dry_run"])
        else:
            if not options["commune"]:
                raise CommandError("Cần --commune MÃ_XÃ")
            commune = Place.objects.current().communes().filter(code=options["commune"]).first()
            if commune is None:
                raise CommandError(f"Không có xã/phường mã {options['commune']}")
            report = run_import(
                kind=options["kind"],
                actor=actor,
                commune=commune,
                data=data,
                dry_run=options["dry_run"],
                filename=path.name,
            )
        self.print_report(report, dry_run=options["dry_run"])
        if report.errors:
            sys.exit(1)

    def print_report(self, report: ImportReport, *, dry_run: bool) -> None:
        for warning in report.warnings:
            self.stdout.write(f"Lưu ý: {warning}")
        for error in report.errors:
            self.stderr.write(f"Lỗi: {error}")
        state = (
            "có lỗi, chưa ghi gì"
            if report.errors
            else ("chạy thử, chưa ghi" if dry_run else "đã ghi")
        )
        self.stdout.write(
            f"Mới {report.created}, cập nhật {report.updated}, không đổi {report.unchanged} — {state}."
        )
