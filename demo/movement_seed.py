"""The movement's demo records: a learning centre per demo commune with its board, a year of
activities, association members with trainings, communication, resources and commendations."""

from __future__ import annotations

import datetime as dt
import random

from movement import models as m
from places.models import Place, PlaceKind

TOPICS = [
    ("course", "Tin học cơ bản cho người lớn tuổi"),
    ("course", "Kỹ thuật trồng cây ăn quả"),
    ("talk", "Phổ biến pháp luật về đất đai"),
    ("talk", "Chăm sóc sức khỏe người cao tuổi"),
    ("club", "Câu lạc bộ đọc sách"),
    ("course", "Kỹ năng sử dụng điện thoại thông minh"),
    ("other", "Ngày hội văn hóa đọc"),
]
GIVEN = ["Hùng", "Lan", "Minh", "Hoa", "Tuấn", "Hương", "Dũng", "Mai", "Sơn", "Thảo", "Long", "Nga"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Vũ", "Đỗ", "Bùi", "Hoàng"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu"]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def seed_movement(*, communes: list[Place], villages: dict[int, list[Place]], seed: int) -> int:
    """Returns how many records were created; nothing when the demo centres exist already."""
    if m.LearningCentre.objects.filter(place__in=communes).exists():
        return 0
    rng = random.Random(seed)
    year = dt.date.today().year
    province = Place.objects.current().get(kind=PlaceKind.PROVINCE, parent__isnull=True)
    created = 0
    it_training = m.Training.objects.create(
        place=province,
        topic=m.TrainingTopic.IT,
        title=f"Tập huấn ứng dụng CNTT cho cán bộ khuyến học năm {year}",
        date=dt.date(year, 3, 15),
        level=m.Level.PROVINCE,
        organiser="Hội Khuyến học tỉnh",
    )
    created += 1
    for index, commune in enumerate(communes):
        own = villages.get(commune.pk, [])
        centre = m.LearningCentre(
            place=commune,
            name=f"Trung tâm học tập cộng đồng {commune.name.split(' ', 1)[-1]}",
            established_on=dt.date(2008 + index, 9, 1),
            decision=f"{20 + index}/QĐ-UBND",
        )
        centre.save()
        leader = _name(rng)
        m.BoardMember.objects.create(
            centre=centre,
            full_name=_name(rng),
            role=m.BoardRole.DIRECTOR,
            start_date=dt.date(year - 2, 1, 1),
        )
        # The second demo commune has not yet put its association's leader on the board.
        m.BoardMember.objects.create(
            centre=centre,
            full_name=leader,
            role=m.BoardRole.DEPUTY,
            association_leader=index != 1,
            other_post="Phó Chủ tịch Hội Khuyến học" if index != 1 else "",
            start_date=dt.date(year - 2, 1, 1),
        )
        created += 3
        for previous in (year - 1, year):
            for kind, topic in rng.sample(TOPICS, 4 + rng.randint(0, 3)):
                activity = m.Activity(
                    centre=centre,
                    kind=kind,
                    topic=topic,
                    start_date=dt.date(previous, rng.randint(1, 11), rng.randint(1, 28)),
                    participants=rng.randint(15, 80),
                    village=rng.choice(own) if own else None,
                )
                activity.save()
                created += 1
        m.SelfEvaluation.objects.create(
            centre=centre,
            year=year - 1,
            rating=rng.choice(["good", "fair"]),
            summary="Hoạt động đều đặn.",
        )
        members = []
        for n in range(12):
            member = m.Member(
                place=commune,
                village=own[n % len(own)] if own else None,
                full_name=leader if n == 0 else _name(rng),
                birth_year=rng.randint(1950, 1990),
                position=m.MemberPosition.VICE_CHAIR if n == 0 else m.MemberPosition.MEMBER,
                is_cadre=n < 4,
                joined_year=rng.randint(2010, year - 1),
            )
            member.save()
            members.append(member)
        briefing = m.Training.objects.create(
            place=commune,
            topic=m.TrainingTopic.CRITERIA,
            title="Hội nghị phổ biến bộ tiêu chí các mô hình học tập",
            date=dt.date(year, 2, 20),
            level=m.Level.COMMUNE,
            organiser="Hội Khuyến học xã",
        )
        m.Attendance.objects.bulk_create(
            [m.Attendance(training=briefing, member=x) for x in members[: 6 + index * 2]]
        )
        m.Attendance.objects.bulk_create(
            [m.Attendance(training=it_training, member=x) for x in members[: 1 + index]]
        )
        created += len(members) + 1
        week = m.Communication.objects.create(
            place=commune,
            kind=m.MediaKind.EVENT,
            channel="Nhà văn hóa xã",
            date=dt.date(year - 1, 10, 1),
            title=f"Tuần lễ hưởng ứng học tập suốt đời năm {year - 1}",
            learning_week=True,
            participants=rng.randint(200, 500),
        )
        m.Communication.objects.create(
            place=commune,
            kind=m.MediaKind.NEWS,
            channel="Trang thông tin điện tử xã",
            date=dt.date(year - 1, 10, 3),
            title="Ngày hội đọc sách trong Tuần lễ học tập suốt đời",
            event=week,
            participants=rng.randint(50, 150),
        )
        m.Communication.objects.create(
            place=commune,
            kind=m.MediaKind.BROADCAST,
            channel="Đài truyền thanh xã",
            date=dt.date(year, 4, 10),
            title="Gương sáng gia đình học tập",
        )
        estimate = 30_000_000 + index * 10_000_000
        m.BudgetEstimate.objects.create(
            place=commune,
            year=year,
            amount=estimate,
            scholarships=estimate // 2,
            rewards=estimate // 4,
        )
        for source, purpose in (
            ("clan", "scholarship"),
            ("enterprise", "centre"),
            ("individual", "reward"),
        ):
            m.Contribution.objects.create(
                place=commune,
                date=dt.date(year, rng.randint(1, 10), rng.randint(1, 28)),
                source=source,
                donor={
                    "clan": "Quỹ khuyến học dòng họ",
                    "enterprise": "Công ty TNHH Minh Phát",
                    "individual": _name(rng),
                }[source],
                purpose=purpose,
                cash=rng.randint(2, 9) * 1_000_000,
            )
        m.Commendation.objects.create(
            place=commune,
            year=year - 1,
            subject_kind=m.SubjectKind.INDIVIDUAL,
            name=_name(rng),
            reason="Nhiều năm vận động con cháu học tập",
            level=m.AwardLevel.PROVINCE,
            status=m.CommendationStatus.APPROVED,
            exemplary=True,
            decision=f"{100 + index}/QĐ-UBND",
            decision_date=dt.date(year - 1, 12, 10),
        )
        m.Commendation.objects.create(
            place=commune,
            year=year,
            subject_kind=m.SubjectKind.COLLECTIVE,
            name=own[0].name if own else commune.name,
            village=own[0] if own else None,
            reason="Thôn có tỷ lệ gia đình học tập cao",
            level=m.AwardLevel.PROVINCE,
        )
        created += 8
    return created
