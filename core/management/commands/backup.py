"""Back up the whole database to one file (`make backup`).

    python manage.py backup                    # backups/hoctap-YYYYmmdd-HHMMSS.dump|.sqlite3
    python manage.py backup --out /mnt/x.dump

PostgreSQL: pg_dump's custom format (restore with `manage.py restore`); SQLite: the
online backup API, a consistent copy taken while the site keeps serving.
Uploaded files (MEDIA_ROOT) are copied separately (see SECURITY.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.backup import BackupError, backup, default_name


class Command(BaseCommand):
    help = "Sao lưu toàn bộ cơ sở dữ liệu ra một tệp."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", type=Path, default=None)
        parser.add_argument("--dir", type=Path, default=Path(settings.BASE_DIR) / "backups")

    def handle(self, *args: Any, **options: Any) -> None:
        out = options["out"] or options["dir"] / default_name(connection.vendor)
        try:
            path = backup(out)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Đã sao lưu vào {path} ({path.stat().st_size // 1024} KB).")
