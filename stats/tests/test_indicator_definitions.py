"""Issue 18 (part A): every indicator defined once, in the open — and the definitions fixed.

The staff, unit, worker and "trong đó" cases are driven through the pages (the province
admin's recount, then the commune dashboard's provisional figures), the definitions through
the indicator pages, the API and the generated docs.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from api.tests.test_api_stats import call
from assessments import services
from assessments.tests.helpers import YEAR, open_years, recognise
from conftest import make_citizen
from movement import models as m
from registry import services as registry
from registry.models import Citizen, Organisation
from stats.definitions import DEFINITIONS
from stats.figures import FIGURE_NAMES, INDICATORS
from stats.management.commands.indicator_docs import OUT, markdown


def text_of(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def provisional(as_user, commune, year=YEAR):
    """The province admin recounts the commune, then reads its dashboard's provisional rows."""
    admin = as_user("alice")
    assert admin.post(f"/chi-tieu/xa/{commune.pk}/tinh-lai/?nam={year}").status_code == 302
    response = admin.get(f"/chi-tieu/xa/{commune.pk}/?nam={year}&so_lieu=tam_tinh")
    assert response.status_code == 200
    rows = {r.code: r.value for r in response.context["rows"]}
    return rows, response.context["figures"].values, response


def cdht(world, citizen):
    return recognise(
        world,
        services.register(actor=world.users["alice"], title="CDHT", year=YEAR, subject=citizen),
    )


def unit(world, organisation):
    return recognise(
        world,
        services.register(
            actor=world.users["alice"], title="DVHT", year=YEAR, subject=organisation
        ),
    )


# --- the staff case ---------------------------------------------------------------------------


def test_staff_are_counted_by_workplace_and_a_move_keeps_the_total(world, as_user):
    open_years(world)
    org_a = world.org_a  # in commune A; Lan (commune A) works there
    commuter = make_citizen(world.village_b1, "Đỗ Thị Hằng", 1985, "female", workplace=org_a)
    for person in (world.citizens["lan"], commuter):
        cdht(world, person)
    unit(world, org_a)

    rows, values, _page = provisional(as_user, world.commune_a)
    assert (values["staff_total"], values["staff_cdht"]) == (2, 2)
    assert (rows["staff_cdht"].numerator, rows["staff_cdht"].total) == (2, 2)
    _rows_b, values_b, _page = provisional(as_user, world.commune_b)
    assert values_b["staff_total"] == 0  # her home commune does not count her

    # Lan moves house to commune B: the unit's commune keeps her.
    lan = world.citizens["lan"]
    registry.add_member(
        actor=world.users["alice"],
        household=world.households["b1"],
        citizen=lan,
        relation="sibling",
    )
    assert Citizen.objects.get(pk=lan.pk).commune_id == world.commune_b.pk
    _rows, values, _page = provisional(as_user, world.commune_a)
    assert (values["staff_total"], values["staff_cdht"]) == (2, 2)
    _rows, values_b, _page = provisional(as_user, world.commune_b)
    assert values_b["staff_total"] == 0


# --- the unit case ----------------------------------------------------------------------------


def test_province_units_are_reported_apart_from_the_communes(world, as_user):
    open_years(world)
    province_unit = Organisation(
        name="Sở Giáo dục và Đào tạo", kind="agency", commune=world.commune_a, level="province"
    )
    province_unit.save()
    clerk = make_citizen(world.village_a1, "Vũ Văn Bình", 1980, workplace=province_unit)
    for person in (world.citizens["lan"], clerk):
        cdht(world, person)
    unit(world, world.org_a)
    unit(world, province_unit)

    rows, values, page = provisional(as_user, world.commune_a)
    # The commune's figure: commune-level units only, in both its parts.
    assert (values["orgs_recognised"], values["orgs_registered"], values["orgs_total"]) == (1, 1, 1)
    assert rows["dvht"].share_of_all == 100
    # Province-level units located in the commune: apart, with their own indicator.
    assert (
        values["province_orgs_recognised"],
        values["province_orgs_registered"],
        values["province_orgs_total"],
    ) == (1, 1, 1)
    assert (rows["dvht_tinh"].numerator, rows["dvht_tinh"].total) == (1, 1)
    text = text_of(page)
    assert "Đơn vị học tập cấp tỉnh đóng trên địa bàn xã 1 / 1" in text
    assert "Đơn vị học tập 1 / 1" in text


# --- the worker case --------------------------------------------------------------------------


def test_the_indicator_and_the_learning_commune_criterion_count_the_same_workers(world, as_user):
    open_years(world)
    an, dung, lan = (world.citizens[k] for k in ("an", "dung", "lan"))
    Citizen.objects.filter(pk__in=[an.pk, dung.pk]).update(occupation="farmer")
    Citizen.objects.filter(pk=lan.pk).update(occupation="worker", workplace=None)
    for person in (an, lan):
        cdht(world, person)
    # Only An and Lan's household is a learning family; Dũng (a worker too) is in none.
    recognise(
        world,
        services.register(
            actor=world.users["alice"], title="GDHT", year=YEAR, subject=world.households["a1"]
        ),
    )
    commune = services.register(
        actor=world.users["alice"], title="XA_HT", year=YEAR, subject=world.commune_a
    )
    page = as_user("alice").get(f"/binh-xet/{commune.pk}/")
    assert page.status_code == 200
    commune.refresh_from_db()
    criterion = commune.derived["4.5"]

    rows, values, _page = provisional(as_user, world.commune_a)
    assert (values["workers_total"], values["workers_cdht"]) == (2, 2)  # not Dũng
    assert (criterion["numerator"], criterion["denominator"]) == (
        rows["workers_cdht"].numerator,
        rows["workers_cdht"].total,
    )


# --- the "trong đó" case ----------------------------------------------------------------------


def test_self_updated_is_a_share_of_the_digitally_skilled_and_over_all_is_labelled(world, as_user):
    open_years(world)
    people = [world.citizens[k] for k in ("an", "lan", "dung")]
    holders = [cdht(world, person) for person in people]
    # An: digital skills, updated online himself; Lan: digital skills only; Dũng: updated
    # online without digital skills recorded.
    flags = [(True, True), (True, False), (False, True)]
    for assessment, (digital, self_submitted) in zip(holders, flags, strict=True):
        result = dict(assessment.result)
        result["indicators"] = {**result.get("indicators", {}), "digital_skills": digital}
        type(assessment).objects.filter(pk=assessment.pk).update(
            result=result, self_submitted=self_submitted
        )

    rows, values, page = provisional(as_user, world.commune_a)
    assert (values["cdht_total"], values["cdht_digital"], values["cdht_self_updated"]) == (3, 2, 2)
    assert values["cdht_digital_self_updated"] == 1
    self_updated = rows["cdht_self"]
    assert (self_updated.numerator, self_updated.total) == (1, 2)
    assert str(self_updated.share_of_all) == "50.00"
    over_all = rows["cdht_self_all"]
    assert (over_all.numerator, over_all.total) == (1, 3)
    assert str(over_all.share_of_all) == "33.33"
    text = text_of(page)
    assert "Công dân học tập tự cập nhật trên môi trường số (trong số có kỹ năng số) 1 / 2" in text
    assert "(trên tổng số Công dân học tập, tham khảo) 1 / 3" in text


# --- the cadre targets ------------------------------------------------------------------------


def test_cadre_figures_follow_the_plans_words(world, as_user):
    commune = world.commune_a
    centre = m.LearningCentre(place=commune, name="Trung tâm học tập cộng đồng Phố Hiến")
    centre.established_on = dt.date(2010, 1, 1)
    centre.save()
    it = m.Training.objects.create(
        place=commune,
        topic=m.TrainingTopic.IT,
        title="Tập huấn ứng dụng CNTT",
        date=dt.date(YEAR, 3, 1),
        level=m.Level.PROVINCE,
    )

    def member(name, position=m.MemberPosition.MEMBER, *, cadre=True, trained=True):
        found = m.Member(place=commune, full_name=name, position=position, is_cadre=cadre)
        found.save()
        if trained:
            m.Attendance.objects.create(training=it, member=found)
        return found

    member("Nguyễn Thị Hoa", m.MemberPosition.CHAIR)  # trained, runs nothing at the centre
    member("Lê Văn Tâm", m.MemberPosition.VICE_CHAIR, trained=False)
    member("Phạm Thu Hà")  # trained, on the centre's board
    member("Trần Văn Long")  # trained, facilitates an activity
    member("Đặng Văn Minh", trained=False)  # facilitates, not trained
    m.BoardMember.objects.create(
        centre=centre,
        full_name="phạm  thu hà",  # matched whatever the case and spacing
        role=m.BoardRole.DEPUTY,
        start_date=dt.date(YEAR - 1, 1, 1),
    )
    m.Activity.objects.create(
        centre=centre,
        kind="course",
        topic="Tin học cơ bản",
        start_date=dt.date(YEAR, 5, 2),
        participants=20,
        facilitators="Trần Văn Long; Đặng Văn Minh",
    )
    rows, values, _page = provisional(as_user, commune)
    assert (values["cadres_total"], values["cadres_trained_it"]) == (5, 3)
    # 2025 (plan II.2.a): cadres who take part in the centre's activities AND are trained.
    assert values["cadres_clc_it"] == 2
    assert (rows["cadres_it"].numerator, rows["cadres_it"].total) == (2, 5)
    # 2030 (plan II.2.b): the association's chairs and vice-chairs, not every cadre.
    assert (values["leaders_total"], values["leaders_trained_it"]) == (2, 1)
    assert (rows["leaders_it"].numerator, rows["leaders_it"].total) == (1, 2)


# --- the definitions in the open --------------------------------------------------------------


def test_every_indicator_reads_its_definition():
    assert list(INDICATORS) == list(DEFINITIONS)
    for code, spec in INDICATORS.items():
        definition = DEFINITIONS[code]
        assert spec.numerator == definition.numerator.figure
        assert spec.total == definition.denominator.figure
        assert definition.basis and definition.sources
        assert definition.status in ("official", "proposal")
        if definition.status == "proposal":
            assert definition.reason
        for name in (spec.numerator, spec.total, spec.registered):
            assert name is None or name in FIGURE_NAMES or name.startswith("_communes")


def test_the_indicator_pages_show_each_definition_with_its_source_mark(world, as_user):
    call_command("load_targets")
    client = as_user("cuong")
    listing = client.get("/chi-tieu/chi-so/")
    assert listing.status_code == 200
    text = text_of(listing)
    for definition in DEFINITIONS.values():
        assert definition.name in text
        detail = client.get(f"/chi-tieu/chi-so/{definition.code}/")
        assert detail.status_code == 200
        page = text_of(detail)
        assert definition.numerator.definition in page
        assert definition.denominator.definition in page
        assert definition.population in page
        assert all(b.document in page for b in definition.basis)
        mark = "Chính thức" if definition.status == "official" else "Đề xuất"
        assert mark in page
        if definition.reason:
            assert definition.reason in page
        assert "official" not in page and "proposal" not in page and "_communes" not in page
    gdht = text_of(client.get("/chi-tieu/chi-so/gdht/"))
    assert "2025 Chương trình quốc gia 70%" in gdht and "2025 Kế hoạch của tỉnh 75%" in gdht
    leaders = text_of(client.get("/chi-tieu/chi-so/leaders_it/"))
    assert "2030 Kế hoạch của tỉnh 100%" in leaders and "2025 Kế hoạch của tỉnh —" in leaders
    assert client.get("/chi-tieu/chi-so/khong-co/").status_code == 404


@pytest.mark.parametrize(("persona", "status"), [("vera", 200), ("van", 404), ("dan", 404)])
def test_indicator_pages_are_for_the_dashboards_readers(world, as_user, persona, status):
    assert as_user(persona).get("/chi-tieu/chi-so/").status_code == status


def test_every_indicator_name_on_the_dashboard_links_to_its_definition(world, as_user):
    _rows, _values, page = provisional(as_user, world.commune_a)
    body = page.content.decode()
    assert page.context["rows"]
    for row in page.context["rows"]:
        assert f'href="/chi-tieu/chi-so/{row.code}/"' in body
    province = as_user("alice").get("/chi-tieu/").content.decode()
    assert 'href="/chi-tieu/chi-so/gdht/"' in province


def test_the_docs_file_is_in_sync_with_the_definitions():
    assert OUT.read_text("utf-8") == markdown(), "chạy: python manage.py indicator_docs"
    call_command("indicator_docs", "--check")
    text = markdown()
    for definition in DEFINITIONS.values():
        assert f"## {definition.name}" in text


def test_the_docs_check_fails_when_the_file_differs(tmp_path, monkeypatch):
    from stats.management.commands import indicator_docs

    stale = tmp_path / "indicators.md"
    stale.write_text("# cũ\n", "utf-8")
    monkeypatch.setattr(indicator_docs, "OUT", stale)
    with pytest.raises(CommandError):
        call_command("indicator_docs", "--check")
    call_command("indicator_docs")
    assert stale.read_text("utf-8") == markdown()


def test_the_api_answers_the_definitions(world):
    response = call(world, "binh", "get", "/indicator-definitions")
    assert response.status_code == 200
    body = {d["code"]: d for d in response.json()}
    assert list(body) == list(DEFINITIONS)
    self_updated = body["cdht_self"]
    assert self_updated["numerator"]["figure"] == "cdht_digital_self_updated"
    assert self_updated["denominator"]["figure"] == "cdht_digital"
    assert self_updated["status"] == "official"
    staff = body["staff_cdht"]
    assert "nơi làm việc" in staff["population"]
    assert body["workers_cdht"]["status"] == "proposal" and body["workers_cdht"]["reason"]
    assert body["dvht"]["basis"][0]["document"].startswith("Kế hoạch 127/KH-UBND")
    assert call(world, "dan", "get", "/indicator-definitions").status_code == 403
