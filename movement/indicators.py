"""The movement's figures, counted from its records, for one commune or a whole place.

Definitions (year Y):
- a learning centre is open in Y when founded by the end of Y and not closed before Y;
- a commune's association chair/vice-chair takes part in managing its centre when an open
  centre has, on its board in Y, someone flagged as the association's chair or vice-chair;
- cadres trained in IT: commune cadres (members flagged "cán bộ khuyến học") active in Y who
  have attended an IT training up to the end of Y (the targets are "by 2025", cumulative);
  the 2025 indicator counts those of them who also took part in organising the centre in Y
  (`centre_people`), the 2030 one the association's chairs and vice-chairs trained in IT;
- members briefed: association cadres and members active in Y who have attended a briefing on
  the criteria up to the end of Y;
- activities and participants: centre activities starting in Y;
- resources: contributions dated in Y (cash + in-kind value), against the year's estimate.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from movement import models as m
from places.models import Place, PlaceKind


def _pct(part: int | None, whole: int | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _board_in(year: int) -> Q:
    return Q(board__start_date__year__lte=year) & (
        Q(board__end_date__isnull=True) | Q(board__end_date__year__gte=year)
    )


def communes_with_leader(place: Place, year: int) -> set[int]:
    return set(
        m.LearningCentre.objects.in_place(place)
        .open_in(year)
        .filter(_board_in(year), board__association_leader=True)
        .values_list("place_id", flat=True)
    )


def communes_with_centre(place: Place, year: int) -> set[int]:
    return set(
        m.LearningCentre.objects.in_place(place).open_in(year).values_list("place_id", flat=True)
    )


def _trained(members: m.MemberQuerySet, topic: str, year: int) -> int:
    return (
        members.filter(
            attendance__training__topic=topic, attendance__training__date__year__lte=year
        )
        .distinct()
        .count()
    )


def _name_key(name: str) -> str:
    """A person's name as compared across records: NFC, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def centre_people(commune: Place, year: int) -> set[str]:
    """Names (as `_name_key`) of those who took part in organising the commune's learning
    centre in `year`: on the board of a centre open in `year`, or named among the
    facilitators of one of its activities starting in `year`. The records do not link these
    to the association's member list, so they are matched by name (stats/data/indicators.toml,
    indicator `cadres_it`, says so)."""
    centres = m.LearningCentre.objects.filter(place=commune).open_in(year)
    board = m.BoardMember.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__year__gte=year),
        centre__in=centres,
        start_date__year__lte=year,
    ).values_list("full_name", flat=True)
    names = {_name_key(name) for name in board}
    for text in m.Activity.objects.filter(centre__place=commune, start_date__year=year).values_list(
        "facilitators", flat=True
    ):
        names |= {_name_key(part) for part in re.split(r"[,;\n]", text) if part.strip()}
    return names


def commune_figures(commune: Place, year: int) -> dict[str, int | None]:
    """The report figures this module keeps, for `stats.compute.live_figures`. A figure stays
    None when the commune has recorded nothing it could come from (it then types it).

    The cadre figures follow plan 127/KH-UBND's words (stats/data/indicators.toml): for 2025,
    commune cadres who take part in organising the learning centre's activities *and* are
    trained in IT (`cadres_clc_it`, over `cadres_total`); for 2030, the association's chairs
    and vice-chairs trained in IT (`leaders_trained_it`, over `leaders_total`)."""
    values: dict[str, int | None] = {}
    if m.LearningCentre.objects.filter(place=commune).exists():
        values["clc_chair"] = 1 if commune.pk in communes_with_leader(commune, year) else 0
    members = m.Member.objects.filter(place=commune).active_in(year)
    if m.Member.objects.filter(place=commune).exists():
        cadres = members.filter(is_cadre=True)
        values["cadres_total"] = cadres.count()
        trained = (
            cadres.filter(
                attendance__training__topic=m.TrainingTopic.IT,
                attendance__training__date__year__lte=year,
            )
            .values_list("id", "full_name")
            .distinct()
        )
        trained_names = [_name_key(name) for _pk, name in trained]
        values["cadres_trained_it"] = len(trained_names)
        in_centre = centre_people(commune, year)
        values["cadres_clc_it"] = sum(1 for name in trained_names if name in in_centre)
        leaders = members.filter(position__in=[m.MemberPosition.CHAIR, m.MemberPosition.VICE_CHAIR])
        values["leaders_total"] = leaders.count()
        values["leaders_trained_it"] = _trained(leaders, m.TrainingTopic.IT, year)
        values["members_total"] = members.count()
        values["members_briefed"] = _trained(members, m.TrainingTopic.CRITERIA, year)
    return values


@dataclass
class Summary:
    """One place and year: what the dashboard, the movement's home and the annual report show."""

    place: Place
    year: int
    communes: int
    centres: int
    communes_with_centre: int
    communes_with_leader: int
    cadres_total: int
    cadres_trained_it: int
    members_total: int
    members_briefed: int
    activities: int
    participants: int
    activities_last_year: int
    participants_last_year: int
    trainings: int
    communication: int
    learning_week_events: int
    cash: int
    in_kind: int
    estimate: int
    commendations_proposed: int
    commendations_approved: int
    exemplary: int

    @property
    def leader_share(self) -> Decimal | None:
        return _pct(self.communes_with_leader, self.communes)

    @property
    def cadres_it_share(self) -> Decimal | None:
        return _pct(self.cadres_trained_it, self.cadres_total)

    @property
    def briefed_share(self) -> Decimal | None:
        return _pct(self.members_briefed, self.members_total)

    @property
    def resources(self) -> int:
        return self.cash + self.in_kind

    @property
    def resources_share(self) -> Decimal | None:
        """Mobilised as a share of the estimate (the association's own target for the year)."""
        return _pct(self.resources, self.estimate)

    @property
    def activities_per_centre(self) -> Decimal | None:
        if not self.centres:
            return None
        return (Decimal(self.activities) / self.centres).quantize(Decimal("0.1"))


def _activities(place: Place, year: int) -> tuple[int, int]:
    found = m.Activity.objects.filter(
        centre__place__path__startswith=place.path, start_date__year=year
    ).aggregate(n=Count("id"), people=Sum("participants"))
    return found["n"] or 0, found["people"] or 0


def summary(place: Place, year: int) -> Summary:
    """Everything for `place` (the province, or one commune) and `year`: a fixed number of
    queries whatever the size of the place."""
    communes = (
        Place.objects.current().communes().within(place).count()
        if place.kind != PlaceKind.COMMUNE
        else 1
    )
    members = m.Member.objects.in_place(place).active_in(year)
    cadres = members.filter(is_cadre=True)
    activities, participants = _activities(place, year)
    last_activities, last_participants = _activities(place, year - 1)
    money = (
        m.Contribution.objects.in_place(place)
        .filter(date__year=year)
        .aggregate(cash=Sum("cash"), in_kind=Sum("in_kind"))
    )
    # The province's own estimate covers what it mobilises itself; communes' add to it.
    estimate = (
        m.BudgetEstimate.objects.in_place(place).filter(year=year).aggregate(t=Sum("amount"))["t"]
        or 0
    )
    communication = m.Communication.objects.in_place(place).filter(date__year=year)
    commendations = (
        m.Commendation.objects.in_place(place)
        .filter(year=year)
        .aggregate(
            proposed=Count("id"),
            approved=Count("id", filter=Q(status=m.CommendationStatus.APPROVED)),
            exemplary=Count("id", filter=Q(exemplary=True)),
        )
    )
    return Summary(
        place=place,
        year=year,
        communes=communes,
        centres=m.LearningCentre.objects.in_place(place).open_in(year).count(),
        communes_with_centre=len(communes_with_centre(place, year)),
        communes_with_leader=len(communes_with_leader(place, year)),
        cadres_total=cadres.count(),
        cadres_trained_it=_trained(cadres, m.TrainingTopic.IT, year),
        members_total=members.count(),
        members_briefed=_trained(members, m.TrainingTopic.CRITERIA, year),
        activities=activities,
        participants=participants,
        activities_last_year=last_activities,
        participants_last_year=last_participants,
        trainings=m.Training.objects.in_place(place).filter(date__year=year).count(),
        communication=communication.count(),
        learning_week_events=communication.filter(learning_week=True).count(),
        cash=money["cash"] or 0,
        in_kind=money["in_kind"] or 0,
        estimate=estimate,
        commendations_proposed=commendations["proposed"],
        commendations_approved=commendations["approved"],
        exemplary=commendations["exemplary"],
    )


@dataclass
class CommuneRow:
    commune: Place
    centres: int
    leader: bool
    activities: int
    participants: int
    resources: int
    estimate: int


def per_commune(place: Place, year: int) -> list[CommuneRow]:
    """Centres, activities, participants and resources of each commune in `place` (for the
    annual report's per-commune table): one grouped query each."""
    communes = list(Place.objects.current().communes().within(place).order_by("name"))
    centres = dict(
        m.LearningCentre.objects.in_place(place)
        .open_in(year)
        .values_list("place_id")
        .annotate(n=Count("id"))
    )
    acts = {
        row["centre__place_id"]: row
        for row in m.Activity.objects.filter(
            centre__place__path__startswith=place.path, start_date__year=year
        )
        .values("centre__place_id")
        .annotate(n=Count("id"), people=Sum("participants"))
    }
    money = {
        row["place_id"]: (row["cash"] or 0) + (row["in_kind"] or 0)
        for row in m.Contribution.objects.in_place(place)
        .filter(date__year=year)
        .values("place_id")
        .annotate(cash=Sum("cash"), in_kind=Sum("in_kind"))
    }
    estimates = dict(
        m.BudgetEstimate.objects.in_place(place).filter(year=year).values_list("place_id", "amount")
    )
    leaders = communes_with_leader(place, year)
    return [
        CommuneRow(
            commune=c,
            centres=centres.get(c.pk, 0),
            leader=c.pk in leaders,
            activities=acts.get(c.pk, {}).get("n", 0),
            participants=acts.get(c.pk, {}).get("people", 0) or 0,
            resources=money.get(c.pk, 0),
            estimate=estimates.get(c.pk, 0),
        )
        for c in communes
    ]
