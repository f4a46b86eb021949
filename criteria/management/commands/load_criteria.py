"""Load the criteria sets shipped in criteria/defaults/ (labelled "default — province to confirm").

A set already loaded (same family and version) is left alone, so running this
twice changes nothing and never touches a set the province has edited (edits
are new versions).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from criteria.io import create_from_data, parse
from criteria.models import CriteriaSet, SetStatus

DEFAULTS = Path(__file__).resolve().parents[2] / "defaults"


class Command(BaseCommand):
    help = "Nạp các bộ tiêu chí mặc định."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "files", nargs="*", type=Path, help="tệp .toml/.json (mặc định: criteria/defaults)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        files = options["files"] or sorted(DEFAULTS.glob("*.toml"))
        created = 0
        for path in files:
            data = parse(path.read_bytes(), path.name)
            if CriteriaSet.objects.filter(
                family=data["family"], version=data.get("version", 1)
            ).exists():
                continue
            create_from_data(data, status=SetStatus.PUBLISHED)
            created += 1
        self.stdout.write(f"Bộ tiêu chí: nạp mới {created}, đã có {len(files) - created}.")
