"""Generating big, realistic registry workbooks for the import benchmark."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from demo.generator import Generator
from registry.columns import CITIZEN_COLUMNS, label_of
from registry.identity import make_identity
from registry.models import Gender, Relation


def citizens_workbook(
    path: Path, *, villages: list[str], people: int, seed: int = 1, prefix: str = "BM"
) -> int:
    """About `people` citizens in households of ~3.3; returns the row count written."""
    generator = Generator(seed)
    year = dt.date.today().year
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Dữ liệu")
    sheet.append([c.header for c in CITIZEN_COLUMNS])
    rows = 0
    number = 0
    serial = 0
    while rows < people:
        number += 1
        village = villages[number % len(villages)]
        household = generator.household(number, year)
        for person in household.members:
            serial += 1
            age = year - person.birth_year
            sheet.append(
                [
                    None,
                    f"{prefix}-{number:06d}",
                    person.full_name,
                    label_of(Gender, person.gender),
                    f"{person.birth_day:02d}/{person.birth_month:02d}/{person.birth_year}",
                    make_identity(
                        province="033",
                        gender=person.gender,
                        birth_year=person.birth_year,
                        serial=serial,
                    )
                    if age >= 14
                    else None,
                    f"09{serial % 100_000_000:08d}" if age >= 18 else None,
                    "Kinh",
                    "Học sinh, sinh viên" if 6 <= age <= 18 else "Nông dân, lao động nông thôn",
                    "Có" if 6 <= age <= 18 else None,
                    village,
                    label_of(Relation, person.relation),
                    None,
                    "Đang cư trú",
                ]
            )
            rows += 1
    workbook.save(path)
    return rows
