"""The citizen import's write step (registry.imports.citizen_writes, core.bulk) writes
exactly what the pages would: each search key as the model derives it, fresh ids from the
table's own sequence, one audit range per run of new ids. Made faster (issue 20), it must
not write anything different: the rows and the audit trail of an import are compared
with those of the plain, slower derivation."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction

from audit.models import AuditEvent
from core import bulk
from registry.imports import citizen_writes, run_import
from registry.models import Citizen, Gender, Household
from registry.tests.sheets import person, workbook


def people() -> bytes:
    """Two households and a person in none; diacritics, spaces, no CCCD, no phone."""
    return workbook(
        [
            person(),
            person(
                **{
                    "Họ và tên": "Lê  Thị Ánh\u200b",
                    "Giới tính": "Nữ",
                    "Ngày sinh": "1987",
                    "Số CCCD": "033187000555",
                    "Quan hệ với chủ hộ": "Vợ/chồng",
                    "Số điện thoại": "",
                }
            ),
            person(
                **{
                    "Mã hộ": "PH-200",
                    "Họ và tên": "ĐẶNG VĂN ĐỨC",
                    "Ngày sinh": "02/01/1960",
                    "Số CCCD": "",
                    "Số điện thoại": "0912.345.678",
                }
            ),
            person(
                **{
                    "Mã hộ": "",
                    "Họ và tên": "Trịnh Quỳnh",
                    "Giới tính": "Nữ",
                    "Ngày sinh": "2001",
                    "Số CCCD": "033301000777",
                    "Quan hệ với chủ hộ": "",
                }
            ),
        ]
    )


def written(world, before: tuple[set[int], set[int]]) -> dict[str, Any]:
    """What the import left (the rows not there `before`), ids replaced by their order
    among the new rows (two runs cannot share ids: PostgreSQL gives no sequence value
    back)."""
    people, homes = before
    citizens = list(Citizen.objects.exclude(pk__in=people).order_by("pk").values())
    households = list(Household.objects.exclude(pk__in=homes).order_by("pk").values())
    person_no = {c["id"]: n for n, c in enumerate(citizens)}
    household_no = {h["id"]: n for n, h in enumerate(households)}
    for row in citizens:
        row["id"] = person_no[row["id"]]
        row["household_id"] = household_no.get(row["household_id"])
    for row in households:
        row["id"] = household_no[row["id"]]
        row["head_id"] = person_no.get(row["head_id"])
    for row in citizens + households:
        del row["created_at"], row["updated_at"]
    events = []
    for event in AuditEvent.objects.order_by("action", "range_start"):
        numbers = person_no if event.action.startswith("citizen") else household_no
        events.append(
            (
                event.action,
                event.actor_id,
                event.note,
                event.changes,
                numbers.get(event.range_start),
                numbers.get(event.range_end),
                # "3 công dân (mã 17–19)": the count, not the ids
                event.object_repr.split(" (")[0],
            )
        )
    return {"citizens": citizens, "households": households, "events": events}


def plain_allocate_ids(model: type[Any], count: int) -> list[int]:
    """The one-row-per-id allocation the import used before (issue 20)."""
    if count == 0 or connection.vendor != "postgresql":
        return PLAIN["allocate_ids"](model, count)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


PLAIN = {"allocate_ids": bulk.allocate_ids}


def test_import_writes_the_same_rows_and_audit_as_the_plain_derivation(world, monkeypatch):
    before = (
        set(Citizen.objects.values_list("pk", flat=True)),
        set(Household.objects.values_list("pk", flat=True)),
    )

    def run() -> dict[str, Any]:
        with transaction.atomic():
            report = run_import(
                kind="citizens",
                actor=world.users["cuong"],
                commune=world.commune_a,
                data=people(),
                dry_run=False,
                filename="dan-so.xlsx",
            )
            assert [str(e) for e in report.errors] == [] and report.created == 4
            outcome = written(world, before)
            transaction.set_rollback(True)
        return outcome

    fast = run()
    with monkeypatch.context() as plain:
        plain.setattr(citizen_writes, "allocate_ids", plain_allocate_ids)
        slow = run()
    assert fast == slow
    assert len(fast["citizens"]) == 4 and len(fast["households"]) == 2
    for row in fast["citizens"]:
        citizen = Citizen(**{k: v for k, v in row.items() if k != "search_key"})
        citizen.refresh_search_key()
        assert row["search_key"] == citizen.search_key


def test_allocated_ids_are_fresh_distinct_and_taken_from_the_sequence(world):
    before = max(Citizen.objects.values_list("pk", flat=True), default=0)
    with transaction.atomic():
        ids = bulk.allocate_ids(Citizen, 5)
        assert len(set(ids)) == 5 and min(ids) > before
        assert ids == list(range(ids[0], ids[0] + 5))  # one run: one audit range
        if connection.vendor == "postgresql":
            # The sequence moved past them: a record a page makes meanwhile takes none.
            # (SQLite serialises writers: the import inserts them before anyone else can.)
            later = Citizen.objects.create(
                full_name="Người sau",
                gender=Gender.MALE,
                birth_year=1990,
                commune=world.commune_a,
                village=world.village_a1,
            )
            assert later.pk > max(ids)
    assert bulk.allocate_ids(Citizen, 0) == []


@pytest.mark.django_db(transaction=True)
def test_a_large_write_refreshes_the_planners_statistics(world, monkeypatch):
    """After ANALYZE_AFTER new rows (lowered here to 2) PostgreSQL analyses the tables
    written, inside the import's transaction, before the recount plans its queries; a small
    import and SQLite leave them alone."""
    from django.test.utils import CaptureQueriesContext

    def analysed(threshold: int, data: bytes) -> set[str]:
        monkeypatch.setattr(bulk, "ANALYZE_AFTER", threshold)
        with CaptureQueriesContext(connection) as queries:
            report = run_import(
                kind="citizens",
                actor=world.users["cuong"],
                commune=world.commune_a,
                data=data,
                dry_run=False,
            )
        assert report.committed, report.errors
        return {q["sql"] for q in queries.captured_queries if q["sql"].startswith("ANALYZE")}

    found = analysed(2, people())
    if connection.vendor == "postgresql":
        assert found == {'ANALYZE "registry_citizen"', 'ANALYZE "registry_household"'}
        analysed_at = dict(
            connection.cursor()
            .execute(
                "SELECT relname, last_analyze FROM pg_stat_user_tables "
                "WHERE relname IN ('registry_citizen', 'registry_household')"
            )
            .fetchall()
        )
        assert all(analysed_at.values()), analysed_at
    else:
        assert found == set()
    assert analysed(10_000, workbook([person(**{"Mã hộ": "PH-300", "Số CCCD": ""})])) == set()
