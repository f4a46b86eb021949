"""Fill three current communes with villages, households, clans and organisations,
and create one demo account per role, so a newcomer sees a working system.

Deterministic for a given --seed, and idempotent: records are matched by their
natural keys (village name in a commune, user name, household code), so a
second run adds nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from demo.seed import DEMO_PASSWORD, seed_communes


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu (3 xã/phường) và tài khoản mẫu cho từng vai trò."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--seed", type=int, default=2026, help="hạt giống ngẫu nhiên (mặc định 2026)"
        )
        parser.add_argument(
            "--quiet-logins", action="store_true", help="không in danh sách tài khoản"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = seed_communes(seed=options["seed"])
        except LookupError as exc:
            raise CommandError(f"{exc} — hãy chạy `python manage.py load_places` trước.") from exc
        self.stdout.write(result.summary())
        if not options["quiet_logins"]:
            self.stdout.write(f"\nTài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
            for username, label in result.logins:
                self.stdout.write(f"  {username:<16} {label}")
