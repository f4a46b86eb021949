"""Who may open and use which registry page, persona by persona.

The rule: province admin and viewer see everything (the viewer changes nothing);
commune officers see and edit their commune; the village officer sees and edits
the households and people of village A1 (no organisations); olga sees and runs
org_a and its staff; hoa sees and runs clan_a, sees its member households (one is
in commune B) and their people; dan and oscar see none of the registry. Anything
out of scope answers 404, and so does a change URL for someone who may only read
the record; anonymous visitors are sent to the login page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import ALL_PERSONAS, close_response, make_citizen
from registry.models import Citizen, Clan, Household, ImportJob, Organisation
from registry.tests.pages import audit_count, column, listed, rolled_back
from registry.tests.sheets import person, workbook

ALL_CITIZENS = {"Nguyễn Văn An", "Lê Thị Lan", "Nguyễn Minh Châu", "Phạm Văn Dũng", "Trần Thị Em"}
A1_PEOPLE = {"Nguyễn Văn An", "Lê Thị Lan", "Nguyễn Minh Châu"}
CITIZEN_SCOPE = {
    "alice": ALL_CITIZENS,
    "vera": ALL_CITIZENS,
    "cuong": A1_PEOPLE | {"Phạm Văn Dũng"},
    "binh": {"Trần Thị Em"},
    "van": A1_PEOPLE,
    "olga": {"Lê Thị Lan"},
    "hoa": A1_PEOPLE | {"Trần Thị Em"},
}
HOUSEHOLD_SCOPE = {
    "alice": {"PH-001", "PH-002", "KC-001"},
    "vera": {"PH-001", "PH-002", "KC-001"},
    "cuong": {"PH-001", "PH-002"},
    "binh": {"KC-001"},
    "van": {"PH-001"},
    "olga": set(),
    "hoa": {"PH-001", "KC-001"},
}
CLAN_SCOPE = {
    "alice": {"Họ Nguyễn — Chi 2", "Họ Trần"},
    "vera": {"Họ Nguyễn — Chi 2", "Họ Trần"},
    "cuong": {"Họ Nguyễn — Chi 2"},
    "binh": {"Họ Trần"},
    "van": {"Họ Nguyễn — Chi 2"},  # its home village is A1; she reads it, cannot edit it
    "olga": set(),
    "hoa": {"Họ Nguyễn — Chi 2"},
}
ORG_A, ORG_B = "Trường Tiểu học Phố Hiến", "Trạm Y tế Khoái Châu"
ORGANISATION_SCOPE = {
    "alice": {ORG_A, ORG_B},
    "vera": {ORG_A, ORG_B},
    "cuong": {ORG_A},
    "binh": {ORG_B},
    "van": set(),
    "olga": {ORG_A},
    "hoa": set(),
}
NO_REGISTRY = {"dan", "oscar"}

LISTS = {
    "/so/cong-dan/": CITIZEN_SCOPE,
    "/so/ho/": HOUSEHOLD_SCOPE,
    "/so/dong-ho/": CLAN_SCOPE,
    "/so/don-vi/": ORGANISATION_SCOPE,
}


def _codes(rows: list[str]) -> set[str]:
    """Households are listed as "Hộ CODE — head"; the scope tables name them by code."""
    return {r.removeprefix("Hộ ").split(" — ")[0] for r in rows}


@pytest.mark.parametrize("url", sorted(LISTS))
def test_lists_show_exactly_the_rows_in_scope(world, as_user, url):
    seen: dict[str, Any] = {}
    for persona in ALL_PERSONAS:
        response = as_user(persona).get(url)
        if response.status_code != 200:
            seen[persona] = response.status_code
            continue
        rows = listed(response)
        seen[persona] = _codes(rows) if url == "/so/ho/" else set(rows)
    expected = {p: LISTS[url].get(p, 404) for p in ALL_PERSONAS}
    assert seen == expected


def test_lists_do_not_render_names_out_of_scope(world, as_user):
    page = as_user("binh").get("/so/cong-dan/").content.decode()
    assert "Trần Thị Em" in page
    assert not any(name in page for name in ALL_CITIZENS - {"Trần Thị Em"})
    page = as_user("cuong").get("/so/ho/").content.decode()
    assert "PH-001" in page and "PH-002" in page and "KC-001" not in page
    page = as_user("cuong").get("/so/don-vi/").content.decode()
    assert ORG_A in page and ORG_B not in page


EXPORTS = {
    "/so/cong-dan/xuat.xlsx": ("Họ và tên", CITIZEN_SCOPE),
    "/so/ho/xuat.xlsx": ("Mã hộ", HOUSEHOLD_SCOPE),
    "/so/dong-ho/xuat.xlsx": ("Dòng họ", CLAN_SCOPE),
    "/so/don-vi/xuat.xlsx": ("Tên đơn vị", ORGANISATION_SCOPE),
}


@pytest.mark.parametrize("url", sorted(EXPORTS))
def test_exports_hold_exactly_the_rows_in_scope(world, as_user, url):
    header, scope = EXPORTS[url]
    seen: dict[str, Any] = {}
    for persona in ALL_PERSONAS:
        response = as_user(persona).get(url)
        if response.status_code != 200:
            seen[persona] = response.status_code
            continue
        values = column(response.content, header)
        if url.startswith("/so/dong-ho/"):
            branches = column(response.content, "Chi/nhánh")
            values = [
                f"Họ {n}" + (f" — {b}" if b else "") for n, b in zip(values, branches, strict=True)
            ]
        seen[persona] = set(values)
    assert seen == {p: scope.get(p, 404) for p in ALL_PERSONAS}


# --- pages opened with GET ------------------------------------------------------------

EVERYONE_PROVINCE = {"alice", "vera"}


@dataclass
class Page:
    url: Callable[[Any], str]
    allowed: set[str]
    status: int = 200


def _fixed(url: str, allowed: set[str]) -> Page:
    return Page(lambda w: url, allowed)


GET_PAGES: dict[str, Page] = {
    # citizens
    "citizen an": Page(
        lambda w: f"/so/cong-dan/{w.citizens['an'].pk}/",
        {*EVERYONE_PROVINCE, "cuong", "van", "hoa"},
    ),
    "citizen lan (olga's staff)": Page(
        lambda w: f"/so/cong-dan/{w.citizens['lan'].pk}/",
        {*EVERYONE_PROVINCE, "cuong", "van", "hoa", "olga"},
    ),
    "citizen dung (A2)": Page(
        lambda w: f"/so/cong-dan/{w.citizens['dung'].pk}/", {*EVERYONE_PROVINCE, "cuong"}
    ),
    "citizen em (B, clan_a)": Page(
        lambda w: f"/so/cong-dan/{w.citizens['em'].pk}/", {*EVERYONE_PROVINCE, "binh", "hoa"}
    ),
    "citizen history an": Page(
        lambda w: f"/so/cong-dan/{w.citizens['an'].pk}/lich-su/",
        {*EVERYONE_PROVINCE, "cuong", "van", "hoa"},
    ),
    "citizen history em": Page(
        lambda w: f"/so/cong-dan/{w.citizens['em'].pk}/lich-su/",
        {*EVERYONE_PROVINCE, "binh", "hoa"},
    ),
    "citizen create (own commune)": Page(
        lambda w: "/so/cong-dan/them/", {"alice", "cuong", "binh", "van"}
    ),
    "citizen create in A": Page(
        lambda w: f"/so/cong-dan/them/?xa={w.commune_a.pk}", {"alice", "cuong", "van"}
    ),
    "citizen create in B": Page(
        lambda w: f"/so/cong-dan/them/?xa={w.commune_b.pk}", {"alice", "binh"}
    ),
    "citizen create into PH-001": Page(
        lambda w: f"/so/cong-dan/them/?ho={w.households['a1'].pk}", {"alice", "cuong", "van"}
    ),
    "citizen create into KC-001": Page(
        lambda w: f"/so/cong-dan/them/?ho={w.households['b1'].pk}", {"alice", "binh"}
    ),
    "citizen edit an": Page(
        lambda w: f"/so/cong-dan/{w.citizens['an'].pk}/sua/", {"alice", "cuong", "van"}
    ),
    "citizen edit lan": Page(
        lambda w: f"/so/cong-dan/{w.citizens['lan'].pk}/sua/", {"alice", "cuong", "van"}
    ),
    "citizen edit em": Page(
        lambda w: f"/so/cong-dan/{w.citizens['em'].pk}/sua/", {"alice", "binh"}
    ),
    "citizen moved form": Page(
        lambda w: f"/so/cong-dan/{w.citizens['an'].pk}/tinh-trang/moved/", {"alice", "cuong", "van"}
    ),
    "citizen deceased form (B)": Page(
        lambda w: f"/so/cong-dan/{w.citizens['em'].pk}/tinh-trang/deceased/", {"alice", "binh"}
    ),
    "citizen unknown status": Page(
        lambda w: f"/so/cong-dan/{w.citizens['an'].pk}/tinh-trang/xyz/", set()
    ),
    "citizen merge form": Page(
        lambda w: f"/so/cong-dan/{w.citizens['an'].pk}/gop/", {"alice", "cuong", "van"}
    ),
    "citizen missing": Page(lambda w: "/so/cong-dan/999999/", set()),
    # households
    "household PH-001": Page(
        lambda w: f"/so/ho/{w.households['a1'].pk}/", {*EVERYONE_PROVINCE, "cuong", "van", "hoa"}
    ),
    "household PH-002": Page(
        lambda w: f"/so/ho/{w.households['a2'].pk}/", {*EVERYONE_PROVINCE, "cuong"}
    ),
    "household KC-001": Page(
        lambda w: f"/so/ho/{w.households['b1'].pk}/", {*EVERYONE_PROVINCE, "binh", "hoa"}
    ),
    "household create (own commune)": Page(
        lambda w: "/so/ho/them/", {"alice", "cuong", "binh", "van"}
    ),
    "household create in A": Page(
        lambda w: f"/so/ho/them/?xa={w.commune_a.pk}", {"alice", "cuong", "van"}
    ),
    "household create in B": Page(lambda w: f"/so/ho/them/?xa={w.commune_b.pk}", {"alice", "binh"}),
    "household edit PH-001": Page(
        lambda w: f"/so/ho/{w.households['a1'].pk}/sua/", {"alice", "cuong", "van"}
    ),
    "household edit PH-002": Page(
        lambda w: f"/so/ho/{w.households['a2'].pk}/sua/", {"alice", "cuong"}
    ),
    "household edit KC-001": Page(
        lambda w: f"/so/ho/{w.households['b1'].pk}/sua/", {"alice", "binh"}
    ),
    "household history PH-001": Page(
        lambda w: f"/lich-su/registry.household/{w.households['a1'].pk}/",
        {*EVERYONE_PROVINCE, "cuong", "van", "hoa"},
    ),
    # clans
    "clan A": Page(
        lambda w: f"/so/dong-ho/{w.clan_a.pk}/", {*EVERYONE_PROVINCE, "cuong", "van", "hoa"}
    ),
    "clan B": Page(lambda w: f"/so/dong-ho/{w.clan_b.pk}/", {*EVERYONE_PROVINCE, "binh"}),
    "clan create (own commune)": Page(lambda w: "/so/dong-ho/them/", {"alice", "cuong", "binh"}),
    "clan create in A": Page(
        lambda w: f"/so/dong-ho/them/?xa={w.commune_a.pk}", {"alice", "cuong"}
    ),
    "clan edit A": Page(lambda w: f"/so/dong-ho/{w.clan_a.pk}/sua/", {"alice", "cuong", "hoa"}),
    "clan edit B": Page(lambda w: f"/so/dong-ho/{w.clan_b.pk}/sua/", {"alice", "binh"}),
    "clan history A": Page(
        lambda w: f"/lich-su/registry.clan/{w.clan_a.pk}/",
        {*EVERYONE_PROVINCE, "cuong", "van", "hoa"},
    ),
    # organisations
    "organisation A": Page(
        lambda w: f"/so/don-vi/{w.org_a.pk}/", {*EVERYONE_PROVINCE, "cuong", "olga"}
    ),
    "organisation B": Page(lambda w: f"/so/don-vi/{w.org_b.pk}/", {*EVERYONE_PROVINCE, "binh"}),
    "organisation create (own commune)": Page(
        lambda w: "/so/don-vi/them/", {"alice", "cuong", "binh"}
    ),
    "organisation create in A": Page(
        lambda w: f"/so/don-vi/them/?xa={w.commune_a.pk}", {"alice", "cuong"}
    ),
    "organisation create in B": Page(
        lambda w: f"/so/don-vi/them/?xa={w.commune_b.pk}", {"alice", "binh"}
    ),
    "organisation edit A": Page(
        lambda w: f"/so/don-vi/{w.org_a.pk}/sua/", {"alice", "cuong", "olga"}
    ),
    "organisation edit B": Page(lambda w: f"/so/don-vi/{w.org_b.pk}/sua/", {"alice", "binh"}),
    "organisation history A": Page(
        lambda w: f"/lich-su/registry.organisation/{w.org_a.pk}/",
        {*EVERYONE_PROVINCE, "cuong", "olga"},
    ),
    # imports
    **{
        f"import {what} {kind}": _fixed(f"/so/nhap/{kind}/{suffix}", {"alice", "cuong", "binh"})
        for kind in ("citizens", "households", "clans", "organisations")
        for what, suffix in (("upload", ""), ("template", "mau.xlsx"))
    },
    "import upload of an unknown registry": Page(lambda w: "/so/nhap/xyz/", set()),
}


@pytest.mark.parametrize("name", sorted(GET_PAGES))
def test_get_page_scope(world, as_user, name):
    page = GET_PAGES[name]
    url = page.url(world)
    seen = {persona: as_user(persona).get(url).status_code for persona in ALL_PERSONAS}
    assert seen == {p: page.status if p in page.allowed else 404 for p in ALL_PERSONAS}


def test_anonymous_is_sent_to_login(world, client):
    for name, page in GET_PAGES.items():
        response = client.get(page.url(world))
        assert response.status_code == 302, name
        assert response["Location"].startswith("/dang-nhap/?next="), name


def test_anonymous_post_is_sent_to_login_and_changes_nothing(world, client):
    before = audit_count()
    an = world.citizens["an"]
    response = client.post(f"/so/cong-dan/{an.pk}/tinh-trang/deceased/", {"on": "01/01/2025"})
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    response = client.post(
        f"/so/ho/{world.households['a1'].pk}/them-thanh-vien/", {"citizen": an.pk}
    )
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    an.refresh_from_db()
    assert an.status == "active" and audit_count() == before


def test_list_pages_for_anonymous_redirect(world, client):
    for url in [*LISTS, *EXPORTS]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/"), url


# --- actions: what each persona's POST does ---------------------------------------------

OK, REFUSED, NOT_FOUND = "ok", "refused", 404


@dataclass
class Action:
    """A POST; `done(world)` tells whether its effect is in the database."""

    url: Callable[[Any], str]
    data: Callable[[Any], dict[str, Any]]
    done: Callable[[Any], bool]
    ok: set[str]
    refused: set[str] = field(default_factory=set)
    setup: Callable[[Any], None] | None = None


def _person(world, name: str) -> Citizen:
    return Citizen.objects.get(full_name=name)


def _household_code(world, name: str) -> str:
    household = _person(world, name).household
    return household.code if household else ""


def _citizen_data(world, **extra: Any) -> dict[str, Any]:
    return {
        "full_name": "Đỗ Thị Mới",
        "gender": "female",
        "birth": "02/03/1995",
        "occupation": "farmer",
        "village": world.village_a1.pk,
        "xa": world.commune_a.pk,
        **extra,
    }


def _extra_household_a1(world) -> None:
    household = Household(commune=world.commune_a, village=world.village_a1, code="PH-003")
    household.save()


def _duplicate_of_chau(world) -> None:
    Citizen(
        commune=world.commune_a,
        village=world.village_a1,
        full_name="Nguyễn Minh Châu",
        birth_year=2012,
        gender="female",
    ).save()


def _job(world) -> None:
    ImportJob.objects.create(
        kind="citizens",
        commune=world.commune_a,
        created_by=world.users["cuong"],
        filename="x.xlsx",
        stored_file="x.xlsx",
        status="ready",
    )


ACTIONS: dict[str, Action] = {
    "create citizen in A1": Action(
        url=lambda w: "/so/cong-dan/them/",
        data=_citizen_data,
        done=lambda w: Citizen.objects.filter(full_name="Đỗ Thị Mới").exists(),
        ok={"alice", "cuong", "van"},
    ),
    "edit citizen an": Action(
        url=lambda w: f"/so/cong-dan/{w.citizens['an'].pk}/sua/",
        data=lambda w: {
            "full_name": "Nguyễn Văn An",
            "gender": "male",
            "birth": "1975",
            "identity_number": "033075000123",
            "phone": "0988888888",
            "occupation": "other",
            "village": w.village_a1.pk,
            "relation": "head",
        },
        done=lambda w: _person(w, "Nguyễn Văn An").phone == "0988888888",
        ok={"alice", "cuong", "van"},
    ),
    "edit citizen em (B)": Action(
        url=lambda w: f"/so/cong-dan/{w.citizens['em'].pk}/sua/",
        data=lambda w: {
            "full_name": "Trần Thị Em",
            "gender": "female",
            "birth": "1990",
            "phone": "0977777777",
            "occupation": "other",
            "village": w.village_b1.pk,
            "relation": "head",
        },
        done=lambda w: _person(w, "Trần Thị Em").phone == "0977777777",
        ok={"alice", "binh"},
    ),
    "record chau moved away": Action(
        url=lambda w: f"/so/cong-dan/{w.citizens['chau'].pk}/tinh-trang/moved/",
        data=lambda w: {"on": "01/02/2025"},
        done=lambda w: _person(w, "Nguyễn Minh Châu").status == "moved",
        ok={"alice", "cuong", "van"},
    ),
    "merge a duplicate into chau": Action(
        setup=_duplicate_of_chau,
        url=lambda w: f"/so/cong-dan/{w.citizens['chau'].pk}/gop/",
        data=lambda w: {
            "other_id": Citizen.objects.filter(full_name="Nguyễn Minh Châu")
            .exclude(pk=w.citizens["chau"].pk)
            .get()
            .pk
        },
        done=lambda w: Citizen.objects.filter(full_name="Nguyễn Minh Châu").count() == 1,
        ok={"alice", "cuong", "van"},
    ),
    "move chau to PH-003 (A1)": Action(
        setup=_extra_household_a1,
        url=lambda w: f"/so/cong-dan/{w.citizens['chau'].pk}/chuyen-ho/",
        data=lambda w: {"household_code": "PH-003", "relation": "child"},
        done=lambda w: _household_code(w, "Nguyễn Minh Châu") == "PH-003",
        ok={"alice", "cuong", "van"},  # hoa sees chau (clan_a) but may not move her: 404
    ),
    "add dung to PH-001": Action(
        url=lambda w: f"/so/ho/{w.households['a1'].pk}/them-thanh-vien/",
        data=lambda w: {"citizen": str(w.citizens["dung"].pk), "relation": "parent"},
        done=lambda w: _household_code(w, "Phạm Văn Dũng") == "PH-001",
        ok={"alice", "cuong"},
        refused={"van"},  # van edits PH-001 but cannot reach dung (A2)
    ),
    "make lan head of PH-001": Action(
        url=lambda w: f"/so/ho/{w.households['a1'].pk}/chu-ho/{w.citizens['lan'].pk}/",
        data=lambda w: {"previous_relation": "spouse"},
        done=lambda w: Household.objects.get(code="PH-001").head_name == "Lê Thị Lan",
        ok={"alice", "cuong", "van"},
    ),
    "create household in A1": Action(
        url=lambda w: "/so/ho/them/",
        data=lambda w: {"code": "PH-009", "village": w.village_a1.pk, "xa": w.commune_a.pk},
        done=lambda w: Household.objects.filter(code="PH-009").exists(),
        ok={"alice", "cuong", "van"},
    ),
    "edit household PH-001": Action(
        url=lambda w: f"/so/ho/{w.households['a1'].pk}/sua/",
        data=lambda w: {
            "code": "PH-001",
            "address": "Số 1 ngõ 2",
            "village": w.village_a1.pk,
            "clan": w.clan_a.pk,
        },
        done=lambda w: Household.objects.get(code="PH-001").address == "Số 1 ngõ 2",
        ok={"alice", "cuong", "van"},
    ),
    "create clan in A": Action(
        url=lambda w: "/so/dong-ho/them/",
        data=lambda w: {"name": "Lê", "home_village": w.village_a2.pk, "xa": w.commune_a.pk},
        done=lambda w: Clan.objects.filter(name="Lê").exists(),
        ok={"alice", "cuong"},
    ),
    "edit clan A": Action(
        url=lambda w: f"/so/dong-ho/{w.clan_a.pk}/sua/",
        data=lambda w: {"name": "Nguyễn", "branch_name": "Chi 3", "home_village": w.village_a1.pk},
        done=lambda w: Clan.objects.filter(branch_name="Chi 3").exists(),
        ok={"alice", "cuong", "hoa"},
    ),
    "add PH-002 to clan A": Action(
        url=lambda w: f"/so/dong-ho/{w.clan_a.pk}/them-ho/",
        data=lambda w: {"household_code": "PH-002"},
        done=lambda w: Household.objects.get(code="PH-002").clan_id is not None,
        ok={"alice", "cuong"},
        refused={"hoa"},  # she keeps clan A's list but cannot see PH-002
    ),
    "remove KC-001 from clan A": Action(
        url=lambda w: f"/so/dong-ho/{w.clan_a.pk}/bo-ho/{w.households['b1'].pk}/",
        data=lambda w: {},
        done=lambda w: Household.objects.get(code="KC-001").clan_id is None,
        ok={"alice", "cuong", "hoa"},
    ),
    "create organisation in A": Action(
        url=lambda w: "/so/don-vi/them/",
        data=lambda w: {
            "name": "Hợp tác xã Phố Hiến",
            "kind": "production",
            "level": "commune",
            "xa": w.commune_a.pk,
        },
        done=lambda w: Organisation.objects.filter(name="Hợp tác xã Phố Hiến").exists(),
        ok={"alice", "cuong"},
    ),
    "edit organisation A": Action(
        url=lambda w: f"/so/don-vi/{w.org_a.pk}/sua/",
        data=lambda w: {
            "name": ORG_A,
            "kind": "school",
            "level": "commune",
            "declared_staff": "31",
        },
        done=lambda w: Organisation.objects.get(name=ORG_A).declared_staff == 31,
        ok={"alice", "cuong", "olga"},
    ),
    "add chau to organisation A staff": Action(
        url=lambda w: f"/so/don-vi/{w.org_a.pk}/them-nguoi/",
        data=lambda w: {"citizen": str(w.citizens["chau"].pk)},
        done=lambda w: _person(w, "Nguyễn Minh Châu").workplace_id is not None,
        ok={"alice", "cuong", "olga"},
    ),
    "remove lan from organisation A staff": Action(
        url=lambda w: f"/so/don-vi/{w.org_a.pk}/bo-nguoi/{w.citizens['lan'].pk}/",
        data=lambda w: {},
        done=lambda w: _person(w, "Lê Thị Lan").workplace_id is None,
        ok={"alice", "cuong", "olga"},
    ),
    "upload a citizens workbook for A": Action(
        url=lambda w: "/so/nhap/citizens/",
        data=lambda w: {"commune": w.commune_a.pk, "file": _upload()},
        done=lambda w: ImportJob.objects.exists(),
        ok={"alice", "cuong"},
        refused={"binh"},  # his upload page opens, but commune A is not among its choices
    ),
    "confirm an import job of A": Action(
        setup=_job,
        url=lambda w: f"/so/nhap-lan/{ImportJob.objects.get().pk}/xac-nhan/",
        data=lambda w: {},
        done=lambda w: ImportJob.objects.get().status != "ready",
        ok={"alice", "cuong"},
    ),
}


def _upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("dan-cu.xlsx", workbook([person()]))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_action_scope(world, as_user, media, name):
    action = ACTIONS[name]
    seen: dict[str, Any] = {}
    for persona in ALL_PERSONAS:
        with rolled_back():
            if action.setup:
                action.setup(world)
            before = audit_count()
            assert not action.done(world)
            response = as_user(persona).post(action.url(world), action.data(world))
            done = action.done(world)
            if response.status_code == 404:
                seen[persona] = NOT_FOUND
            elif response.status_code == 302 and done:
                seen[persona] = OK
            elif response.status_code in (200, 302) and not done:
                seen[persona] = REFUSED if audit_count() == before else "refused but audited"
            else:
                seen[persona] = (response.status_code, done)
            if seen[persona] == NOT_FOUND:
                assert not done and audit_count() == before, persona
    expected = {
        p: OK if p in action.ok else REFUSED if p in action.refused else NOT_FOUND
        for p in ALL_PERSONAS
    }
    assert seen == expected


def test_anonymous_actions_are_sent_to_login(world, client, media):
    for name, action in ACTIONS.items():
        with rolled_back():
            if action.setup:
                action.setup(world)
            before = audit_count()
            response = client.post(action.url(world), action.data(world))
            assert response.status_code == 302, name
            assert response["Location"].startswith("/dang-nhap/?next="), name
            assert not action.done(world) and audit_count() == before, name


def test_viewer_sees_no_edit_controls(world, as_user):
    client = as_user("vera")
    page = client.get(f"/so/ho/{world.households['a1'].pk}/").content.decode()
    assert "Sửa thông tin hộ" not in page and "Làm chủ hộ" not in page and "Thêm vào hộ" not in page
    page = client.get(f"/so/cong-dan/{world.citizens['an'].pk}/").content.decode()
    assert "Ghi đã mất" not in page and "Gộp hồ sơ trùng" not in page
    page = client.get("/so/cong-dan/").content.decode()
    assert "Thêm công dân" not in page and "Nhập từ Excel" not in page and "Xuất Excel" in page


def test_list_action_links_lead_to_pages_that_open(world, as_user):
    """Every "add" and "import" button a list shows opens for that user."""
    for persona in ALL_PERSONAS:
        client = as_user(persona)
        for url in LISTS:
            response = client.get(url)
            if response.status_code != 200:
                continue
            page = response.content.decode()
            for marker in ("/them/", "/so/nhap/"):
                for chunk in page.split('href="')[1:]:
                    link = chunk.split('"')[0].replace("&amp;", "&")
                    if marker in link:
                        assert client.get(link).status_code == 200, (persona, url, link)


def test_org_and_clan_managers_see_only_their_own_group(world, as_user):
    olga = as_user("olga")
    page = olga.get(f"/so/don-vi/{world.org_a.pk}/").content.decode()
    assert "Lê Thị Lan" in page and "Bỏ khỏi đơn vị" in page
    hoa = as_user("hoa")
    page = hoa.get(f"/so/dong-ho/{world.clan_a.pk}/").content.decode()
    assert "KC-001" in page and "PH-001" in page and "Bỏ khỏi dòng họ" in page
    page = hoa.get(f"/so/ho/{world.households['b1'].pk}/").content.decode()
    assert "Trần Thị Em" in page and "Sửa thông tin hộ" not in page


def test_import_job_pages_are_scoped_to_the_job_commune(world, as_user, media):
    response = as_user("cuong").post(
        "/so/nhap/citizens/", {"commune": world.commune_a.pk, "file": _upload()}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/so/nhap-lan/{job.pk}/"
    seen = {p: as_user(p).get(f"/so/nhap-lan/{job.pk}/").status_code for p in ALL_PERSONAS}
    assert seen == {p: 200 if p in {"alice", "cuong"} else 404 for p in ALL_PERSONAS}
    # a job with errors: its annotated copy, for the same people
    bad = workbook([person(**{"Thôn": "Không Có"})])
    response = as_user("cuong").post(
        "/so/nhap/citizens/",
        {"commune": world.commune_a.pk, "file": SimpleUploadedFile("loi.xlsx", bad)},
    )
    bad_job = ImportJob.objects.get(filename="loi.xlsx")
    assert bad_job.status == "invalid" and bad_job.has_annotated
    seen = {}
    for p in ALL_PERSONAS:
        response = as_user(p).get(f"/so/nhap-lan/{bad_job.pk}/loi.xlsx")
        seen[p] = response.status_code
        close_response(response)
    assert seen == {p: 200 if p in {"alice", "cuong"} else 404 for p in ALL_PERSONAS}
    # a commune officer cannot upload into another commune
    response = as_user("binh").post(
        "/so/nhap/citizens/", {"commune": world.commune_a.pk, "file": _upload()}
    )
    assert response.status_code == 200 and "commune" in response.context["form"].errors
    assert not ImportJob.objects.filter(created_by=world.users["binh"]).exists()


def test_citizen_page_names_linked_records_only_within_scope(world, as_user):
    """olga reads her staff member Lan: not the name of Lan's household head (An), nor a
    namesake in the same village she may not see; hoa reads Lan's workplace unlinked."""
    lan = world.citizens["lan"]
    namesake = make_citizen(world.village_a1, "Lê Thị Lan", 1978, "female")
    a1 = world.households["a1"]
    page = as_user("olga").get(f"/so/cong-dan/{lan.pk}/").content.decode()
    assert "Hộ PH-001 — Vợ/chồng" in page
    assert "Nguyễn Văn An" not in page and f"/so/ho/{a1.pk}/" not in page
    assert "Có thể trùng" not in page and f"/so/cong-dan/{namesake.pk}/" not in page
    assert f'href="/so/don-vi/{world.org_a.pk}/"' in page
    page = as_user("hoa").get(f"/so/cong-dan/{lan.pk}/").content.decode()
    assert ORG_A in page and f"/so/don-vi/{world.org_a.pk}/" not in page
    assert f'href="/so/ho/{a1.pk}/">Hộ PH-001 — Nguyễn Văn An</a>' in page
    page = as_user("cuong").get(f"/so/cong-dan/{lan.pk}/").content.decode()
    assert f'href="/so/cong-dan/{namesake.pk}/"' in page and "Có thể trùng" in page
    assert f'href="/so/don-vi/{world.org_a.pk}/"' in page
