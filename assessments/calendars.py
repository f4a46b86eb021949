"""Each title's calendar: its windows in a commune's year, their default dates and where
each default comes from, and the titles it waits for.

A commune's year of the cycle (`CycleYear`) is a *data year*: the records of year Y count
what happened from 1/1/Y to 31/12/Y. Each title has its own calendar in it
(`TitleCalendar`), whose dates may fall in the next calendar year: a learning commune is
assessed on year Y in January–March of Y+1 (Thông tư 25/2023/TT-BGDĐT).

Learning units (DVHT) are one title with two unit levels, and the levels keep different
calendars: a unit of province level files its dossier by 15 January of the next year
(Thông tư 24/2023/TT-BGDĐT), a commune's own units are decided with the commune's other
titles before the yearly report. So a calendar is kept per (title, unit level): a *key*,
the unit level being "" for every title that is not chosen by it.

Every default date carries its source: official (the document; its article where it has
been checked) or a proposal (and why). The province edits every date per commune (the
calendar page); the sources are shown next to the dates still at their default.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from criteria.titles import TITLES, Title
from registry.models import OrganisationLevel

Key = tuple[str, str]  # (title, unit level or "")

# The windows, in the order they close; each is the last day of its step.
DATES: tuple[str, ...] = (
    "registration_until",
    "assessment_until",
    "review_until",
    "proposal_until",
    "decision_until",
)
DATE_LABELS: dict[str, str] = {
    "registration_until": "Hạn đăng ký",
    "assessment_until": "Hạn tự đánh giá, nộp hồ sơ",
    "review_until": "Hạn bình xét (xác nhận)",
    "proposal_until": "Hạn đề nghị công nhận",
    "decision_until": "Hạn ra quyết định",
}


@dataclass(frozen=True)
class Source:
    """Where a default date comes from: an official document, or our proposal and why."""

    official: bool
    text: str

    def __str__(self) -> str:
        return f"{'Chính thức' if self.official else 'Đề xuất'}: {self.text}"


@dataclass(frozen=True)
class Default:
    """One default date: day and month, in the data year or the next one."""

    day: int
    month: int
    next_year: bool
    source: Source

    def on(self, year: int) -> dt.date:
        return dt.date(year + int(self.next_year), self.month, self.day)


@dataclass(frozen=True)
class CalendarSpec:
    """A title's (and unit level's) calendar by default, and what its review waits for."""

    title: str
    org_level: str
    dates: dict[str, Default]
    # The titles it counts and whose results must be settled before its review opens.
    waits_for: tuple[Key, ...] = ()
    waits_why: str = ""
    note: str = ""

    @property
    def key(self) -> Key:
        return (self.title, self.org_level)


REPORT = (
    "báo cáo năm của tỉnh gửi Bộ Giáo dục và Đào tạo và Hội Khuyến học Việt Nam "
    "trước ngày 15/12 cần có quyết định của các danh hiệu trong năm"
)
OLD = "giữ ngày của lịch chung trước đây"
TT24 = "Thông tư 24/2023/TT-BGDĐT (đơn vị học tập cấp huyện, cấp tỉnh; số điều chưa đối chiếu)"
TT25 = "Thông tư 25/2023/TT-BGDĐT (cộng đồng học tập cấp xã; số điều chưa đối chiếu)"


def _p(text: str) -> Source:
    return Source(official=False, text=text)


def _o(text: str) -> Source:
    return Source(official=True, text=text)


_START = Default(31, 3, False, _p(f"đăng ký vào đầu năm; {OLD} (31/3)"))
_SELF = Default(31, 10, False, _p(f"{OLD} (31/10)"))
# Families and citizens are counted by the clans, villages and the commune: decided first.
_FIRST = {
    "registration_until": _START,
    "assessment_until": _SELF,
    "review_until": Default(
        15,
        11,
        False,
        _p("bình xét sớm: dòng họ, thôn và xã đếm danh hiệu này sau khi có quyết định"),
    ),
    "proposal_until": Default(20, 11, False, _p("xã đề nghị sau bình xét 5 ngày")),
    "decision_until": Default(
        30,
        11,
        False,
        _p(f"quyết định trước khi dòng họ, thôn bình xét (đến 05/12); {REPORT}"),
    ),
}
# Clans and villages count learning families: reviewed once those are decided.
_COUNTING = {
    "registration_until": _START,
    "assessment_until": Default(
        30, 11, False, _p("tự đánh giá xong khi gia đình học tập đã có quyết định (30/11)")
    ),
    "review_until": Default(5, 12, False, _p("bình xét sau khi gia đình học tập khóa sổ")),
    "proposal_until": Default(7, 12, False, _p("xã đề nghị sau bình xét 2 ngày")),
    "decision_until": Default(10, 12, False, _p(f"quyết định trước 15/12: {REPORT}")),
}
_FAMILIES_FIRST = "Bộ tiêu chí tính tỷ lệ hộ đạt Gia đình học tập."

SPECS: tuple[CalendarSpec, ...] = (
    CalendarSpec(Title.GDHT, "", _FIRST),
    CalendarSpec(
        Title.CDHT,
        "",
        _FIRST,
        note=(
            "Hội Khuyến học thẩm định, công nhận (Kế hoạch 127/KH-UBND, mục V.1.b). Gia đình, "
            "dòng họ, thôn, đơn vị tính tỷ lệ công dân học tập nhưng không chờ danh hiệu này "
            "khóa sổ (đề xuất: công dân được công nhận theo lịch của Hội): tỷ lệ được tính lại "
            "mỗi khi có quyết định công nhận hoặc thu hồi. Cộng đồng học tập cấp xã thì chờ."
        ),
    ),
    CalendarSpec(
        Title.DHHT, "", _COUNTING, waits_for=((Title.GDHT, ""),), waits_why=_FAMILIES_FIRST
    ),
    CalendarSpec(
        Title.CDHT_THON, "", _COUNTING, waits_for=((Title.GDHT, ""),), waits_why=_FAMILIES_FIRST
    ),
    CalendarSpec(
        Title.DVHT,
        OrganisationLevel.COMMUNE,
        {
            "registration_until": _START,
            "assessment_until": _SELF,
            "review_until": Default(30, 11, False, _p(f"{OLD} (30/11)")),
            "proposal_until": Default(5, 12, False, _p("xã đề nghị trong tuần đầu tháng 12")),
            "decision_until": Default(10, 12, False, _p(f"quyết định trước 15/12: {REPORT}")),
        },
    ),
    CalendarSpec(
        Title.DVHT,
        OrganisationLevel.PROVINCE,
        {
            "registration_until": _START,
            "assessment_until": Default(
                31, 12, False, _p("đơn vị tự đánh giá trên số liệu cả năm")
            ),
            "review_until": Default(10, 1, True, _p("bình xét trước hạn nộp hồ sơ 15/01")),
            "proposal_until": Default(
                15, 1, True, _o(f"{TT24}: hồ sơ đề nghị công nhận trước ngày 15/01 năm sau")
            ),
            "decision_until": Default(
                31,
                3,
                True,
                _p(
                    "tài liệu đang có của Thông tư 24/2023 chỉ nêu hạn nộp hồ sơ; lấy hạn "
                    "quyết định 31/3 như Thông tư 25/2023 quy định cho xã"
                ),
            ),
        },
        note="Đơn vị cấp tỉnh đóng trên địa bàn xã; cấp tỉnh công nhận.",
    ),
    CalendarSpec(
        Title.XA_HT,
        "",
        {
            "registration_until": Default(
                28, 2, True, _p("xã đăng ký cùng hồ sơ, sau khi có số liệu cả năm")
            ),
            "assessment_until": Default(
                28,
                2,
                True,
                _o(f"{TT25}: số liệu từ 01/01 đến 31/12, hồ sơ trước ngày 28/02 năm sau"),
            ),
            "review_until": Default(20, 3, True, _p("tỉnh thẩm định trong tháng 3")),
            "proposal_until": Default(25, 3, True, _p("đề nghị trước hạn quyết định 31/3")),
            "decision_until": Default(
                31, 3, True, _o(f"{TT25}: quyết định công nhận trước ngày 31/3 năm sau")
            ),
        },
        waits_for=(
            (Title.GDHT, ""),
            (Title.DHHT, ""),
            (Title.CDHT_THON, ""),
            (Title.DVHT, OrganisationLevel.COMMUNE),
            (Title.CDHT, ""),
        ),
        waits_why="Bộ tiêu chí tính tỷ lệ đạt mọi danh hiệu của xã trong năm.",
    ),
)
CALENDARS: dict[Key, CalendarSpec] = {spec.key: spec for spec in SPECS}
KEYS: list[Key] = list(CALENDARS)
assert {title for title, _level in KEYS} == set(TITLES), "every title has a calendar"
assert all(set(spec.dates) == set(DATES) for spec in SPECS), "every calendar has every date"


def key_of(assessment: Any) -> Key:
    """The calendar an assessment follows: its title, and its unit's level for learning units."""
    if TITLES[assessment.title].chosen_by != "org_level":
        return (assessment.title, "")
    organisation = assessment.organisation if assessment.organisation_id else None
    return key_of_parts(assessment.title, getattr(organisation, "level", ""))


def key_of_parts(title: str, org_level: str) -> Key:
    """The calendar of a title given its unit's level (ignored for the other titles)."""
    if TITLES[title].chosen_by != "org_level":
        return (title, "")
    return (title, org_level or OrganisationLevel.COMMUNE)


def label(key: Key) -> str:
    """ "Đơn vị học tập (cấp tỉnh)": the title, and the unit level where it has one."""
    title, level = key
    name = str(Title(title).label)
    return f"{name} ({OrganisationLevel(level).label.lower()})" if level else name


def defaults(key: Key, year: int) -> dict[str, dt.date]:
    return {name: default.on(year) for name, default in CALENDARS[key].dates.items()}


def sources(key: Key, year: int, values: dict[str, dt.date]) -> dict[str, str]:
    """The source of each date still at its default; "" for a date the province changed."""
    spec = CALENDARS.get(key)
    if spec is None:
        return dict.fromkeys(values, "")
    return {
        name: str(spec.dates[name].source) if spec.dates[name].on(year) == value else ""
        for name, value in values.items()
    }


def check(year: int, values: dict[str, dt.date], key: Key | None = None) -> None:
    """The dates in step order, between the start of the data year and the end of the next."""
    where = f"{label(key)}: " if key else ""
    first, last = dt.date(year, 1, 1), dt.date(year + 1, 12, 31)
    for name in DATES:
        if not first <= values[name] <= last:
            raise ValidationError(
                _("%(w)s%(f)s phải trong khoảng %(a)s – %(b)s (năm số liệu %(y)s và năm sau).")
                % {
                    "w": where,
                    "f": DATE_LABELS[name],
                    "a": first.strftime("%d/%m/%Y"),
                    "b": last.strftime("%d/%m/%Y"),
                    "y": year,
                }
            )
    if any(values[a] > values[b] for a, b in itertools.pairwise(DATES)):
        raise ValidationError(
            _("%(w)sCác hạn phải theo thứ tự: đăng ký, tự đánh giá, bình xét, đề nghị, quyết định.")
            % {"w": where}
        )


def waits_for(key: Key) -> tuple[Key, ...]:
    spec = CALENDARS.get(key)
    return spec.waits_for if spec else ()
