"""Regenerate places/data/hung_yen.json from the `vietnamadminunits` package.

Why a committed data file: the package pulls numpy/shapely/geopy, which the
running application does not need. The map changes rarely; when it does, run

    make places-data

which installs the `mapdata` dependency group and runs this script. The
output is deterministic (sorted), so a diff shows exactly what changed.
Nothing here calls the package's network geocoder: only its bundled SQLite
dataset and its 2025 conversion table are read.

What the package gives for the map (checked in 1.0.4): a current ward has a point
(`wardLat`, `wardLon`) and an area (`wardAreaKm2`); a legacy ward has a point and a
bounding box (`wardBounds`) but no area; there are no boundary polygons. The file
keeps the points and the current areas, nothing derived.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import vietnamadminunits

PACKAGE_DIR = Path(vietnamadminunits.__file__).parent
OUT = Path(__file__).resolve().parent.parent / "places" / "data" / "hung_yen.json"

NEW_PROVINCE_KEY = "tinhhungyen"
LEGACY_PROVINCE_KEYS = ["tinhhungyen", "tinhthaibinh"]


def rows(sql: str, *params: str) -> list[dict[str, object]]:
    with sqlite3.connect(PACKAGE_DIR / "data" / "dataset.db") as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql, params)]


def decimal_text(value: object, places: int) -> str | None:
    """The package's float as a fixed-point string, so the loader stores it exactly."""
    if value is None:
        return None
    return f"{float(str(value)):.{places}f}"


def centroid(row: dict[str, object]) -> dict[str, str | None]:
    """The package's point for the unit (geocoded centre; no polygons are shipped)."""
    return {"lat": decimal_text(row["wardLat"], 6), "lon": decimal_text(row["wardLon"], 6)}


def main() -> int:
    current = rows(
        "SELECT DISTINCT provinceCode, province, wardCode, ward, wardShort, wardType, wardKey, "
        "wardLat, wardLon, wardAreaKm2 FROM admin_units WHERE provinceKey = ? ORDER BY wardCode",
        NEW_PROVINCE_KEY,
    )
    key_to_code = {r["wardKey"]: r["wardCode"] for r in current}
    conversion = json.loads((PACKAGE_DIR / "data" / "converter_2025.json").read_text("utf-8"))
    merged = conversion["DICT_PROVINCE_WARD_NO_DIVIDED"][NEW_PROVINCE_KEY]
    divided = conversion["DICT_PROVINCE_WARD_DIVIDED"].get(NEW_PROVINCE_KEY, {})

    successors: dict[str, list[dict[str, object]]] = {}
    for new_key, legacy_keys in merged.items():
        for legacy_key in legacy_keys:
            successors.setdefault(legacy_key, []).append(
                {"code": key_to_code[new_key], "default": True}
            )
    for legacy_key, targets in divided.items():
        successors[legacy_key] = [
            {"code": key_to_code[t["newWardKey"]], "default": bool(t["isDefaultNewWard"])}
            for t in targets
        ]

    legacy: list[dict[str, Any]] = []
    for province_key in LEGACY_PROVINCE_KEYS:
        units = rows(
            "SELECT DISTINCT provinceCode, province, districtCode, district, districtType, "
            "districtKey, wardCode, ward, wardShort, wardType, wardKey, wardLat, wardLon "
            "FROM admin_units_legacy WHERE provinceKey = ? ORDER BY districtCode, wardCode",
            province_key,
        )
        districts: dict[str, dict[str, object]] = {}
        for u in units:
            district = districts.setdefault(
                str(u["districtCode"]),
                {
                    "code": u["districtCode"],
                    "name": u["district"],
                    "type": u["districtType"],
                    "communes": [],
                },
            )
            key = f"{province_key}_{u['districtKey']}_{u['wardKey']}"
            found = sorted(successors.get(key, []), key=lambda s: str(s["code"]))
            if not found:
                print(f"no successor for {key}", file=sys.stderr)
                return 1
            district["communes"].append(  # type: ignore[attr-defined]
                {
                    "code": u["wardCode"],
                    "name": u["ward"],
                    "short": u["wardShort"],
                    "type": u["wardType"],
                    **centroid(u),
                    "split": len(found) > 1,
                    "successors": found,
                }
            )
        legacy.append(
            {
                "code": units[0]["provinceCode"],
                "name": units[0]["province"],
                "districts": list(districts.values()),
            }
        )

    data = {
        "source": f"vietnamadminunits {metadata.version('vietnamadminunits')} (MIT)",
        "reform_date": "2025-07-01",
        "province": {"code": current[0]["provinceCode"], "name": current[0]["province"]},
        "communes": [
            {
                "code": r["wardCode"],
                "name": r["ward"],
                "short": r["wardShort"],
                "type": r["wardType"],
                **centroid(r),
                "area_km2": decimal_text(r["wardAreaKm2"], 2),
            }
            for r in current
        ],
        "legacy": legacy,
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: {len(current)} communes, legacy {[len(p['districts']) for p in legacy]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
