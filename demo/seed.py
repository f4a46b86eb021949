"""The demo: the personas' three communes written through the ORM and the services
(small scale, natural-key idempotent), then the rest of the merged province in bulk
(`demo.province`), the statistical reports of every year (`demo.history`) and the
provisional figures of the current year.

`seed_demo` (no `--scale`) runs `seed_demo_province`; `make run` calls it.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from criteria.models import CriteriaSet
from demo.cycle_seed import seed_cycle
from demo.generator import Generator
from demo.movement_seed import seed_movement
from demo.registry_seed import seed_registry
from places.models import Place, PlaceKind
from registry.models import Citizen, Clan, Household, Organisation

DEMO_PASSWORD = "hoctap2026"
# Phường Phố Hiến (old Hưng Yên city), Xã Khoái Châu (home of Đông Tảo), Xã Tiền Hải (old Thái Bình).
DEMO_COMMUNES = ["11953", "12205", "12970"]
VILLAGES_PER_COMMUNE = 8


@dataclass(frozen=True)
class Login:
    username: str
    phone: str
    role: str  # the role's Vietnamese label
    place: str  # the place, organisation or clan the role is for


@dataclass
class SeedResult:
    created: dict[str, int] = field(default_factory=dict)
    logins: list[Login] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # lines for the console after the summary

    def add(self, kind: str, count: int) -> None:
        self.created[kind] = self.created.get(kind, 0) + count

    def summary(self) -> str:
        parts = [
            f"{kind}: {count:,}".replace(",", ".") for kind, count in self.created.items() if count
        ]
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
    result.logins.append(
        Login(
            username,
            user.phone or "",
            str(Role(role).label),
            f"{organisation or clan} ({place.name})"
            if organisation or clan
            else f"{place.name} ({place.parent.name})"
            if place.kind == PlaceKind.VILLAGE and place.parent
            else place.name,
        )
    )
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
def seed_communes(*, seed: int = 2026, result: SeedResult | None = None) -> SeedResult:
    """The personas' three communes and the demo accounts (one per role)."""
    result = result or SeedResult()
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
    return result


@contextlib.contextmanager
def recounts_at_the_end() -> Iterator[None]:
    """Without the per-write recount of provisional figures (`stats.receivers`: each
    registration or registry write queues its commune's recount once it commits): the seed
    registers hundreds of records and writes thousands in bulk, and recounts every commune
    once at its end instead (`refresh_live_figures`)."""
    from assessments.signals import registered
    from registry.signals import registry_changed
    from stats import receivers

    hooks: list[tuple[Any, Callable[..., None], str]] = [
        (registered, receivers.live_after_registration, "stats.live_after_registration"),
        (registry_changed, receivers.live_after_registry_write, "stats.live_after_registry_write"),
    ]
    for signal, _function, uid in hooks:
        signal.disconnect(dispatch_uid=uid)
    try:
        yield
    finally:
        for signal, function, uid in hooks:
            signal.connect(function, dispatch_uid=uid)


def refresh_live_figures(*, everything: bool) -> int:
    """This year's provisional figures of every current commune (or only of those without
    any when nothing was written); returns how many communes were counted."""
    from stats.compute import refresh_communes
    from stats.models import LiveFigures

    year = timezone.localdate().year
    communes = Place.objects.current().communes()
    if not everything:
        communes = communes.exclude(pk__in=LiveFigures.objects.filter(year=year).values("commune"))
    return refresh_communes(communes.values_list("pk", flat=True), year)


def seed_demo_province(
    *,
    seed: int = 2026,
    households: int | None = None,
    limit: int | None = None,
    write: Callable[[str], None] | None = None,
) -> SeedResult:
    """The whole demo (what `make run` seeds): the personas' communes, every other current
    commune at demo size (`households` on average, the first `limit` of them when given),
    the reports 2020–2024 of the legacy communes and of the closed years since the reform
    of the current ones, and this year's provisional figures of every commune."""
    from demo.history import Size, late_communes, write_current_reports, write_legacy_reports
    from demo.province import DEFAULT_HOUSEHOLDS, seed_province
    from demo.scale_cycle import commune_level
    from stats.models import ReportStatus, StatReport

    def say(line: str) -> None:
        if write is not None:
            write(line)

    result = SeedResult()
    with recounts_at_the_end():
        say("Ba xã/phường của các tài khoản mẫu …")
        seed_communes(seed=seed, result=result)
        admin = User.objects.get(username="tinh.admin")
        say("Các xã/phường còn lại của tỉnh …")
        province = seed_province(
            seed=seed,
            admin=admin,
            password=make_password(DEMO_PASSWORD),
            skip=set(DEMO_COMMUNES),
            households=households or DEFAULT_HOUSEHOLDS,
            limit=limit,
            write=write,
        )
        for kind, count in province.created.items():
            result.add(kind, count)
        if province.created.get("hồ sơ bình xét"):
            from assessments.stats import rebuild

            with transaction.atomic():
                rebuild()  # the bulk records bypass the maintained counts: recount them all
        communes = list(Place.objects.current().communes().order_by("code"))
        filled = {c.pk for c in communes} & set(
            Household.objects.values_list("commune_id", flat=True).distinct()
        )
        households_of = _per_commune(Household.objects.all(), "commune_id")
        villages_of = _per_commune(Place.objects.villages(), "parent_id")
        clans_of = _per_commune(Clan.objects.all(), "commune_id")
        orgs_of = _per_commune(Organisation.objects.all(), "commune_id")
        sizes = {
            pk: Size(households_of[pk], villages_of[pk], clans_of[pk], orgs_of[pk]) for pk in filled
        }
        levels = {c.pk: commune_level(seed, c.code or "") for c in communes}
        say("Báo cáo thống kê 2020–2024 của các xã cũ …")
        result.add(
            "báo cáo thống kê",
            write_legacy_reports(sizes=sizes, seed=seed, admin=admin, levels=levels),
        )
        officers = dict(province.officers)
        for login, place in (("xa.canbo", DEMO_COMMUNES[0]), ("xa2.canbo", DEMO_COMMUNES[1])):
            user = User.objects.filter(username=login).first()
            commune = next((c for c in communes if c.code == place), None)
            if user is not None and commune is not None:
                officers[commune.pk] = user
        this_year = timezone.localdate().year
        closed = list(range(max(2025, this_year - 1), this_year))
        reports = write_current_reports(
            communes=[c for c in communes if c.pk in filled],
            years=closed,
            admin=admin,
            officers=officers,
            late=late_communes(communes, set(DEMO_COMMUNES)),
            write=say,
        )
        result.add("báo cáo thống kê", reports.current)
        result.notes += [f"Chưa lập được báo cáo: {p}" for p in reports.problems]
    say("Số liệu tạm tính năm nay của từng xã/phường …")
    refresh_live_figures(everything=any(result.created.values()))
    if closed:
        last = closed[-1]
        waiting = (
            StatReport.objects.filter(year=last, commune__in=communes)
            .exclude(status=ReportStatus.APPROVED)
            .select_related("commune")
            .order_by("commune__code")
        )
        missing = [c for c in communes if c.pk not in filled]
        if waiting or missing:
            parts = [f"{r.commune.name} ({r.get_status_display().lower()})" for r in waiting]
            parts += [f"{c.name} (chưa có dữ liệu)" for c in missing]
            result.notes.append(
                f"Báo cáo năm {last} chưa được duyệt — để trang tiến độ thấy xã chậm: "
                + "; ".join(parts)
                + "."
            )
    if province.officers:
        example = next(c for c in communes if c.pk in province.officers)
        result.notes.append(
            f"Cán bộ xã của {len(province.officers)} xã/phường khác: tên đăng nhập "
            f"xa.<mã xã>, ví dụ xa.{example.code} ({example.name}), cùng mật khẩu."
        )
    return result


def _per_commune(rows: QuerySet[Any], column: str) -> Counter[int]:
    return Counter(
        dict(rows.order_by().values(column).annotate(n=Count("id")).values_list(column, "n"))
    )
