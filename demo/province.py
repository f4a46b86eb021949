"""The rest of the merged province at demo size: every current commune other than the
personas' three gets villages, households, citizens, clans and organisations, its last
year decided and its current year in progress, a commune officer and the movement's
records — streamed by the benchmark generator (`demo.scale_registry`, `demo.scale_cycle`)
rather than row by row through the ORM.

Idempotent by commune: a commune with households is left as it is; each commune is
written in one transaction. Deterministic by seed: every random stream is named after the
seed and the commune's code, and each commune draws its identity numbers from its own
block of serials.
"""

from __future__ import annotations

import base64
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from assessments.models import Assessment, State
from core.bulk import RowTemplate, reserve_ids
from core.text import fold
from demo.generator import Generator
from demo.movement_bulk import write_movement
from demo.scale_cycle import OPEN_STATES, CriteriaBook, CycleContext, write_cycle
from demo.scale_registry import IdentitySerials, PlaceRow, build_commune
from places.models import Place, PlaceKind
from recognition.models import Certificate
from registry.models import Household

DEFAULT_HOUSEHOLDS = 60  # a commune's households on average (from 60 % to 140 % of it)
HOUSEHOLDS_PER_VILLAGE = 14
SERIAL_BLOCK = 3_000  # identity serials per commune and (province, gender, birth year)
SERIAL_BASE = 300_000  # above the personas' communes (demo.registry_seed: 1–299,999)
# The open year in the communes that decided early (one in three): some of their proposals
# are already decided, recognised or not.
DECIDED_STATES: list[tuple[str, int]] = [
    *OPEN_STATES[:-2],
    (State.PROPOSED, 6),
    (State.RETURNED, 5),
    (State.RECOGNISED, 8),
    (State.NOT_RECOGNISED, 2),
]


@dataclass
class ProvinceResult:
    created: dict[str, int] = field(default_factory=dict)
    officers: dict[int, User] = field(default_factory=dict)  # commune id → its officer
    sizes: dict[int, int] = field(default_factory=dict)  # commune id → households

    def add(self, kind: str, count: int) -> None:
        self.created[kind] = self.created.get(kind, 0) + count


def decided_on(year: int, today: dt.date) -> dt.date:
    """When the early communes signed this year's decisions: mid-December at the latest, not
    after today, not before the proposals (10 November)."""
    return max(dt.date(year, 11, 11), min(today, dt.date(year, 12, 15)))


def households_of(seed: int, commune: Place, average: int) -> int:
    rng = random.Random(f"{seed}:{commune.code}:size")
    return max(4, round(average * rng.uniform(0.6, 1.4)))


def _bare(place: Place) -> PlaceRow:
    return PlaceRow(place.pk, place.code or "", place.name, place.short_name, place.path)


def _villages(commune: Place, count: int, seed: int) -> list[PlaceRow]:
    generator = Generator(seed * 7 + int(commune.code or "0"))
    ward = commune.name.startswith("Phường")
    start = reserve_ids(Place, count)
    rows, out = [], []
    for offset, (unit_type, name) in enumerate(generator.village_names(count)):
        pk = start + offset
        unit = "Tổ dân phố" if ward else unit_type
        full = f"{unit} {name}"
        path = f"{commune.path}{pk}."
        out.append(PlaceRow(pk, "", full, name, path))
        rows.append((pk, full, name, unit, commune.pk, path, commune.path.count("."), fold(full)))
    RowTemplate(
        Place,
        ["id", "name", "short_name", "unit_type", "parent_id", "path", "depth", "search_key"],
        {"kind": PlaceKind.VILLAGE, "code": None},
    ).insert(rows)
    return out


def _officer(commune: Place, password: str, seed: int) -> User:
    """The commune's officer, `xa.<commune code>` (same password as the personas)."""
    rng = random.Random(f"{seed}:{commune.code}:officer")
    gender = "male" if rng.random() < 0.5 else "female"
    surname = rng.choice(["Nguyễn", "Trần", "Lê", "Phạm", "Vũ", "Đỗ", "Hoàng", "Bùi"])
    name = f"{surname} {Generator(rng.randrange(10**6)).given_name(gender)}"
    username = f"xa.{commune.code}"
    user = User(username=username, full_name=name, password=password)
    user.search_key = fold(f"{name} {username}")
    user.save()
    RoleAssignment.objects.create(
        user=user,
        role=Role.COMMUNE_OFFICER,
        place=commune,
        valid_from=timezone.localdate().replace(month=1, day=1),
    )
    return user


def _certificates(commune_id: int, years: list[int], seed: int, code: str, today: dt.date) -> int:
    """Certificates of the commune's recognised titles in its decided years (the last
    closed one and the open one where decided): codes drawn from the seeded stream."""
    recognised = (
        Assessment.objects.filter(commune_id=commune_id, year__in=years, state=State.RECOGNISED)
        .order_by("id")
        .values_list("id", "year")
    )
    rng = random.Random(f"{seed}:{code}:certificates")
    current = years[-1]
    rows = []
    for pk, year in recognised:
        when = decided_on(year, today) if year == current else dt.date(year, 12, 20)
        issued = dt.datetime(when.year, when.month, when.day, 3, tzinfo=dt.UTC)
        text = base64.b32encode(rng.getrandbits(136).to_bytes(17, "big")).decode()[:26]
        rows.append((pk, text, issued))
    return RowTemplate(Certificate, ["assessment_id", "code", "issued_at"], with_ids=False).insert(
        rows
    )


def seed_province(
    *,
    seed: int,
    admin: User,
    password: str,
    skip: set[str],
    households: int = DEFAULT_HOUSEHOLDS,
    limit: int | None = None,
    write: Callable[[str], None] | None = None,
) -> ProvinceResult:
    """Fill every current commune whose code is not in `skip` (the first `limit` by code
    when given); returns what was created, the communes' officers and sizes. `password`:
    the officers' password hash (hashed once by the caller)."""
    result = ProvinceResult()
    today = timezone.localdate()
    years = [today.year - 1, today.year]
    everyone = list(Place.objects.current().communes().order_by("code"))
    position = {c.pk: i for i, c in enumerate(everyone)}
    communes = [c for c in everyone if c.code not in skip][:limit]
    filled = set(
        Household.objects.filter(commune__in=communes).values_list("commune_id", flat=True)
    )
    for user in User.objects.filter(username__in=[f"xa.{c.code}" for c in communes]):
        code = user.username.removeprefix("xa.")
        result.officers.update({c.pk: user for c in communes if c.code == code})
    for commune in communes:
        size = households_of(seed, commune, households)
        result.sizes[commune.pk] = size
    todo = [c for c in communes if c.pk not in filled]
    if not todo:
        return result
    book = CriteriaBook(years, seed)
    for number, commune in enumerate(todo, start=1):
        size = result.sizes[commune.pk]
        with transaction.atomic():
            officer = result.officers.get(commune.pk) or _officer(commune, password, seed)
            if commune.pk not in result.officers:
                result.officers[commune.pk] = officer
                result.add("tài khoản cán bộ xã", 1)
            villages = _villages(commune, max(3, round(size / HOUSEHOLDS_PER_VILLAGE)), seed)
            rows, _neighbours, _portal = build_commune(
                seed=seed,
                commune=_bare(commune),
                villages=villages,
                households=size,
                this_year=today.year,
                serials=IdentitySerials(SERIAL_BASE + position[commune.pk] * SERIAL_BLOCK),
                neighbour_clans={},
                portal_accounts=0,
                first_user_id=0,
                stamp=dt.datetime(today.year, 1, 2, 1, tzinfo=dt.UTC),
            )
            early = position[commune.pk] % 3 == 0
            cycle = write_cycle(
                rows,
                CycleContext(
                    seed=seed,
                    years=years,
                    book=book,
                    officer_id=officer.pk,
                    admin_id=admin.pk,
                    open_states=DECIDED_STATES if early else None,
                    decided_on=decided_on(today.year, today) if early else None,
                ),
            )
            certificates = _certificates(commune.pk, years, seed, commune.code or "", today)
            movement = write_movement(
                commune=commune, villages=villages, seed=seed, years=years, rows=rows
            )
        result.add("thôn/tổ dân phố", len(villages))
        result.add("hộ", len(rows.households))
        result.add("công dân", rows.citizens)
        result.add("dòng họ", len(rows.clans))
        result.add("đơn vị", len(rows.organisations))
        result.add("hồ sơ bình xét", cycle["assessments"])
        result.add("quyết định", cycle["decisions"])
        result.add("giấy công nhận", certificates)
        result.add("phong trào", movement)
        if write is not None and (number % 20 == 0 or number == len(todo)):
            write(f"  … {number}/{len(todo)} xã/phường")
    return result
