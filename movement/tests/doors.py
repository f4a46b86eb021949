"""Movement doors (see movement/access.py): the records of commune A inside, of commune B
outside. Each side's records are made here, on first use, from the side's commune and
village, so the shared door world needs nothing of this app.

One rule per URL name, so a page serving both commune and province rows is checked with
the commune's row; the province rows (trainings, communication, province-level
commendations) are checked in test_pages_scope.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.tests.doorlib import COMMUNE_EDITORS, EVERYONE, OFFICERS, Door
from movement import models as m
from movement.tests import factories as mk

# Who opens each section at all (everybody else: 404).
READERS = OFFICERS | {"binh"}
PRIVATE = frozenset({"alice", "vera", "cuong", "binh"})
# Who may add a record or import a sheet: the province admin (after choosing a commune) and
# each commune officer in their own commune.
ADDERS = COMMUNE_EDITORS | {"binh"}
# Commune A's private records (resources, commendations): not for its village officer.
PRIVATE_OF_A = frozenset({"alice", "vera", "cuong"})

DAY = dt.date(2026, 3, 1)


def centre(s: Any) -> m.LearningCentre:
    found = m.LearningCentre.objects.filter(place=s.commune, name="TTHTCĐ cửa").first()
    return found or mk.centre(s.commune, "TTHTCĐ cửa")


def board_member(s: Any) -> m.BoardMember:
    c = centre(s)
    return c.board.first() or mk.board(c, "Lê Văn Cửa", role="director")


def member(s: Any) -> m.Member:
    """An association member of the side's village (A1 is van's village)."""
    found = m.Member.objects.filter(place=s.commune, village=s.village).first()
    return found or mk.member(s.commune, "Hội viên Cửa", village=s.village)


def training(s: Any) -> m.Training:
    found = m.Training.objects.filter(place=s.commune).first()
    return found or mk.training(s.commune, "criteria", DAY, "Phổ biến tiêu chí (cửa)")


def communication(s: Any) -> m.Communication:
    found = m.Communication.objects.filter(place=s.commune).first()
    return found or m.Communication.objects.create(
        place=s.commune, kind="article", channel="Đài truyền thanh", date=DAY, title="Tin cửa"
    )


def communication_with_file(s: Any) -> m.Communication:
    """The commune's item, with a file attached through the service (MEDIA_ROOT is the
    door test's temporary folder)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import User
    from movement import services

    item = communication(s)
    if not item.attachment:
        pdf = SimpleUploadedFile("tin.pdf", b"%PDF-1.4\n%cua\n", content_type="application/pdf")
        editor = User.objects.get(username="alice")  # the province admin
        services.update(actor=editor, obj=item, data={"attachment_file": pdf})
    return item


def contribution(s: Any) -> m.Contribution:
    found = m.Contribution.objects.filter(place=s.commune).first()
    return found or m.Contribution.objects.create(
        place=s.commune,
        date=DAY,
        source="clan",
        donor="Quỹ họ Cửa",
        purpose="scholarship",
        cash=1_000_000,
    )


def estimate(s: Any) -> m.BudgetEstimate:
    found = m.BudgetEstimate.objects.filter(place=s.commune).first()
    return found or m.BudgetEstimate.objects.create(place=s.commune, year=s.year, amount=5_000_000)


def commendation(s: Any) -> m.Commendation:
    """A proposal still open, for a commune-level award (which the commune decides)."""
    found = m.Commendation.objects.filter(place=s.commune).first()
    return found or m.Commendation.objects.create(
        place=s.commune,
        year=s.year,
        subject_kind="individual",
        name="Gương Cửa",
        village=s.village,
        reason="Gương sáng học tập",
        level="commune",
    )


def pk(make: Any) -> Any:
    return lambda s: {"pk": make(s).pk}


def board_kwargs(s: Any) -> dict[str, Any]:
    return {"pk": centre(s).pk, "child": "board"}


def board_row_kwargs(s: Any) -> dict[str, Any]:
    return {**board_kwargs(s), "child_pk": board_member(s).pk}


DOORS = [
    Door("movement:home", allow=READERS),
    # Learning centres and their activities.
    Door("movement:centre_list", allow=READERS),
    Door("movement:activity_list", allow=READERS),
    Door("movement:centre_create", allow=ADDERS),
    Door("movement:centre_detail", allow=OFFICERS, kwargs=pk(centre)),
    Door("movement:centre_edit", allow=COMMUNE_EDITORS, kwargs=pk(centre)),
    Door("movement:centre_child_add", allow=COMMUNE_EDITORS, kwargs=board_kwargs),
    Door("movement:centre_child_edit", allow=COMMUNE_EDITORS, kwargs=board_row_kwargs),
    Door("movement:centre_child_delete", allow=COMMUNE_EDITORS, kwargs=board_row_kwargs),
    # Association members: a village officer reads those of their own village.
    Door("movement:member_list", allow=READERS),
    Door("movement:member_create", allow=ADDERS),
    Door("movement:member_detail", allow=OFFICERS, kwargs=pk(member)),
    Door("movement:member_edit", allow=COMMUNE_EDITORS, kwargs=pk(member)),
    # Trainings and communication (a commune's; the province's are shared with communes).
    Door("movement:training_list", allow=READERS),
    Door("movement:training_create", allow=ADDERS),
    Door("movement:training_detail", allow=OFFICERS, kwargs=pk(training)),
    Door("movement:training_edit", allow=COMMUNE_EDITORS, kwargs=pk(training)),
    Door("movement:training_attendance", allow=COMMUNE_EDITORS, kwargs=pk(training)),
    Door("movement:communication_list", allow=READERS),
    Door("movement:communication_create", allow=ADDERS),
    Door("movement:communication_detail", allow=OFFICERS, kwargs=pk(communication)),
    Door("movement:communication_edit", allow=COMMUNE_EDITORS, kwargs=pk(communication)),
    Door("movement:communication_file", allow=OFFICERS, kwargs=pk(communication_with_file)),
    # Resources: commune and province officers only.
    Door("movement:resources", allow=PRIVATE),
    Door("movement:contribution_create", allow=ADDERS),
    Door("movement:contribution_edit", allow=COMMUNE_EDITORS, kwargs=pk(contribution)),
    Door("movement:estimate_create", allow=ADDERS),
    Door("movement:estimate_edit", allow=COMMUNE_EDITORS, kwargs=pk(estimate)),
    # Commendations: a commune-level proposal, which commune A's officer reviews too.
    Door("movement:commendation_list", allow=PRIVATE),
    Door("movement:commendation_create", allow=ADDERS),
    Door("movement:commendation_detail", allow=PRIVATE_OF_A, kwargs=pk(commendation)),
    Door("movement:commendation_edit", allow=COMMUNE_EDITORS, kwargs=pk(commendation)),
    Door("movement:commendation_review", allow=COMMUNE_EDITORS, kwargs=pk(commendation)),
    # Excel: the path names the section, not a commune (the importer's commune is its own).
    Door(
        "movement:import",
        allow=ADDERS,
        kwargs=lambda s: {"kind": "hoi-vien"},
        outside=ADDERS,
    ),
    Door(
        "movement:import_template",
        allow=READERS,
        kwargs=lambda s: {"kind": "hoi-vien"},
        outside=READERS,
    ),
    Door(
        "movement:export",
        allow=PRIVATE,
        kwargs=lambda s: {"kind": "nguon-luc"},
        outside=PRIVATE,
    ),
    # The year's exemplary collectives and individuals: public.
    Door(
        "movement:exemplary",
        allow=EVERYONE,
        public=True,
        kwargs=lambda s: {"year": s.year},
        outside=EVERYONE,
    ),
]
