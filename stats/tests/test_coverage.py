"""Coverage everywhere: how many communes a figure covers, partial totals marked, legacy
sums not official until every predecessor reported, split communes shared by their shares,
projections withheld below the threshold, baselines labelled by their territory."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.management import call_command

from places.models import Place, PlaceKind, PlaceSuccession
from stats import summary
from stats.compute import current_communes, official_figures
from stats.coverage import PROJECTION_MIN_COVERAGE, Coverage, coverage
from stats.models import ReportStatus, StatReport

FIGS = {"households_total": 100, "households_registered": 90, "households_recognised": 70}


def approve(communes, year: int, **values) -> None:
    """Approved reports written in bulk, and the figures made ready from them remade as
    the approval service does (`stats.summary`)."""
    StatReport.objects.bulk_create(
        StatReport(commune=c, year=year, status=ReportStatus.APPROVED, **(values or FIGS))
        for c in communes
    )
    summary.refresh_official(commune_ids=[c.pk for c in communes], years=[year])


def test_coverage_label_and_missing(db):
    communes = current_communes()
    found = official_figures(communes, 2026)
    assert found == {}
    empty = coverage(communes, found)
    assert (empty.covered, empty.total, empty.complete) == (0, 104, False)
    assert empty.label == "0/104 xã, phường"
    whole = Coverage(104, 104, [])
    assert whole.complete and whole.enough_for_projection
    assert not Coverage(93, 104, []).enough_for_projection  # 89.4 % < 90 %
    assert Coverage(94, 104, []).enough_for_projection
    assert Fraction(9, 10) == PROJECTION_MIN_COVERAGE


def test_province_with_98_of_104_lists_the_six_missing_and_marks_the_total(world, as_user):
    communes = current_communes()
    missing = communes[10:16]
    approve([c for c in communes if c not in missing], 2026)
    page = as_user("alice").get("/chi-tieu/?nam=2026")
    html = page.content.decode()
    assert page.context["coverage"].label == "98/104 xã, phường"
    assert "Năm 2026: 98/104 xã, phường có số liệu chính thức" in html
    assert "tạm thời — chưa đủ xã" in html
    details = html[html.index("6 xã, phường chưa có số liệu") :]
    details = details[: details.index("</details>")]
    for commune in missing:
        assert f'href="/chi-tieu/xa/{commune.pk}/?nam=2026">{commune.name}</a>' in details
    assert details.count("<li>") == 6
    rows = {r.code: r for r in page.context["rows"]}
    assert rows["gdht"].coverage.label == "98/104 xã, phường"
    assert (rows["gdht"].value.numerator, rows["gdht"].value.total) == (98 * 70, 98 * 100)
    assert "CHƯA ĐỦ (98/104 xã, phường)" in html

    approve(missing, 2026)
    html = as_user("alice").get("/chi-tieu/?nam=2026").content.decode()
    assert "104/104 xã, phường có số liệu chính thức" in html
    assert "tạm thời — chưa đủ xã" not in html
    assert "Số liệu chính thức: báo cáo đã được tỉnh duyệt" in html


def _commune_with_four_predecessors() -> tuple[Place, list[Place]]:
    for commune in current_communes():
        links = list(
            PlaceSuccession.objects.filter(successor=commune, is_split=False)
            .select_related("predecessor")
            .order_by("predecessor__name")
        )
        if len(links) == 4 and commune.predecessions.count() == 4:
            return commune, [link.predecessor for link in links]
    raise AssertionError("no current commune formed from exactly four legacy communes")


def test_legacy_sum_with_two_of_four_is_not_official_and_names_the_missing(world, as_user):
    commune, olds = _commune_with_four_predecessors()
    approve(olds[:2], 2024)
    found = official_figures([commune], 2024)[commune.pk]
    assert not found.official and not found.complete
    assert found.legacy_label == "2/4 xã cũ có báo cáo"
    assert found.legacy_missing == [olds[2].name, olds[3].name]
    assert found.values["households_total"] == 200

    html = as_user("alice").get(f"/chi-tieu/xa/{commune.pk}/?nam=2024").content.decode()
    assert "2/4 xã cũ có báo cáo" in html
    assert f"thiếu: {olds[2].name}, {olds[3].name}" in html
    assert "chưa phải số liệu chính thức" in html
    assert "Số liệu chính thức: báo cáo đã được tỉnh duyệt" not in html
    province = as_user("alice").get("/chi-tieu/?nam=2024")
    assert commune in province.context["coverage"].missing  # a partial sum is not coverage
    assert "chưa chính thức" in province.content.decode()

    approve(olds[2:], 2024)
    found = official_figures([commune], 2024)[commune.pk]
    assert found.official and found.legacy_label == "4/4 xã cũ có báo cáo"
    html = as_user("alice").get(f"/chi-tieu/xa/{commune.pk}/?nam=2024").content.decode()
    assert "4/4 xã cũ có báo cáo" in html and "chưa phải số liệu chính thức" not in html


def test_split_commune_is_shared_by_its_shares_on_both_pages(world, as_user):
    predecessor_id = (
        PlaceSuccession.objects.filter(is_split=True)
        .values_list("predecessor_id", flat=True)
        .first()
    )
    links = list(
        PlaceSuccession.objects.filter(predecessor_id=predecessor_id)
        .select_related("predecessor", "successor")
        .order_by("-is_default")
    )
    assert len(links) == 2
    for link, share in zip(links, (Decimal("0.5"), Decimal("0.5")), strict=True):
        link.share = share
        link.save()
    old = links[0].predecessor
    approve([old], 2024, households_total=101, households_registered=90, households_recognised=71)
    shown = []
    for link in links:
        found = official_figures([link.successor], 2024)[link.successor.pk]
        assert found.exact["households_total"] == Fraction(101, 2)
        shown.append(found.values["households_total"])
        html = as_user("alice").get(f"/chi-tieu/xa/{link.successor.pk}/?nam=2024").content.decode()
        assert f"Số liệu 2024 chia từ {old.name} (cũ) theo tỷ lệ 50 %" in html
    assert shown == [51, 51]  # each rounded half up for display …
    page = as_user("alice").get("/chi-tieu/?nam=2024")
    gdht = next(r for r in page.context["rows"] if r.code == "gdht")
    assert (gdht.value.total, gdht.value.numerator) == (101, 71)  # … the total stays exact


def test_projection_withheld_at_low_coverage_and_shown_with_its_method(world, as_user):
    communes = current_communes()
    for year, recognised in ((2023, 60), (2024, 65), (2025, 70)):
        approve(communes[:3], year, households_total=100, households_recognised=recognised)
    page = as_user("alice").get("/chi-tieu/?nam=2025")
    trend = next(t for t in page.context["trends"] if t.code == "gdht")
    assert trend.projection.projected_2030 is None
    html = page.content.decode()
    assert "Chưa dự báo: cần ít nhất 2 năm có từ 90 % số xã, phường có số liệu" in html
    assert "Chỉ dự báo năm 2030 khi từ 90 % số xã, phường có số liệu" in html
    assert "đề xuất của hệ thống, không phải quy định" in html
    assert "Dự báo theo đường xu hướng" not in html

    StatReport.objects.all().delete()
    for year, recognised in ((2023, 60), (2024, 65), (2025, 70)):
        approve(communes, year, households_total=100, households_recognised=recognised)
    page = as_user("alice").get("/chi-tieu/?nam=2025")
    trend = next(t for t in page.context["trends"] if t.code == "gdht")
    assert trend.projection.projected_2030 == Decimal("95.00")  # 70 + 5 × 5
    html = page.content.decode()
    assert (
        "Dự báo theo đường xu hướng tuyến tính (bình phương nhỏ nhất) qua các năm 2023–2025, "
        "chỉ tính 104/104 xã, phường có số liệu ở mọi năm đó" in html
    )


def test_projection_uses_only_communes_with_data_in_every_year(world, as_user):
    communes = current_communes()
    approve(communes, 2024, households_total=100, households_recognised=50)
    # 2025: 100 communes at 60 %, and 4 newcomers at 0 %; those 4 have no 2024 figure
    approve(communes[:100], 2025, households_total=100, households_recognised=60)
    page = as_user("alice").get("/chi-tieu/?nam=2025")
    trend = next(t for t in page.context["trends"] if t.code == "gdht")
    assert "chỉ tính 100/104 xã, phường" in trend.projection.method
    assert trend.projection.slope == Decimal("10.00")  # 50 → 60 over the same 100 communes


def test_baseline_is_old_hung_yens_and_no_merged_one_without_thai_binh(world, as_user, tmp_path):
    call_command("load_baselines", verbosity=0)
    page = as_user("alice").get("/chi-tieu/?nam=2026")
    html = page.content.decode()
    table = page.context["baselines"]
    assert table.columns == ["Tỉnh Hưng Yên cũ (trước 01/07/2025)"]
    gdht = next(r for r in table.rows if r[0] == "Gia đình học tập")
    assert gdht == ("Gia đình học tập", [Decimal("71.00")], None)
    assert "chưa nhập kết quả 2020 của Tỉnh Thái Bình cũ" in html
    assert "Mốc 2020: Tỉnh Hưng Yên cũ (trước 01/07/2025)" in html  # the chart's legend
    svg = next(t.svg for t in page.context["trends"] if t.code == "gdht")
    assert re.search(r'<path d="M[^"]*Z" fill="#7c3aed"><title>Mốc 2020', svg)  # a diamond
    row = next(r for r in page.context["rows"] if r.code == "gdht")
    assert row.baseline is None and row.baselines == [
        ("Tỉnh Hưng Yên cũ (trước 01/07/2025)", Decimal("71.00"))
    ]

    thai_binh = tmp_path / "thai_binh.toml"
    thai_binh.write_text(
        '[[baseline]]\ncode = "34"\nsource = "Báo cáo thử"\nvalues = { gdht = 60 }\n', "utf-8"
    )
    call_command("load_baselines", file=str(thai_binh), verbosity=0)
    page = as_user("alice").get("/chi-tieu/?nam=2026")
    assert page.context["baselines"].columns == [
        "Tỉnh Hưng Yên cũ (trước 01/07/2025)",
        "Tỉnh Thái Bình cũ (trước 01/07/2025)",
    ]
    assert "cần báo cáo năm 2020 đã duyệt của mọi xã cũ" in page.content.decode()
    assert next(r for r in page.context["rows"] if r.code == "gdht").baseline is None

    legacy = Place.objects.legacy().communes()
    hung_yen = Place.objects.legacy().get(kind=PlaceKind.PROVINCE, code="33")
    approve(legacy.within(hung_yen), 2020, households_total=100)
    approve(legacy.exclude(path__startswith=hung_yen.path), 2020, households_total=100)
    page = as_user("alice").get("/chi-tieu/?nam=2026")
    row = next(r for r in page.context["rows"] if r.code == "gdht")
    # (71 × 139 × 100 + 60 × 242 × 100) / (381 × 100) = 64.0131…
    assert row.baseline == Decimal("64.01")


def test_load_baselines_rejects_bad_sections_by_name(db, tmp_path):
    from django.core.management.base import CommandError

    bad = tmp_path / "bad.toml"
    bad.write_text('[[baseline]]\ncode = "99"\nsource = "x"\nvalues = { gdht = 1 }\n', "utf-8")
    with pytest.raises(CommandError, match="Mục mốc thứ 1: mã tỉnh cũ “99” không có"):
        call_command("load_baselines", file=str(bad))
    bad.write_text('[[baseline]]\ncode = "34"\nsource = "x"\nvalues = { gdht = 140 }\n', "utf-8")
    with pytest.raises(CommandError, match="gdht: tỷ lệ phải từ 0 đến 100"):
        call_command("load_baselines", file=str(bad))
