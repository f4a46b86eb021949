"""Backups of the whole database: pg_dump/pg_restore on PostgreSQL, SQLite's online
backup API on SQLite (a consistent copy while the site keeps running)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections
from django.utils import timezone


class BackupError(Exception):
    pass


def _pg_args(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["--host", str(db.get("HOST") or "127.0.0.1"), "--dbname", str(db["NAME"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"Không tìm thấy {name} (cài gói postgresql-client).")
    return found


def default_name(vendor: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return f"hoctap-{stamp}.{'dump' if vendor == 'postgresql' else 'sqlite3'}"


def backup(out: Path, alias: str = "default") -> Path:
    connection = connections[alias]
    out.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "postgresql":
        args, env = _pg_args(connection.settings_dict)
        command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(out), *args]
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(result.stderr.strip())
        return out
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = connection.connection
        assert source is not None
        with sqlite3.connect(out) as target:
            source.backup(target)
        return out
    raise BackupError(f"Không sao lưu được cơ sở dữ liệu loại {connection.vendor}.")


def restore(dump: Path, settings_dict: dict[str, Any], vendor: str) -> None:
    """Replace the database described by `settings_dict` with the backup's content."""
    if not dump.exists():
        raise BackupError(f"Không có tệp {dump}.")
    if vendor == "postgresql":
        args, env = _pg_args(settings_dict)
        command = [
            _tool("pg_restore"),
            "--no-owner",
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(dump),
        ]
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(result.stderr.strip())
        return
    if vendor == "sqlite":
        with sqlite3.connect(dump) as source, sqlite3.connect(settings_dict["NAME"]) as target:
            source.backup(target)
        return
    raise BackupError(f"Không khôi phục được cơ sở dữ liệu loại {vendor}.")
