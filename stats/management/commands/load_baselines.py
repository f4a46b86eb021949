"""Load the 2020 baselines onto the legacy province they were measured in.

The `[[baseline]]` sections of stats/data/targets.toml (or of `--file`): each names a
legacy province by its code in the map (33: Hưng Yên, 34: Thái Bình, both closed on
30/06/2025), its document, and its results in percent by indicator:

    [[baseline]]
    code = "34"
    source = "Kế hoạch ... (tỉnh Thái Bình cũ)"
    values = { gdht = 70.5, dhht = 68 }

Idempotent: a baseline already present is left as is (`--replace` records the new value
as a new row, the old one marked replaced). A 2020 "achieved" row attached to today's
province (where an earlier version put old Hưng Yên's figures) is marked replaced.
"""

from __future__ import annotations

import tomllib
import unicodedata
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from places.models import Place, PlaceKind
from stats.figures import INDICATORS
from stats.models import Target, TargetSource

DATA = Path(__file__).resolve().parents[2] / "data" / "targets.toml"
YEAR = 2020


class Command(BaseCommand):
    help = "Nạp kết quả năm 2020 (mốc) của từng tỉnh cũ, gắn vào tỉnh cũ đó."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--file", help="tệp TOML có mục [[baseline]] (mặc định: targets.toml)")
        parser.add_argument("--replace", action="store_true", help="ghi đè mốc đã có")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"]) if options.get("file") else DATA
        try:
            text = unicodedata.normalize("NFC", path.read_text("utf-8"))
            sections = tomllib.loads(text).get("baseline", [])
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise CommandError(f"Không đọc được tệp {path.name}: {error}") from error
        legacy = {
            p.code: p for p in Place.objects.legacy().filter(kind=PlaceKind.PROVINCE) if p.code
        }
        if not legacy:
            raise CommandError("Chưa có bản đồ tỉnh cũ — chạy load_places trước.")
        created = replaced = 0
        with transaction.atomic():
            for number, section in enumerate(sections, start=1):
                place, source, values = _check(number, section, legacy)
                for indicator, value in values.items():
                    current = Target.objects.filter(
                        indicator=indicator,
                        place=place,
                        year=YEAR,
                        source=TargetSource.ACHIEVED,
                        replaced_at__isnull=True,
                    ).first()
                    if current is not None and (current.value == value or not options["replace"]):
                        continue
                    if current is not None:
                        current.replaced_at = timezone.now()
                        current.save(update_fields=["replaced_at"])
                    Target.objects.create(
                        indicator=indicator,
                        place=place,
                        year=YEAR,
                        source=TargetSource.ACHIEVED,
                        value=value,
                        note=source[:200],
                    )
                    created += 1
            replaced = Target.objects.filter(
                year=YEAR,
                source=TargetSource.ACHIEVED,
                replaced_at__isnull=True,
                place__kind=PlaceKind.PROVINCE,
                place__valid_to__isnull=True,
            ).update(replaced_at=timezone.now())
        self.stdout.write(
            f"Mốc năm 2020: nạp mới {created}; gỡ {replaced} mốc gắn nhầm vào tỉnh mới."
        )


def _check(
    number: int, section: dict[str, Any], legacy: dict[str, Place]
) -> tuple[Place, str, dict[str, Decimal]]:
    where = f"Mục mốc thứ {number}"
    code = str(section.get("code", "")).strip()
    if code not in legacy:
        known = ", ".join(f"{c} ({p.name} cũ)" for c, p in sorted(legacy.items()))
        raise CommandError(f"{where}: mã tỉnh cũ “{code}” không có trong bản đồ; có: {known}.")
    source = str(section.get("source", "")).strip()
    if not source:
        raise CommandError(f"{where}: thiếu nguồn (văn bản ghi kết quả năm 2020).")
    values: dict[str, Decimal] = {}
    for indicator, raw in dict(section.get("values", {})).items():
        if indicator not in INDICATORS:
            raise CommandError(f"{where}: chỉ tiêu “{indicator}” không có trong danh mục.")
        try:
            value = Decimal(str(raw))
        except InvalidOperation as error:
            raise CommandError(f"{where}, {indicator}: “{raw}” không phải là số.") from error
        if not Decimal(0) <= value <= Decimal(100):
            raise CommandError(f"{where}, {indicator}: tỷ lệ phải từ 0 đến 100 (%).")
        values[indicator] = value
    if not values:
        raise CommandError(f"{where}: không có kết quả nào.")
    return legacy[code], source, values
