"""Pages of long lists: the ids of the page first, then those rows with their joins.

`OFFSET 19950 LIMIT 50` over a query that joins the village, the head and the clan makes
the database join 20,000 rows only to throw them away. Asking for the page's ids walks an
index (no joins), and the 50 rows are then fetched by primary key with everything the
template needs. The count runs on the same narrow query.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def ids_first_page(queryset: QuerySet[Any], number: Any, per_page: int) -> Page:
    page = Paginator(queryset.values_list("pk", flat=True), per_page).get_page(number)
    return _with_rows(page, queryset)


def _with_rows(page: Page, queryset: QuerySet[Any]) -> Page:
    """Replace the page's ids by their rows (with the queryset's joins), in the same order."""
    ids = list(page.object_list)
    rows = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)}
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


# A search returns its matches' ids in one query, up to this many; the count and the pages
# come from that list. On PostgreSQL a trigram search costs one index scan instead of two
# (one for the count, one for the page) — the scan of common trigrams is what a search
# costs over millions of names.
SEARCH_CAP = 1000


def search_page(queryset: QuerySet[Any], number: Any, per_page: int) -> tuple[Page, bool]:
    """(page, capped): the page of the first SEARCH_CAP matches; capped when there are more."""
    ids = list(queryset.values_list("pk", flat=True)[: SEARCH_CAP + 1])
    capped = len(ids) > SEARCH_CAP
    page = Paginator(ids[:SEARCH_CAP], per_page).get_page(number)
    return _with_rows(page, queryset), capped
