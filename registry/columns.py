"""One column layout per registry: the template, the export and the import all use it."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from django.db.models import TextChoices

from core.text import fold
from core.xlsx import Column
from places.models import Place
from registry.models import (
    Citizen,
    Clan,
    Gender,
    Household,
    Occupation,
    Organisation,
    OrganisationKind,
    OrganisationLevel,
    Relation,
    ResidenceStatus,
)


def labels(choices: type[TextChoices]) -> tuple[str, ...]:
    return tuple(str(label) for label in choices.labels)


ID = Column(
    "id",
    "Mã hệ thống",
    aliases=("id", "ma he thong"),
    width=12,
    help="Để trống khi thêm mới. Giữ nguyên khi sửa tệp đã xuất từ hệ thống.",
)

CITIZEN_COLUMNS = [
    ID,
    Column(
        "household_code",
        "Mã hộ",
        aliases=("mã hộ gia đình", "số hộ", "ma ho"),
        width=12,
        help="Mã hộ trong xã. Hộ chưa có sẽ được tạo mới ở thôn ghi trên dòng.",
    ),
    Column(
        "full_name", "Họ và tên", required=True, aliases=("họ tên", "tên", "ho va ten"), width=26
    ),
    Column(
        "gender",
        "Giới tính",
        required=True,
        aliases=("gt", "giới"),
        choices=labels(Gender),
        width=10,
    ),
    Column(
        "birth",
        "Ngày sinh",
        required=True,
        aliases=("ngày tháng năm sinh", "năm sinh", "ngay sinh"),
        width=13,
        help="dd/mm/yyyy, hoặc chỉ năm sinh (yyyy).",
    ),
    Column(
        "identity_number",
        "Số CCCD",
        aliases=("cccd", "số căn cước", "số định danh", "so cccd", "căn cước công dân"),
        width=15,
        help="12 chữ số. Định dạng ô là Văn bản để không mất số 0 ở đầu.",
    ),
    Column("phone", "Số điện thoại", aliases=("điện thoại", "sđt", "sdt"), width=13),
    Column("ethnicity", "Dân tộc", width=10, help="Để trống: Kinh."),
    Column(
        "occupation",
        "Nghề nghiệp",
        aliases=("nhóm nghề nghiệp", "nghề"),
        choices=labels(Occupation),
        width=30,
    ),
    Column(
        "in_school",
        "Đang đi học",
        aliases=("đi học",),
        choices=("Có", "Không"),
        width=11,
        help="Với trẻ em và học sinh: Có/Không.",
    ),
    Column(
        "village",
        "Thôn",
        required=True,
        aliases=("thôn/tổ dân phố", "thôn, tổ dân phố", "tổ dân phố", "thon"),
        width=20,
    ),
    Column(
        "relation",
        "Quan hệ với chủ hộ",
        aliases=("quan hệ", "quan he voi chu ho"),
        choices=labels(Relation),
        width=16,
    ),
    Column(
        "workplace",
        "Nơi làm việc",
        aliases=("đơn vị công tác", "cơ quan"),
        width=28,
        help="Tên đơn vị đã có trong sổ đơn vị của xã.",
    ),
    Column(
        "status",
        "Tình trạng cư trú",
        aliases=("tình trạng",),
        choices=labels(ResidenceStatus),
        width=16,
    ),
]

HOUSEHOLD_COLUMNS = [
    ID,
    Column("code", "Mã hộ", required=True, aliases=("mã hộ gia đình", "số hộ"), width=12),
    Column("village", "Thôn", required=True, aliases=("thôn/tổ dân phố", "tổ dân phố"), width=20),
    Column("address", "Địa chỉ", width=36),
    Column(
        "clan",
        "Dòng họ",
        aliases=("họ",),
        width=22,
        help=(
            "Tên dòng họ (và chi) đã có trong sổ dòng họ của xã, ví dụ “Nguyễn — Chi 2”; "
            "dòng họ ở xã khác ghi kèm mã xã trong ngoặc vuông, ví dụ “Nguyễn — Chi 2 [11953]”."
        ),
    ),
    Column(
        "head_name",
        "Chủ hộ",
        aliases=("tên chủ hộ",),
        width=24,
        help="Chỉ để xem: chủ hộ được ghi ở sổ công dân.",
    ),
]

CLAN_COLUMNS = [
    ID,
    Column("name", "Dòng họ", required=True, aliases=("tên dòng họ", "họ"), width=18),
    Column("branch_name", "Chi/nhánh", aliases=("chi", "chi họ", "nhánh"), width=18),
    Column("home_village", "Thôn gốc", required=True, aliases=("thôn",), width=20),
    Column("head_identity", "CCCD trưởng họ", aliases=("cccd trưởng họ",), width=15),
    Column("head_name", "Trưởng họ", width=24, help="Chỉ để xem."),
]

ORGANISATION_COLUMNS = [
    ID,
    Column("name", "Tên đơn vị", required=True, aliases=("đơn vị", "tên cơ quan"), width=36),
    Column(
        "kind",
        "Loại hình",
        required=True,
        aliases=("loại",),
        choices=labels(OrganisationKind),
        width=24,
    ),
    Column("level", "Cấp", choices=labels(OrganisationLevel), width=10, help="Để trống: Cấp xã."),
    Column(
        "declared_staff",
        "Số cán bộ, người lao động",
        aliases=("số lao động", "số cán bộ", "số người"),
        width=14,
    ),
    Column("address", "Địa chỉ", width=30),
    Column("head_identity", "CCCD thủ trưởng", width=15),
    Column("head_name", "Thủ trưởng", width=24, help="Chỉ để xem."),
]

VILLAGE_EXTRA_HELP = "Tên thôn như trong danh sách thôn của xã (có hoặc không có chữ “Thôn”)."

COLUMNS = {
    "citizens": CITIZEN_COLUMNS,
    "households": HOUSEHOLD_COLUMNS,
    "clans": CLAN_COLUMNS,
    "organisations": ORGANISATION_COLUMNS,
}

# Words people write instead of the official labels.
SYNONYMS: dict[str, dict[str, str]] = {
    "gender": {
        "nam": "male",
        "nu": "female",
        "male": "male",
        "female": "female",
        "m": "male",
        "f": "female",
    },
    "relation": {
        "chu ho": "head",
        "vo": "spouse",
        "chong": "spouse",
        "con": "child",
        "con trai": "child",
        "con gai": "child",
        "bo": "parent",
        "me": "parent",
        "chau": "grandchild",
        "anh": "sibling",
        "chi": "sibling",
        "em": "sibling",
    },
    "occupation": {
        "nong dan": "farmer",
        "cong nhan": "worker",
        "can bo": "official",
        "cong chuc": "official",
        "vien chuc": "official",
        "hoc sinh": "student",
        "sinh vien": "student",
        "huu tri": "retired",
        "nghi huu": "retired",
    },
}
CHOICES: dict[str, type[TextChoices]] = {
    "gender": Gender,
    "occupation": Occupation,
    "relation": Relation,
    "status": ResidenceStatus,
    "kind": OrganisationKind,
    "level": OrganisationLevel,
}


@cache
def choice_lookup(key: str) -> dict[str, str]:
    """folded label or code → code, for one choice column."""
    choices = CHOICES[key]
    table = {fold(str(label)): value for value, label in choices.choices}
    table.update({fold(value): value for value in choices.values})
    table.update(SYNONYMS.get(key, {}))
    return table


def label_of(choices: type[TextChoices], value: str) -> str:
    return str(choices(value).label) if value else ""


def citizen_rows(citizens: Iterable[Citizen], view: Any = None) -> Iterable[list[Any]]:
    """Rows of the citizen sheet; `view` (registry.privacy.View) masks what its reader
    may not see in full (None: everything in full, for the round trip's own tests)."""
    for c in citizens:
        yield [
            c.pk,
            c.household.code if c.household else "",
            c.full_name,
            label_of(Gender, c.gender),
            (c.birth_date.strftime("%d/%m/%Y") if c.birth_date else str(c.birth_year))
            if view is None
            else view.birth_text(c),
            (c.identity_number or "") if view is None else view.identity_number(c),
            c.phone if view is None else view.phone_number(c),
            c.ethnicity,
            label_of(Occupation, c.occupation),
            {True: "Có", False: "Không"}.get(c.in_school, "") if c.in_school is not None else "",
            c.village.name,
            label_of(Relation, c.relation),
            c.workplace.name if c.workplace else "",
            label_of(ResidenceStatus, c.status),
        ]


def household_rows(households: Iterable[Household]) -> Iterable[list[Any]]:
    commune_codes: dict[int, str] = {}  # one query per other commune, not per row
    for h in households:
        clan = h.clan
        code = ""
        if clan is not None and clan.commune_id != h.commune_id:
            if clan.commune_id not in commune_codes:
                commune_codes[clan.commune_id] = (
                    Place.objects.filter(pk=clan.commune_id).values_list("code", flat=True).first()
                    or ""
                )
            code = commune_codes[clan.commune_id]
        yield [
            h.pk,
            h.code,
            h.village.name,
            h.address,
            clan_label(clan, code) if clan else "",
            h.head_name,
        ]


def clan_label(clan: Clan, commune_code: str = "") -> str:
    """A clan as the household sheet names it: "Nguyễn — Chi 2"; a clan of another commune
    than the household's carries that commune's code: "Nguyễn — Chi 2 [11953]"."""
    label = f"{clan.name} — {clan.branch_name}" if clan.branch_name else clan.name
    return f"{label} [{commune_code}]" if commune_code else label


def _identity(view: Any, person: Citizen | None) -> str:
    if person is None:
        return ""
    return (person.identity_number or "") if view is None else view.identity_number(person)


def clan_rows(clans: Iterable[Clan], view: Any = None) -> Iterable[list[Any]]:
    for c in clans:
        yield [
            c.pk,
            c.name,
            c.branch_name,
            c.home_village.name,
            _identity(view, c.head),
            c.head.full_name if c.head else "",
        ]


def organisation_rows(
    organisations: Iterable[Organisation], view: Any = None
) -> Iterable[list[Any]]:
    for o in organisations:
        yield [
            o.pk,
            o.name,
            label_of(OrganisationKind, o.kind),
            label_of(OrganisationLevel, o.level),
            o.declared_staff,
            o.address,
            _identity(view, o.head),
            o.head.full_name if o.head else "",
        ]
