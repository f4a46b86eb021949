"""Issue 16: who heads a household is stored once, as `Household.head`. A citizen's
relation is the relation to the head, blank for the head (the database refuses "head");
"Chủ hộ" is shown for the head wherever a relation is shown, and written in (the form,
the sheet, the API) it makes the person the head."""

from __future__ import annotations

import io
import json
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api.models import ApiToken
from audit.models import AuditEvent
from registry.access import acts_for_household
from registry.imports import run_import
from registry.models import Citizen, Household
from registry.tests.pages import column, edit_cell


def the_one_fact(household: Household, head: Citizen | None) -> None:
    """The household names its head; no one's stored relation says it."""
    household.refresh_from_db()
    assert household.head_id == (head.pk if head else None)
    assert not Citizen.objects.filter(relation="head").exists()
    if head is not None:
        assert Citizen.objects.get(pk=head.pk).relation == ""


def run(world, data: bytes, *, dry_run: bool = False):
    return run_import(
        kind="citizens",
        actor=world.users["cuong"],
        commune=world.commune_a,
        data=data,
        dry_run=dry_run,
        filename="so.xlsx",
    )


def add_row(content: bytes, values: dict[str, object]) -> bytes:
    """The workbook with one more row, its cells given by header."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    header = [str(c.value).removesuffix(" *") for c in sheet[1]]
    sheet.append([values.get(name) for name in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_database_refuses_relation_head(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Citizen.objects.filter(pk=world.citizens["lan"].pk).update(relation="head")


# --- setting a head: the page, the import, the API -----------------------------------------


def test_a_head_set_on_the_pages_is_one_fact(world, as_user):
    client = as_user("cuong")
    client.post("/so/ho/them/", {"code": "PH-050", "village": world.village_a1.pk})
    household = Household.objects.get(code="PH-050")
    client.post(
        f"/so/cong-dan/them/?ho={household.pk}",
        {
            "full_name": "Vũ Văn Chủ",
            "gender": "male",
            "birth": "1970",
            "occupation": "farmer",
            "village": world.village_a1.pk,
            "relation": "head",
            "ho": household.pk,
        },
    )
    chu = Citizen.objects.get(full_name="Vũ Văn Chủ")
    the_one_fact(household, chu)
    created = AuditEvent.objects.for_object(chu).get(action="citizen.create")
    assert created.changes["relation"] == [None, "head"]  # the trail reads as the page shows
    page = client.get(f"/so/ho/{household.pk}/").content.decode()
    assert "<td>Chủ hộ</td>" in page

    # "Làm chủ hộ": Lan heads PH-001, An becomes her spouse
    a1, an, lan = world.households["a1"], world.citizens["an"], world.citizens["lan"]
    client.post(f"/so/ho/{a1.pk}/chu-ho/{lan.pk}/", {"previous_relation": "spouse"})
    the_one_fact(a1, lan)
    assert Citizen.objects.get(pk=an.pk).relation == "spouse"
    page = client.get(f"/so/cong-dan/{lan.pk}/").content.decode()
    assert "— Chủ hộ</dd>" in page

    # added as "Chủ hộ" to a household left without one: Dũng moves out of PH-002, Châu
    # moves in as its head
    a2, dung, chau = world.households["a2"], world.citizens["dung"], world.citizens["chau"]
    client.post(
        f"/so/cong-dan/{dung.pk}/chuyen-ho/", {"household_code": "PH-001", "relation": "parent"}
    )
    the_one_fact(a2, None)
    client.post(f"/so/ho/{a2.pk}/them-thanh-vien/", {"citizen": str(chau.pk), "relation": "head"})
    the_one_fact(a2, chau)


def test_a_head_set_by_the_import_is_one_fact_and_reimporting_changes_nothing(world, as_user):
    client = as_user("cuong")
    exported = client.get("/so/cong-dan/xuat.xlsx").content
    # An's row says "Chủ hộ", as the export writes it: the current head, no change
    assert column(exported, "Quan hệ với chủ hộ")[
        column(exported, "Họ và tên").index("Nguyễn Văn An")
    ] == ("Chủ hộ")
    again = run(world, exported, dry_run=True)
    assert again.errors == [] and (again.created, again.updated) == (0, 0)

    edited = add_row(
        exported,
        {
            "Mã hộ": "PH-060",
            "Họ và tên": "Đỗ Văn Mới",
            "Giới tính": "Nam",
            "Ngày sinh": "1970",
            "Thôn": "Đông Tảo",
            "Quan hệ với chủ hộ": "Chủ hộ",
        },
    )
    edited = edit_cell(
        edited, match=("Họ và tên", "Lê Thị Lan"), header_name="Quan hệ với chủ hộ", value="Chủ hộ"
    )
    edited = edit_cell(
        edited,
        match=("Họ và tên", "Nguyễn Văn An"),
        header_name="Quan hệ với chủ hộ",
        value="Vợ/chồng",
    )
    report = run(world, edited)
    assert report.errors == [] and report.committed
    new = Citizen.objects.get(full_name="Đỗ Văn Mới")
    the_one_fact(Household.objects.get(code="PH-060"), new)
    the_one_fact(world.households["a1"], world.citizens["lan"])
    assert Citizen.objects.get(pk=world.citizens["an"].pk).relation == "spouse"
    lan_update = AuditEvent.objects.get(
        action="citizen.import_update", object_id=str(world.citizens["lan"].pk)
    )
    assert lan_update.changes == {"relation": ["spouse", "head"]}  # as the pages write it

    # the new export says "Chủ hộ" for the heads, and importing it changes nothing
    exported = client.get("/so/cong-dan/xuat.xlsx").content
    shown = dict(
        zip(column(exported, "Họ và tên"), column(exported, "Quan hệ với chủ hộ"), strict=True)
    )
    assert (shown["Lê Thị Lan"], shown["Đỗ Văn Mới"], shown["Nguyễn Văn An"]) == (
        "Chủ hộ",
        "Chủ hộ",
        "Vợ/chồng",
    )
    again = run(world, exported)
    assert again.errors == [] and (again.created, again.updated) == (0, 0)


def test_the_import_keeps_the_head_unless_the_file_names_another(world, as_user):
    """The head's row may say "Chủ hộ" or nothing; another relation, with no new head in
    the file, would leave the household's head and their relation at odds: refused."""
    exported = as_user("cuong").get("/so/cong-dan/xuat.xlsx").content
    blank = edit_cell(
        exported, match=("Họ và tên", "Nguyễn Văn An"), header_name="Quan hệ với chủ hộ", value=None
    )
    report = run(world, blank)
    assert report.errors == [] and (report.created, report.updated) == (0, 0)
    the_one_fact(world.households["a1"], world.citizens["an"])
    other = edit_cell(
        exported,
        match=("Họ và tên", "Nguyễn Văn An"),
        header_name="Quan hệ với chủ hộ",
        value="Con",
    )
    report = run(world, other, dry_run=True)
    assert [str(e) for e in report.errors] == [
        "Trang “Dữ liệu”, dòng 4, cột “Quan hệ với chủ hộ”: Nguyễn Văn An là chủ hộ PH-001: "
        "ghi “Chủ hộ” (hoặc để trống); muốn đổi chủ hộ, ghi “Chủ hộ” cho người mới trong tệp."
    ]


def test_a_head_moved_to_another_household_by_the_import_heads_nothing(world, as_user):
    exported = as_user("cuong").get("/so/cong-dan/xuat.xlsx?q=dung").content
    edited = edit_cell(
        exported, match=("Họ và tên", "Phạm Văn Dũng"), header_name="Mã hộ", value="PH-001"
    )
    edited = edit_cell(
        edited, match=("Họ và tên", "Phạm Văn Dũng"), header_name="Thôn", value="Đông Tảo"
    )
    edited = edit_cell(
        edited,
        match=("Họ và tên", "Phạm Văn Dũng"),
        header_name="Quan hệ với chủ hộ",
        value="Bố/mẹ",
    )
    report = run(world, edited)
    assert report.errors == [] and report.committed
    assert any("1 hộ sẽ không còn chủ hộ" in w for w in report.warnings)
    the_one_fact(world.households["a2"], None)
    dung = Citizen.objects.get(pk=world.citizens["dung"].pk)
    assert (dung.household, dung.relation) == (world.households["a1"], "parent")


@pytest.fixture
def api(world):
    _token, key = ApiToken.issue(user=world.users["cuong"], name="test")
    client = Client()

    def call(method: str, path: str, body: dict | None = None):
        kwargs = {"content_type": "application/json", "HTTP_AUTHORIZATION": f"Bearer {key}"}
        if body is not None:
            kwargs["data"] = json.dumps(body)
        return getattr(client, method)(f"/api/v1{path}", **kwargs)

    return call


def test_a_head_set_through_the_api_is_one_fact_and_reads_head(world, api):
    response = api("post", "/households", {"code": "PH-070", "village_id": world.village_a2.pk})
    household = Household.objects.get(pk=response.json()["id"])
    body = {
        "full_name": "Lý Văn Đầu",
        "gender": "male",
        "birth": "1965",
        "village_id": world.village_a2.pk,
        "household_id": household.pk,
        "relation": "head",
    }
    response = api("post", "/citizens", body)
    assert response.status_code == 201 and response.json()["relation"] == "head"
    head = Citizen.objects.get(pk=response.json()["id"])
    the_one_fact(household, head)
    # a second head is refused, as on the page
    response = api("post", "/citizens", {**body, "full_name": "Lý Văn Hai"})
    assert response.json()["errors"]["relation"] == ["Hộ đã có chủ hộ; dùng “Đổi chủ hộ”."]

    # read: "head" for the heads, computed, in one query for the whole page of people
    an = world.citizens["an"]
    assert api("get", f"/citizens/{an.pk}").json()["relation"] == "head"
    rows = api("get", "/citizens?page_size=200").json()["results"]
    relations = {row["full_name"]: row["relation"] for row in rows}
    assert relations["Nguyễn Văn An"] == relations["Lý Văn Đầu"] == "head"
    assert relations["Lê Thị Lan"] == "spouse"
    # a change of the head's phone keeps them the head (their form's relation reads "head")
    response = api("patch", f"/citizens/{an.pk}", {"phone": "0987654321"})
    assert response.status_code == 200 and response.json()["relation"] == "head"
    the_one_fact(world.households["a1"], an)
    # another relation for the head is refused: the head is changed on the household page
    response = api("patch", f"/citizens/{an.pk}", {"relation": "spouse"})
    assert response.status_code == 422


def test_the_api_list_reads_the_heads_without_a_query_per_person(world, api):
    api("get", "/citizens?page_size=1")  # the first call's own reads
    with CaptureQueriesContext(connection) as two:
        api("get", "/citizens?page_size=2")
    with CaptureQueriesContext(connection) as everyone:
        rows = api("get", "/citizens?page_size=200").json()["results"]
    assert len(rows) > 2 and len(everyone.captured_queries) == len(two.captured_queries)


# --- who acts for the household -------------------------------------------------------------


def test_acts_for_household_reads_household_head(world, as_user, django_assert_num_queries):
    an, lan = world.citizens["an"], world.citizens["lan"]
    loaded = Citizen.objects.select_related("household").get(pk=an.pk)
    with django_assert_num_queries(0):
        assert acts_for_household(loaded) and acts_for_household(loaded, loaded.household_id)
        assert not acts_for_household(loaded, world.households["a2"].pk)
    bare = Citizen.objects.get(pk=lan.pk)
    with django_assert_num_queries(1):
        assert not acts_for_household(bare)
        assert not acts_for_household(bare)  # the household is kept with the record
    as_user("cuong").post(
        f"/so/ho/{world.households['a1'].pk}/chu-ho/{lan.pk}/", {"previous_relation": "spouse"}
    )
    assert acts_for_household(Citizen.objects.get(pk=lan.pk))
    assert not acts_for_household(Citizen.objects.get(pk=an.pk))


# --- merging two records of the head --------------------------------------------------------


def test_merging_into_the_heads_duplicate_keeps_one_head(world, as_user):
    an = world.citizens["an"]
    client = as_user("cuong")
    duplicate = Citizen.objects.create(
        commune=world.commune_a,
        village=world.village_a1,
        full_name="Nguyễn Văn An",
        birth_year=1975,
        gender="male",
    )
    response = client.post(f"/so/cong-dan/{duplicate.pk}/gop/", {"other_id": an.pk})
    assert response.status_code == 302
    the_one_fact(world.households["a1"], duplicate)
    assert Citizen.objects.get(pk=duplicate.pk).household == world.households["a1"]


# --- the check ------------------------------------------------------------------------------


def test_check_heads_finds_a_head_outside_the_household(world):
    out = StringIO()
    call_command("check_heads", stdout=out)
    assert "Mọi chủ hộ đều là thành viên đang cư trú của hộ mình." in out.getvalue()
    Household.objects.filter(pk=world.households["a2"].pk).update(head=world.citizens["lan"])
    out = StringIO()
    with pytest.raises(CommandError, match="1 chỗ chưa khớp"):
        call_command("check_heads", stdout=out)
    assert "Chủ hộ không thuộc hộ: 1" in out.getvalue()
    assert "Hộ PH-002" in out.getvalue() and "Lê Thị Lan" in out.getvalue()
