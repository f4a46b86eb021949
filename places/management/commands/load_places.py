"""Load Hưng Yên's map: the current province and its 104 communes/wards, and
the legacy Hưng Yên and Thái Bình (closed 30/06/2025) with their districts,
communes and succession links to today's communes.

The data file is generated from the `vietnamadminunits` package by
`scripts/build_places_data.py`. Running this twice creates nothing new; a
renamed unit in a newer data file is updated in place.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from places.models import REFORM_DATE, Place, PlaceKind, PlaceSuccession
from places.signals import successions_changed

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "hung_yen.json"
LEGACY_END = REFORM_DATE - dt.timedelta(days=1)


class Command(BaseCommand):
    help = "Nạp bản đồ hành chính tỉnh Hưng Yên (hiện hành và trước 01/07/2025)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="chỉ báo cáo, không ghi")

    def handle(self, *args: Any, **options: Any) -> None:
        data = json.loads(DATA_FILE.read_text("utf-8"))
        with transaction.atomic():
            loader = Loader()
            loader.load(data)
            if options["dry_run"]:
                transaction.set_rollback(True)
        self.stdout.write(
            f"Bản đồ: tạo mới {loader.created}, cập nhật {loader.updated}, "
            f"liên kết kế thừa mới {loader.links_created}, "
            f"đặt tỷ lệ chia tách mặc định cho {loader.shares_set} xã cũ ({data['source']})"
            + (" — chạy thử, không ghi" if options["dry_run"] else "")
        )


class Loader:
    def __init__(self) -> None:
        self.created = 0
        self.updated = 0
        self.links_created = 0
        self.shares_set = 0
        self.existing = {
            (p.kind, p.code, p.valid_from): p
            for p in Place.objects.filter(code__isnull=False).exclude(kind=PlaceKind.VILLAGE)
        }

    def upsert(
        self,
        *,
        kind: str,
        code: str,
        name: str,
        short_name: str,
        unit_type: str,
        parent: Place | None,
        valid_from: dt.date | None,
        valid_to: dt.date | None,
        geo: dict[str, Any] | None = None,
    ) -> Place:
        located = _geo(geo or {})
        place = self.existing.get((kind, code, valid_from))
        if place is None:
            place = Place(
                kind=kind,
                code=code,
                name=name,
                short_name=short_name,
                unit_type=unit_type,
                parent=parent,
                valid_from=valid_from,
                valid_to=valid_to,
                **located,
            )
            place.save()
            self.existing[(kind, code, valid_from)] = place
            self.created += 1
        elif (
            place.name,
            place.short_name,
            place.unit_type,
            place.valid_to,
            *(getattr(place, f) for f in GEO_FIELDS),
        ) != (name, short_name, unit_type, valid_to, *located.values()):
            place.name, place.short_name, place.unit_type = name, short_name, unit_type
            place.valid_to = valid_to
            for field, value in located.items():
                setattr(place, field, value)
            place.save()
            self.updated += 1
        return place

    def load(self, data: dict[str, Any]) -> None:
        province = data["province"]
        current = self.upsert(
            kind=PlaceKind.PROVINCE,
            code=province["code"],
            name=province["name"],
            short_name=province["name"].removeprefix("Tỉnh ").strip(),
            unit_type="Tỉnh",
            parent=None,
            valid_from=REFORM_DATE,
            valid_to=None,
        )
        new_communes = {
            c["code"]: self.upsert(
                kind=PlaceKind.COMMUNE,
                code=c["code"],
                name=c["name"],
                short_name=c["short"],
                unit_type=c["type"],
                parent=current,
                valid_from=REFORM_DATE,
                valid_to=None,
                geo=c,
            )
            for c in data["communes"]
        }
        links = set(PlaceSuccession.objects.values_list("predecessor_id", "successor_id"))
        new_links = []
        for old_province in data["legacy"]:
            legacy_province = self.upsert(
                kind=PlaceKind.PROVINCE,
                code=old_province["code"],
                name=old_province["name"],
                short_name=old_province["name"].removeprefix("Tỉnh ").strip(),
                unit_type="Tỉnh",
                parent=None,
                valid_from=None,
                valid_to=LEGACY_END,
            )
            for district in old_province["districts"]:
                legacy_district = self.upsert(
                    kind=PlaceKind.DISTRICT,
                    code=district["code"],
                    name=district["name"],
                    short_name=district["name"].removeprefix(district["type"]).strip(),
                    unit_type=district["type"],
                    parent=legacy_province,
                    valid_from=None,
                    valid_to=LEGACY_END,
                )
                for commune in district["communes"]:
                    legacy_commune = self.upsert(
                        kind=PlaceKind.COMMUNE,
                        code=commune["code"],
                        name=commune["name"],
                        short_name=commune["short"],
                        unit_type=commune["type"],
                        parent=legacy_district,
                        valid_from=None,
                        valid_to=LEGACY_END,
                        geo=commune,
                    )
                    for successor in commune["successors"]:
                        target = new_communes[successor["code"]]
                        if (legacy_commune.pk, target.pk) in links:
                            continue
                        links.add((legacy_commune.pk, target.pk))
                        new_links.append(
                            PlaceSuccession(
                                predecessor=legacy_commune,
                                successor=target,
                                is_split=commune["split"],
                                is_default=successor["default"],
                                effective=REFORM_DATE,
                            )
                        )
        PlaceSuccession.objects.bulk_create(new_links)
        self.links_created = len(new_links)
        self.shares_set = default_split_shares()
        changed = {link.predecessor_id for link in new_links}
        if self.shares_set:
            changed |= set(
                PlaceSuccession.objects.filter(is_split=True).values_list(
                    "predecessor_id", flat=True
                )
            )
        if changed:
            successions_changed.send(sender=PlaceSuccession, predecessors=sorted(changed))


GEO_FIELDS = ("latitude", "longitude", "area_km2")


def _geo(row: dict[str, Any]) -> dict[str, Decimal | None]:
    """The data file's point and area as exact decimals (absent: None)."""
    values = (row.get("lat"), row.get("lon"), row.get("area_km2"))
    return {
        field: None if value is None else Decimal(value)
        for field, value in zip(GEO_FIELDS, values, strict=True)
    }


def default_split_shares() -> int:
    """Give each split predecessor whose shares do not sum to 1 shares by area.

    Rule (a proposal of this system, not a legal rule): the package says which new communes a split
    legacy commune went to, not how much of it each took; the closest figure it ships
    is each successor's own area, so a successor's share is its area over the sum of
    the successors' areas, at 4 decimals, the default successor taking the remainder
    so the shares sum to exactly 1. Shares already summing to 1 (the loader's or the
    province admin's) are left alone. Returns how many predecessors were set.
    """
    links: dict[int, list[PlaceSuccession]] = {}
    for link in PlaceSuccession.objects.filter(is_split=True).select_related("successor"):
        links.setdefault(link.predecessor_id, []).append(link)
    changed: list[PlaceSuccession] = []
    for group in links.values():
        if sum(link.share for link in group) == 1:
            continue
        areas = [link.successor.area_km2 for link in group]
        if any(area is None for area in areas) or not sum(a for a in areas if a):
            shares = [Fraction(1, len(group))] * len(group)
        else:
            total = sum(Fraction(a) for a in areas if a is not None)
            shares = [Fraction(a) / total for a in areas if a is not None]
        rounded = [round(Decimal(f.numerator) / Decimal(f.denominator), 4) for f in shares]
        main = next((i for i, link in enumerate(group) if link.is_default), 0)
        rounded[main] = Decimal(1) - sum(r for i, r in enumerate(rounded) if i != main)
        for link, share in zip(group, rounded, strict=True):
            link.share = share
            changed.append(link)
    PlaceSuccession.objects.bulk_update(changed, ["share"])
    return len({link.predecessor_id for link in changed})
