"""Assessment doors. Lists and bulk pages answer everyone logged in, filtered by
`visible_to` (an outsider sees an empty list); objects answer their readers;
each step, return and revocation answers only who may take it (404 otherwise); a
revocation decision, as a recognition decision, answers who sees its whole list."""

from core.tests.doorlib import ADMIN, COMMUNE_EDITORS, EVERYONE, OFFICERS, Door

READERS = OFFICERS | {"binh"}
# h_a1's assessment: its officers and dan, whose citizen record heads the household.
SUBJECT_READERS = OFFICERS | {"dan"}
FILLERS = COMMUNE_EDITORS | {"van", "dan"}
DECISION_READERS = frozenset({"alice", "vera", "cuong"})


YEAR_READERS = frozenset({"alice", "vera", "cuong"})


def pk(attr):
    return lambda s: {"pk": getattr(s, attr).pk}


def family_calendar(s):
    return {"pk": s.cycle_year.calendars.get(title="GDHT").pk}


DOORS = [
    Door("assessments:list", allow=EVERYONE),
    # Refused up front to whom can never verify (permissions.may_ever): no confirmation page.
    Door(
        "assessments:bulk",
        allow=COMMUNE_EDITORS | {"binh", "van", "olga", "hoa"},
        query="?step=verify",
    ),
    Door(
        "assessments:register",
        # The subject must be visible to the one registering it (h_a1 here).
        allow=OFFICERS | {"hoa"},
        data=lambda s: {"title": "GDHT", "year": s.year, "subject": s.household.pk},
    ),
    Door("assessments:register_many", allow=EVERYONE),
    Door("assessments:years", allow=READERS - {"van"}),
    Door("assessments:year_close", allow=COMMUNE_EDITORS, kwargs=pk("cycle_year")),
    Door("assessments:year_reopen", allow=ADMIN, kwargs=pk("cycle_year"), outside=ADMIN),
    # A commune's calendars: read by the province and the commune's officers, edited (dates,
    # reopening a title) by the province admin; a title is closed by the commune's editors.
    Door("assessments:calendar", allow=YEAR_READERS, kwargs=pk("cycle_year")),
    Door("assessments:calendar_edit", allow=ADMIN, kwargs=pk("cycle_year"), outside=ADMIN),
    Door("assessments:title_close", allow=COMMUNE_EDITORS, kwargs=family_calendar),
    Door("assessments:title_reopen", allow=ADMIN, kwargs=family_calendar, outside=ADMIN),
    Door("assessments:decision_list", allow=EVERYONE),
    # Refused up front to whom can never decide (permissions.may_ever(can_decide)).
    Door("assessments:decision_create", allow=COMMUNE_EDITORS | {"binh"}),
    Door("assessments:decision_detail", allow=DECISION_READERS, kwargs=pk("decision")),
    Door("assessments:revocation_list", allow=EVERYONE),
    # The form lists only titles the user may revoke (nothing: back to the list, with a word).
    Door("assessments:revocation_create", allow=EVERYONE),
    Door("assessments:revocation_detail", allow=DECISION_READERS, kwargs=pk("revocation")),
    Door("assessments:detail", allow=SUBJECT_READERS, kwargs=pk("assessment")),
    Door("assessments:derived", allow=SUBJECT_READERS, kwargs=pk("assessment")),
    Door(
        "assessments:step",
        allow=FILLERS,
        kwargs=lambda s: {"pk": s.assessment.pk, "step": "submit"},
        data=lambda s: {"version": s.assessment.version},
    ),
    Door("assessments:return", allow=COMMUNE_EDITORS | {"van"}, kwargs=pk("assessment")),
    Door("assessments:revoke", allow=COMMUNE_EDITORS, kwargs=pk("assessment")),
    Door("assessments:evidence_upload", allow=FILLERS, kwargs=pk("assessment")),
    Door(
        "assessments:evidence_file",
        allow=SUBJECT_READERS,
        kwargs=lambda s: {"pk": s.assessment.pk, "evidence_pk": s.evidence.pk},
    ),
]
