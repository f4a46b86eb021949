"""The scale generator at tiny scale, through `seed_demo --scale tiny`."""

from __future__ import annotations

import hashlib
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from accounts.models import User
from assessments import services
from assessments.models import Assessment, CycleYear, State
from demo.scale import BENCH_PASSWORD, LARGE_COMMUNE_CODE, bench_logins
from places.models import Place
from recognition.models import Certificate
from registry.identity import check_identity
from registry.models import Citizen, Clan, Household, Organisation
from stats.compute import official_figures
from stats.models import ReportStatus, StatReport

YEARS = "2025-2026"


def seed(seed: int = 11) -> str:
    out = io.StringIO()
    call_command("seed_demo", scale="tiny", seed=seed, years=YEARS, stdout=out)
    return out.getvalue()


def digest() -> str:
    """The generated content by natural keys (ids differ between databases)."""
    parts: list[tuple] = []
    parts += Citizen.objects.values_list(
        "full_name",
        "gender",
        "birth_date",
        "identity_number",
        "phone",
        "occupation",
        "in_school",
        "village__name",
        "household__code",
        "relation",
        "workplace__name",
        "user__username",
    )
    parts += Household.objects.values_list(
        "commune__code", "code", "village__name", "address", "clan__name", "clan__branch_name"
    )
    parts += Organisation.objects.values_list("commune__code", "name", "kind", "declared_staff")
    parts += Clan.objects.values_list("commune__code", "name", "branch_name", "head__full_name")
    parts += Assessment.objects.values_list(
        "commune__code", "title", "year", "subject_name", "state", "total", "passed", "answers"
    )
    parts += Certificate.objects.values_list("assessment__subject_name", "code")
    parts += StatReport.objects.values_list("commune__code", "year", "households_recognised")
    rows = sorted(repr(p) for p in parts)
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def seeded_digest(value: int) -> str:
    with transaction.atomic():
        seed(value)
        result = digest()
        transaction.set_rollback(True)
    return result


@pytest.mark.django_db
def test_same_seed_gives_the_same_rows_and_another_seed_others():
    first = seeded_digest(5)
    assert Household.objects.count() == 0
    assert seeded_digest(5) == first
    assert seeded_digest(6) != first


@pytest.mark.django_db
def test_tiny_scale_is_consistent_and_the_counts_agree():
    out = seed()
    assert "[sổ đăng ký và bình xét]" in out and "dòng/s" in out and "RAM đỉnh" in out
    assert "Xong." in out and "hồ sơ bình xét" in out

    # identity numbers: valid for the person's gender and birth year, unique, most adults have one
    people = list(Citizen.objects.values_list("identity_number", "gender", "birth_year"))
    numbers = [n for n, _g, _y in people if n]
    for number, gender, year in people:
        if number:
            check_identity(number, gender=gender, birth_year=year)
    assert len(numbers) == len(set(numbers))
    adults = [n for n, _g, y in people if 2026 - y >= 18]
    assert 0.9 < sum(1 for n in adults if n) / len(adults) < 1

    # memberships
    villages = {p.pk: p.parent_id for p in Place.objects.villages()}
    households = {h.pk: h for h in Household.objects.all()}
    for citizen in Citizen.objects.all():
        assert villages[citizen.village_id] == citizen.commune_id
        household = households[citizen.household_id]
        assert household.village_id == citizen.village_id
    members = Counter(Citizen.objects.values_list("household_id", flat=True))
    for household in households.values():
        assert villages[household.village_id] == household.commune_id
        assert household.head.household_id == household.pk
        assert household.head.relation == ""  # the head is stored once, as Household.head
        assert members[household.pk] >= 1
    clan_ids = set(Clan.objects.values_list("pk", flat=True))
    assert {h.clan_id for h in households.values()} - {None} <= clan_ids
    spans = Counter(
        (clan, village)
        for clan, village in Household.objects.exclude(clan=None).values_list(
            "clan_id", "village_id"
        )
    )
    assert max(Counter(clan for clan, _v in spans).values()) > 1  # a clan across villages
    for organisation in Organisation.objects.all():
        staff = organisation.staff.count()
        assert organisation.declared_staff >= staff
        if organisation.head_id:
            assert organisation.head.workplace_id == organisation.pk
    assert Citizen.objects.exclude(workplace=None).count() > 50

    # realistic rates: most households recognised in the closed year, not all
    for commune in Place.objects.current().communes().filter(code__in=["11953", "12205", "12970"]):
        total = Household.objects.filter(commune=commune).count()
        recognised = Assessment.objects.filter(
            commune=commune, title="GDHT", year=2025, state=State.RECOGNISED
        ).count()
        assert 0.45 < recognised / total < 0.97
    assert CycleYear.objects.filter(year=2025, closed_at__isnull=False).count() == 3
    assert CycleYear.objects.filter(year=2026, closed_at__isnull=True).count() == 3
    recognised = Assessment.objects.filter(year=2025, state=State.RECOGNISED)
    assert recognised.filter(decision=None).count() == 0
    assert Certificate.objects.count() == recognised.count()

    # every title has records in the open year, many waiting at the village review
    titles = set(Assessment.objects.filter(year=2026).values_list("title", flat=True))
    assert titles == {"GDHT", "CDHT", "DHHT", "CDHT_THON", "DVHT", "XA_HT"}
    assert (
        Assessment.objects.filter(
            commune__code=LARGE_COMMUNE_CODE, year=2026, title="GDHT", state=State.SUBMITTED
        ).count()
        > 20
    )

    # rollups agree with the records (exits 1 otherwise)
    out = io.StringIO()
    call_command("rebuild_stats", check=True, stdout=out)
    assert "khớp" in out.getvalue()

    # aggregate history under the pre-2025 communes, shown for the new commune
    reports = StatReport.objects.filter(status=ReportStatus.APPROVED)
    assert set(reports.values_list("year", flat=True)) == set(range(2020, 2026))
    assert all(r.commune.is_legacy for r in reports)
    large = Place.objects.current().get(code=LARGE_COMMUNE_CODE, kind="commune")
    assert official_figures([large], 2022)[large.pk].from_legacy


@pytest.mark.django_db
def test_bench_accounts_log_in_and_work_the_cycle(client):
    seed()
    logins = bench_logins()
    assert len(logins["province_admin"]) == 1 and len(logins["province_viewer"]) == 1
    assert len(logins["commune_officer"]) == 3
    assert len(logins["citizen"]) == 20 and logins["village_officer"]
    response = client.post(
        "/dang-nhap/", {"username": logins["citizen"][0], "password": BENCH_PASSWORD}
    )
    assert response.status_code == 302

    # a citizen with an account submits their own open self-assessment
    user = User.objects.get(username=logins["citizen"][0])
    own = Assessment.objects.get(citizen__user=user, title="CDHT", year=2026)
    assert own.state == State.REGISTERED
    submitted = services.submit(actor=user, assessment=own)
    assert submitted.state == State.SUBMITTED and submitted.self_submitted

    # the village officer verifies a household waiting in their village
    officer = User.objects.get(username=logins["village_officer"][0])
    village = officer.role_assignments.get().place
    waiting = Assessment.objects.filter(
        village=village, title="GDHT", year=2026, state=State.SUBMITTED
    ).first()
    assert waiting is not None
    assert services.verify(actor=officer, assessment=waiting).state == State.VERIFIED
    call_command("rebuild_stats", check=True, stdout=io.StringIO())


@pytest.mark.django_db
def test_large_scales_refuse_a_database_not_named_bench():
    with pytest.raises(CommandError, match="bench"):
        call_command("seed_demo", scale="commune", stdout=io.StringIO())
    with pytest.raises(CommandError, match="bench"):
        call_command("seed_demo", scale="province", stdout=io.StringIO())
    assert Household.objects.count() == 0


@pytest.mark.django_db
def test_bad_years_and_a_second_run_are_refused():
    with pytest.raises(CommandError, match="2021-2026"):
        call_command("seed_demo", scale="tiny", years="hai nghìn", stdout=io.StringIO())
    with pytest.raises(CommandError, match="năm đầu"):
        call_command("seed_demo", scale="tiny", years="2026-2021", stdout=io.StringIO())
    seed()
    with pytest.raises(CommandError, match="đã có dữ liệu"):
        seed()
