"""Issue 20: the API's lists at province scale — keyset pages by a signed cursor, a count
that stops at 10,000, and the pages' name search (names from their start first)."""

from __future__ import annotations

import pytest
from django.test import Client

from api import paging
from api.models import ApiToken
from assessments import services
from assessments.tests.helpers import YEAR, open_years
from conftest import make_citizen, make_household
from registry.models import Citizen


@pytest.fixture
def get(world):
    keys: dict[str, str] = {}

    def send(persona, path, **params):
        if persona not in keys:
            _token, keys[persona] = ApiToken.issue(user=world.users[persona], name="test")
        return Client().get(f"/api/v1{path}", params, HTTP_AUTHORIZATION=f"Bearer {keys[persona]}")

    return send


def walk(get, persona, path, **params):
    """Every page of a list by cursor: (the rows in the order given, the pages' bodies)."""
    rows, bodies = [], []
    cursor = params.pop("cursor", None)  # from a page read before
    while True:
        response = get(persona, path, **params, **({"cursor": cursor} if cursor else {}))
        assert response.status_code == 200, response.content
        body = response.json()
        bodies.append(body)
        rows.extend(body["results"])
        cursor = body["next"]
        if cursor is None:
            return rows, bodies
        assert len(bodies) < 100, "the walk does not end"


NAMES = [
    "Đỗ Văn Bình",
    "Đinh Thị Hoa",
    "Bùi Văn Cường",
    "Nguyễn Thị Hương",
    "Nguyễn Thị Hường",
    "Vũ Minh Khôi",
    "Lê Văn Tám",
    "Hoàng Thị Mai",
]


@pytest.fixture
def many(world):
    """Eight more people in commune A (twelve with the world's four), one name twice."""
    people = [make_citizen(world.village_a2, name) for name in NAMES]
    people.append(make_citizen(world.village_a1, "Lê Văn Tám", birth_year=1990))
    return people


def in_name_order(queryset):
    return list(queryset.order_by("search_key", "id").values_list("pk", flat=True))


def test_walking_by_cursor_gives_every_row_once_in_name_order(world, get, many):
    rows, bodies = walk(get, "cuong", "/citizens", page_size=5)
    ids = [row["id"] for row in rows]
    assert ids == in_name_order(Citizen.objects.filter(commune=world.commune_a))
    assert len(ids) == len(set(ids)) == 13
    assert [len(b["results"]) for b in bodies] == [5, 5, 3]
    # The count comes with the first page; the cursor's pages neither count nor number.
    assert (bodies[0]["count"], bodies[0]["count_capped"], bodies[0]["page"]) == (13, False, 1)
    assert all(b["count"] is None and b["page"] is None for b in bodies[1:])
    # "Đỗ" sorts among the D's (folded), not after "Trần".
    names = [row["full_name"] for row in rows]
    assert names.index("Đinh Thị Hoa") < names.index("Hoàng Thị Mai")


def test_a_page_that_fills_the_list_exactly_ends_it(world, get, many):
    first = get("cuong", "/citizens", page_size=13).json()
    assert len(first["results"]) == 13 and first["next"] is None


def test_rows_added_between_requests_are_neither_repeated_nor_lost(world, get, many):
    first = get("cuong", "/citizens", page_size=4).json()
    seen = [row["id"] for row in first["results"]]
    before = make_citizen(world.village_a1, "An Văn Đầu")  # sorts before the cursor
    after = make_citizen(world.village_a1, "Yên Thị Cuối")  # sorts after it
    rows, _bodies = walk(get, "cuong", "/citizens", page_size=4, cursor=first["next"])
    ids = seen + [row["id"] for row in rows]
    assert len(ids) == len(set(ids))
    assert before.pk not in ids and after.pk in ids
    everyone = in_name_order(Citizen.objects.filter(commune=world.commune_a))
    assert ids == [pk for pk in everyone if pk != before.pk]


def test_a_person_removed_between_requests_does_not_break_the_walk(world, get, many):
    everyone = in_name_order(Citizen.objects.filter(commune=world.commune_a))
    first = get("cuong", "/citizens", page_size=4).json()
    Citizen.objects.filter(pk=first["results"][-1]["id"]).delete()  # the cursor's own row
    rows, _bodies = walk(get, "cuong", "/citizens", page_size=4, cursor=first["next"])
    assert [row["id"] for row in first["results"] + rows] == everyone


@pytest.mark.parametrize(
    ("path", "size"),
    [("/households", 1), ("/clans", 1), ("/organisations", 1), ("/assessments", 2)],
)
def test_every_list_walks_by_cursor_in_its_order(world, get, path, size):
    open_years(world)
    make_household(world.village_a2, "PH-009")
    make_household(world.village_b1, "KC-002")
    for household in world.households.values():
        services.register(actor=world.users["alice"], title="GDHT", year=YEAR, subject=household)
    whole = get("alice", path, page_size=200).json()
    assert whole["next"] is None and whole["count"] == len(whole["results"]) >= 2
    rows, bodies = walk(get, "alice", path, page_size=size)
    assert [row["id"] for row in rows] == [row["id"] for row in whole["results"]]
    assert len(bodies) == -(-len(rows) // size)


def test_households_are_ordered_by_commune_then_code(world, get):
    make_household(world.village_a2, "AA-000")
    rows, _bodies = walk(get, "alice", "/households", page_size=2)
    keys = [(row["commune_id"], row["code"]) for row in rows]
    assert keys == sorted(keys) and len(keys) == len(set(keys)) >= 4


# --- cursors that were not given, or not for this list ---------------------------------


def _tampered(cursor: str) -> str:
    body, signature = cursor.rsplit(":", 1)
    flipped = "A" if body[-1] != "A" else "B"
    return f"{body[:-1]}{flipped}:{signature}"


def test_a_tampered_or_foreign_cursor_is_a_422_in_vietnamese(world, get, many):
    first = get("cuong", "/citizens", page_size=2).json()
    households = get("cuong", "/households", page_size=1).json()
    cases = {
        "garbage": ("/citizens", {"cursor": "abc"}),
        "empty-ish": ("/citizens", {"cursor": ":"}),
        "unicode": ("/citizens", {"cursor": "Nguyễn:Văn"}),
        "tampered": ("/citizens", {"cursor": _tampered(first["next"])}),
        "another list's": ("/citizens", {"cursor": households["next"]}),
        "other filters": ("/citizens", {"cursor": first["next"], "q": "nguyen"}),
        "other place": ("/citizens", {"cursor": first["next"], "village_id": world.village_a1.pk}),
        "assessments": ("/assessments", {"cursor": first["next"]}),
    }
    for label, (path, params) in cases.items():
        response = get("cuong", path, page_size=2, **params)
        assert response.status_code == 422, label
        (message,) = response.json()["errors"]["cursor"]
        assert message.startswith("Con trỏ trang (cursor)"), label
        assert "Traceback" not in response.content.decode()
    # The same cursor with the same filters goes on; the page size may change.
    assert get("cuong", "/citizens", page_size=3, cursor=first["next"]).status_code == 200


def test_page_and_cursor_together_are_refused(world, get, many):
    first = get("cuong", "/citizens", page_size=2).json()
    response = get("cuong", "/citizens", page=2, cursor=first["next"])
    assert response.status_code == 422
    assert response.json()["errors"]["page"] == ["Dùng page hoặc cursor, không dùng cả hai."]


def test_the_old_page_numbers_still_give_the_same_rows_and_a_cursor_to_go_on(world, get, many):
    by_cursor, _bodies = walk(get, "cuong", "/citizens", page_size=4)
    second = get("cuong", "/citizens", page=2, page_size=4).json()
    assert second["page"] == 2 and second["count"] == 13
    assert [r["id"] for r in second["results"]] == [r["id"] for r in by_cursor[4:8]]
    rest, _bodies = walk(get, "cuong", "/citizens", page_size=4, cursor=second["next"])
    assert [r["id"] for r in rest] == [r["id"] for r in by_cursor[8:]]


# --- scope --------------------------------------------------------------------------------


def test_an_officer_of_commune_b_cannot_page_into_commune_a(world, get, many):
    in_a = {c.pk for c in Citizen.objects.filter(commune=world.commune_a)}
    rows, _bodies = walk(get, "binh", "/citizens", page_size=1)
    assert [row["id"] for row in rows] == [world.citizens["em"].pk]
    # A cursor taken from commune A's list (the first rows of A, by name) shows B only.
    cuong_page = get("cuong", "/citizens", page_size=1).json()
    rows, _bodies = walk(get, "binh", "/citizens", page_size=1, cursor=cuong_page["next"])
    assert not {row["id"] for row in rows} & in_a
    # Asking for commune A by its id: nothing, on every list.
    for path in ("/citizens", "/households", "/clans", "/organisations"):
        body = get("binh", path, commune_id=world.commune_a.pk).json()
        assert body["results"] == [] and body["count"] == 0 and body["next"] is None, path


def test_a_village_officer_walks_only_their_village(world, get, many):
    rows, _bodies = walk(get, "van", "/citizens", page_size=2)
    expected = in_name_order(Citizen.objects.filter(village=world.village_a1))
    assert [row["id"] for row in rows] == expected


# --- search as the pages search -----------------------------------------------------------


def test_a_name_typed_without_diacritics_is_found(world, get, many):
    for typed in ("nguyen thi huong", "NGUYEN THI HUONG", "Nguyễn Thị Hương"):
        rows = get("cuong", "/citizens", q=typed).json()["results"]
        assert [r["full_name"] for r in rows] == ["Nguyễn Thị Hương", "Nguyễn Thị Hường"]


def test_names_from_their_start_first_then_anywhere_in_them(world, get, many):
    inside = get("cuong", "/citizens", q="huong").json()["results"]  # no name starts so
    assert [r["full_name"] for r in inside] == ["Nguyễn Thị Hương", "Nguyễn Thị Hường"]
    make_citizen(world.village_a1, "Hương Thị Lụa")
    starting = get("cuong", "/citizens", q="huong").json()["results"]
    assert [r["full_name"] for r in starting] == ["Hương Thị Lụa"]


def test_a_walk_keeps_the_way_its_first_page_searched(world, get, many):
    first = get("cuong", "/citizens", q="huong", page_size=1).json()
    assert [r["full_name"] for r in first["results"]] == ["Nguyễn Thị Hương"]
    make_citizen(world.village_a1, "Hương Thị Lụa")  # now a name starts with it
    rest, _bodies = walk(get, "cuong", "/citizens", q="huong", page_size=1, cursor=first["next"])
    assert [r["full_name"] for r in rest] == ["Nguyễn Thị Hường"]


def test_clans_and_organisations_are_found_as_on_their_pages(world, get):
    clans = get("alice", "/clans", q="nguyen").json()["results"]
    assert [c["id"] for c in clans] == [world.clan_a.pk]
    units = get("alice", "/organisations", q=world.org_b.name.lower()).json()["results"]
    assert world.org_b.pk in [u["id"] for u in units]


def test_reading_a_search_by_cursor_is_not_another_search(world, get, many, settings):
    settings.SEARCH_RATE_PER_MINUTE = 1
    rows, bodies = walk(get, "cuong", "/citizens", q="van", page_size=1)
    assert len(bodies) >= 3 and all("Văn" in r["full_name"] for r in rows)
    assert get("cuong", "/citizens", q="thi").status_code == 429  # a new search


# --- counts -------------------------------------------------------------------------------


def test_the_count_stops_at_the_cap(world, get, many, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 10)
    big = get("alice", "/citizens", page_size=2).json()
    assert (big["count"], big["count_capped"]) == (10, True)
    small = get("binh", "/citizens").json()
    assert (small["count"], small["count_capped"]) == (1, False)
    searched = get("alice", "/citizens", q="huong").json()
    assert (searched["count"], searched["count_capped"]) == (2, False)
