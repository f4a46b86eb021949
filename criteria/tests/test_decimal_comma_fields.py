"""Every decimal a person types in the criteria editor or the targets page accepts the
Vietnamese decimal comma ("72,5") as well as a point, and refuses junk in Vietnamese."""

from decimal import Decimal

from criteria.models import CriteriaSet, SetStatus
from stats.models import Target, TargetSource


def _draft(client, family):
    shipped = CriteriaSet.objects.get(family=family, status=SetStatus.PUBLISHED)
    client.post(f"/tieu-chi/{shipped.pk}/phien-ban-moi/")
    return CriteriaSet.objects.get(family=family, status=SetStatus.DRAFT)


def test_a_group_minimum_with_a_decimal_comma_is_kept_exact(world, as_user):
    alice = as_user("alice")
    draft = _draft(alice, "dvht-xa-2021")
    group = draft.groups.get(code="1")  # three items of 10 points
    alice.post(
        f"/tieu-chi/{draft.pk}/nhom/{group.pk}/",
        {
            "code": "1",
            "name": group.name,
            "min_points": "17,5",
            "min_points_source_0": "proposal",
            "min_points_source_4": "Đề xuất",
        },
    )
    group.refresh_from_db()
    assert group.min_points == Decimal("17.5")


def test_the_set_pass_mark_takes_a_decimal_comma(world, as_user):
    alice = as_user("alice")
    draft = _draft(alice, "gdht-2021")
    alice.post(
        f"/tieu-chi/{draft.pk}/sua/",
        {
            "name": draft.name,
            "year_from": draft.year_from,
            "year_to": draft.year_to or "",
            "validity_years": draft.validity_years,
            "mode": draft.mode,
            "pass_mark": "72,5",
            "total_points": "100",
            "population_group": draft.population_group,
            "org_level": draft.org_level,
        },
    )
    draft.refresh_from_db()
    assert draft.pass_mark == Decimal("72.5")


def test_a_target_with_a_decimal_comma_is_recorded_and_junk_is_refused(world, as_user):
    alice = as_user("alice")
    form = {
        "indicator": "gdht",
        "place": world.commune_a.pk,
        "year": 2030,
        "source": TargetSource.COMMUNE,
    }
    alice.post("/chi-tieu/muc-tieu/", {**form, "value": "72,5"})
    target = Target.objects.filter(place=world.commune_a, indicator="gdht", year=2030).last()
    assert target is not None and target.value == Decimal("72.5")
    page = alice.post("/chi-tieu/muc-tieu/", {**form, "value": "bảy mươi"}).content.decode()
    assert "Nhập một số." in page
    assert Target.objects.filter(place=world.commune_a, indicator="gdht", year=2030).count() == 1
