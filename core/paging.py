"""Pages of long lists: the ids of the page first, then those rows with their joins.

`OFFSET 19950 LIMIT 50` over a query that joins the village, the head and the clan makes
the database join 20,000 rows only to throw them away. Asking for the page's ids walks an
index (no joins), and the 50 rows are then fetched by primary key with everything the
template needs. The count runs on the same narrow query.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.sql.where import WhereNode


def ids_first_page(queryset: QuerySet[Any], number: Any, per_page: int) -> Page:
    page = Paginator(queryset.values_list("pk", flat=True), per_page).get_page(number)
    return _with_rows(page, queryset)


def _with_rows(page: Page, queryset: QuerySet[Any]) -> Page:
    """Replace the page's ids by their rows (with the queryset's joins), in the same order."""
    ids = list(page.object_list)
    # The ids already passed the filters; only the joins and annotations are wanted again.
    # Kept, a '%…%' filter lets PostgreSQL answer `pk IN (50 ids)` with a second trigram
    # scan (75 ms for one search where the ids came in 14 ms).
    fetch = queryset.order_by()
    fetch.query.where = WhereNode()
    rows = {row.pk: row for row in fetch.filter(pk__in=ids)}
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


# A search returns its matches' ids in one query, up to this many; the count and the pages
# come from that list. On PostgreSQL a trigram search costs one index scan instead of two
# (one for the count, one for the page) — the scan of common trigrams is what a search
# costs over millions of names.
SEARCH_CAP = 1000


def search_page(
    queryset: QuerySet[Any], number: Any, per_page: int, *, anywhere: bool = False
) -> tuple[Page, bool]:
    """(page, capped): the page of the first SEARCH_CAP matches; capped when there are more.

    `anywhere`: the search is a substring ('%…%'). With `ORDER BY search_key LIMIT 1001`
    PostgreSQL may then walk the ordered name index and test every row, hoping to meet
    1,001 matches early; for a rarer pair of words that is the whole index (1.5 s over
    3.4 million names, where collecting the matches through the trigram index and
    sorting them takes 30–60 ms). Plain index scans are turned off for that one query:
    bitmap scans, which the trigram index uses, remain."""
    ids = fetch_matches(queryset.values_list("pk", flat=True)[: SEARCH_CAP + 1], anywhere)
    capped = len(ids) > SEARCH_CAP
    page = Paginator(ids[:SEARCH_CAP], per_page).get_page(number)
    return _with_rows(page, queryset), capped


def fetch_matches(ids: QuerySet[Any], anywhere: bool) -> list[Any]:
    """The rows of `ids` (a sliced queryset of ids or rows). A search anywhere in the names
    on PostgreSQL is collected through the trigram index first: the planner, seeing the
    LIMIT, would otherwise walk an ordered B-tree index and filter millions of rows."""
    if not anywhere or connection.vendor != "postgresql":
        return list(ids)
    with transaction.atomic(using=ids.db), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        found = list(ids)
        # SET LOCAL ends with the transaction; inside a longer one, end it here.
        cursor.execute("SET LOCAL enable_indexscan = on")
        cursor.execute("SET LOCAL enable_indexonlyscan = on")
    return found
