"""A calendar per title and unit level (issue 17): each title's own dates in a commune's
data year, closed title by title; the titles that count others wait for them and follow
their decisions."""

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from assessments import calendars, services
from assessments.models import Assessment, CycleYear, State, TitleCalendar
from assessments.tests.helpers import YEAR, good_answers, open_years, recognise, revoke
from assessments.tests.test_cycle_pages import answers_post
from assessments.tests.test_evidence import PNG
from audit.models import AuditEvent
from registry.models import Citizen


def on(day):
    """Today is `day` for the deadlines and the decision form (`timezone.localdate`)."""
    return mock.patch("django.utils.timezone.localdate", return_value=day)


def calendar_of(commune, year, title, level=""):
    return TitleCalendar.objects.get(
        cycle__commune=commune, cycle__year=year, title=title, org_level=level
    )


def post_step(client, assessment, name):
    assessment.refresh_from_db()
    return client.post(
        f"/binh-xet/{assessment.pk}/buoc/{name}/", {"version": assessment.version}, follow=True
    )


def bring_up_2025(world):
    """Every title the learning commune counts, recognised for 2025 in November 2025."""
    alice = world.users["alice"]
    Citizen.objects.filter(pk__in=[world.citizens["an"].pk, world.citizens["dung"].pk]).update(
        occupation="farmer", workplace=None
    )
    Citizen.objects.filter(pk=world.citizens["lan"].pk).update(occupation="worker")
    signed = dt.date(2025, 11, 20)

    def recognised(title, subject):
        assessment = services.register(actor=alice, title=title, year=2025, subject=subject)
        return recognise(world, assessment, signed_on=signed)

    for key in ("an", "lan", "dung", "em"):
        recognised("CDHT", world.citizens[key])
    for key in ("a1", "a2", "b1"):
        recognised("GDHT", world.households[key])
    recognised("DHHT", world.clan_a)
    for village in (world.village_a1, world.village_a2):
        recognised("CDHT_THON", village)
    recognised("DVHT", world.org_a)


def test_a_learning_commune_of_2025_is_decided_in_february_2026_after_families_close(
    world, as_user
):
    for commune in (world.commune_a, world.commune_b):
        call_command("open_year", "2025", "--commune", commune.code, stdout=mock.Mock())
    xa = calendar_of(world.commune_a, 2025, "XA_HT")
    assert (xa.assessment_until, xa.decision_until) == (dt.date(2026, 2, 28), dt.date(2026, 3, 31))
    assert calendar_of(world.commune_a, 2025, "GDHT").decision_until == dt.date(2025, 11, 30)
    with on(dt.date(2025, 11, 25)):
        bring_up_2025(world)
    cuong, alice = as_user("cuong"), as_user("alice")
    with on(dt.date(2026, 2, 16)):
        families = calendar_of(world.commune_a, 2025, "GDHT")
        response = cuong.post(f"/binh-xet/lich/{families.pk}/khoa-so/", follow=True)
        assert "Đã khóa sổ danh hiệu “Gia đình học tập” năm 2025" in response.content.decode()
        # the families' year is over: a late one is refused; the commune's own title is not
        late = cuong.post(
            "/binh-xet/dang-ky/",
            {"title": "GDHT", "year": 2025, "subject": world.households["a1"].pk},
            follow=True,
        )
        assert "Gia đình học tập” năm 2025 của" in late.content.decode()
        response = cuong.post(
            "/binh-xet/dang-ky/",
            {"title": "XA_HT", "year": 2025, "subject": world.commune_a.pk},
        )
        assert response.status_code == 302
        assessment = Assessment.objects.get(
            title="XA_HT", year=2025, commune_subject=world.commune_a
        )
        cuong.post(f"/binh-xet/{assessment.pk}/", {**answers_post(assessment), "and_submit": "1"})
        assessment.refresh_from_db()
        assert assessment.state == State.SUBMITTED, assessment.result.get("failing")
        assert assessment.passed is True
        post_step(alice, assessment, "verify")
        post_step(alice, assessment, "propose")
        assessment.refresh_from_db()
        assert assessment.state == State.PROPOSED
        decision = services.decide(
            actor=world.users["alice"],
            assessments=[assessment],
            number="5/QĐ-UBND",
            signed_on=dt.date(2026, 2, 20),
            signer_name="Nguyễn Văn Ký",
            signer_title="Chủ tịch",
        )
    assessment.refresh_from_db()
    assert assessment.state == State.RECOGNISED and assessment.level == 1
    assert (decision.year, decision.signed_on) == (2025, dt.date(2026, 2, 20))
    assert not CycleYear.objects.get(commune=world.commune_a, year=2025).is_closed


def test_self_assessment_deadlines_are_each_titles_own(world, as_user):
    services.open_year(actor=world.users["alice"], commune=world.commune_a, year=2025)
    cuong = as_user("cuong")
    household = services.register(
        actor=world.users["alice"], title="GDHT", year=2025, subject=world.households["a1"]
    )
    with on(dt.date(2026, 1, 10)):
        # the commune's page offers the year just ended, still open for its own title
        page = cuong.get(f"/dia-ban/{world.commune_a.pk}/").content.decode()
        assert 'value="XA_HT"' in page and 'name="year" value="2025"' in page
        response = cuong.post(
            f"/binh-xet/{household.pk}/",
            {**answers_post(household), "and_submit": "1"},
            follow=True,
        )
        assert "Đã quá hạn tự đánh giá (31/10/2025) của năm 2025." in response.content.decode()
        response = cuong.post(
            "/binh-xet/dang-ky/", {"title": "XA_HT", "year": 2025, "subject": world.commune_a.pk}
        )
        assert response.status_code == 302
    household.refresh_from_db()
    assert household.state == State.REGISTERED
    assert Assessment.objects.filter(title="XA_HT", year=2025).exists()


def test_a_clan_share_follows_its_households_decisions_and_revocations(world):
    open_years(world)
    alice = world.users["alice"]
    clan = services.register(actor=alice, title="DHHT", year=YEAR, subject=world.clan_a)
    share = clan.criteria_set.groups.get(code="1").criteria.get(code="1")
    assert share.rule == "member_households_title_share"

    def clan_share():
        clan.refresh_from_db()
        return clan.derived["1"]["value"]

    assert clan_share() == "0.00"
    # a member household in commune A, then one in commune B: each decision recounts the clan
    a1 = recognise(
        world,
        services.register(actor=alice, title="GDHT", year=YEAR, subject=world.households["a1"]),
    )
    assert clan_share() == "50.00"
    recognise(
        world,
        services.register(actor=alice, title="GDHT", year=YEAR, subject=world.households["b1"]),
    )
    assert clan_share() == "100.00"
    revoke(alice, a1, "Khai không đúng")
    assert clan_share() == "50.00"
    assert clan.derived["1"]["records"] == [
        ["Hộ KC-001 — Trần Thị Em", True],
        ["Hộ PH-001 — Nguyễn Văn An", False],
    ]


def test_a_decision_recounts_the_village_and_the_commune_not_a_decided_clan(world):
    open_years(world)
    alice = world.users["alice"]
    village = services.register(actor=alice, title="CDHT_THON", year=YEAR, subject=world.village_a1)
    commune = services.register(actor=alice, title="XA_HT", year=YEAR, subject=world.commune_a)
    other_village = services.register(
        actor=alice, title="CDHT_THON", year=YEAR, subject=world.village_a2
    )
    before = {a.pk: a.derived for a in (village, commune, other_village)}
    recognise(
        world,
        services.register(actor=alice, title="GDHT", year=YEAR, subject=world.households["a1"]),
    )
    after = {
        a.pk: Assessment.objects.get(pk=a.pk).derived for a in (village, commune, other_village)
    }
    assert after[village.pk]["1"]["value"] == "100.00" != before[village.pk]["1"]["value"]
    assert after[commune.pk] != before[commune.pk]
    assert after[other_village.pk] == before[other_village.pk]  # a2 is not in village A1


def test_a_clan_is_reviewed_once_the_families_it_counts_are_settled(world, as_user):
    open_years(world)
    alice, cuong = world.users["alice"], as_user("cuong")
    pending = services.register(
        actor=alice, title="GDHT", year=YEAR, subject=world.households["a2"]
    )
    clan = services.register(actor=alice, title="DHHT", year=YEAR, subject=world.clan_a)
    clan = services.save_answers(actor=alice, assessment=clan, answers=good_answers(clan))
    clan = services.submit(actor=alice, assessment=clan)
    refusal = (
        "Chưa bình xét được “Dòng họ học tập”: danh hiệu “Gia đình học tập” năm 2026 của "
        "Phường Phố Hiến còn 1 hồ sơ chưa có quyết định. Hãy ra quyết định cho các hồ sơ đó "
        "hoặc khóa sổ danh hiệu “Gia đình học tập” trước."
    )
    response = post_step(cuong, clan, "verify")
    assert refusal in response.content.decode()
    bulk = cuong.post(
        "/binh-xet/hang-loat/",
        {"nam": YEAR, "danh_hieu": "DHHT", "step": "verify", "confirm": "1"},
        follow=True,
    )
    assert f"chưa thay đổi hồ sơ nào: {refusal}" in bulk.content.decode()
    clan.refresh_from_db()
    assert clan.state == State.SUBMITTED
    # the province admin passes deadlines, not this
    response = post_step(as_user("alice"), clan, "verify")
    assert refusal in response.content.decode()
    families = calendar_of(world.commune_a, YEAR, "GDHT")
    cuong.post(f"/binh-xet/lich/{families.pk}/khoa-so/")
    response = post_step(cuong, clan, "verify")
    assert "Đã xác nhận." in response.content.decode()
    clan.refresh_from_db()
    assert clan.state == State.VERIFIED
    pending.refresh_from_db()
    assert pending.state == State.REGISTERED  # left undecided, read-only now


def test_a_unit_of_the_commune_does_not_wait_for_anyone(world):
    open_years(world)
    alice = world.users["alice"]
    services.register(actor=alice, title="GDHT", year=YEAR, subject=world.households["a1"])
    unit = services.register(actor=alice, title="DVHT", year=YEAR, subject=world.org_a)
    unit = services.save_answers(actor=alice, assessment=unit, answers=good_answers(unit))
    unit = services.submit(actor=alice, assessment=unit)
    assert services.verify(actor=alice, assessment=unit).state == State.VERIFIED


def test_the_province_edits_a_communes_family_decision_date(world, as_user):
    services.open_year(actor=world.users["alice"], commune=world.commune_a, year=YEAR)
    services.open_year(actor=world.users["alice"], commune=world.commune_b, year=YEAR)
    cycle = CycleYear.objects.get(commune=world.commune_a, year=YEAR)
    families = calendar_of(world.commune_a, YEAR, "GDHT")
    field = f"{families.pk}-decision_until"
    cuong, alice = as_user("cuong"), as_user("alice")
    page = cuong.get(f"/binh-xet/nam/{cycle.pk}/lich/").content.decode()
    assert "Sửa lịch" not in page and "30/11/2026" in page
    assert "Chính thức: Thông tư 25/2023/TT-BGDĐT" in page  # the commune's own title
    assert "Chính thức: Thông tư 24/2023/TT-BGDĐT" in page  # units of province level
    assert cuong.get(f"/binh-xet/nam/{cycle.pk}/lich/sua/").status_code == 404
    assert (
        cuong.post(f"/binh-xet/nam/{cycle.pk}/lich/sua/", {field: "05/12/2026"}).status_code == 404
    )
    form = alice.get(f"/binh-xet/nam/{cycle.pk}/lich/sua/").context["form"]
    data = {name: form[name].value().strftime("%d/%m/%Y") for name in form.fields if "-" in name}
    data[field] = "05/12/2026"
    response = alice.post(f"/binh-xet/nam/{cycle.pk}/lich/sua/", data)
    assert response.status_code == 302
    families.refresh_from_db()
    assert families.decision_until == dt.date(2026, 12, 5)
    assert calendar_of(world.commune_b, YEAR, "GDHT").decision_until == dt.date(2026, 11, 30)
    event = AuditEvent.objects.get(action="cycle.calendar")
    assert event.changes == {"decision_until": ["2026-11-30", "2026-12-05"]}
    assert event.actor == world.users["alice"]
    page = cuong.get(f"/binh-xet/nam/{cycle.pk}/lich/").content.decode()
    assert "05/12/2026" in page and "Cấp tỉnh đã sửa" in page
    # out of order: refused, nothing saved; then for every commune at once
    data[field] = "01/11/2026"
    response = alice.post(f"/binh-xet/nam/{cycle.pk}/lich/sua/", data)
    assert "Các hạn phải theo thứ tự" in response.content.decode()
    data[field] = "08/12/2026"
    alice.post(f"/binh-xet/nam/{cycle.pk}/lich/sua/", {**data, "everywhere": "on"})
    assert calendar_of(world.commune_b, YEAR, "GDHT").decision_until == dt.date(2026, 12, 8)
    assert calendar_of(world.commune_b, YEAR, "DHHT").decision_until == dt.date(2026, 12, 10)


def test_closing_the_families_leaves_the_clans_open(world, as_user):
    open_years(world)
    alice = world.users["alice"]
    household = services.register(
        actor=alice, title="GDHT", year=YEAR, subject=world.households["a1"]
    )
    clan = services.register(actor=alice, title="DHHT", year=YEAR, subject=world.clan_a)
    cuong, hoa = as_user("cuong"), as_user("hoa")
    cycle = CycleYear.objects.get(commune=world.commune_a, year=YEAR)
    families = calendar_of(world.commune_a, YEAR, "GDHT")
    assert hoa.post(f"/binh-xet/lich/{families.pk}/khoa-so/").status_code == 404
    cuong.post(f"/binh-xet/lich/{families.pk}/khoa-so/")
    response = cuong.post(
        f"/binh-xet/{household.pk}/", {**answers_post(household), "and_submit": "1"}, follow=True
    )
    assert "“Gia đình học tập” năm 2026 của Phường Phố Hiến đã khóa sổ" in response.content.decode()
    photo = SimpleUploadedFile("anh.png", PNG, content_type="image/png")
    code = household.criteria_set.groups.first().criteria.first().code
    response = cuong.post(
        f"/binh-xet/{household.pk}/minh-chung/", {"criterion": code, "file": photo}, follow=True
    )
    assert "đã khóa sổ" in response.content.decode()
    assert not household.evidence.exists()
    response = hoa.post(f"/binh-xet/{clan.pk}/", {**answers_post(clan), "and_submit": "1"})
    assert response.status_code == 302
    clan.refresh_from_db()
    household.refresh_from_db()
    assert (household.state, clan.state) == (State.REGISTERED, State.SUBMITTED)
    assert not calendar_of(world.commune_a, YEAR, "DHHT").is_closed
    assert "Đã khóa sổ 1/7 danh hiệu" in cuong.get("/binh-xet/nam/").content.decode()
    assert (
        AuditEvent.objects.filter(action="cycle.close_title", actor=world.users["cuong"]).count()
        == 1
    )
    # only the province reopens, with a reason
    reopen = f"/binh-xet/lich/{families.pk}/mo-lai/"
    assert cuong.post(reopen, {"reason": "Sót hồ sơ"}).status_code == 404
    response = as_user("alice").post(reopen, {"reason": ""}, follow=True)
    assert "Hãy ghi lý do mở lại." in response.content.decode()
    as_user("alice").post(reopen, {"reason": "Sót hồ sơ"})
    assert not calendar_of(world.commune_a, YEAR, "GDHT").is_closed
    assert AuditEvent.objects.filter(action="cycle.reopen_title", note="Sót hồ sơ").exists()
    cycle.refresh_from_db()
    assert not cycle.is_closed


def test_the_year_closes_with_its_last_title_and_reopens_whole(world):
    open_years(world)
    cuong, alice = world.users["cuong"], world.users["alice"]
    for title, level in calendars.KEYS:
        cycle = CycleYear.objects.get(commune=world.commune_a, year=YEAR)
        assert not cycle.is_closed
        services.close_title(
            actor=cuong, commune=world.commune_a, year=YEAR, title=title, org_level=level
        )
    cycle.refresh_from_db()
    assert cycle.is_closed and cycle.closed_by == cuong
    services.reopen_year(actor=alice, commune=world.commune_a, year=YEAR, reason="Rà soát")
    assert not TitleCalendar.objects.filter(cycle=cycle, closed_at__isnull=False).exists()
    services.close_year(actor=cuong, commune=world.commune_a, year=YEAR)
    assert TitleCalendar.objects.filter(cycle=cycle, closed_at__isnull=True).count() == 0


def test_open_year_keeps_the_provinces_dates_and_adds_what_is_missing(world):
    alice, cuong = world.users["alice"], world.users["cuong"]
    cycle = services.open_year(actor=cuong, commune=world.commune_a, year=2027)
    rows = {row.key: row for row in cycle.calendars.all()}
    assert set(rows) == set(calendars.KEYS)
    for key, row in rows.items():
        assert row.dates() == calendars.defaults(key, 2027)
    assert rows[("DVHT", "province")].proposal_until == dt.date(2028, 1, 15)
    services.set_calendar(
        actor=alice, calendar=rows[("GDHT", "")], dates={"decision_until": dt.date(2027, 12, 1)}
    )
    rows[("XA_HT", "")].delete()
    services.open_year(actor=cuong, commune=world.commune_a, year=2027)
    assert calendar_of(world.commune_a, 2027, "GDHT").decision_until == dt.date(2027, 12, 1)
    assert calendar_of(world.commune_a, 2027, "XA_HT").decision_until == dt.date(2028, 3, 31)
    # the commune opens a year; only the province sets its dates
    with pytest.raises(PermissionDenied, match="Chỉ cấp tỉnh"):
        services.open_year(
            actor=cuong,
            commune=world.commune_a,
            year=2027,
            calendars={("GDHT", ""): {"decision_until": dt.date(2027, 12, 2)}},
        )


def test_the_province_opens_a_year_from_the_page_with_each_titles_defaults(world, as_user):
    response = as_user("alice").post(
        "/binh-xet/nam/", {"year": 2027, "communes": [world.commune_a.pk]}, follow=True
    )
    assert "mỗi danh hiệu theo lịch riêng" in response.content.decode()
    cycle = CycleYear.objects.get(commune=world.commune_a, year=2027)
    assert {row.key: row.dates() for row in cycle.calendars.all()} == {
        key: calendars.defaults(key, 2027) for key in calendars.KEYS
    }
    assert AuditEvent.objects.filter(action="cycle.open", actor=world.users["alice"]).count() == 1
    page = as_user("cuong").get(f"/binh-xet/nam/{cycle.pk}/lich/").content.decode()
    assert "Đề xuất: " in page and "Đơn vị học tập (cấp tỉnh)" in page


def test_every_default_date_has_its_source(world):
    for key in calendars.KEYS:
        dates = calendars.defaults(key, 2025)
        calendars.check(2025, dates, key)
        for source in calendars.sources(key, 2025, dates).values():
            assert source.startswith(("Chính thức: ", "Đề xuất: ")) and len(source) > 20
    out = mock.Mock()
    call_command("open_year", "2025", "--dry-run", stdout=out)
    printed = "".join(call.args[0] for call in out.write.call_args_list)
    assert "Hạn ra quyết định: 31/03/2026 — Chính thức: Thông tư 25/2023/TT-BGDĐT" in printed
    assert not CycleYear.objects.exists()
