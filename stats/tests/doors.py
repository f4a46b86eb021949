"""Statistics doors: the province and commune officers (village officers keep no reports)."""

from core.tests.doorlib import ADMIN, COMMUNE_EDITORS, PROVINCE, Door

READERS = frozenset({"alice", "vera", "cuong", "binh"})
COMMUNE_READERS = frozenset({"alice", "vera", "cuong"})
IMPORTERS = COMMUNE_EDITORS | {"binh"}

DOORS = [
    Door("stats:home", allow=READERS),
    Door("stats:commune", allow=COMMUNE_READERS, kwargs=lambda s: {"pk": s.commune.pk}),
    # The provisional figures' repair tool: the province admin's only (issue 18).
    Door("stats:refresh", allow=ADMIN, kwargs=lambda s: {"pk": s.commune.pk}),
    Door("stats:targets", allow=PROVINCE),
    # Indicator definitions: whoever sees the dashboards (issue 18).
    Door("stats:indicators", allow=READERS),
    Door("stats:indicator", allow=READERS, kwargs=lambda s: {"code": "gdht"}, outside=READERS),
    Door("stats:reports", allow=READERS),
    Door("stats:report_template", allow=IMPORTERS),
    Door("stats:report_import", allow=IMPORTERS),
    # The yearly and five-year reports: the province's, or a commune officer's own commune.
    Door(
        "stats:annual",
        allow=READERS,
        kwargs=lambda s: {"year": s.year, "kind": "xlsx"},
        outside=READERS,
    ),
    Door(
        "stats:ministry",
        allow=READERS,
        kwargs=lambda s: {"year": s.year, "kind": "xlsx"},
        outside=READERS,
    ),
    Door(
        "stats:review",
        allow=READERS,
        kwargs=lambda s: {"first": 2021, "last": s.year, "kind": "xlsx"},
        outside=READERS,
    ),
    Door(
        "stats:report",
        allow=COMMUNE_READERS,
        kwargs=lambda s: {"pk": s.commune.pk, "year": s.year},
    ),
    Door(
        "stats:report_action",
        allow=COMMUNE_EDITORS,
        kwargs=lambda s: {"pk": s.commune.pk, "year": s.year, "action": "submit"},
    ),
]
