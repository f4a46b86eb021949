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
    ids = list(page.object_list)
    rows = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)}
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page
