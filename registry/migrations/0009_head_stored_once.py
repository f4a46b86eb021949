"""Issue 16: who heads a household is stored once, as `Household.head`.

Before, the head was also the member whose relation was "head", kept equal by the
services, and the two could drift (an import, an edit). This repairs the rows so that
`Household.head` alone says it, and the next migration forbids relation "head":

1. a household with no head and exactly one resident member marked "head": that member
   becomes its head;
2. anyone else marked "head" who is not their household's head: relation "other"
   (blank for a person of no household);
3. the heads' own relation: blank.

Counts are printed. Backwards, each head is marked "head" again (as the old code reads it).
"""

from django.db import migrations
from django.db.models import Count, Exists, Min, OuterRef

from core.text import fold


def _heads_own(Household):
    return Household.objects.filter(pk=OuterRef("household_id"), head_id=OuterRef("pk"))


def store_head_once(apps, schema_editor):
    Citizen = apps.get_model("registry", "Citizen")
    Household = apps.get_model("registry", "Household")
    single = (
        Citizen.objects.filter(
            relation="head",
            status="active",
            household__isnull=False,
            household__head__isnull=True,
        )
        .values("household_id")
        .annotate(marked=Count("id"), member=Min("id"))
        .filter(marked=1)
        .order_by()
    )
    promoted = 0
    for row in list(single):
        household = Household.objects.get(pk=row["household_id"])
        head = Citizen.objects.get(pk=row["member"])
        household.head_id = head.pk
        household.search_key = fold(f"{household.code} {head.full_name} {household.address}")[:400]
        household.save(update_fields=["head", "search_key"])
        promoted += 1
    heads_own = _heads_own(Household)
    stale = Citizen.objects.filter(relation="head").filter(~Exists(heads_own))
    cleared = stale.filter(household__isnull=True).update(relation="")
    demoted = stale.update(relation="other")
    heads = Citizen.objects.filter(Exists(heads_own)).exclude(relation="")
    odd = heads.exclude(relation="head").count()
    blanked = heads.update(relation="")
    if promoted or cleared or demoted or blanked:
        print(
            f"\n  Chủ hộ chỉ ghi ở hộ: {promoted} hộ chưa có chủ hộ nhận người duy nhất ghi "
            f"“Chủ hộ”; {demoted} người ghi “Chủ hộ” mà không là chủ hộ của hộ mình đổi thành "
            f"“Khác” ({cleared} người không thuộc hộ nào để trống); {blanked} chủ hộ để trống "
            f"quan hệ (trong đó {odd} người đang ghi quan hệ khác)."
        )


def mark_heads_again(apps, schema_editor):
    Citizen = apps.get_model("registry", "Citizen")
    Household = apps.get_model("registry", "Household")
    Citizen.objects.filter(Exists(_heads_own(Household))).update(relation="head")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_importjob_liveness"),
    ]

    operations = [migrations.RunPython(store_head_once, mark_heads_again)]
