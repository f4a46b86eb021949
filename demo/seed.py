"""Writing the demo communes through the ORM (small scale, natural-key idempotent)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from criteria.models import CriteriaSet
from demo.cycle_seed import seed_cycle
from demo.generator import Generator
from demo.movement_seed import seed_movement
from demo.registry_seed import seed_registry
from places.models import Place, PlaceKind
from registry.models import Citizen, Clan, Household, Organisation
from stats.compute import refresh_communes

DEMO_PASSWORD = "hoctap2026"
# Phường Phố Hiến (old Hưng Yên city), Xã Khoái Châu (home of Đông Tảo), Xã Tiền Hải (old Thái Bình).
DEMO_COMMUNES = ["11953", "12205", "12970"]
VILLAGES_PER_COMMUNE = 8


@dataclass
class SeedResult:
    created: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)

    def add(self, kind: str, count: int) -> None:
        self.created[kind] = self.created.get(kind, 0) + count

    def summary(self) -> str:
        parts = [f"{kind}: {count}" for kind, count in self.created.items() if count]
        return "Dữ liệu mẫu — tạo mới " + (", ".join(parts) if parts else "không có gì (đã đủ)")


def _village(commune: Place, unit_type: str, name: str, result: SeedResult) -> Place:
    existing = Place.objects.villages().filter(parent=commune, short_name=name).first()
    if existing:
        return existing
    village = Place(
        kind=PlaceKind.VILLAGE,
        name=f"{unit_type} {name}",
        short_name=name,
        unit_type=unit_type,
        parent=commune,
    )
    village.save()
    result.add("thôn/tổ dân phố", 1)
    return village


def _account(
    username: str,
    full_name: str,
    phone: str,
    role: str,
    place: Place,
    result: SeedResult,
    organisation: Organisation | None = None,
    clan: Clan | None = None,
) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=full_name, phone=phone)
        user.set_password(DEMO_PASSWORD)
        user.save()
        result.add("tài khoản", 1)
    if not RoleAssignment.objects.active().filter(user=user, role=role, place=place).exists():
        RoleAssignment.objects.create(
            user=user,
            role=role,
            place=place,
            organisation=organisation,
            clan=clan,
            valid_from=timezone.localdate().replace(month=1, day=1),
        )
    result.logins.append((username, f"{Role(role).label} — {organisation or clan or place.name}"))
    return user


def _link_citizen(user: User, village: Place) -> None:
    """The demo citizen owns a real record (a household head, so the portal shows the
    household's page too), as if the account had been claimed."""
    if Citizen.objects.filter(user=user).exists():
        return
    head = (
        Citizen.objects.filter(
            village=village,
            user__isnull=True,
            pk__in=Household.objects.filter(village=village).values("head"),
        )
        .exclude(identity_number=None)
        .order_by("pk")
        .first()
    )
    if head is None:
        return
    head.user = user
    head.phone = user.phone
    head.save(update_fields=["user", "phone"])
    user.full_name = head.full_name
    user.save(update_fields=["full_name"])


@transaction.atomic
def seed_communes(*, seed: int = 2026) -> SeedResult:
    result = SeedResult()
    province = Place.objects.current().filter(kind=PlaceKind.PROVINCE, code="33").first()
    if province is None:
        raise LookupError("Chưa có bản đồ tỉnh Hưng Yên")
    communes = list(
        Place.objects.current().communes().filter(code__in=DEMO_COMMUNES).order_by("code")
    )
    if len(communes) != len(DEMO_COMMUNES):
        raise LookupError("Thiếu xã/phường mẫu trong bản đồ")
    villages: dict[int, list[Place]] = {}
    for index, commune in enumerate(communes):
        generator = Generator(seed * 1000 + index)
        villages[commune.pk] = [
            _village(commune, unit_type, name, result)
            for unit_type, name in generator.village_names(VILLAGES_PER_COMMUNE)
        ]
    seeded = {}
    for index, commune in enumerate(communes):
        outcome = seed_registry(
            commune=commune, villages=villages[commune.pk], seed=seed, index=index
        )
        seeded[commune.pk] = outcome
        result.add("hộ", int(outcome.get("households", 0)))  # type: ignore[call-overload]
        result.add("công dân", int(outcome.get("citizens", 0)))  # type: ignore[call-overload]
    first, second = communes[0], communes[1]
    first_village = villages[first.pk][0]
    admin = _account(
        "tinh.admin", "Trần Thị Thanh Hà", "0912000001", Role.PROVINCE_ADMIN, province, result
    )
    _account("tinh.xem", "Lê Văn Bình", "0912000002", Role.PROVINCE_VIEWER, province, result)
    _account("xa.canbo", "Nguyễn Văn Cường", "0912000003", Role.COMMUNE_OFFICER, first, result)
    _account("xa2.canbo", "Phạm Thị Dung", "0912000004", Role.COMMUNE_OFFICER, second, result)
    _account(
        "thon.canbo", "Vũ Đức Giang", "0912000005", Role.VILLAGE_OFFICER, first_village, result
    )
    organisation = seeded[first.pk]["organisations"][1]  # type: ignore[index]
    clan = seeded[first.pk]["clans"][0]  # type: ignore[index]
    _account(
        "donvi.quanly",
        "Đỗ Thị Hạnh",
        "0912000006",
        Role.ORG_MANAGER,
        first,
        result,
        organisation=organisation,
    )
    _account(
        "dongho.truong",
        "Nguyễn Hữu Khánh",
        "0912000007",
        Role.CLAN_MANAGER,
        first,
        result,
        clan=clan,
    )
    citizen_user = _account(
        "congdan", "Bùi Thị Lan", "0912000008", Role.CITIZEN, first_village, result
    )
    _link_citizen(citizen_user, first_village)
    if CriteriaSet.objects.exists():
        result.add("hồ sơ bình xét", seed_cycle(actor=admin, communes=communes, seed=seed))
    result.add("phong trào", seed_movement(communes=communes, villages=villages, seed=seed))
    # The seed writes in bulk, past the services' hooks: count every commune's provisional
    # figures of this year once here, so the dashboards show numbers after `make run`.
    refresh_communes(
        Place.objects.current().communes().values_list("pk", flat=True),
        timezone.localdate().year,
    )
    return result
