"""Issue 16's migrations (registry 0009, 0010), back and forth on a small register with
both kinds of drift between `Household.head` and the relation "head"."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from conftest import COMMUNE_A, make_village
from core.tests.committed import committed, reference_data_back  # noqa: F401
from places.models import Place, PlaceKind

BEFORE = [("registry", "0008_importjob_liveness")]
AFTER = [("registry", "0010_citizen_relation_not_head")]


def migrate(targets):
    """The schema at `targets`, and the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.usefixtures("committed")
def test_the_head_is_stored_once_after_the_migration_and_again_twice_before(capsys):
    commune = Place.objects.current().get(kind=PlaceKind.COMMUNE, code=COMMUNE_A)
    village = make_village(commune, "Di Trú")
    try:
        apps = migrate(BEFORE)
        Citizen = apps.get_model("registry", "Citizen")
        Household = apps.get_model("registry", "Household")

        def household(code, head=None):
            return Household.objects.create(
                commune_id=commune.pk, village_id=village.pk, code=code, head=head
            )

        def person(name, household, relation, status="active"):
            return Citizen.objects.create(
                commune_id=commune.pk,
                village_id=village.pk,
                full_name=name,
                birth_year=1970,
                gender="male",
                household=household,
                relation=relation,
                status=status,
            )

        # consistent: the head is marked "head"
        kept = household("M-1")
        an = person("An", kept, "head")
        Household.objects.filter(pk=kept.pk).update(head=an)
        binh = person("Bình", kept, "spouse")
        # no head on the household, one resident member marked "head": they become it
        headless = household("M-2")
        chi = person("Chi", headless, "head")
        person("Cúc", headless, "child")
        # a head on the household, another member also marked "head": "other"
        doubled = household("M-3")
        dung = person("Dũng", doubled, "head")
        Household.objects.filter(pk=doubled.pk).update(head=dung)
        em = person("Em", doubled, "head")
        # a head whose own relation says something else: blank
        odd = household("M-4")
        giang = person("Giang", odd, "spouse")
        Household.objects.filter(pk=odd.pk).update(head=giang)
        # no head, two marked "head": nobody is chosen, both "other"
        two = household("M-5")
        hai, ha = person("Hải", two, "head"), person("Hà", two, "head")
        # no head, the one marked "head" died: not made head, "other"
        mourning = household("M-6")
        khoa = person("Khoa", mourning, "head", status="deceased")
        # of no household, marked "head": blank
        lone = person("Long", None, "head")

        capsys.readouterr()
        apps = migrate(AFTER)
        report = capsys.readouterr().out
        Citizen = apps.get_model("registry", "Citizen")
        Household = apps.get_model("registry", "Household")
        heads = dict(
            Household.objects.filter(code__startswith="M-").values_list("code", "head__full_name")
        )
        assert heads == {
            "M-1": "An",
            "M-2": "Chi",
            "M-3": "Dũng",
            "M-4": "Giang",
            "M-5": None,
            "M-6": None,
        }
        relations = dict(
            Citizen.objects.filter(village_id=village.pk).values_list("full_name", "relation")
        )
        assert relations == {
            "An": "",
            "Bình": "spouse",
            "Chi": "",
            "Cúc": "child",
            "Dũng": "",
            "Em": "other",
            "Giang": "",
            "Hải": "other",
            "Hà": "other",
            "Khoa": "other",
            "Long": "",
        }
        assert Household.objects.get(pk=headless.pk).search_key == "m-2 chi"
        assert (
            "1 hộ chưa có chủ hộ nhận người duy nhất ghi “Chủ hộ”; 4 người ghi “Chủ hộ” mà "
            "không là chủ hộ của hộ mình đổi thành “Khác” (1 người không thuộc hộ nào để "
            "trống); 4 chủ hộ để trống quan hệ (trong đó 1 người đang ghi quan hệ khác)."
        ) in " ".join(report.split())

        # backwards: each head is marked "head" again, as the code before reads it
        apps = migrate(BEFORE)
        Citizen = apps.get_model("registry", "Citizen")
        marked = Citizen.objects.filter(village_id=village.pk, relation="head")
        assert sorted(marked.values_list("full_name", flat=True)) == ["An", "Chi", "Dũng", "Giang"]

        # and forwards again: the same one fact
        apps = migrate(AFTER)
        Citizen = apps.get_model("registry", "Citizen")
        assert not Citizen.objects.filter(relation="head").exists()
        assert Citizen.objects.get(pk=binh.pk).relation == "spouse"
        assert {an.pk, chi.pk, dung.pk, giang.pk} == set(
            Citizen.objects.filter(village_id=village.pk, relation="")
            .exclude(pk=lone.pk)
            .values_list("pk", flat=True)
        )
        assert {em.pk, hai.pk, ha.pk, khoa.pk} == set(
            Citizen.objects.filter(relation="other").values_list("pk", flat=True)
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
