from core.tests.doorlib import ADMIN, COMMUNE_EDITORS, EVERYONE, OFFICERS, Door
from places.models import PlaceSuccession


def _split_predecessor(_side: object) -> dict[str, int]:
    found = PlaceSuccession.objects.filter(is_split=True).values_list("predecessor_id", flat=True)
    return {"pk": found.order_by("predecessor_id").first() or 0}


DOORS = [
    Door("places:home", allow=OFFICERS | {"binh"}),
    Door("places:detail", allow=OFFICERS - {"van"}, kwargs=lambda s: {"pk": s.commune.pk}),
    Door("places:village_create", allow=COMMUNE_EDITORS, kwargs=lambda s: {"pk": s.commune.pk}),
    Door("places:village_merge", allow=COMMUNE_EDITORS, kwargs=lambda s: {"pk": s.commune.pk}),
    Door("places:village_edit", allow=COMMUNE_EDITORS, kwargs=lambda s: {"pk": s.village.pk}),
    Door("places:village_close", allow=COMMUNE_EDITORS, kwargs=lambda s: {"pk": s.village.pk}),
    Door("places:village_import", allow=COMMUNE_EDITORS | {"binh"}),
    Door("places:village_template", allow=EVERYONE - {"oscar"}),  # a blank form, any role
    Door("places:split_list", allow=ADMIN),
    Door("places:split_edit", allow=ADMIN, kwargs=_split_predecessor),
]
