"""Small builders for the movement's records in tests."""

from __future__ import annotations

import datetime as dt

from movement import models as m
from places.models import Place


def centre(place: Place, name: str = "TTHTCĐ Phố Hiến", **extra) -> m.LearningCentre:
    obj = m.LearningCentre(place=place, name=name, established_on=dt.date(2010, 5, 1), **extra)
    obj.save()
    return obj


def board(c: m.LearningCentre, name: str, leader: bool = False, **extra) -> m.BoardMember:
    extra.setdefault("start_date", dt.date(2020, 1, 1))
    return m.BoardMember.objects.create(
        centre=c,
        full_name=name,
        role=extra.pop("role", "deputy"),
        association_leader=leader,
        **extra,
    )


def activity(c: m.LearningCentre, topic: str, day: dt.date, people: int, **extra) -> m.Activity:
    obj = m.Activity(
        centre=c,
        kind=extra.pop("kind", "course"),
        topic=topic,
        start_date=day,
        participants=people,
        **extra,
    )
    obj.save()
    return obj


def member(place: Place, name: str, cadre: bool = False, **extra) -> m.Member:
    obj = m.Member(place=place, full_name=name, is_cadre=cadre, **extra)
    obj.save()
    return obj


def training(place: Place, topic: str, day: dt.date, title: str = "", **extra) -> m.Training:
    obj = m.Training(
        place=place,
        topic=topic,
        date=day,
        title=title or f"Lớp {topic} {day:%d/%m/%Y}",
        level=extra.pop("level", "commune"),
        **extra,
    )
    obj.save()
    return obj


def attend(t: m.Training, *members: m.Member) -> None:
    for x in members:
        m.Attendance.objects.create(training=t, member=x)
