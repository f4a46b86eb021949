"""One search helper for every registry: a stored folded key, matched as a substring.

The key is computed once on write (see `core.text.fold`), so a query is a plain
LIKE on an indexed column: on PostgreSQL a trigram GIN index (see
`trigram_index`) serves '%…%' patterns; on SQLite, the embedded default, the
column's B-tree index serves prefix matches and a scan of a short ASCII column
serves the rest.

Lists of people look first for names that *start* with what was typed (`find`): that is
how officers type a name ("nguyen thi dung"), and a B-tree answers it from a range of
the index in a few milliseconds, already in order, where the trigram scan of
"%nguyen thi dung%" over 3.4 million names intersects posting lists of a million
entries each (30–70 ms). When no name starts with it (a given name alone, "huong"),
when only digits were typed (identity and phone numbers sit after the name), or when
the user asks for it (`cach=chua`), the list falls back to names containing it anywhere.

Some columns in the key must not be found piece by piece (`whole`): identity numbers that
the reader sees masked (•••••••••038) would be recovered digit by digit by searching
"<digit><known suffix>" ~30 times. For such a reader the query matches those columns only
when it is the whole value, exactly; the rest of the key (names, phones) as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Self

from django.apps.registry import Apps
from django.db import models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations import RunPython
from django.db.models import Case, F, Func, Q, Value, When
from django.db.models.functions import Concat

from core.text import fold

# How a list was searched: names starting with the query, or containing it anywhere.
STARTS = "dau"
CONTAINS = "chua"


def _replace(text: Any, part: Any) -> Func:
    """SQL REPLACE(text, part, ''); Django's `Replace` is typed for a literal `part`."""
    return Func(text, part, Value(""), function="REPLACE", output_field=models.CharField())


def key_without(fields: Sequence[str]) -> Any:
    """The stored key with these columns' values cut out (for `SearchQuerySet.search`'s
    `whole`): "nguyen van an 033075000123 0901234567" → "nguyen van an 0901234567"."""
    key: Any = F("search_key")
    for field in fields:
        cut = _replace(_replace(key, Concat(Value(" "), F(field))), F(field))
        key = Case(When(Q(**{f"{field}__isnull": True}) | Q(**{field: ""}), then=key), default=cut)
    return key


class SearchQuerySet(models.QuerySet[Any]):
    def search(self, query: str | None, *, starts: bool = False, whole: Sequence[str] = ()) -> Self:
        """Records whose key contains (`starts`: starts with) the folded query.

        `whole`: columns (stored folded in the key: digits, codes) the query may match only
        as a whole, exact value; the rest of the key is searched without them. The plain
        match on the key stays, so the key's index still does the work."""
        key = fold(query or "")
        if not key:
            return self
        lookup = "startswith" if starts else "contains"
        condition = Q(**{f"search_key__{lookup}": key})
        if not whole:
            return self.filter(condition)
        exact = Q(pk__in=[])
        for field in whole:
            exact |= Q(**{field: key.replace(" ", "")})
        return self.alias(_key_shown=key_without(whole)).filter(
            (condition & Q(**{f"_key_shown__{lookup}": key})) | exact
        )


def find(
    queryset: Any, query: str | None, mode: str | None, *, whole: Sequence[str] = ()
) -> tuple[Any, str]:
    """(queryset, how): names starting with `query` when there are any, else containing it.
    `mode` CONTAINS skips the first try; `how` is "" when nothing was typed. `whole`: as
    in `SearchQuerySet.search`, in either mode."""
    key = fold(query or "")
    if not key:
        return queryset, ""
    if mode != CONTAINS and not key.replace(" ", "").isdigit():
        starting = queryset.search(key, starts=True, whole=whole)
        if starting.exists():
            return starting, STARTS
    return queryset.search(key, whole=whole), CONTAINS


class Searchable(models.Model):
    # No B-tree index: '%…%' cannot use one. PostgreSQL gets a trigram index (`trigram_index`).
    search_key = models.CharField(max_length=400, editable=False, default="")

    # Columns `refresh_search_key` writes, saved along with any partial update.
    derived_fields: ClassVar[tuple[str, ...]] = ("search_key",)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_search_key()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *self.derived_fields}
        super().save(*args, **kwargs)

    def search_text(self) -> str:
        """What the record is found by; subclasses list their names and codes."""
        raise NotImplementedError

    def refresh_search_key(self) -> None:
        self.search_key = fold(self.search_text())[:400]


def _postgres_index(model_name: str, field: str, suffix: str, using: str) -> RunPython:
    app_label, model = model_name.split(".")

    def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        table = apps.get_model(app_label, model)._meta.db_table
        if "gin_trgm_ops" in using:
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{table}_{field}_{suffix}" ON "{table}" {using.format(f=field)}'
        )

    def backwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        table = apps.get_model(app_label, model)._meta.db_table
        schema_editor.execute(f'DROP INDEX IF EXISTS "{table}_{field}_{suffix}"')

    return RunPython(forwards, backwards)


def trigram_index(model_name: str, field: str = "search_key") -> RunPython:
    """A migration step: pg_trgm index so LIKE '%…%' search is indexed on PostgreSQL."""
    return _postgres_index(model_name, field, "trgm", 'USING gin ("{f}" gin_trgm_ops)')


def ordered_prefix_index(model_name: str, field: str = "search_key") -> list[RunPython]:
    """Migration steps for the names searched from their start (`find`): on PostgreSQL the
    column takes the "C" collation (byte order, which for a folded ASCII key is the
    alphabetical order, as on SQLite) so that one B-tree both answers LIKE 'prefix%' and
    gives the rows in order (`ORDER BY search_key LIMIT …` stops early); the column's
    other indexes are rebuilt with it. `core/tests/test_search_indexes.py` checks it."""
    return [byte_ordered(model_name, field), _postgres_index(model_name, field, "c", '("{f}")')]


def byte_order(
    model: Any, field: str, schema_editor: BaseDatabaseSchemaEditor, collation: str
) -> None:
    """PostgreSQL: give a varchar column of ASCII keys (folded names, place paths) the "C"
    collation, so that its B-trees serve both LIKE 'prefix%' and ORDER BY (the column's
    indexes are rebuilt with it). `collation` "default" undoes it."""
    meta = model._meta
    length = meta.get_field(field).max_length
    schema_editor.execute(
        f'ALTER TABLE "{meta.db_table}" ALTER COLUMN "{field}" TYPE varchar({length}) COLLATE "{collation}"'
    )


def byte_ordered(model_name: str, field: str) -> RunPython:
    """A migration step: `byte_order` on PostgreSQL (nothing elsewhere: SQLite compares bytes)."""
    app_label, model = model_name.split(".")

    def run(collation: str) -> Any:
        def step(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
            if schema_editor.connection.vendor == "postgresql":
                byte_order(apps.get_model(app_label, model), field, schema_editor, collation)

        return step

    return RunPython(run("C"), run("default"))


def prefix_index(model_name: str, field: str) -> RunPython:
    """A migration step: pattern-ops index so LIKE 'prefix%' (subtrees) is indexed on PostgreSQL."""
    return _postgres_index(model_name, field, "prefix", '("{f}" varchar_pattern_ops)')
