"""Pages of the API's long lists: keyset paging by a signed cursor, and a capped count.

`OFFSET 19950 LIMIT 50` makes the database read and throw away 19,950 rows, and an exact
`count(*)` of a province's 3.4 million citizens reads them all, on every page. Here each
list has an order on a unique key that an index serves (`Listing.key`, e.g. a citizen's
folded name and id, served by the (commune, search_key) and search_key indexes); a page
ends with a cursor that carries its last row's key, and the next page is the index range
after it: page 400 costs what page 1 costs. The cursor is signed (a changed one is a 422,
never a query built from it) and bound to the list and its filters; it also carries how
the first page searched (names from their start or anywhere, `core.search.find`), so a
walk never switches between the two halfway. Counts are given on the first page only and
stop at COUNT_CAP.

Rows added while a client walks the list appear if they sort after its cursor; no row
is given twice, none that existed throughout is skipped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db import models
from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import (  # "(a, b) > (x, y)": one index range;
    Tuple,  # Django 5.2's composite-key lookups, not yet documented API (django<5.3 pinned)
    TupleGreaterThan,
)
from django.utils.translation import gettext as _

from core.paging import fetch_matches

# A count stops here: exact below it; "more than 10,000" above (one index range of 10,001
# entries at most, where an exact count of a province-wide list reads millions of rows).
COUNT_CAP = 10_000
# The old `page` parameter reaches the rows within the first MAX_OFFSET (page × page_size
# ≤ MAX_OFFSET); past them, the cursor.
MAX_OFFSET = 10_000


@dataclass(frozen=True)
class Listing:
    """One list's order: `key`, column names (attnames) whose values are unique together;
    `name` goes into the cursor's signature, so one list's cursor does not open another."""

    name: str
    key: tuple[str, ...]


class CursorError(Exception):
    """A page that cannot be given: a cursor not given by this list with these filters, or
    a page number past MAX_OFFSET (the message says which; `field` names the parameter)."""

    def __init__(self, message: str, field: str = "cursor") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Position:
    """Where a page starts: after the row whose key is `after` (None: at `offset`), and
    how the walk's first page searched ("" when nothing was typed)."""

    after: list[Any] | None = None
    offset: int = 0
    how: str | None = None


def _fingerprint(filters: dict[str, Any]) -> str:
    text = json.dumps(filters, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _salt(listing: Listing) -> str:
    return f"api.cursor.{listing.name}"


def encode(listing: Listing, after: list[Any], how: str, filters: dict[str, Any]) -> str:
    payload = {"k": after, "m": how, "f": _fingerprint(filters)}
    return signing.dumps(payload, salt=_salt(listing), compress=True)


def _types(listing: Listing, model: type[models.Model]) -> list[type]:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    return [
        int if isinstance(fields[name], models.IntegerField | models.ForeignKey) else str
        for name in listing.key
    ]


def decode(
    listing: Listing, model: type[models.Model], cursor: str, filters: dict[str, Any]
) -> Position:
    try:
        payload = signing.loads(cursor, salt=_salt(listing))
    except signing.BadSignature as exc:
        raise CursorError(
            _(
                "Con trỏ trang (cursor) không hợp lệ: hãy gửi đúng giá trị next của trang "
                "trước, hoặc bỏ cursor để đọc lại từ trang đầu."
            )
        ) from exc
    after = payload.get("k") if isinstance(payload, dict) else None
    types = _types(listing, model)
    if (
        not isinstance(after, list)
        or len(after) != len(types)
        or any(type(value) is not kind for value, kind in zip(after, types, strict=True))
        or not isinstance(payload.get("m"), str)
    ):
        raise CursorError(_("Con trỏ trang (cursor) không hợp lệ."))
    if payload.get("f") != _fingerprint(filters):
        raise CursorError(
            _(
                "Con trỏ trang (cursor) thuộc một lần đọc với bộ lọc khác: giữ nguyên các "
                "tham số lọc của trang đầu, hoặc bỏ cursor để đọc từ trang đầu."
            )
        )
    return Position(after=after, how=payload["m"])


def position(
    listing: Listing,
    model: type[models.Model],
    *,
    cursor: str | None,
    page: int | None,
    size: int,
    filters: dict[str, Any],
) -> Position:
    """Where the asked page starts: after the cursor's row, or at (page - 1) × size."""
    if cursor is not None and page is not None:
        raise CursorError(_("Dùng page hoặc cursor, không dùng cả hai."), "page")
    if cursor is not None:
        return decode(listing, model, cursor, filters)
    number = page or 1
    if number * size > MAX_OFFSET:
        raise CursorError(
            _(
                "Tham số page chỉ đọc được %(n)s dòng đầu (page × page_size ≤ %(n)s): để đọc "
                "tiếp, hãy gửi giá trị next của trang trước làm cursor."
            )
            % {"n": f"{MAX_OFFSET:,}".replace(",", ".")},
            "page",
        )
    return Position(offset=(number - 1) * size)


def page(
    queryset: QuerySet[Any],
    listing: Listing,
    start: Position,
    *,
    size: int,
    how: str,
    filters: dict[str, Any],
    anywhere: bool = False,
    detail: Callable[[QuerySet[Any]], QuerySet[Any]] = lambda rows: rows,
    count_order: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The page's rows in the listing's order and the cursor after them (None on the last
    page); the capped count on a first page (no cursor). `anywhere`: a '%…%' search;
    `detail`: what the rows need besides the filters (joins, annotations), left out of
    the count; `count_order`: the order of the index that counts the rows best (by
    default the key's first column)."""
    ordered = queryset.order_by(*listing.key)
    count = None
    if start.after is not None:
        after = ordered.filter(
            TupleGreaterThan(Tuple(*(F(name) for name in listing.key)), start.after)
        )
        # Matches anywhere in the names: collected through the trigram index, never by
        # walking the ordered name index and testing each row (core.paging.search_page).
        rows = fetch_matches(detail(after)[: size + 1], anywhere)
    elif anywhere:
        # One scan of the trigram index gives the count and the page: the matches' ids in
        # order, up to the cap; then the page's rows by id.
        ids = fetch_matches(ordered.values_list("pk", flat=True)[: COUNT_CAP + 1], anywhere)
        count = len(ids)
        chosen = ids[start.offset : start.offset + size + 1]
        found = {r.pk: r for r in detail(queryset.model._default_manager.filter(pk__in=chosen))}
        rows = [found[pk] for pk in chosen if pk in found]
    else:
        rows = list(detail(ordered)[start.offset : start.offset + size + 1])
        # In an index's order, so that the count is one range of that index (unordered,
        # PostgreSQL may scan the table instead: 0.3 s for the large commune's people).
        order = count_order or listing.key[:1]
        count = queryset.order_by(*order)[: COUNT_CAP + 1].count()
    following = None
    if len(rows) > size:
        rows = rows[:size]
        following = encode(listing, [getattr(rows[-1], name) for name in listing.key], how, filters)
    return {
        "count": None if count is None else min(count, COUNT_CAP),
        "count_capped": count is not None and count > COUNT_CAP,
        "page": None if start.after is not None else start.offset // size + 1,
        "page_size": size,
        "next": following,
        "results": rows,
    }
