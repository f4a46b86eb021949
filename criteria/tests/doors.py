from core.tests.doorlib import ADMIN, EVERYONE, Door

# Criteria sets are the province's published rules: every role that assesses reads them.
READERS = EVERYONE - {"dan", "oscar"}


def draft(s):
    return {"pk": s.shared.draft_set.pk}


def group(s):
    return {**draft(s), "group_pk": s.shared.group.pk}


DOORS = [
    Door("criteria:list", allow=READERS),
    Door("criteria:import", allow=ADMIN),
    Door("criteria:detail", allow=READERS, kwargs=draft, outside=READERS),
    Door("criteria:export", allow=READERS, kwargs=draft, outside=READERS),
    Door("criteria:new_version", allow=ADMIN, kwargs=draft, outside=ADMIN),
    Door("criteria:publish", allow=ADMIN, kwargs=draft, outside=ADMIN),
    Door("criteria:edit", allow=ADMIN, kwargs=draft, outside=ADMIN),
    # the province adopts a proposal of any version (here: the validity of a published set)
    Door(
        "criteria:adopt",
        allow=ADMIN,
        kwargs=lambda s: {"pk": s.shared.criteria_set.pk, "item": "set.validity_years"},
        outside=ADMIN,
    ),
    Door("criteria:group_add", allow=ADMIN, kwargs=draft, outside=ADMIN),
    Door("criteria:group_edit", allow=ADMIN, kwargs=group, outside=ADMIN),
    Door("criteria:criterion_add", allow=ADMIN, kwargs=group, outside=ADMIN),
    Door(
        "criteria:criterion_edit",
        allow=ADMIN,
        kwargs=lambda s: {**group(s), "criterion_pk": s.shared.criterion.pk},
        outside=ADMIN,
    ),
]
