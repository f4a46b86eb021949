"""Official figures served ready-made (issue 20): every approval, return, reopening and share
edit leaves the made-ready rows (`stats.summary`) equal to a fresh computation, inside the
same transaction — never a stale official figure — on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from places.models import PlaceSuccession
from stats import services, summary
from stats.models import FigureSummary, LiveFigures, ReportStatus, StatReport, SummaryKind
from stats.tests.test_small_province import A

YEAR = 2025


class LaterStepError(Exception):
    """A step after the approval, in the same transaction, that fails."""


def submitted(commune, year: int = YEAR, **values) -> StatReport:
    return StatReport.objects.create(
        commune=commune, year=year, status=ReportStatus.SUBMITTED, **{**A, **values}
    )


def row(place, year: int = YEAR) -> FigureSummary | None:
    return FigureSummary.objects.filter(kind=SummaryKind.OFFICIAL, place=place, year=year).first()


def shown(place, year: int = YEAR) -> dict | None:
    """The commune's households figures as its made-ready row holds them (None: no figure)."""
    found = row(place, year)
    assert found is not None
    figures = found.data["figures"].get(str(place.pk))
    return figures["values"] if figures else None


def gdht(client, url: str) -> tuple[int | None, int | None]:
    rows = {r.code: r for r in client.get(url).context["rows"]}
    return rows["gdht"].value.numerator, rows["gdht"].value.total


def fresh(place, communes, year: int = YEAR) -> dict:
    (made,) = summary.build([(place, communes)], [year], official=True)
    return made.data


def test_approval_writes_the_rows_in_its_own_transaction(world):
    report = submitted(world.commune_a)
    alice = world.users["alice"]
    with transaction.atomic():
        services.approve_reports(actor=alice, reports=[report])
        # Still inside the approval's transaction: both rows already show it.
        assert shown(world.commune_a)["households_recognised"] == 160
        province = row(world.province)
        assert province.data["figures"][str(world.commune_a.pk)]["values"] == {
            name: report.values()[name]
            for name in province.data["figures"][str(world.commune_a.pk)]["values"]
        }
        assert province.made_from == 1 and province.last_change is not None
    assert row(world.province).data == fresh(world.province, summary.current_communes())


def test_an_error_after_the_approval_rolls_back_the_rows_too(world):
    report = submitted(world.commune_a)
    summary.read(world.province, summary.current_communes(), [YEAR], official=True)
    before = row(world.province).data
    seen_inside = []

    def approve_then_fail() -> None:
        with transaction.atomic():
            services.approve_reports(actor=world.users["alice"], reports=[report])
            made = row(world.province)
            seen_inside.append(made is not None and str(world.commune_a.pk) in made.data["figures"])
            raise LaterStepError

    with pytest.raises(LaterStepError):
        approve_then_fail()
    assert seen_inside == [True]
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert row(world.province).data == before
    assert str(world.commune_a.pk) not in before["figures"]
    assert row(world.commune_a) is None


def test_the_dashboards_show_an_approval_made_on_the_reports_page(world, as_user):
    alice = as_user("alice")
    report = submitted(world.commune_a)
    province_url, commune_url = (
        f"/chi-tieu/?nam={YEAR}",
        f"/chi-tieu/xa/{world.commune_a.pk}/?nam={YEAR}",
    )
    assert gdht(alice, province_url) == (None, None)  # read once: the rows are made
    assert alice.get(commune_url).context["figures"] is None
    alice.post(f"/chi-tieu/bao-cao/?nam={YEAR}", {"ids": [report.pk], "confirm": "1"})
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert gdht(alice, province_url) == (160, 200)
    assert alice.get(commune_url).context["figures"].values["households_recognised"] == 160
    assert gdht(alice, f"/chi-tieu/?nam={YEAR + 1}") == (None, None)  # its trend holds 2025
    page = alice.get(f"/chi-tieu/?nam={YEAR + 1}")
    trend = next(t for t in page.context["trends"] if t.code == "gdht")
    assert dict(trend.points)[YEAR] == Decimal("80.00")


def test_reopening_on_the_report_page_takes_the_figure_off_at_once(world, as_user):
    alice = as_user("alice")
    report = submitted(world.commune_a)
    services.approve_reports(actor=world.users["alice"], reports=[report])
    assert gdht(alice, f"/chi-tieu/?nam={YEAR}") == (160, 200)
    later = f"/chi-tieu/?nam={YEAR + 1}"
    assert dict(next(t for t in alice.get(later).context["trends"] if t.code == "gdht").points)[
        YEAR
    ] == Decimal("80.00")
    alice.post(f"/chi-tieu/bao-cao/{world.commune_a.pk}/{YEAR}/reopen/", {"reason": "Sai số hộ"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert gdht(alice, f"/chi-tieu/?nam={YEAR}") == (None, None)
    assert shown(world.commune_a) is None
    trend = next(t for t in alice.get(later).context["trends"] if t.code == "gdht")
    assert dict(trend.points)[YEAR] is None  # the later year's row was remade too


def test_reopening_through_the_service_inside_a_transaction(world):
    report = submitted(world.commune_a)
    alice = world.users["alice"]
    services.approve_reports(actor=alice, reports=[report])
    with transaction.atomic():
        services.reopen_report(actor=alice, report=report, reason="Sai số hộ")
        assert shown(world.commune_a) is None
        assert str(world.commune_a.pk) not in row(world.province).data["figures"]


def test_returning_a_waiting_report_leaves_the_official_figures_as_they_are(world, as_user):
    alice = as_user("alice")
    approved = submitted(world.commune_b)
    services.approve_reports(actor=world.users["alice"], reports=[approved])
    waiting = submitted(world.commune_a)
    before = gdht(alice, f"/chi-tieu/?nam={YEAR}")
    alice.post(f"/chi-tieu/bao-cao/{world.commune_a.pk}/{YEAR}/return/", {"reason": "Thiếu"})
    waiting.refresh_from_db()
    assert waiting.status == ReportStatus.RETURNED
    assert gdht(alice, f"/chi-tieu/?nam={YEAR}") == before == (160, 200)
    assert row(world.province).data == fresh(world.province, summary.current_communes())


def test_rebuild_check_passes_then_finds_a_direct_update(world, capsys):
    report = submitted(world.commune_a)
    services.approve_reports(actor=world.users["alice"], reports=[report])
    call_command("rebuild_summaries")
    assert row(world.province, 2020) is not None  # every year made ready
    call_command("rebuild_summaries", "--check")
    assert "khớp" in capsys.readouterr().out
    # A write around the services: the rows cannot know it; the check must.
    StatReport.objects.filter(pk=report.pk).update(households_recognised=10)
    with pytest.raises(CommandError, match="khác với số liệu tính lại"):
        call_command("rebuild_summaries", "--check")
    call_command("rebuild_summaries")
    call_command("rebuild_summaries", "--check")
    assert shown(world.commune_a)["households_recognised"] == 10


def test_an_edited_share_remakes_the_successors_rows_with_exact_fractions(world, as_user):
    link = PlaceSuccession.objects.filter(is_split=True).select_related("predecessor").first()
    old = link.predecessor
    links = list(PlaceSuccession.objects.filter(predecessor=old).order_by("-is_default", "pk"))
    assert len(links) == 2
    report = submitted(old, 2024, households_total=101, households_recognised=71)
    services.approve_reports(actor=world.users["alice"], reports=[report])
    alice = as_user("alice")
    alice.get("/chi-tieu/?nam=2024")
    fields = {f"s{links[0].pk}": "50", f"s{links[1].pk}": "50"}
    alice.post(f"/dia-ban/chia-tach/{old.pk}/", fields)
    assert [lk.share for lk in PlaceSuccession.objects.filter(predecessor=old)] == [
        Decimal("0.5000")
    ] * 2
    for successor in (lk.successor for lk in links):
        exact = row(successor, 2024).data["figures"][str(successor.pk)]["exact"]
        assert exact["households_total"] == "101/2"  # kept exact, never a float
    alice.post(
        f"/dia-ban/chia-tach/{old.pk}/",
        {**fields, f"s{links[0].pk}": "40", f"s{links[1].pk}": "60"},
    )
    first = row(links[0].successor, 2024).data["figures"][str(links[0].successor_id)]
    assert first["exact"]["households_total"] == "202/5"  # 101 × 40 %
    assert row(world.province, 2024).data == fresh(world.province, summary.current_communes(), 2024)


def test_provisional_rows_follow_the_live_snapshots(world, as_user):
    alice = as_user("alice")
    url = f"/chi-tieu/xa/{world.commune_a.pk}/?nam=2026&so_lieu=tam_tinh"
    LiveFigures.objects.create(commune=world.commune_a, year=2026, **A)
    assert alice.get(url).context["figures"].values["households_recognised"] == 160
    snapshot = LiveFigures.objects.get(commune=world.commune_a, year=2026)
    snapshot.households_recognised = 170
    snapshot.save()  # a recount stamps computed_at: the next read remakes the row
    assert alice.get(url).context["figures"].values["households_recognised"] == 170
