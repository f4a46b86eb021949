"""One commune's registry at benchmark scale: households, citizens, clans, organisations.

Rows are plain tuples for `core.bulk.RowTemplate`; what the cycle needs afterwards
(subjects of each title, the citizens given portal accounts) is kept in a compact
`CommuneRows`, dropped once the commune is written.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from core.bulk import RowTemplate, reserve_ids
from core.text import fold
from demo import names
from demo.generator import Generator, weighted
from demo.registry_seed import occupation_for
from registry.identity import PROVINCE_CODES, make_identity
from registry.models import Citizen, Clan, Household, Occupation, Organisation

ADULT_AGE = 18
# The citizen columns `build_commune` fills, in the order of its tuples; every other
# field of the spec (registry.fields.CITIZEN) keeps its model default.
GENERATED_CITIZEN_COLUMNS = [
    "id",
    "full_name",
    "gender",
    "birth_date",
    "birth_year",
    "identity_number",
    "phone",
    "ethnicity",
    "occupation",
    "in_school",
    "village_id",
    "household_id",
    "relation",
    "workplace_id",
    "user_id",
    "search_key",
]
OTHER_PROVINCES = sorted(PROVINCE_CODES - {"033", "034"})
SCHOOL_LEVELS = ["Mầm non", "Tiểu học", "THCS"]
SUFFIXES = ["", " 2", " 3", " 4", " 5", " 6", " 7", " 8", " 9"]


@dataclass(frozen=True)
class PlaceRow:
    """The few columns of a place the generator needs (no model instances at this scale)."""

    id: int
    code: str
    name: str
    short_name: str
    path: str


@dataclass
class CommuneRows:
    commune: PlaceRow
    villages: list[PlaceRow]
    # (id, village id, village path, subject name)
    households: list[tuple[int, int, str, str]] = field(default_factory=list)
    # (id, village id, village path, full name, occupation, birth year)
    adults: list[tuple[int, int, str, str, str, int]] = field(default_factory=list)
    # (id, commune id, home village id, home village path, display name)
    clans: list[tuple[int, int, int, str, str]] = field(default_factory=list)
    # (id, display name)
    organisations: list[tuple[int, str]] = field(default_factory=list)
    # citizen id → user id, for the portal accounts
    portal: dict[int, int] = field(default_factory=dict)
    citizens: int = 0
    staff: int = 0


class IdentitySerials:
    """Serial numbers per (province, century-gender digit, year) so every CCCD is unique;
    from `start` + 1 (the demo gives each commune its own block of serials, so a commune
    written in a later run cannot repeat one of an earlier run)."""

    def __init__(self, start: int = 0) -> None:
        self.start = start
        self.next: Counter[tuple[str, str, int]] = Counter()

    def issue(self, province: str, gender: str, birth_year: int) -> str:
        key = (province, gender, birth_year)
        self.next[key] += 1
        return make_identity(
            province=province,
            gender=gender,
            birth_year=birth_year,
            serial=self.start + self.next[key],
        )


def _org_names(rng: random.Random, commune: PlaceRow, villages: list[PlaceRow], count: int) -> list:
    """(kind, name) pairs, unique within the commune."""
    fixed = [
        ("agency", f"Ủy ban nhân dân {commune.name}"),
        ("agency", f"Hội Khuyến học {commune.name}"),
        ("health", f"Trạm Y tế {commune.name}"),
        ("armed", f"Ban Chỉ huy Quân sự {commune.name}"),
        ("production", f"Hợp tác xã Nông nghiệp {commune.short_name}"),
    ]
    chosen: list[tuple[str, str]] = fixed[:count]
    seen = {fold(n) for _k, n in chosen}
    while len(chosen) < count:
        kind = weighted(
            rng, [("school", 30), ("enterprise", 35), ("production", 25), ("other", 10)]
        )
        village = rng.choice(villages).short_name
        word = rng.choice(names.BUSINESS_WORDS)
        if kind == "school":
            name = f"Trường {rng.choice(SCHOOL_LEVELS)} {village}"
        elif kind == "enterprise":
            name = f"Công ty TNHH {word} {village}"
        elif kind == "production":
            name = f"Cơ sở sản xuất {word} {village}"
        else:
            name = f"Nhà văn hóa {village}"
        for suffix in SUFFIXES:
            if fold(name + suffix) not in seen:
                name += suffix
                break
        else:
            name = f"{name} {len(chosen) + 1}"
        seen.add(fold(name))
        chosen.append((kind, name))
    return chosen


def build_commune(
    *,
    seed: int,
    commune: PlaceRow,
    villages: list[PlaceRow],
    households: int,
    this_year: int,
    serials: IdentitySerials,
    neighbour_clans: dict[str, list[int]],
    portal_accounts: int,
    first_user_id: int,
    stamp: dt.datetime,
) -> tuple[CommuneRows, dict[str, list[int]], list[tuple[int, str, str, int]]]:
    """Write one commune's registry; returns what the cycle needs, this commune's clans
    by surname (the next commune's neighbours) and the portal users to create
    (user id, username, full name, village id)."""
    rng = random.Random(f"{seed}:{commune.code}:registry")
    generator = Generator(seed * 1_000_003 + int(commune.code or "0"))
    out = CommuneRows(commune, villages)
    province_code = "034" if commune.code >= "12400" else "033"
    prefix = household_prefix_of(commune)

    # organisations and clans: one per ~110 households each (≈ 10,000 of each in the province)
    org_count = max(6, households // 110)
    clan_count = max(3, households // 110)
    org_start = reserve_ids(Organisation, org_count)
    clan_start = reserve_ids(Clan, clan_count)
    organisations = [
        (org_start + i, kind, name)
        for i, (kind, name) in enumerate(_org_names(rng, commune, villages, org_count))
    ]
    clans: list[tuple[int, str, str, PlaceRow]] = []
    by_surname: dict[str, list[int]] = {}
    for i in range(clan_count):
        surname = weighted(rng, names.SURNAMES)
        same = by_surname.setdefault(surname, [])
        branch = f"Chi {len(same) + 1}" if same else ""
        same.append(clan_start + i)
        clans.append((clan_start + i, surname, branch, rng.choice(villages)))

    # households and their people, generated first so ids can be reserved in one go
    generated = [generator.household(n + 1, this_year) for n in range(households)]
    people = sum(len(h.members) for h in generated)
    household_start = reserve_ids(Household, households)
    citizen_start = reserve_ids(Citizen, people)
    staff: Counter[int] = Counter()
    heads_of_org: dict[int, int] = {}
    clan_heads: dict[int, int] = {}
    household_rows = []
    citizen_rows = []
    citizen_id = citizen_start
    portal_every = max(1, households // max(portal_accounts, 1) // 2) if portal_accounts else 0
    portal_users: list[tuple[int, str, str, int]] = []
    for index, household in enumerate(generated):
        village = villages[index * len(villages) // households]
        household_id = household_start + index
        head_id = citizen_id
        code = f"{prefix}-{index + 1:05d}"
        surname = household.members[0].surname
        clan_id = None
        if surname in by_surname and rng.random() < 0.8:
            clan_id = rng.choice(by_surname[surname])
        elif surname in neighbour_clans and rng.random() < 0.05:
            clan_id = rng.choice(neighbour_clans[surname])  # a clan of the next commune
        head_name = household.members[0].full_name
        address = f"Số {rng.randint(1, 250)}, {village.name}"
        subject = f"Hộ {code} — {head_name}"
        household_rows.append(
            (
                household_id,
                village.id,
                code,
                head_id,
                address,
                clan_id,
                fold(f"{code} {head_name} {address}"),
            )
        )
        out.households.append((household_id, village.id, village.path, subject))
        for person in household.members:
            age = this_year - person.birth_year
            in_school = (rng.random() < 0.97) if 6 <= age <= 18 else None
            occupation = occupation_for(rng, age, in_school)
            identity = None
            if age >= 14 and rng.random() < 0.97:
                born_in = province_code if rng.random() < 0.95 else rng.choice(OTHER_PROVINCES)
                identity = serials.issue(born_in, person.gender, person.birth_year)
            phone = (
                f"09{rng.randint(10_000_000, 99_999_999)}"
                if age >= 18 and rng.random() < 0.8
                else ""
            )
            workplace = None
            if occupation in (Occupation.OFFICIAL, Occupation.WORKER) and rng.random() < 0.6:
                workplace = organisations[rng.randrange(org_count)][0]
                staff[workplace] += 1
                if occupation == Occupation.OFFICIAL or workplace not in heads_of_org:
                    heads_of_org.setdefault(workplace, citizen_id)
            user_id = None
            if (
                portal_every
                and person.relation == "head"
                and identity
                and age >= ADULT_AGE
                and index % portal_every == 0
                and len(portal_users) < portal_accounts
            ):
                user_id = first_user_id + len(portal_users)
                portal_users.append(
                    (
                        user_id,
                        f"bench.congdan.{len(portal_users) + 1:03d}",
                        person.full_name,
                        village.id,
                    )
                )
                out.portal[citizen_id] = user_id
            if (
                person.relation == "head"
                and person.gender == "male"
                and clan_id is not None
                and clan_id >= clan_start
                and clan_id not in clan_heads
            ):
                clan_heads[clan_id] = citizen_id
            citizen_rows.append(
                (
                    citizen_id,
                    person.full_name,
                    person.gender,
                    dt.date(person.birth_year, person.birth_month, person.birth_day),
                    person.birth_year,
                    identity,
                    phone,
                    weighted(rng, names.ETHNICITIES),
                    occupation,
                    in_school,
                    village.id,
                    household_id,
                    "" if person.relation == "head" else person.relation,  # Household.head
                    workplace,
                    user_id,
                    " ".join(p for p in (fold(person.full_name), identity or "", phone) if p),
                )
            )
            if age >= ADULT_AGE:
                out.adults.append(
                    (
                        citizen_id,
                        village.id,
                        village.path,
                        person.full_name,
                        occupation,
                        person.birth_year,
                    )
                )
            citizen_id += 1
    out.citizens = people
    out.staff = sum(staff.values())

    constants = {"commune_id": commune.id, "created_at": stamp, "updated_at": stamp}
    RowTemplate(
        Organisation,
        ["id", "kind", "name", "name_key", "search_key", "head_id", "declared_staff"],
        constants,
    ).insert(
        (
            oid,
            kind,
            name,
            fold(name),
            fold(name),
            heads_of_org.get(oid),
            staff[oid] + rng.randint(0, 8),
        )
        for oid, kind, name in organisations
    )
    RowTemplate(
        Clan,
        ["id", "name", "branch_name", "home_village_id", "head_id", "name_key", "search_key"],
        constants,
    ).insert(
        (
            cid,
            surname,
            branch,
            home.id,
            clan_heads.get(cid),
            fold(f"{surname}|{branch}"),
            fold(f"{surname} {branch}"),
        )
        for cid, surname, branch, home in clans
    )
    RowTemplate(
        Household,
        ["id", "village_id", "code", "head_id", "address", "clan_id", "search_key"],
        constants,
    ).insert(household_rows)
    RowTemplate(Citizen, GENERATED_CITIZEN_COLUMNS, constants).insert(citizen_rows)
    out.organisations = [(oid, name) for oid, _kind, name in organisations]
    out.clans = [
        (cid, commune.id, home.id, home.path, f"Họ {surname}" + (f" — {branch}" if branch else ""))
        for cid, surname, branch, home in clans
    ]
    return out, by_surname, portal_users


def household_prefix_of(commune: PlaceRow) -> str:
    """As `demo.registry_seed.household_prefix`, from the bare columns."""
    return "".join(word[0] for word in fold(commune.short_name).split()).upper()
