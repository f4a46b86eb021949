import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import services as cycle
from assessments.tests.helpers import YEAR, open_years, recognise
from audit.models import AuditEvent
from conftest import ALL_PERSONAS
from places.models import Place
from stats.compute import figures, indicators, live_figures
from stats.imports import COLUMNS
from stats.models import ReportStatus, StatReport
from stats.tests.test_small_province import A


def workbook(rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([c.header for c in COLUMNS])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def row(code, year, **values):
    return [code, year, *[values.get(c.key) for c in COLUMNS[2:]]]


def test_legacy_history_shows_under_the_new_map(world, as_user):
    """Phường Hồng Châu was formed from three old communes; 2023 figures add up under it."""
    data = workbook(
        [
            row(
                "11968",
                2023,
                households_total=1000,
                households_registered=900,
                households_recognised=700,
            ),
            row(
                "11980",
                2023,
                households_total=800,
                households_registered=800,
                households_recognised=600,
            ),  # the old Xã Quảng Châu
            row(
                "12388",
                2023,
                households_total=200,
                households_registered=150,
                households_recognised=100,
            ),
        ]
    )
    response = as_user("alice").post(
        "/chi-tieu/bao-cao/nhap/", {"file": SimpleUploadedFile("lich-su.xlsx", data)}
    )
    assert response.status_code == 200, [str(e) for e in response.context["report"].errors]
    assert response.context["report"].created == 3
    legacy = StatReport.objects.filter(year=2023)
    assert {r.commune.is_legacy for r in legacy} == {True}
    assert {r.status for r in legacy} == {ReportStatus.APPROVED}
    hong_chau = Place.objects.current().communes().get(code="11980")
    found = figures([hong_chau], 2023)[hong_chau.pk]
    assert (
        found.values["households_total"] == 2000 and found.values["households_recognised"] == 1400
    )
    assert sorted(found.from_legacy) == ["Phường Hồng Châu", "Xã Hoàng Hanh", "Xã Quảng Châu"]
    assert not found.split_warning
    assert indicators([found.values])["gdht"].share_of_all == Decimal("70.00")


def test_split_legacy_commune_is_flagged(world):
    from places.models import PlaceSuccession

    link = (
        PlaceSuccession.objects.filter(is_split=True, is_default=True)
        .select_related("predecessor", "successor")
        .first()
    )
    StatReport.objects.create(
        commune=link.predecessor,
        year=2022,
        status=ReportStatus.APPROVED,
        households_total=10,
        households_recognised=5,
    )
    found = figures([link.successor], 2022)[link.successor.pk]
    assert found.split_warning and link.predecessor.name in found.from_legacy


def test_import_errors_name_row_and_column_and_save_nothing(world, as_user):
    data = workbook(
        [
            row("99999", 2023, households_total=1),
            row("11953", 2026, households_total=10, households_registered=20),
            row("11953", 2026, households_total="mười"),
            row("12205", 2026, households_total=1),
        ]
    )
    report = (
        as_user("cuong")
        .post("/chi-tieu/bao-cao/nhap/", {"file": SimpleUploadedFile("x.xlsx", data)})
        .context["report"]
    )
    assert [str(e) for e in report.errors] == [
        "Trang “Sheet”, dòng 2, cột “Mã xã/phường”: Không có xã cũ (trước 01/07/2025) mã “99999”.",
        "Trang “Sheet”, dòng 3, cột “Số hộ đăng ký”: “Số hộ đăng ký” (20) lớn hơn “Tổng số hộ gia đình” (10).",
        "Trang “Sheet”, dòng 4, cột “Tổng số hộ gia đình”: “mười” không phải số nguyên không âm.",
        "Trang “Sheet”, dòng 5, cột “Mã xã/phường”: Xã Khoái Châu ngoài phạm vi bạn được nhập.",
    ]
    assert not StatReport.objects.exists()


def test_the_province_imports_its_figures_approved_through_the_approval(world, as_user):
    data = workbook([row("11953", 2026, households_total=10, households_registered=5)])
    response = as_user("alice").post(
        "/chi-tieu/bao-cao/nhap/", {"file": SimpleUploadedFile("x.xlsx", data)}
    )
    assert response.context["report"].committed
    found = StatReport.objects.get(commune__code="11953", year=2026)
    assert found.status == ReportStatus.APPROVED and found.approved_by == world.users["alice"]
    actions = list(
        AuditEvent.objects.filter(object_id=str(found.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["stat_report.import", "stat_report.approve"]


def test_live_figures_count_the_registry(world):
    open_years(world)
    alice = world.users["alice"]
    recognise(
        world, cycle.register(actor=alice, title="GDHT", year=YEAR, subject=world.households["a1"])
    )
    cycle.register(actor=alice, title="GDHT", year=YEAR, subject=world.households["a2"])
    values = live_figures(world.commune_a, YEAR)
    assert (
        values["households_total"],
        values["households_registered"],
        values["households_recognised"],
    ) == (2, 2, 1)
    assert (
        values["villages_total"] == 2 and values["clans_total"] == 1 and values["orgs_total"] == 1
    )


def test_report_flow_through_the_pages(world, as_user):
    cuong, alice = as_user("cuong"), as_user("alice")
    url = f"/chi-tieu/bao-cao/{world.commune_a.pk}/{YEAR}/"
    assert "Chưa lập báo cáo" in cuong.get(url).content.decode()
    cuong.post(url)
    report = StatReport.objects.get(commune=world.commune_a, year=YEAR)
    assert report.source == "registry" and report.households_total == 2
    form = {**dict(A.items()), "action": "save", "version": report.version, "note": ""}
    page = cuong.post(url, {**form, "households_registered": 300}).content.decode()
    assert "lớn hơn “Tổng số hộ gia đình” (200)" in page
    cuong.post(url, {**form, "and_submit": "1"})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.households_total == 200
    alice.post(f"{url}return/", {"reason": "Thiếu số hội viên"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    cuong.post(url, {**form, "version": report.version, "and_submit": "1"})
    confirm = alice.post(f"/chi-tieu/bao-cao/?nam={YEAR}", {"all": "1"})
    assert confirm.status_code == 200 and len(confirm.context["chosen"]) == 1
    alice.post(f"/chi-tieu/bao-cao/?nam={YEAR}", {"ids": [report.pk], "confirm": "1"})
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    actions = list(AuditEvent.objects.for_object(report).values_list("action", flat=True))
    assert {
        "stat_report.create",
        "stat_report.save",
        "stat_report.submit",
        "stat_report.return",
        "stat_report.approve",
    } <= set(actions)


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_dashboard_and_report_scope(world, as_user, persona):
    StatReport.objects.create(commune=world.commune_a, year=YEAR, status=ReportStatus.APPROVED, **A)
    client = as_user(persona)
    home = client.get(f"/chi-tieu/?nam={YEAR}")
    commune_a = client.get(f"/chi-tieu/xa/{world.commune_a.pk}/?nam={YEAR}")
    report_b = client.get(f"/chi-tieu/bao-cao/{world.commune_b.pk}/{YEAR}/")
    if persona in ("alice", "vera"):
        assert (
            home.status_code == 200 and commune_a.status_code == 200 and report_b.status_code == 200
        )
    elif persona == "cuong":
        assert (
            home.status_code == 302 and commune_a.status_code == 200 and report_b.status_code == 404
        )
    elif persona == "binh":
        assert commune_a.status_code == 404 and report_b.status_code == 200
    else:
        assert (
            home.status_code == 404 and commune_a.status_code == 404 and report_b.status_code == 404
        )


def test_viewer_changes_nothing(world, as_user):
    report = StatReport.objects.create(
        commune=world.commune_a, year=YEAR, status=ReportStatus.SUBMITTED, **A
    )
    vera = as_user("vera")
    vera.post(f"/chi-tieu/bao-cao/{world.commune_a.pk}/{YEAR}/approve/")
    vera.post(
        f"/chi-tieu/bao-cao/{world.commune_a.pk}/{YEAR}/",
        {**A, "action": "save", "version": report.version, "households_total": 1},
    )
    assert (
        vera.post(
            "/chi-tieu/muc-tieu/",
            {
                "indicator": "gdht",
                "place": world.commune_a.pk,
                "year": 2030,
                "source": "commune",
                "value": "1",
            },
        ).status_code
        == 404
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.households_total == 200
