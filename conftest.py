"""Personas mirroring the hierarchy, shared by every app's tests.

alice  province admin            vera   province viewer
cuong  officer of commune A      binh   officer of commune B
van    village officer of A1     olga   organisation manager in A
hoa    clan manager in A         dan    citizen of A1
oscar  outsider, no role

The registry's people in `world.citizens` have keys of their own, none a persona's:
an (Nguyễn Văn An, head of PH-001), lan (Lê Thị Lan, his spouse, staff of org_a),
chau (Nguyễn Minh Châu, their child), dung (Phạm Văn Dũng, head of PH-002, village A2),
em (Trần Thị Em, head of KC-001 in commune B).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from django.db.models import Model
from django.test import Client

from accounts.models import Role, RoleAssignment, User
from places.models import Place, PlaceKind
from registry.models import Citizen, Clan, Household, Organisation

COMMUNE_A = "11953"  # Phường Phố Hiến
COMMUNE_B = "12205"  # Xã Khoái Châu
PASSWORD = "mat-khau-thu-2026"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The real map is part of every test database, loaded once per session."""
    with django_db_blocker.unblock():
        call_command("load_places", verbosity=0)
        call_command("load_criteria", verbosity=0)
        call_command("load_targets", verbosity=0)
        call_command("load_baselines", verbosity=0)


def close_response(response) -> None:
    """Close a streamed file response in a test. `response.close()` alone also sends
    request_finished, whose close_old_connections would drop the test's PostgreSQL
    connection mid-transaction (the test client unhooks it the same way)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


@dataclass
class World:
    province: Place
    commune_a: Place
    commune_b: Place
    village_a1: Place
    village_a2: Place
    village_b1: Place
    users: dict[str, User]
    households: dict[str, Household]
    citizens: dict[str, Citizen]
    clan_a: Clan
    clan_b: Clan
    org_a: Organisation
    org_b: Organisation

    def client(self, name: str | None) -> Client:
        client = Client()
        if name is not None:
            client.force_login(self.users[name])
        return client


def make_village(commune: Place, name: str, unit_type: str = "Thôn") -> Place:
    village = Place(
        kind=PlaceKind.VILLAGE,
        name=f"{unit_type} {name}",
        short_name=name,
        unit_type=unit_type,
        parent=commune,
    )
    village.save()
    return village


def make_user(username: str, role: str | None = None, place: Place | None = None, **extra) -> User:
    targets = {k: extra.pop(k) for k in ("organisation", "clan") if k in extra}
    user = User(username=username, full_name=extra.pop("full_name", username.title()), **extra)
    user.set_password(PASSWORD)
    user.save()
    if role is not None and place is not None:
        RoleAssignment.objects.create(
            user=user, role=role, place=place, valid_from=dt.date(2020, 1, 1), **targets
        )
    return user


def make_household(village: Place, code: str, **extra) -> Household:
    household = Household(commune=village.parent, village=village, code=code, **extra)
    household.save()
    return household


def make_citizen(
    village: Place,
    full_name: str,
    birth_year: int = 1980,
    gender: str = "male",
    household: Household | None = None,
    relation: str = "",
    **extra,
) -> Citizen:
    citizen = Citizen(
        commune=village.parent,
        village=village,
        full_name=full_name,
        birth_year=birth_year,
        gender=gender,
        household=household,
        # "head" makes them the household's head (Household.head); their relation blank.
        relation="" if relation == "head" else relation,
        **extra,
    )
    citizen.save()
    if relation == "head" and household is not None:
        household.head = citizen
        household.save()
    return citizen


def build_world() -> World:
    """The places, groups, people and personas every app's tests start from."""
    province = Place.objects.current().get(kind=PlaceKind.PROVINCE, code="33")
    commune_a = Place.objects.current().get(kind=PlaceKind.COMMUNE, code=COMMUNE_A)
    commune_b = Place.objects.current().get(kind=PlaceKind.COMMUNE, code=COMMUNE_B)
    village_a1 = make_village(commune_a, "Đông Tảo")
    village_a2 = make_village(commune_a, "An Lạc")
    village_b1 = make_village(commune_b, "Phú Thọ")
    clan_a = Clan(name="Nguyễn", branch_name="Chi 2", commune=commune_a, home_village=village_a1)
    clan_a.save()
    clan_b = Clan(name="Trần", commune=commune_b, home_village=village_b1)
    clan_b.save()
    org_a = Organisation(
        name="Trường Tiểu học Phố Hiến", kind="school", commune=commune_a, declared_staff=30
    )
    org_a.save()
    org_b = Organisation(
        name="Trạm Y tế Khoái Châu", kind="health", commune=commune_b, declared_staff=12
    )
    org_b.save()
    h_a1 = make_household(village_a1, "PH-001", clan=clan_a)
    h_a2 = make_household(village_a2, "PH-002")
    h_b1 = make_household(
        village_b1, "KC-001", clan=clan_a
    )  # a member household in another commune
    citizens = {
        "an": make_citizen(
            village_a1,
            "Nguyễn Văn An",
            1975,
            household=h_a1,
            relation="head",
            identity_number="033075000123",
            phone="0901234567",
        ),
        "lan": make_citizen(
            village_a1,
            "Lê Thị Lan",
            1978,
            "female",
            household=h_a1,
            relation="spouse",
            workplace=org_a,
        ),
        "chau": make_citizen(
            village_a1,
            "Nguyễn Minh Châu",
            2012,
            "female",
            household=h_a1,
            relation="child",
            in_school=True,
        ),
        "dung": make_citizen(village_a2, "Phạm Văn Dũng", 1960, household=h_a2, relation="head"),
        "em": make_citizen(
            village_b1, "Trần Thị Em", 1990, "female", household=h_b1, relation="head"
        ),
    }
    users = {
        "alice": make_user("alice", Role.PROVINCE_ADMIN, province, full_name="Trần Thị An"),
        "vera": make_user("vera", Role.PROVINCE_VIEWER, province),
        "cuong": make_user(
            "cuong",
            Role.COMMUNE_OFFICER,
            commune_a,
            full_name="Nguyễn Văn Cường",
            phone="0912345678",
        ),
        "binh": make_user("binh", Role.COMMUNE_OFFICER, commune_b),
        "van": make_user("van", Role.VILLAGE_OFFICER, village_a1),
        "olga": make_user("olga", Role.ORG_MANAGER, commune_a, organisation=org_a),
        "hoa": make_user("hoa", Role.CLAN_MANAGER, commune_a, clan=clan_a),
        "dan": make_user("dan", Role.CITIZEN, village_a1),
        "oscar": make_user("oscar"),
    }
    return World(
        province,
        commune_a,
        commune_b,
        village_a1,
        village_a2,
        village_b1,
        users,
        households={"a1": h_a1, "a2": h_a2, "b1": h_b1},
        citizens=citizens,
        clan_a=clan_a,
        clan_b=clan_b,
        org_a=org_a,
        org_b=org_b,
    )


@pytest.fixture
def world(db) -> World:
    return build_world()


def fresh(rows: Any) -> Any:
    """The same rows read again from the database: every model instance in `rows` (in
    dataclasses, dicts, lists and tuples, as a World holds them) replaced by a new one, so
    that a test changing one in memory leaves nothing behind for the next (module_rows)."""
    if isinstance(rows, Model):
        return type(rows)._base_manager.get(pk=rows.pk)
    if dataclasses.is_dataclass(rows) and not isinstance(rows, type):
        changes = {f.name: fresh(getattr(rows, f.name)) for f in dataclasses.fields(rows)}
        return dataclasses.replace(rows, **changes)
    if isinstance(rows, dict):
        return {key: fresh(value) for key, value in rows.items()}
    if isinstance(rows, list | tuple):
        return type(rows)(fresh(value) for value in rows)
    return rows


@contextmanager
def module_rows(django_db_blocker) -> Iterator[None]:
    """Rows a module-scoped fixture makes once for all the module's tests (in each xdist
    worker that runs some of them), where building them for each test is the slow part.

    The rows are written in a transaction left open around the module's tests; each test
    runs in its own savepoint inside it as usual (`db`), so what a test changes is rolled
    back after it, and the module's rows after the module's last test. Only for tests
    that use `db` (not `transactional_db`, whose flush would empty the tables). Hand the
    tests fresh instances of those rows, never the shared ones (`fresh`). The fixture
    makes its rows under `django_db_blocker.unblock()` and yields inside this block:

        with module_rows(django_db_blocker):
            with django_db_blocker.unblock():
                rows = ...
            yield rows
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def as_user(world) -> Callable[[str | None], Client]:
    return world.client


ALL_PERSONAS = ["alice", "vera", "cuong", "binh", "van", "olga", "hoa", "dan", "oscar"]


@pytest.fixture(autouse=True)
def fresh_limits():
    """Rate-limit counters live in the cache, which outlives a test: every test starts
    with none counted (the suite's clients all come from 127.0.0.1)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def rollups_agree(request):
    """After every test that touched the database, the maintained rollups equal a recount."""
    uses_db = any(name in request.fixturenames for name in ("db", "world"))
    if uses_db:  # requested here, so the check below runs before the database is closed
        transactional = "transactional_db" in request.fixturenames
        request.getfixturevalue("transactional_db" if transactional else "db")
    yield
    if uses_db:
        from assessments.stats import differences

        assert differences() == []


def process_start() -> float:
    """When this process started (time.time() scale): pytest's own start-up, plugins and
    Django included, which happen before this file is read. Linux's /proc; elsewhere, now."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return time.time() - (uptime - ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return time.time()


STARTED = process_start()


def pytest_configure(config):
    """The tests run only with the test settings, never with a server's by accident."""
    from django.conf import settings

    if not settings.TESTING:
        raise pytest.UsageError(
            "the tests need the test settings (HOCTAP_TESTING): run them with "
            "DJANGO_SETTINGS_MODULE=config.test_settings, as pyproject.toml sets it"
        )


# The suite runs in several processes (pytest-xdist, `-n` in Makefile): each worker has its
# own test database (the session fixture above loads the map into each) and its own
# security figures, which it hands to the controller when it finishes; the controller
# adds them up, so the printed figures are those of a run in one process.
def pytest_sessionfinish(session, exitstatus):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: its figures go to the controller
        from core.tests.security_figures import worker_figures

        workeroutput["security_figures"] = worker_figures()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """An xdist worker finished (the controller's side of the hook above)."""
    from core.tests.security_figures import merge_figures

    figures = getattr(node, "workeroutput", {}).get("security_figures")
    if figures is not None:
        merge_figures(figures)


def wall_time(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} phút {seconds} giây" if minutes else f"{seconds} giây"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """The security figures (doors checked, fuzz cases, faults injected, rows lost), then
    the suite's wall time."""
    from core.tests.security_figures import summary_lines

    lines = summary_lines()
    if lines:
        terminalreporter.section("security figures")
        for line in lines:
            terminalreporter.write_line(line)
    workers = getattr(config.option, "numprocesses", None)
    processes = f" ({workers} tiến trình song song)" if workers else ""
    terminalreporter.write_line(f"thời gian chạy: {wall_time(time.time() - STARTED)}{processes}")
