"""Who signs a title's decisions (recognition and revocation), and on what ground.

Every title — and for units, each level of unit — has a shipped default (`DEFAULTS`), each
with its source: the document and article it follows, or, where that document names a
body the 1 July 2025 reform abolished (the district), a proposal with its reason. The
province confirms or changes it in its `AuthorityRule` (Cấu hình › Thẩm quyền công nhận);
a rule saved there is the province's own and no longer a proposal. `authority_for` is
what every caller reads: the decision and revocation forms, `services.decide` and
`services.revoke`, and the permissions (`permissions.can_decide`).

The defaults belong, later, in `criteria.titles.TitleSpec` (its `default_authority` holds
only the level today): `DEFAULTS` is keyed by (title, unit level) for that move.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assessments.models import Assessment, AuthorityRule
from criteria.titles import TITLES, Title
from places.models import Place, PlaceKind

COMMITTEE = "committee"  # Ủy ban nhân dân
ASSOCIATION = "association"  # Hội Khuyến học
DEPARTMENT = "department"  # Sở (a specialised body of the province)

# How an association signs for its executive committee (Điều lệ Hội Khuyến học Việt Nam:
# the Ban Chấp hành leads between two congresses): "TM. BAN CHẤP HÀNH" over "CHỦ TỊCH".
ASSOCIATION_COLLECTIVE = "Ban Chấp hành"


def body_of(authority: str) -> str:
    """The kind of body an authority's name is: a committee, an association, a department."""
    name = authority.strip().lower()
    if name.startswith("hội "):
        return ASSOCIATION
    if name.startswith("sở "):
        return DEPARTMENT
    return COMMITTEE


@dataclass(frozen=True)
class Authority:
    """Who decides a title: the level whose territory a decision covers ("commune": one
    commune; "province": the whole province), the body (a template: {xa} the commune's
    name, {tinh} the province's), its superior body, the signer, and the source."""

    level: str
    authority: str
    superior: str = ""
    signer_title: str = "Chủ tịch"
    sign_form: str = ""
    source: str = ""  # the document (and article) it follows, or the province's confirmation
    proposal: str = ""  # why it is only a proposal; "" when official or confirmed
    confirmed: bool = False  # the province's own rule

    @property
    def body(self) -> str:
        return body_of(self.authority)

    def territory(self, assessment: Assessment) -> Place:
        """The place whose authority decides this assessment: its commune, or the province."""
        commune = assessment.commune
        if self.level == "province":
            return province_of(commune)
        return commune

    def name(self, place: Place) -> str:
        return fill(self.authority, place)

    def superior_name(self, place: Place) -> str:
        return fill(self.superior, place)

    @property
    def key(self) -> tuple[str, str, str]:
        """Decisions of one key may go together: same level, same body."""
        return (self.level, self.authority, self.superior)


def province_of(place: Place) -> Place:
    found: Place | None = place
    while found is not None and found.kind != PlaceKind.PROVINCE:
        found = found.parent
    return found or place


def fill(template: str, place: Place) -> str:
    province = province_of(place)
    commune = place if place.kind == PlaceKind.COMMUNE else None
    return (
        template.replace("{xa}", commune.name if commune else "")
        .replace("{tinh}", province.name)
        .strip()
    )


_PLAN = "Kế hoạch số 127/KH-UBND ngày 08/7/2022 của Ủy ban nhân dân tỉnh Hưng Yên"
_TWO_LEVELS = (
    "từ ngày 01/7/2025 chính quyền địa phương hai cấp (Luật Tổ chức chính quyền địa phương "
    "ngày 16/6/2025): không còn cấp huyện, Ủy ban nhân dân xã, phường đảm nhận nhiệm vụ này"
)
_COMMUNE_COMMITTEE = Authority(
    level="commune",
    authority="Ủy ban nhân dân {xa}",
    signer_title="Chủ tịch",
    source=f"{_PLAN}, mục V.8.c (Ủy ban nhân dân cấp huyện ra quyết định công nhận); {_TWO_LEVELS}",
)

# (title, unit level) → the default; "" is any level.
DEFAULTS: dict[tuple[str, str], Authority] = {
    (Title.GDHT, ""): _COMMUNE_COMMITTEE,
    (Title.DHHT, ""): _COMMUNE_COMMITTEE,
    (Title.CDHT_THON, ""): _COMMUNE_COMMITTEE,
    (Title.DVHT, ""): _COMMUNE_COMMITTEE,
    (Title.DVHT, "commune"): _COMMUNE_COMMITTEE,
    (Title.DVHT, "province"): Authority(
        level="province",
        authority="Ủy ban nhân dân {tinh}",
        signer_title="Chủ tịch",
        source=(
            "Thông tư số 24/2023/TT-BGDĐT của Bộ Giáo dục và Đào tạo về đánh giá, công nhận "
            "“Đơn vị học tập” cấp huyện, cấp tỉnh: đơn vị cấp tỉnh do cấp tỉnh công nhận"
        ),
        proposal=(
            "Cơ quan ký (Ủy ban nhân dân tỉnh, Chủ tịch ký) chưa đối chiếu với điều khoản của "
            "Thông tư 24/2023/TT-BGDĐT: tỉnh xác nhận, hoặc sửa (ví dụ Giám đốc Sở Giáo dục và "
            "Đào tạo)"
        ),
    ),
    (Title.CDHT, ""): Authority(
        level="commune",
        authority="Hội Khuyến học {xa}",
        superior="Hội Khuyến học {tinh}",
        signer_title="Chủ tịch",
        sign_form="TM.",
        source=(
            f"{_PLAN}, mục V.1.b (Hội Khuyến học tổ chức đánh giá, lập danh sách, thẩm định và "
            "công nhận “Công dân học tập” theo hướng dẫn của Hội Khuyến học Việt Nam)"
        ),
        proposal=(
            "Kế hoạch giao việc này cho Hội Khuyến học (tỉnh chỉ đạo); Hội Khuyến học xã, "
            "phường là nơi lập danh sách và bình xét nên ký quyết định; thể thức "
            "“TM. Ban Chấp hành — Chủ tịch” theo Điều lệ Hội Khuyến học Việt Nam (chưa đối chiếu "
            "điều khoản): tỉnh xác nhận, hoặc giao Hội Khuyến học tỉnh"
        ),
    ),
    (Title.XA_HT, ""): Authority(
        level="province",
        authority="Sở Giáo dục và Đào tạo {tinh}",
        superior="Ủy ban nhân dân {tinh}",
        signer_title="Giám đốc",
        source=(
            "Thông tư số 25/2023/TT-BGDĐT ngày 28/12/2023 của Bộ Giáo dục và Đào tạo (Trưởng "
            "phòng Giáo dục và Đào tạo cấp huyện ra quyết định công nhận)"
        ),
        proposal=(
            "Từ ngày 01/7/2025 không còn cấp huyện và phòng Giáo dục và Đào tạo; xã, phường là "
            "đối tượng được đánh giá nên không tự công nhận: đề xuất Sở Giáo dục và Đào tạo "
            "(cơ quan chuyên môn về giáo dục của tỉnh) công nhận; tỉnh xác nhận, hoặc sửa"
        ),
    ),
}
assert {title for title, _level in DEFAULTS} == set(Title.values), "every title has a default"


def default_for(title: str, org_level: str = "") -> Authority:
    found = DEFAULTS.get((title, org_level)) or DEFAULTS.get((title, ""))
    if found is not None:
        return found
    level = TITLES[title].default_authority
    return Authority(
        level=level,
        authority="Ủy ban nhân dân {tinh}" if level == "province" else "Ủy ban nhân dân {xa}",
    )


def from_rule(rule: AuthorityRule) -> Authority:
    return Authority(
        level=rule.level,
        authority=rule.authority,
        superior=rule.superior,
        signer_title=rule.signer_title,
        sign_form=rule.sign_form,
        source=rule.basis,
        proposal="" if rule.confirmed_at else rule.proposal,
        confirmed=rule.confirmed_at is not None,
    )


def authority_for(title: str, org_level: str = "") -> Authority:
    """The province's rule for the title (and the unit's level), else the shipped default."""
    rules = {r.org_level: r for r in AuthorityRule.objects.filter(title=title)}
    rule = rules.get(org_level) or rules.get("")
    if rule is not None:
        return from_rule(rule)
    return default_for(title, org_level)


def org_level_of(assessment: Assessment) -> str:
    organisation = assessment.organisation if assessment.organisation_id else None
    return organisation.level if organisation is not None else ""


def authority_of(assessment: Assessment, cache: dict[Any, Authority] | None = None) -> Authority:
    """Who decides this assessment's title (its unit's level counted)."""
    key = (assessment.title, org_level_of(assessment))
    if cache is not None and key in cache:
        return cache[key]
    found = authority_for(*key)
    if cache is not None:
        cache[key] = found
    return found


@dataclass
class Issuing:
    """The records one body may put in one decision: its authority, its territory."""

    authority: Authority
    place: Place
    rows: list[Assessment]

    @property
    def name(self) -> str:
        return self.authority.name(self.place)

    @property
    def superior_name(self) -> str:
        return self.authority.superior_name(self.place)


def by_issuer(rows: list[Assessment]) -> list[Issuing]:
    """Records grouped by the body that decides them and its territory (a commune's
    committee, the province…), in the order first met: one decision per group."""
    rules: dict[Any, Authority] = {}
    groups: dict[tuple[Any, ...], Issuing] = {}
    for row in rows:
        ruling = authority_of(row, rules)
        place = ruling.territory(row)
        key = (*ruling.key, place.pk)
        if key not in groups:
            groups[key] = Issuing(ruling, place, [])
        groups[key].rows.append(row)
    return list(groups.values())


def pick(groups: list[Issuing], raw: str) -> Issuing | None:
    """The group a page asked for by its territory ("noi"), or the only one."""
    if raw.isdigit():
        return next((g for g in groups if g.place.pk == int(raw)), None)
    return groups[0] if len(groups) == 1 else None
