"""Fill three current communes with villages, households, clans and organisations,
and create one demo account per role, so a newcomer sees a working system.

Deterministic for a given --seed, and idempotent: records are matched by their
natural keys (village name in a commune, user name, household code), so a
second run adds nothing.

`--scale tiny|commune|province` instead streams a whole registry and its years of
the cycle into an empty database (see `demo/scale.py`): tiny for tests, commune and
province for benchmarks (only in a database whose name contains "bench").
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.seed import DEMO_PASSWORD, seed_communes

SCALE_CHOICES = ["demo", "tiny", "commune", "province"]


def parse_years(raw: str | None, scale: str) -> list[int]:
    """ "2021-2026" → [2021, …, 2026]; by default two years for tiny, 2021–this year otherwise."""
    this_year = timezone.localdate().year
    if not raw:
        first = this_year - 1 if scale == "tiny" else 2021
        return list(range(first, this_year + 1))
    match = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4}))?\s*", raw)
    if not match:
        raise CommandError(f"--years phải có dạng 2021-2026 (đang là “{raw}”).")
    first, last = int(match[1]), int(match[2] or match[1])
    if not 2000 <= first <= last <= 2100:
        raise CommandError(
            f"Khoảng năm “{raw}” không hợp lệ: năm đầu phải nhỏ hơn hoặc bằng năm cuối."
        )
    return list(range(first, last + 1))


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu (3 xã/phường) và tài khoản mẫu cho từng vai trò; --scale: dữ liệu lớn."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--seed", type=int, default=2026, help="hạt giống ngẫu nhiên (mặc định 2026)"
        )
        parser.add_argument(
            "--quiet-logins", action="store_true", help="không in danh sách tài khoản"
        )
        parser.add_argument(
            "--scale",
            choices=SCALE_CHOICES,
            default="demo",
            help="demo (mặc định, 3 xã qua ORM), tiny (kiểm thử), commune hoặc province (đo hiệu năng)",
        )
        parser.add_argument("--years", help="khoảng năm bình xét, ví dụ 2021-2026")

    def handle(self, *args: Any, **options: Any) -> None:
        scale = options["scale"]
        if scale != "demo":
            self._scale(scale, options)
            return
        try:
            result = seed_communes(seed=options["seed"])
        except LookupError as exc:
            raise CommandError(f"{exc} — hãy chạy `python manage.py load_places` trước.") from exc
        self.stdout.write(result.summary())
        if not options["quiet_logins"]:
            self.stdout.write(f"\nTài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
            for username, label in result.logins:
                self.stdout.write(f"  {username:<16} {label}")

    def _scale(self, scale: str, options: dict[str, Any]) -> None:
        from demo.scale import BENCH_PASSWORD, ScaleError, run_scale

        years = parse_years(options.get("years"), scale)

        def write(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        try:
            counts = run_scale(scale=scale, seed=options["seed"], years=years, write=write)
        except ScaleError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("Xong. " + ", ".join(f"{k}: {v:,}" for k, v in counts.items()))
        self.stdout.write(f"Tài khoản đo tải: bench.* — mật khẩu chung {BENCH_PASSWORD}")
