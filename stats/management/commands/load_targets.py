"""Load the plan's targets and 2020 baseline (stats/data/targets.toml) for the province.

Idempotent: a target already present for (indicator, year, source) is left as the
province may have edited it.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from places.models import Place, PlaceKind
from stats.models import Target

DATA = Path(__file__).resolve().parents[2] / "data" / "targets.toml"


class Command(BaseCommand):
    help = "Nạp chỉ tiêu 2025/2030 và kết quả 2020 của kế hoạch tỉnh."

    def handle(self, *args: Any, **options: Any) -> None:
        province = (
            Place.objects.current().filter(kind=PlaceKind.PROVINCE, parent__isnull=True).first()
        )
        if province is None:
            raise CommandError("Chưa có bản đồ — chạy load_places trước.")
        created = 0
        for entry in tomllib.loads(DATA.read_text("utf-8"))["target"]:
            for year, source, value in entry["values"]:
                _target, made = Target.objects.get_or_create(
                    indicator=entry["indicator"],
                    place=province,
                    year=year,
                    source=source,
                    replaced_at=None,
                    defaults={
                        "value": Decimal(str(value)),
                        "note": "Kế hoạch 127/KH-UBND; QĐ 387, 677/QĐ-TTg",
                    },
                )
                created += made
        self.stdout.write(f"Chỉ tiêu: nạp mới {created}.")
