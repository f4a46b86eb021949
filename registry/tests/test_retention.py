"""The retention rule: personal data of people gone longer than the period is purged."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from conftest import make_citizen
from registry.models import Citizen, ResidenceStatus
from registry.retention import PURGED_NAME


def _gone(world, name, status, years_ago, **extra):
    today = timezone.localdate()
    citizen = make_citizen(world.village_a2, name, 1950, **extra)
    citizen.status = status
    citizen.status_date = today.replace(year=today.year - years_ago) - dt.timedelta(days=1)
    citizen.save()
    return citizen


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("purge_departed", *args, stdout=out)
    return out.getvalue()


def test_dry_run_by_default_then_commit_purges_only_the_expired(world, settings):
    settings.RETENTION_YEARS = 5
    old_dead = _gone(
        world,
        "Vũ Văn Cũ",
        ResidenceStatus.DECEASED,
        6,
        identity_number="033050000111",
        phone="0977000111",
        birth_date=dt.date(1950, 3, 2),
    )
    old_moved = _gone(world, "Đào Thị Xa", ResidenceStatus.MOVED, 7, phone="0977000222")
    recent = _gone(world, "Hà Văn Mới", ResidenceStatus.DECEASED, 2, identity_number="033050000333")
    active = world.citizens["an"]

    out = run()
    assert "2 (Đã mất: 1, Đã chuyển đi: 1)" in out and "Chạy thử" in out
    assert Citizen.objects.get(pk=old_dead.pk).identity_number == "033050000111"

    out = run("--commit")
    assert "Đã xoá dữ liệu cá nhân của 2 hồ sơ." in out
    purged = Citizen.objects.get(pk=old_dead.pk)
    assert purged.full_name == PURGED_NAME and purged.identity_number is None
    assert purged.phone == "" and purged.birth_date is None
    assert (purged.birth_year, purged.commune, purged.status) == (
        1950,
        world.commune_a,
        ResidenceStatus.DECEASED,
    )
    assert "vu van cu" not in purged.search_key and "0977000111" not in purged.search_key
    assert Citizen.objects.get(pk=old_moved.pk).phone == ""
    assert Citizen.objects.get(pk=recent.pk).identity_number == "033050000333"
    assert Citizen.objects.get(pk=active.pk).identity_number == "033075000123"
    events = AuditEvent.objects.filter(action="retention.purge")
    assert sorted(int(e.object_id) for e in events) == sorted([old_dead.pk, old_moved.pk])
    assert "0 (" in run("--commit")  # idempotent: nothing left to purge


def test_period_is_configurable(world):
    _gone(world, "Vũ Văn Cũ", ResidenceStatus.DECEASED, 6, identity_number="033050000111")
    assert "thời hạn 10 năm): 0" in run("--years", "10")
    assert "thời hạn 3 năm): 1" in run("--years", "3")
