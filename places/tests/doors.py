from core.tests.doorlib import COMMUNE_EDITORS, EVERYONE, OFFICERS, Door

DOORS = [
    Door("places:home", allow=OFFICERS | {"binh"}),
    Door("places:detail", allow=OFFICERS - {"van"}, kwargs=lambda s: {"pk": s.commune.pk}),
    Door("places:village_create", allow=COMMUNE_EDITORS, kwargs=lambda s: {"pk": s.commune.pk}),
    Door("places:village_merge", allow=COMMUNE_EDITORS, kwargs=lambda s: {"pk": s.commune.pk}),
    Door("places:village_edit", allow=COMMUNE_EDITORS, kwargs=lambda s: {"pk": s.village.pk}),
    Door("places:village_close", allow=COMMUNE_EDITORS, kwargs=lambda s: {"pk": s.village.pk}),
    Door("places:village_import", allow=COMMUNE_EDITORS | {"binh"}),
    Door("places:village_template", allow=EVERYONE - {"oscar"}),  # a blank form, any role
]
