"""PostgreSQL only: the indexes the searches rely on exist in the migrated schema and the
planner can use them (on a handful of rows it would rather scan and sort, so scans and
sorts are turned off for the plan: what matters is that an index *can* answer the query
as one range, in order — which needs the byte-ordered column)."""

from __future__ import annotations

import pytest
from django.db import connection

from core.search import CONTAINS, find
from registry.models import Citizen

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Chỉ mục tìm kiếm của PostgreSQL."
)


def indexes(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return [row[0] for row in cursor.fetchall()]


def plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    return queryset.explain()


@pytest.mark.django_db
def test_citizen_names_are_searched_from_their_start_through_an_ordered_btree():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT collation_name FROM information_schema.columns"
            " WHERE table_name = 'registry_citizen' AND column_name = 'search_key'"
        )
        assert cursor.fetchone()[0] == "C"
    assert any(d.endswith("USING btree (search_key)") for d in indexes("registry_citizen"))
    assert any("gin_trgm_ops" in d for d in indexes("registry_citizen"))
    # the range of the index, in its order: no sort of every match before LIMIT
    _starting, how = find(Citizen.objects.filter(status="active"), "Nguyễn Thị", None)
    assert how == CONTAINS  # nothing in the table yet, so it falls back
    prefix = Citizen.objects.search("nguyen thi", starts=True).order_by("search_key")[:50]
    text = plan(prefix)
    assert "Index Cond" in text and ">= 'nguyen thi'" in text, text
    assert "Sort" not in text.split("Index")[0], text


@pytest.mark.django_db
def test_a_communes_search_from_the_start_is_a_range_of_an_index(world):
    prefix = Citizen.objects.filter(commune=world.commune_a).search("le thi", starts=True)
    text = plan(prefix.order_by("search_key")[:50])
    assert "Index Cond" in text and ">= 'le thi'" in text, text


@pytest.mark.django_db
def test_the_review_list_is_one_range_of_its_index_in_place_order():
    from assessments.models import Assessment

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT collation_name FROM information_schema.columns"
            " WHERE table_name = 'assessments_assessment' AND column_name = 'path'"
        )
        assert cursor.fetchone()[0] == "C"
    page = Assessment.objects.filter(title="GDHT", year=2026, path__startswith="1.25.")
    text = plan(page.order_by("path")[:50])
    assert ">= '1.25.'" in text and "Sort" not in text, text
    assert any("(title, year, path, state)" in d for d in indexes("assessments_assessment"))
