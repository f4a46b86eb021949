"""Registry doors: readers by record (see test_pages_scope.py for the lists themselves)."""

from core.tests.doorlib import COMMUNE_EDITORS, OFFICERS, Door

READERS = OFFICERS | {"binh", "olga", "hoa"}  # lists open to every registry role
PEOPLE_EDITORS = frozenset({"alice", "cuong", "van"})
CITIZEN_READERS = PEOPLE_EDITORS | {"vera", "hoa"}  # an: head of h_a1, a member of clan_a
CLAN_READERS = OFFICERS | {"hoa"}
ORG_READERS = frozenset({"alice", "vera", "cuong", "olga"})
IMPORTERS = COMMUNE_EDITORS | {"binh"}


def IMPORT_KINDS(s):  # noqa: N802
    return {"kind": "citizens"}


def pk(attr):
    return lambda s: {"pk": getattr(s, attr).pk}


DOORS = [
    Door("registry:citizen_list", allow=READERS),
    Door("registry:citizen_export", allow=READERS),
    Door("registry:citizen_create", allow=PEOPLE_EDITORS | {"binh"}),
    Door("registry:citizen_detail", allow=CITIZEN_READERS, kwargs=pk("citizen")),
    Door("registry:citizen_edit", allow=PEOPLE_EDITORS, kwargs=pk("citizen")),
    Door(
        "registry:citizen_status",
        allow=PEOPLE_EDITORS,
        kwargs=lambda s: {"pk": s.citizen.pk, "status": "moved"},
    ),
    Door("registry:citizen_merge", allow=PEOPLE_EDITORS, kwargs=pk("citizen")),
    Door("registry:citizen_history", allow=CITIZEN_READERS, kwargs=pk("citizen")),
    Door("registry:member_move", allow=PEOPLE_EDITORS, kwargs=pk("member")),
    Door("registry:household_list", allow=READERS),
    Door("registry:household_export", allow=READERS),
    Door("registry:household_create", allow=PEOPLE_EDITORS | {"binh"}),
    Door("registry:household_detail", allow=CITIZEN_READERS, kwargs=pk("household")),
    Door("registry:household_edit", allow=PEOPLE_EDITORS, kwargs=pk("household")),
    Door("registry:member_add", allow=PEOPLE_EDITORS, kwargs=pk("household")),
    Door(
        "registry:head_change",
        allow=PEOPLE_EDITORS,
        kwargs=lambda s: {"pk": s.household.pk, "citizen_pk": s.member.pk},
    ),
    Door("registry:clan_list", allow=READERS),
    Door("registry:clan_export", allow=READERS),
    Door("registry:clan_create", allow=COMMUNE_EDITORS | {"binh"}),
    Door("registry:clan_detail", allow=CLAN_READERS, kwargs=pk("clan")),
    Door("registry:clan_edit", allow=COMMUNE_EDITORS | {"hoa"}, kwargs=pk("clan")),
    Door("registry:clan_household_add", allow=COMMUNE_EDITORS | {"hoa"}, kwargs=pk("clan")),
    Door(
        "registry:clan_household_remove",
        allow=COMMUNE_EDITORS | {"hoa"},
        kwargs=lambda s: {"pk": s.clan.pk, "household_pk": s.household.pk},
    ),
    Door("registry:organisation_list", allow=READERS),
    Door("registry:organisation_export", allow=READERS),
    Door("registry:organisation_create", allow=COMMUNE_EDITORS | {"binh"}),
    Door("registry:organisation_detail", allow=ORG_READERS, kwargs=pk("organisation")),
    Door("registry:organisation_edit", allow=COMMUNE_EDITORS | {"olga"}, kwargs=pk("organisation")),
    Door("registry:staff_add", allow=COMMUNE_EDITORS | {"olga"}, kwargs=pk("organisation")),
    Door(
        "registry:staff_remove",
        allow=COMMUNE_EDITORS | {"olga"},
        kwargs=lambda s: {"pk": s.organisation.pk, "citizen_pk": s.member.pk},
    ),
    Door("registry:import_upload", allow=IMPORTERS, kwargs=IMPORT_KINDS, outside=IMPORTERS),
    Door("registry:import_template", allow=IMPORTERS, kwargs=IMPORT_KINDS, outside=IMPORTERS),
    Door("registry:import_job", allow=COMMUNE_EDITORS, kwargs=pk("import_job")),
    Door("registry:import_confirm", allow=COMMUNE_EDITORS, kwargs=pk("import_job")),
    Door("registry:import_errors_file", allow=COMMUNE_EDITORS, kwargs=pk("import_job")),
]
