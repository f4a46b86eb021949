"""Fast bulk writes for imports and generators: explicit ids, executemany or COPY.

`bulk_create` builds a model instance per row and is the slow part of a
100,000-row import; these helpers insert plain tuples. Ids are allocated up
front so related rows (a household and its members) can be linked before
anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys; call inside the transaction that inserts them."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: writers are serialised (BEGIN IMMEDIATE), so max(id) is stable here.
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        start = cursor.fetchone()[0] + 1
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        if row and row[0] >= start:
            start = row[0] + 1
        return list(range(start, start + count))


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert tuples into the model's table (column names as in the database)."""
    table = model._meta.db_table
    names = ", ".join(f'"{c}"' for c in columns)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
            return written
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f'INSERT INTO "{table}" ({names}) VALUES ({placeholders})'
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= 5000:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


class RowWriter:
    """Turns {attname: value} dicts into tuples in table column order, adapting the few
    types that differ by database (dates, timestamps, JSON) and filling defaults."""

    def __init__(
        self,
        model: type[models.Model],
        defaults: dict[str, Any] | None = None,
        *,
        with_ids: bool = True,
    ) -> None:
        """`with_ids=False` leaves the primary key to the database (rows nobody links to)."""
        self.model = model
        fields = [f for f in model._meta.concrete_fields if with_ids or not f.primary_key]
        self.columns = [f.column for f in fields]
        self.plan: list[tuple[str, Callable[[Any], Any] | None, Any]] = []
        for field in fields:
            adapt = self._adapter(field)
            if defaults and field.attname in defaults:
                default = defaults[field.attname]
            else:
                default = field.get_default() if field.has_default() else None
            if adapt is not None and default is not None:
                default = adapt(default)
            self.plan.append((field.attname, adapt, default))

    @staticmethod
    def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
        ops = connection.ops
        if isinstance(field, models.DateTimeField):
            return ops.adapt_datetimefield_value
        if isinstance(field, models.DateField):
            return ops.adapt_datefield_value
        if isinstance(field, models.JSONField):
            return lambda value: json.dumps(value, ensure_ascii=False)
        return None

    def row(self, values: dict[str, Any]) -> tuple[Any, ...]:
        out = []
        for attname, adapt, default in self.plan:
            if attname in values:
                value = values[attname]
                if adapt is not None and value is not None:
                    value = adapt(value)
            else:
                value = default
            out.append(value)
        return tuple(out)

    def insert(self, rows: Iterable[dict[str, Any]]) -> int:
        return insert_rows(self.model, self.columns, (self.row(r) for r in rows))


def update_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """UPDATE table SET columns... WHERE id = last value, for many rows at once."""
    table = model._meta.db_table
    assignments = ", ".join(f'"{c}" = %s' for c in columns)
    with connection.cursor() as cursor:
        cursor.executemany(f'UPDATE "{table}" SET {assignments} WHERE id = %s', list(rows))
