"""Load the criteria sets shipped in criteria/defaults/ (labelled "default — province to confirm").

A set already loaded (same family and version) is left alone, so running this
twice changes nothing. A family the province has taken further (a version of its
own at or above the shipped one) is left alone too: its edits win. A newer shipped
version of a family replaces the older shipped one the way publishing does — the
older one is retired, and the assessments scored with it keep it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max

from criteria.io import create_from_data, parse, validate
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
            problems = validate(data)
            if problems:
                raise CommandError(f"{path.name}: " + " ".join(problems))
            version = int(data.get("version", 1))
            latest = CriteriaSet.objects.filter(family=data["family"]).aggregate(v=Max("version"))[
                "v"
            ]
            if latest is not None and latest >= version:
                continue
            with transaction.atomic():
                CriteriaSet.objects.filter(
                    family=data["family"], status=SetStatus.PUBLISHED
                ).update(status=SetStatus.RETIRED)
                create_from_data(data, status=SetStatus.PUBLISHED)
            created += 1
        self.stdout.write(f"Bộ tiêu chí: nạp mới {created}, đã có {len(files) - created}.")
