"""The movement's records of a commune filled by the province-wide demo (`demo.province`):
its community learning centre and board, the association's members and cadres (people of
the commune's registry), the trainings they attended, the centre's activities, a
self-evaluation, the year's estimate and a contribution — enough for every movement figure
of the report (`movement.indicators.commune_figures`) in the closed and the open year.

Written with `bulk_create` (tens of rows per commune); the province's IT training of each
year is shared by every commune (found or made once).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from demo.movement_seed import TOPICS
from demo.scale_registry import CommuneRows, PlaceRow
from movement import models as m
from places.models import Place, PlaceKind

MEMBERS = 10
CADRES = 4
FIRST_YEAR = 2020  # the movement's records go back to the first year of the reports


def province_it_training(year: int) -> m.Training:
    """The province's IT training of `year` (the same title as `demo.movement_seed`'s)."""
    province = Place.objects.current().get(kind=PlaceKind.PROVINCE, parent__isnull=True)
    training, _created = m.Training.objects.get_or_create(
        place=province,
        topic=m.TrainingTopic.IT,
        title=f"Tập huấn ứng dụng CNTT cho cán bộ khuyến học năm {year}",
        defaults={
            "date": dt.date(year, 3, 15),
            "level": m.Level.PROVINCE,
            "organiser": "Hội Khuyến học tỉnh",
        },
    )
    return training


def _saved(model: Any, objects: list[Any]) -> list[Any]:
    for item in objects:
        if hasattr(item, "refresh_search_key"):
            item.refresh_search_key()
    return list(model.objects.bulk_create(objects))


def write_movement(
    *, commune: Place, villages: list[PlaceRow], seed: int, years: list[int], rows: CommuneRows
) -> int:
    """The commune's movement records from 2020 to the open year (`years[-1]`), so the
    movement's figures exist for every year the dashboards show; returns how many rows
    were written."""
    rng = random.Random(f"{seed}:{commune.code}:movement")
    current = years[-1]
    first = min(FIRST_YEAR, years[0])
    every_year = list(range(first, current + 1))
    written = 0
    centre = _saved(
        m.LearningCentre,
        [
            m.LearningCentre(
                place=commune,
                name=f"Trung tâm học tập cộng đồng {commune.short_name}",
                established_on=dt.date(rng.randint(2005, 2015), 9, 1),
                decision=f"{rng.randint(10, 99)}/QĐ-UBND",
            )
        ],
    )[0]
    adults = sorted(rows.adults, key=lambda a: a[0])
    chosen = rng.sample(adults, min(MEMBERS, len(adults)))
    village_ids = {v.id for v in villages}
    members = _saved(
        m.Member,
        [
            m.Member(
                place=commune,
                village_id=village if village in village_ids else None,
                full_name=name,
                birth_year=birth_year,
                position=(
                    m.MemberPosition.CHAIR
                    if n == 0
                    else m.MemberPosition.VICE_CHAIR
                    if n == 1
                    else m.MemberPosition.MEMBER
                ),
                is_cadre=n < CADRES,
                joined_year=rng.randint(2008, first - 1) if n < 8 else rng.randint(first, current),
            )
            for n, (_pk, village, _path, name, _occupation, birth_year) in enumerate(chosen)
        ],
    )
    written += 1 + len(members)
    # One commune in eight has not yet put the association's leader on the centre's board.
    leader_on_board = rng.random() >= 0.125 and len(members) > 1
    board = [
        m.BoardMember(
            centre=centre,
            full_name=members[0].full_name if members else commune.name,
            role=m.BoardRole.DIRECTOR,
            start_date=dt.date(first - 1, 1, 1),
            other_post="Chủ tịch Hội Khuyến học xã" if members else "",
            association_leader=bool(members),
        )
    ]
    if leader_on_board:
        board.append(
            m.BoardMember(
                centre=centre,
                full_name=members[1].full_name,
                role=m.BoardRole.DEPUTY,
                association_leader=True,
                other_post="Phó Chủ tịch Hội Khuyến học xã",
                start_date=dt.date(first - 1, 1, 1),
            )
        )
    written += len(_saved(m.BoardMember, board))
    cadres = [x for x in members if x.is_cadre]
    activities = []
    for year in every_year:
        for kind, topic in rng.sample(TOPICS, 3 + rng.randint(0, 2)):
            facilitator = rng.choice(cadres).full_name if cadres else ""
            activities.append(
                m.Activity(
                    centre=centre,
                    kind=kind,
                    topic=topic,
                    start_date=dt.date(year, rng.randint(1, 10), rng.randint(1, 28)),
                    participants=rng.randint(15, 80),
                    village_id=rng.choice(villages).id if villages else None,
                    facilitators=facilitator,
                )
            )
    written += len(_saved(m.Activity, activities))
    evaluations = [
        m.SelfEvaluation(
            centre=centre,
            year=year,
            rating=rng.choice(["good", "good", "fair"]),
            summary="Hoạt động đều đặn.",
        )
        for year in every_year[:-1]
    ]
    written += len(m.SelfEvaluation.objects.bulk_create(evaluations))
    trainings = []
    attendance = []
    # the criteria briefed in the first year and again this year; IT training for the
    # cadres at the province's course of the first year (counts are cumulative)
    for year in (first, current):
        briefing = _saved(
            m.Training,
            [
                m.Training(
                    place=commune,
                    topic=m.TrainingTopic.CRITERIA,
                    title="Hội nghị phổ biến bộ tiêu chí các mô hình học tập",
                    date=dt.date(year, 2, rng.randint(10, 28)),
                    level=m.Level.COMMUNE,
                    organiser="Hội Khuyến học xã",
                )
            ],
        )[0]
        trainings.append(briefing)
        briefed = members[: rng.randint(len(members) // 2, len(members))] if members else []
        attendance += [m.Attendance(training=briefing, member=x) for x in briefed]
        it_training = province_it_training(year)
        trained = cadres[: rng.randint(1, len(cadres))] if cadres and year == first else []
        attendance += [m.Attendance(training=it_training, member=x) for x in trained]
    written += len(trainings) + len(m.Attendance.objects.bulk_create(attendance))
    estimate = rng.randint(2, 6) * 10_000_000
    m.BudgetEstimate.objects.create(
        place=commune,
        year=current,
        amount=estimate,
        scholarships=estimate // 2,
        rewards=estimate // 4,
    )
    clan = rows.clans[0][4] if rows.clans else ""  # "Họ Nguyễn"
    contribution = m.Contribution(
        place=commune,
        date=dt.date(current, rng.randint(1, 10), rng.randint(1, 28)),
        source=m.Source.CLAN if clan else m.Source.OTHER,
        donor=f"Quỹ khuyến học h{clan[1:]}" if clan else f"Hội Khuyến học {commune.name}",
        purpose=m.Purpose.SCHOLARSHIP,
        cash=rng.randint(2, 9) * 1_000_000,
    )
    contribution.save()
    return written + 2
