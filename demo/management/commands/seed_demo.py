"""The demo `make run` shows: every current commune of the merged province with villages,
households, clans, organisations and citizens, its years of the cycle, the movement's
records and the statistical reports 2020–2025; one demo account per role in three of
them (`demo/seed.py`), listed at the end with their phone numbers.

Deterministic for a given --seed, and idempotent: records are matched by their
natural keys (village name in a commune, user name, household code; a commune with
households is left as it is), so a second run adds nothing. `--households N` (the other
communes' average size) and `--communes N` (only the first N of them) make it smaller.

`--scale tiny|commune|province` instead streams a whole registry and its years of
the cycle into an empty database (see `demo/scale.py`): tiny for tests, commune and
province for benchmarks (only in a database whose name contains "bench").
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.seed import DEMO_PASSWORD, Login, seed_demo_province

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


def positive(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise CommandError(f"Cần một số nguyên dương (đang là “{raw}”).")
    return value


def logins_table(logins: list[Login]) -> str:
    """The demo accounts as an aligned table with a Vietnamese header."""
    header = ("Tên đăng nhập", "Điện thoại", "Vai trò", "Địa bàn, đơn vị")
    rows = [header] + [(x.username, x.phone or "—", x.role, x.place) for x in logins]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = []
    for index, row in enumerate(rows):
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  " + "  ".join([*cells, row[-1]]))
        if index == 0:
            lines.append("  " + "  ".join(["─" * w for w in widths] + ["─" * len(row[-1])]))
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu cho 104 xã/phường và tài khoản mẫu cho từng vai trò; "
        "--scale: dữ liệu lớn để đo hiệu năng."
    )

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
            help="demo (mặc định, cả tỉnh ở quy mô nhỏ), tiny (kiểm thử), commune hoặc province (đo hiệu năng)",
        )
        parser.add_argument("--years", help="khoảng năm bình xét, ví dụ 2021-2026")
        parser.add_argument(
            "--households",
            type=positive,
            help="số hộ trung bình của mỗi xã/phường ngoài ba xã mẫu (mặc định 60)",
        )
        parser.add_argument(
            "--communes",
            type=positive,
            help="chỉ tạo dữ liệu cho N xã/phường đầu tiên (theo mã) ngoài ba xã mẫu",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale = options["scale"]
        if scale != "demo":
            self._scale(scale, options)
            return

        def write(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        try:
            result = seed_demo_province(
                seed=options["seed"],
                households=options.get("households"),
                limit=options.get("communes"),
                write=write,
            )
        except LookupError as exc:
            raise CommandError(f"{exc} — hãy chạy `python manage.py load_places` trước.") from exc
        self.stdout.write(result.summary())
        for note in result.notes:
            self.stdout.write(note)
        if not options["quiet_logins"]:
            self.stdout.write(
                f"\nTài khoản mẫu — mật khẩu chung: {DEMO_PASSWORD}; đăng nhập bằng tên đăng "
                "nhập hoặc số điện thoại:"
            )
            self.stdout.write(logins_table(result.logins))

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
