"""`make backup` / `make restore`: a backup restored into an empty database holds the
same records and the same audit trail."""

from __future__ import annotations

import shutil
import sqlite3
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from assessments import services as cycle
from assessments.tests.helpers import YEAR, open_years
from audit.models import AuditEvent
from core.tests.committed import committed, reference_data_back  # noqa: F401
from registry.models import Citizen, Household

TABLES: dict[str, Any] = {
    "registry_citizen": Citizen,
    "registry_household": Household,
    "audit_auditevent": AuditEvent,
}


def some_history(world) -> None:
    open_years(world)
    alice = world.users["alice"]
    for key in ("a1", "a2", "b1"):
        cycle.register(actor=alice, title="GDHT", year=YEAR, subject=world.households[key])


def expected() -> dict[str, object]:
    counts = {table: model.objects.count() for table, model in TABLES.items()}
    trail = list(AuditEvent.objects.order_by("id").values_list("id", "action", "object_id"))
    return {"counts": counts, "trail": trail}


def found(cursor) -> dict[str, object]:
    counts = {}
    for table in TABLES:
        cursor.execute(f"SELECT count(*) FROM {table}")
        counts[table] = cursor.fetchone()[0]
    cursor.execute("SELECT id, action, object_id FROM audit_auditevent ORDER BY id")
    return {"counts": counts, "trail": [tuple(row) for row in cursor.fetchall()]}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="Sao lưu SQLite: chỉ chạy trên SQLite.")
@pytest.mark.usefixtures("committed")
def test_sqlite_backup_restores_into_an_empty_database(world, tmp_path):
    some_history(world)
    want = expected()
    assert want["counts"]["audit_auditevent"] > 0
    out = StringIO()
    call_command("backup", "--out", str(tmp_path / "b.sqlite3"), stdout=out)
    assert "Đã sao lưu vào" in out.getvalue()
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()
    from core.backup import restore

    restore(tmp_path / "b.sqlite3", {"NAME": str(empty)}, "sqlite")
    with sqlite3.connect(empty) as restored:
        assert found(restored.cursor()) == want


@pytest.mark.skipif(
    connection.vendor != "postgresql" or not shutil.which("pg_dump"),
    reason="Sao lưu PostgreSQL cần PostgreSQL và pg_dump/pg_restore (make test-pg).",
)
@pytest.mark.usefixtures("committed")
def test_postgresql_dump_restores_into_an_empty_database(world, tmp_path):
    import psycopg

    some_history(world)
    want = expected()
    dump = tmp_path / "b.dump"
    call_command("backup", "--out", str(dump), stdout=StringIO())
    settings_dict = dict(connection.settings_dict)
    target = f"{settings_dict['NAME']}_restore"
    params = {
        "host": settings_dict.get("HOST") or "127.0.0.1",
        "port": settings_dict.get("PORT") or 5432,
        "user": settings_dict.get("USER") or "postgres",
        "password": settings_dict.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}"')
        admin.execute(f'CREATE DATABASE "{target}"')
    try:
        from core.backup import restore

        restore(dump, {**settings_dict, "NAME": target}, "postgresql")
        with psycopg.connect(dbname=target, **params) as restored:
            assert found(restored.cursor()) == want
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}"')


def test_restore_without_yes_changes_nothing(world, tmp_path):
    out = StringIO()
    call_command("restore", str(tmp_path / "x.dump"), stdout=out)
    assert "Chạy lại với --yes" in out.getvalue()
    assert Citizen.objects.count() == 5
