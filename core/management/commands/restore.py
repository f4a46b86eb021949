"""Restore the database from a file made by `manage.py backup` (`make restore FILE=…`).

    python manage.py restore backups/hoctap-20261128-2200.dump --yes

Everything in the configured database is replaced by the backup's content, in one
transaction on PostgreSQL. Without --yes it only says what it would do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Khôi phục cơ sở dữ liệu từ tệp sao lưu."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--yes", action="store_true", help="thay toàn bộ dữ liệu hiện có")

    def handle(self, *args: Any, **options: Any) -> None:
        name = connection.settings_dict["NAME"]
        if not options["yes"]:
            self.stdout.write(
                f"Sẽ thay toàn bộ dữ liệu của {name} bằng {options['file']}. "
                "Chạy lại với --yes để thực hiện."
            )
            return
        settings_dict, vendor = dict(connection.settings_dict), connection.vendor
        connection.close()
        try:
            restore(options["file"], settings_dict, vendor)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Đã khôi phục {name} từ {options['file']}."))
