"""Issue 18: provisional figures follow each write in its own transaction — no button."""

from django.utils import timezone

from assessments import services
from assessments.models import State
from assessments.tests.helpers import YEAR, open_years, recognise, revoke
from registry import services as registry
from registry.models import Household
from stats.models import LiveFigures


def live(commune, year=YEAR):
    return LiveFigures.objects.filter(commune=commune, year=year).first()


def test_a_decision_and_a_revocation_change_the_provisional_figures(
    world, django_capture_on_commit_callbacks
):
    open_years(world)
    alice = world.users["alice"]
    household = world.households["a2"]
    with django_capture_on_commit_callbacks(execute=True):  # queued after the commit
        assessment = services.register(actor=alice, title="GDHT", year=YEAR, subject=household)
    registered = live(world.commune_a)  # registering is counted already
    assert registered is not None
    assert (registered.households_registered, registered.households_recognised) == (1, 0)
    assessment = recognise(world, assessment)
    assert assessment.state == State.RECOGNISED
    assert live(world.commune_a).households_recognised == 1  # no refresh call
    revoke(alice, assessment)
    assert live(world.commune_a).households_recognised == 0
    assert live(world.commune_b) is None  # other communes are left alone


def test_a_new_household_through_the_service_changes_the_provisional_figures(
    world, django_capture_on_commit_callbacks
):
    year = timezone.localdate().year
    assert live(world.commune_a, year) is None  # the fixture wrote past the services
    total = Household.objects.filter(commune=world.commune_a, dissolved_on__isnull=True).count()
    with django_capture_on_commit_callbacks() as queued:
        registry.create_household(
            actor=world.users["alice"], data={"village": world.village_a2, "code": "PH-NEW-1"}
        )
    assert live(world.commune_a, year) is None  # the write did not wait for the recount
    for callback in queued:
        callback()
    assert live(world.commune_a, year).households_total == total + 1


def test_a_new_association_cadre_through_the_page_changes_the_provisional_figures(
    world, django_capture_on_commit_callbacks
):
    """The movement's records feed the report too (cadres, members, the learning centre):
    a cadre added on the movement's page is counted once the write commits."""
    year = timezone.localdate().year
    cuong = world.client("cuong")
    with django_capture_on_commit_callbacks(execute=True):
        response = cuong.post(
            f"/phong-trao/hoi-vien/them/?xa={world.commune_a.pk}",
            {
                "xa": world.commune_a.pk,
                "full_name": "Trần Thị Cán Bộ",
                "birth_year": "1980",
                "position": "member",
                "is_cadre": "on",
                "joined_year": str(year - 2),
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    figures = live(world.commune_a, year)
    assert figures is not None
    assert (figures.cadres_total, figures.members_total) == (1, 1)
    assert live(world.commune_b, year) is None  # the other commune is left alone


def test_a_new_workplace_in_another_commune_recounts_that_commune(
    world, django_capture_on_commit_callbacks
):
    """Staff are counted where they work: a person of commune B who starts working at a
    unit of commune A changes A's figures, so A is recounted too."""
    year = timezone.localdate().year
    person = next(c for c in world.citizens.values() if c.commune_id == world.commune_b.pk)
    assert live(world.commune_a, year) is None
    with django_capture_on_commit_callbacks(execute=True):
        registry.update_citizen(
            actor=world.users["alice"], citizen=person, data={"workplace": world.org_a}
        )
    assert live(world.commune_a, year) is not None
    assert live(world.commune_b, year) is not None
