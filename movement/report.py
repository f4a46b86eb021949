"""The annual report's sections on the movement's work (plan sections III and V), as plain
rows that `stats.exports` writes into the Excel and PDF reports."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from movement import indicators
from movement import models as m
from places.models import Place


@dataclass
class Section:
    title: str
    rows: list[tuple[str, Any]]  # (label, value)


def _share(value: Decimal | None) -> str:
    return f"{value}%".replace(".", ",") if value is not None else "—"


def sections(place: Place, year: int) -> list[Section]:
    s = indicators.summary(place, year)
    exemplary = list(
        m.Commendation.objects.in_place(place)
        .filter(year=year, exemplary=True, status=m.CommendationStatus.APPROVED)
        .select_related("place")
        .order_by("subject_kind", "name")
    )
    return [
        Section(
            "I. Trung tâm học tập cộng đồng",
            [
                ("Số trung tâm đang hoạt động", s.centres),
                ("Số xã, phường có trung tâm", f"{s.communes_with_centre}/{s.communes}"),
                (
                    "Xã có Chủ tịch/Phó Chủ tịch Hội tham gia quản lý trung tâm",
                    f"{s.communes_with_leader}/{s.communes} ({_share(s.leader_share)})",
                ),
                ("Số lớp học, hoạt động trong năm", s.activities),
                ("Lượt người tham gia", s.participants),
            ],
        ),
        Section(
            "II. Bồi dưỡng, tập huấn, phổ biến",
            [
                ("Số lớp tập huấn, hội nghị phổ biến trong năm", s.trainings),
                (
                    "Cán bộ khuyến học xã được tập huấn CNTT",
                    f"{s.cadres_trained_it}/{s.cadres_total} ({_share(s.cadres_it_share)})",
                ),
                (
                    "Cán bộ, hội viên được phổ biến tiêu chí",
                    f"{s.members_briefed}/{s.members_total} ({_share(s.briefed_share)})",
                ),
            ],
        ),
        Section(
            "III. Truyền thông",
            [
                ("Số tin, bài, sự kiện trong năm", s.communication),
                ("Sự kiện Tuần lễ hưởng ứng học tập suốt đời", s.learning_week_events),
            ],
        ),
        Section(
            "IV. Huy động nguồn lực (đồng)",
            [
                ("Tiền mặt", s.cash),
                ("Hiện vật quy ra tiền", s.in_kind),
                ("Tổng cộng", s.resources),
                ("Dự toán năm", s.estimate),
                ("Tỷ lệ so với dự toán", _share(s.resources_share)),
            ],
        ),
        Section(
            "V. Khen thưởng",
            [
                ("Số đề nghị", s.commendations_proposed),
                ("Số được khen thưởng", s.commendations_approved),
                ("Điển hình tiêu biểu", s.exemplary),
                *[
                    (f"— {c.get_subject_kind_display()}", f"{c.name}, {c.place.name}")
                    for c in exemplary
                ],
            ],
        ),
    ]


COMMUNE_HEADERS = [
    "Xã, phường",
    "Số TTHTCĐ",
    "CT/PCT Hội tham gia quản lý",
    "Hoạt động",
    "Lượt người tham gia",
    "Nguồn lực huy động (đồng)",
    "Dự toán (đồng)",
]


def commune_rows(place: Place, year: int) -> list[list[Any]]:
    return [
        [
            row.commune.name,
            row.centres,
            "Có" if row.leader else "Không",
            row.activities,
            row.participants,
            row.resources,
            row.estimate,
        ]
        for row in indicators.per_commune(place, year)
    ]
