"""Fast bulk writes for imports and generators: explicit ids, executemany or COPY.

`bulk_create` builds a model instance per row and is the slow part of a
100,000-row import; these helpers insert plain tuples. Ids are allocated up
front so related rows (a household and its members) can be linked before
anything is written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import DatabaseError, connection, models

# After this many new rows in one write, PostgreSQL's planner statistics of the tables
# written are refreshed at once (`refresh_statistics`), not whenever autovacuum gets to it.
ANALYZE_AFTER = 10_000


def refresh_statistics(written: dict[type[models.Model], int]) -> None:
    """ANALYZE the tables that just received ANALYZE_AFTER rows or more (PostgreSQL; SQLite
    plans without them). A commune's first large import otherwise leaves statistics that say
    the table is (nearly) empty, and the recount queued right after it — a join over the
    commune's people — was planned as nested loops: 288 s instead of 0.2 s, measured on the
    100,000-citizen import. ANALYZE reads a sample (about a second on millions of rows) and
    may run inside the import's transaction; its statistics are committed with the rows."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model, rows in written.items():
            if rows >= ANALYZE_AFTER:
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys; call inside the transaction that inserts them."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence is looked up once: inside the generate_series query the lookup ran
            # once per id (0.3 s of the server's time for 130,000 ids). The ids come back as
            # one array, not a row each.
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute(
                "SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)",
                [sequence, count],
            )
            return list(cursor.fetchone()[0])
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
                # "" for a non-null text column without a default, None where NULL is allowed
                default = field.get_default()
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


def reserve_ids(model: type[models.Model], count: int) -> int:
    """The first of `count` consecutive fresh primary keys (the next `count` are the caller's).

    For generators that own the table while they run: unlike `allocate_ids` it takes one
    round trip whatever the count, but another writer inserting at the same moment on
    PostgreSQL could take an id inside the block.
    """
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s)", [sequence])
            start = int(cursor.fetchone()[0])
            if count > 1:
                cursor.execute("SELECT setval(%s, %s)", [sequence, start + count - 1])
            return start
    return allocate_ids(model, 1)[0] if count else 0


class RowTemplate:
    """Rows of one table built from a fixed base (constants and defaults) with a few
    variable columns set per row: the fast path for millions of generated rows, where
    `RowWriter`'s per-field dict lookups would dominate."""

    def __init__(
        self,
        model: type[models.Model],
        variable: Sequence[str],
        constants: dict[str, Any] | None = None,
        *,
        with_ids: bool = True,
        prepared: Sequence[str] = (),
    ) -> None:
        """`prepared`: variable columns given already in database form (e.g. JSON text
        serialised once and reused for many rows), written as they are."""
        writer = RowWriter(model, constants, with_ids=with_ids)
        self.model = model
        self.columns = writer.columns
        self.base = list(writer.row({}))
        position = {attname: i for i, (attname, _a, _d) in enumerate(writer.plan)}
        self.slots = [
            (position[name], None if name in prepared else writer.plan[position[name]][1])
            for name in variable
        ]

    def row(self, values: Sequence[Any]) -> list[Any]:
        out = self.base.copy()
        for (index, adapt), value in zip(self.slots, values, strict=True):
            out[index] = adapt(value) if adapt is not None and value is not None else value
        return out

    def insert(self, rows: Iterable[Sequence[Any]]) -> int:
        """`rows` are tuples of the variable columns, streamed (a generator is fine)."""
        return insert_rows(self.model, self.columns, (self.row(r) for r in rows))


@contextlib.contextmanager
def fast_load(tables: Sequence[type[models.Model]]) -> Iterator[None]:
    """For a bulk load into a database the caller owns (benchmarks): on PostgreSQL,
    drop the secondary indexes of `tables` and rebuild them at the end (one sorted
    build is far cheaper than millions of incremental inserts), and skip the
    foreign-key triggers (`session_replication_role = replica`, superuser only: the
    rows are consistent by construction, and deferred checks of millions of rows
    would queue in the server's memory). Elsewhere it does nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    names = [m._meta.db_table for m in tables]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [names],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        replica = True
        try:
            cursor.execute("SET session_replication_role = replica")
        except DatabaseError:  # not a superuser: keep the (deferred) checks
            replica = False
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if replica:
                cursor.execute("SET session_replication_role = DEFAULT")
        build_indexes([definition for _name, definition in indexes])
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute(f'ANALYZE "{name}"')


def build_indexes(definitions: list[str], workers: int = 2) -> None:
    """Run CREATE INDEX statements on `workers` connections at once: each build is mostly
    one scan of its table, so two overlap well (the trigram indexes, slowest, go first)."""
    if not definitions:
        return
    queue = sorted(definitions, key=lambda d: "gin" not in d.lower())
    lock = threading.Lock()
    errors: list[BaseException] = []
    settings = connection.settings_dict
    conninfo = {
        "dbname": settings["NAME"],
        "user": settings.get("USER") or None,
        "password": settings.get("PASSWORD") or None,
        "host": settings.get("HOST") or None,
        "port": settings.get("PORT") or None,
    }

    def work() -> None:
        import psycopg  # PostgreSQL only: a SQLite process never loads the driver

        try:
            with psycopg.connect(
                **{k: v for k, v in conninfo.items() if v}, autocommit=True
            ) as conn:
                conn.execute("SET maintenance_work_mem = '256MB'")
                while True:
                    with lock:
                        if not queue or errors:
                            return
                        definition = queue.pop(0)
                    conn.execute(definition.encode())
        except BaseException as exc:  # re-raised in the caller's thread below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(min(workers, len(queue)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_field(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def copy_lines(model: type[models.Model], columns: Sequence[str], lines: Iterable[str]) -> int:
    """COPY pre-formatted text lines (each ending in a newline) into the model's table —
    for generators that format the constant parts of their rows once (PostgreSQL only)."""
    table = model._meta.db_table
    names = ", ".join(f'"{c}"' for c in columns)
    written = 0
    chunk: list[str] = []
    sql = f'COPY "{table}" ({names}) FROM STDIN'
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for line in lines:
            chunk.append(line)
            if len(chunk) >= 2000:
                copy.write("".join(chunk).encode())
                written += len(chunk)
                chunk = []
        if chunk:
            copy.write("".join(chunk).encode())
            written += len(chunk)
    return written
