"""A small province built by hand: two communes with known reports, every number checked."""

import io
from decimal import Decimal

import openpyxl
import pytest
from pypdf import PdfReader

from places.models import Place
from stats import dashboard, services
from stats.compute import indicators
from stats.exports import annual_data, annual_pdf, annual_xlsx
from stats.figures import FIGURE_NAMES
from stats.models import ReportStatus, StatReport

YEAR = 2026
A = {  # commune A: Phường Phố Hiến
    "households_total": 200,
    "households_registered": 180,
    "households_recognised": 160,  # 80 %
    "clans_total": 10,
    "clans_registered": 8,
    "clans_recognised": 6,  # 60 %
    "villages_total": 8,
    "villages_registered": 8,
    "villages_recognised": 7,  # 87.5 %
    "orgs_total": 10,
    "orgs_registered": 9,
    "orgs_recognised": 7,  # 70 %
    "province_orgs_total": 2,  # province-level units located here: reported apart
    "province_orgs_registered": 1,
    "province_orgs_recognised": 1,
    "enterprises_total": 4,
    "enterprises_registered": 3,
    "enterprises_recognised": 2,
    "workers_total": 300,
    "workers_registered": 200,
    "workers_cdht": 150,  # 50 %
    "staff_total": 100,
    "staff_registered": 90,
    "staff_cdht": 70,  # 70 %
    "cdht_total": 400,
    "cdht_digital": 300,
    "cdht_self_updated": 200,
    "cdht_digital_self_updated": 180,
    "clc_chair": 1,
    "cadres_total": 10,
    "cadres_trained_it": 5,
    "cadres_clc_it": 4,
    "leaders_total": 3,
    "leaders_trained_it": 2,
    "members_total": 500,
    "members_briefed": 500,
    "commune_level": 1,
}
B = {  # commune B: Xã Khoái Châu
    "households_total": 100,
    "households_registered": 60,
    "households_recognised": 50,  # 50 %
    "clans_total": 10,
    "clans_registered": 10,
    "clans_recognised": 9,  # 90 %
    "villages_total": 4,
    "villages_registered": 2,
    "villages_recognised": 2,  # 50 %
    "orgs_total": 10,
    "orgs_registered": 10,
    "orgs_recognised": 10,  # 100 %
    "province_orgs_total": 0,
    "province_orgs_registered": 0,
    "province_orgs_recognised": 0,
    "enterprises_total": 2,
    "enterprises_registered": 2,
    "enterprises_recognised": 2,
    "workers_total": 100,
    "workers_registered": 30,
    "workers_cdht": 20,  # 20 %
    "staff_total": 50,
    "staff_registered": 50,
    "staff_cdht": 45,  # 90 %
    "cdht_total": 100,
    "cdht_digital": 60,
    "cdht_self_updated": 30,
    "cdht_digital_self_updated": 24,
    "clc_chair": 0,
    "cadres_total": 5,
    "cadres_trained_it": 1,
    "cadres_clc_it": 1,
    "leaders_total": 2,
    "leaders_trained_it": 2,
    "members_total": 100,
    "members_briefed": 80,
    "commune_level": 0,
}


def approved(world, commune, values, year=YEAR):
    report = StatReport.objects.create(commune=commune, year=year, **values)
    services.submit_report(actor=world.users["alice"], report=report)
    services.approve_reports(actor=world.users["alice"], reports=[report])
    report.refresh_from_db()
    return report


@pytest.fixture
def small(world, monkeypatch):
    approved(world, world.commune_a, A)
    approved(world, world.commune_b, B)
    both = [world.commune_a, world.commune_b]
    monkeypatch.setattr("stats.dashboard.current_communes", lambda place=None: both)
    monkeypatch.setattr("stats.exports.current_communes", lambda place=None: both)
    return world


def test_every_indicator_with_both_denominators(small):
    values = indicators([A, B])
    expected = {  # code: (numerator, total, registered, % of all, % of registered)
        "gdht": (210, 300, 240, "70.00", "87.50"),
        "dhht": (15, 20, 18, "75.00", "83.33"),
        "cdht_thon": (9, 12, 10, "75.00", "90.00"),
        "dvht": (17, 20, 19, "85.00", "89.47"),
        "dvht_dn": (4, 6, 5, "66.67", "80.00"),
        "workers_cdht": (170, 400, 230, "42.50", "73.91"),
        "staff_cdht": (115, 150, 140, "76.67", "82.14"),
        "cdht_digital": (360, 500, None, "72.00", None),
        "dvht_tinh": (1, 2, 1, "50.00", "100.00"),
        # "trong đó" (plan II.2): over the digitally skilled; over all only for reference
        "cdht_self": (204, 360, None, "56.67", None),
        "cdht_self_all": (204, 500, None, "40.80", None),
        "clc_chair": (1, 2, None, "50.00", None),
        # 2025: cadres in the centre's work and trained; 2030: chairs and vice-chairs
        "cadres_it": (5, 15, None, "33.33", None),
        "leaders_it": (4, 5, None, "80.00", None),
        "members_briefed": (580, 600, None, "96.67", None),
        "xa_ht": (1, 2, None, "50.00", None),
    }
    for code, (num, total, registered, share, share_registered) in expected.items():
        value = values[code]
        assert (value.numerator, value.total, value.registered) == (num, total, registered), code
        assert value.share_of_all == Decimal(share), code
        assert value.share_of_registered == (
            Decimal(share_registered) if share_registered else None
        ), code


def test_province_dashboard_figures_colours_and_gaps(small, as_user):
    page = as_user("alice").get(f"/chi-tieu/?nam={YEAR}")
    assert page.status_code == 200
    context = page.context
    rows = {r.code: r for r in context["rows"]}
    # 2026 is measured against the 2030 milestone: GDHT 70 % vs 80 % → amber (within 10)
    assert (rows["gdht"].value.share_of_all, rows["gdht"].target, rows["gdht"].colour) == (
        Decimal("70.00"),
        Decimal("80.00"),
        "amber",
    )
    assert rows["dvht"].colour == "amber"  # 85 vs 90
    assert rows["workers_cdht"].colour == "red"  # 42.5 vs 60
    assert (rows["cdht_thon"].target, rows["cdht_thon"].colour) == (
        Decimal("80.00"),
        "amber",
    )  # 75 vs 80
    card = {row.commune.pk: [c.colour for c in row.cells] for row in context["scorecard"]}
    # A: GDHT 80 ≥ 80 green; DHHT 60 < 75 by 15 red; CĐHT 87.5 green; ĐVHT 70 < 90 red; workers 50 < 60 amber; staff 70 < 80 amber
    assert card[small.commune_a.pk] == ["green", "red", "green", "red", "amber", "amber"]
    # B: GDHT 50 red; DHHT 90 green; CĐHT 50 red; ĐVHT 100 green; workers 20 red; staff 90 green
    assert card[small.commune_b.pk] == ["red", "green", "red", "green", "red", "green"]
    behind = context["behind"]
    assert [(b.commune.pk, b.more_needed) for b in behind] == [
        (small.commune_b.pk, 30)
    ]  # 80 % of 100 − 50
    html = page.content.decode()
    assert "<svg" in html and "Số liệu chính thức" in html


def test_commune_target_overrides_the_province(small, as_user):
    services.set_target(
        actor=small.users["alice"],
        indicator="gdht",
        place=small.commune_b,
        year=2030,
        value=Decimal(50),
        source="commune",
    )
    context = as_user("alice").get(f"/chi-tieu/?nam={YEAR}").context
    row = next(r for r in context["scorecard"] if r.commune.pk == small.commune_b.pk)
    assert (row.cells[0].target, row.cells[0].colour) == (Decimal(50), "green")
    services.set_target(
        actor=small.users["alice"],
        indicator="gdht",
        place=small.commune_b,
        year=2030,
        value=Decimal(60),
        source="commune",
    )
    from stats.models import Target

    history = Target.objects.filter(indicator="gdht", place=small.commune_b, year=2030).order_by(
        "set_at"
    )
    assert [(t.value, t.replaced_at is not None) for t in history] == [
        (Decimal(50), True),
        (Decimal(60), False),
    ]


def test_projection_matches_a_hand_computation():
    points = [
        (2021, Decimal(60)),
        (2022, Decimal(62)),
        (2023, Decimal(64)),
        (2024, Decimal(66)),
        (2025, Decimal(68)),
    ]
    result = dashboard.projection(points, Decimal(80))
    assert result.slope == Decimal("2.00")
    assert result.projected_2030 == Decimal("78.00")  # 68 + 2 × 5
    assert result.needed_per_year == Decimal("2.40")  # (80 − 68) / 5
    assert dashboard.projection([(2025, Decimal(70))], Decimal(80)).projected_2030 is None


def test_approved_report_is_locked_and_reopens_with_a_reason(small, as_user):
    report = StatReport.objects.get(commune=small.commune_a, year=YEAR)
    assert report.status == ReportStatus.APPROVED
    as_user("cuong").post(
        f"/chi-tieu/bao-cao/{small.commune_a.pk}/{YEAR}/",
        {
            "action": "save",
            "version": report.version,
            **dict(A.items()),
            "households_total": 999,
        },
    )
    report.refresh_from_db()
    assert report.households_total == 200
    assert (
        as_user("cuong")
        .post(f"/chi-tieu/bao-cao/{small.commune_a.pk}/{YEAR}/reopen/", {"reason": "x"})
        .status_code
        == 302
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED  # only the province reopens
    as_user("alice").post(
        f"/chi-tieu/bao-cao/{small.commune_a.pk}/{YEAR}/reopen/", {"reason": "Sai số hộ"}
    )
    report.refresh_from_db()
    assert (report.status, report.return_reason) == (ReportStatus.RETURNED, "Sai số hộ")


def test_annual_xlsx_cells_match_the_dashboard(small):
    data = annual_data(YEAR)
    workbook = openpyxl.load_workbook(io.BytesIO(annual_xlsx(data)))
    appendix = workbook["Phụ lục"]
    rows = {r[0].value: r for r in appendix.iter_rows(min_row=5)}
    gdht = rows["Gia đình học tập"]
    assert [c.value for c in gdht[1:7]] == [71, 70, 75, 300, 240, 210]
    assert gdht[7].value == '=IF(AND(ISNUMBER(E5),E5>0),ROUND(G5/E5*100,2),"")'
    per = workbook["Theo xã"]
    assert per.freeze_panes == "C4"
    names = [per.cell(row=r, column=2).value for r in range(4, 7)]
    assert names == ["Phường Phố Hiến", "Xã Khoái Châu", "Toàn tỉnh"]
    assert [per.cell(row=4, column=c).value for c in (3, 4)] == [200, 160]
    assert per.cell(row=6, column=3).value == "=SUM(C4:C5)"
    assert appendix.page_setup.orientation == "landscape" and appendix.print_title_rows == "$4:$4"
    # the cells hold the same figures the dashboard divides
    values = indicators([A, B])
    assert gdht[6].value / gdht[4].value * 100 == float(values["gdht"].share_of_all)


def test_every_formula_of_the_annual_xlsx_carries_its_value(small):
    """A reader that does not recompute (a preview, openpyxl's data_only, pandas) sees the
    numbers: every formula cell stores the value it computes."""
    data = annual_data(YEAR)
    raw = annual_xlsx(data)
    formulas = openpyxl.load_workbook(io.BytesIO(raw))
    values = openpyxl.load_workbook(io.BytesIO(raw), data_only=True)
    checked = 0
    for sheet in formulas.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    stored = values[sheet.title][cell.coordinate].value
                    assert stored is not None and stored != "", (sheet.title, cell.coordinate)
                    checked += 1
    assert checked >= 10
    appendix = values["Phụ lục"]
    gdht = {r[0].value: r for r in appendix.iter_rows(min_row=5)}["Gia đình học tập"]
    assert gdht[7].value == 70  # 210/300, as the dashboard
    per = values["Theo xã"]
    assert [per.cell(row=6, column=c).value for c in (3, 4)] == [
        per.cell(row=4, column=3).value + per.cell(row=5, column=3).value,
        per.cell(row=4, column=4).value + per.cell(row=5, column=4).value,
    ]


def test_annual_pdf_contains_the_appendix_figures(small):
    text = " ".join(
        " ".join(p.extract_text().split())
        for p in PdfReader(io.BytesIO(annual_pdf(annual_data(YEAR)))).pages
    )
    assert "KẾT QUẢ THỰC HIỆN PHONG TRÀO HỌC TẬP SUỐT ĐỜI NĂM 2026" in text
    for expected in (
        "Gia đình học tập",
        "210/300",
        "70,00",
        "Dòng họ học tập",
        "15/20",
        "75,00",
        "69,76",
        "77,27",
        "Phường Phố Hiến",
        "Xã Khoái Châu",
    ):
        assert expected in text, expected


def test_export_report_command(small, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "bc.xlsx"
    call_command("export_report", "--year", str(YEAR), "--format", "xlsx", "--out", str(out))
    assert openpyxl.load_workbook(out)["Phụ lục"]["A1"].value.startswith("KẾT QUẢ")
    call_command(
        "export_report", "--year", str(YEAR), "--format", "pdf", "--out", str(tmp_path / "bc.pdf")
    )
    assert (tmp_path / "bc.pdf").read_bytes().startswith(b"%PDF")


def test_values_are_named(small):
    assert set(A) == set(FIGURE_NAMES)
    assert Place.objects.filter(pk=small.commune_a.pk).exists()


def test_trends_are_cached_until_a_report_changes(small, as_user):
    """The trends read the cache while no report changes; approving, reopening or adding a
    report changes the fingerprint in the key, so the next page shows it at once."""
    from django.core.cache import cache

    cache.clear()
    alice = as_user("alice")

    def gdht_2025():
        trend = next(
            t for t in alice.get(f"/chi-tieu/?nam={YEAR}").context["trends"] if t.code == "gdht"
        )
        return dict(trend.points)[2025]

    assert gdht_2025() is None  # no report for 2025 yet
    approved(small, small.commune_a, {**A, "households_recognised": 100}, year=2025)  # 50 %
    assert gdht_2025() == Decimal("50.00")
    report = StatReport.objects.get(commune=small.commune_a, year=2025)
    services.reopen_report(actor=small.users["alice"], report=report, reason="Sửa số liệu")
    assert gdht_2025() is None  # no longer approved: not an official figure


def test_the_ten_year_review_is_a_tong_ket_of_2021_2030(small, as_user):
    """Plan 127/KH-UBND §III.5.b: "Sơ kết" 2021–2025, "Tổng kết" 2021–2030; the province
    page links both."""
    page = as_user("alice").get("/chi-tieu/").content.decode()
    assert "/chi-tieu/bao-cao/so-ket/2021-2030.xlsx" in page and "Tổng kết 2021–2030" in page
    assert "2026-2030" not in page
    ten = as_user("alice").get("/chi-tieu/bao-cao/so-ket/2021-2030.xlsx")
    assert "tong-ket-2021-2030.xlsx" in ten["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(ten.content))
    assert book.active["A1"].value.startswith("TỔNG KẾT GIAI ĐOẠN 2021–2030")
    five = openpyxl.load_workbook(
        io.BytesIO(as_user("alice").get("/chi-tieu/bao-cao/so-ket/2021-2025.xlsx").content)
    )
    assert five.active["A1"].value.startswith("SƠ KẾT GIAI ĐOẠN 2021–2025")
    text = " ".join(
        p.extract_text()
        for p in PdfReader(
            io.BytesIO(as_user("alice").get("/chi-tieu/bao-cao/so-ket/2021-2030.pdf").content)
        ).pages
    )
    text = " ".join(text.split())
    assert "BÁO CÁO" in text and "Tổng kết 10 năm thực hiện phong trào" in text
    assert "giai đoạn 2021–2030" in text and "Sơ kết" not in text
