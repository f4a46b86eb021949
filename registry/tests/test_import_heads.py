"""Heads through the Excel imports: clan and organisation heads by CCCD (a blank cell in the
CCCD column clears the head, a sheet without the column leaves it alone), and household
heads by the citizen sheet (the traces of the pages' "Làm chủ hộ" and "Đã mất")."""

from __future__ import annotations

import io

import openpyxl
import pytest

from audit.models import AuditEvent
from registry.imports import run_import
from registry.models import Citizen, Clan, Household, Organisation
from registry.tests.pages import column, edit_cell, sheet_rows


def run(world, kind: str, data: bytes, *, dry_run: bool = False):
    return run_import(
        kind=kind,
        actor=world.users["cuong"],
        commune=world.commune_a,
        data=data,
        dry_run=dry_run,
        filename="so.xlsx",
    )


def drop_columns(content: bytes, *header_names: str) -> bytes:
    """The same workbook without the named columns (a sheet typed without them)."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    header = [str(c.value).removesuffix(" *") for c in sheet[1]]
    for position in sorted((header.index(n) + 1 for n in header_names), reverse=True):
        sheet.delete_cols(position)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


@pytest.fixture
def headed_by_an(world):
    Clan.objects.filter(pk=world.clan_a.pk).update(head=world.citizens["an"])
    Organisation.objects.filter(pk=world.org_a.pk).update(head=world.citizens["an"])


# --- clans and organisations: the CCCD column --------------------------------------------

CASES = [
    ("clans", "/so/dong-ho/xuat.xlsx", ("Dòng họ", "Nguyễn"), "CCCD trưởng họ", "Trưởng họ"),
    (
        "organisations",
        "/so/don-vi/xuat.xlsx",
        ("Tên đơn vị", "Trường Tiểu học Phố Hiến"),
        "CCCD thủ trưởng",
        "Thủ trưởng",
    ),
]


def target(world, kind: str) -> Clan | Organisation:
    model = Clan if kind == "clans" else Organisation
    return model.objects.get(pk=(world.clan_a if kind == "clans" else world.org_a).pk)


@pytest.mark.parametrize(("kind", "url", "match", "identity", "name"), CASES)
def test_blank_cccd_cell_clears_the_head(
    world, as_user, headed_by_an, kind, url, match, identity, name
):
    exported = as_user("cuong").get(url).content
    assert column(exported, identity)[0] == "033075000123"
    edited = edit_cell(exported, match=match, header_name=identity, value=None)
    checked = run(world, kind, edited, dry_run=True)
    assert checked.errors == [] and (checked.created, checked.updated) == (0, 1)
    assert target(world, kind).head == world.citizens["an"]  # a dry run writes nothing
    report = run(world, kind, edited)
    assert report.committed and (report.created, report.updated) == (0, 1)
    assert target(world, kind).head is None
    model = "clan" if kind == "clans" else "organisation"
    (event,) = events(f"{model}.import_update")
    assert event.changes == {"head": ["Nguyễn Văn An", None]}  # a name, as the pages write it


@pytest.mark.parametrize(("kind", "url", "match", "identity", "name"), CASES)
def test_sheet_without_the_cccd_column_leaves_the_head(
    world, as_user, headed_by_an, kind, url, match, identity, name
):
    exported = as_user("cuong").get(url).content
    bare = drop_columns(exported, identity, name)
    assert identity not in sheet_rows(bare)[0]
    report = run(world, kind, bare)
    assert report.errors == [] and (report.updated, report.unchanged) == (0, 1)
    assert target(world, kind).head == world.citizens["an"]
    # and another change in such a sheet still leaves the head alone
    other = "Chi/nhánh" if kind == "clans" else "Địa chỉ"
    report = run(world, kind, edit_cell(bare, match=match, header_name=other, value="Mới"))
    assert report.errors == [] and report.updated == 1
    assert target(world, kind).head == world.citizens["an"]


@pytest.mark.parametrize(("kind", "url", "match", "identity", "name"), CASES)
def test_cccd_of_another_person_changes_the_head_by_name(
    world, as_user, headed_by_an, kind, url, match, identity, name
):
    Citizen.objects.filter(pk=world.citizens["dung"].pk).update(identity_number="033060000777")
    exported = as_user("cuong").get(url).content
    report = run(
        world, kind, edit_cell(exported, match=match, header_name=identity, value="033060000777")
    )
    assert report.errors == [] and report.updated == 1
    assert target(world, kind).head == world.citizens["dung"]
    model = "clan" if kind == "clans" else "organisation"
    (event,) = events(f"{model}.import_update")
    assert event.changes == {"head": ["Nguyễn Văn An", "Phạm Văn Dũng"]}


@pytest.mark.parametrize(("kind", "url", "match", "identity", "name"), CASES)
def test_head_without_cccd_survives_a_round_trip(world, as_user, kind, url, match, identity, name):
    """The export leaves the CCCD cell of a head who has none blank, with the name beside
    it: re-importing the file keeps the head; blanking the name too clears it."""
    dung = world.citizens["dung"]
    Clan.objects.filter(pk=world.clan_a.pk).update(head=dung)
    Organisation.objects.filter(pk=world.org_a.pk).update(head=dung)
    exported = as_user("cuong").get(url).content
    assert column(exported, identity)[0] is None and column(exported, name)[0] == "Phạm Văn Dũng"
    report = run(world, kind, exported)
    assert report.errors == [] and report.updated == 0
    assert target(world, kind).head == dung
    report = run(world, kind, edit_cell(exported, match=match, header_name=name, value=None))
    assert report.errors == [] and report.updated == 1
    assert target(world, kind).head is None


def test_new_clan_without_cccd_has_no_head_and_unknown_cccd_is_an_error(world, as_user):
    exported = as_user("cuong").get("/so/dong-ho/xuat.xlsx").content
    edited = edit_cell(
        exported, match=("Dòng họ", "Nguyễn"), header_name="CCCD trưởng họ", value="033099999999"
    )
    report = run(world, "clans", edited)
    assert [str(e) for e in report.errors] == [
        "Trang “Dữ liệu”, dòng 2, cột “CCCD trưởng họ”: Không có công dân số CCCD 033099999999 trong sổ."
    ]
    assert not report.committed


def test_clan_import_names_the_home_village(world, as_user):
    exported = as_user("cuong").get("/so/dong-ho/xuat.xlsx").content
    edited = edit_cell(
        exported, match=("Dòng họ", "Nguyễn"), header_name="Thôn gốc", value="An Lạc"
    )
    report = run(world, "clans", edited)
    assert report.errors == [] and report.updated == 1
    (event,) = events("clan.import_update")
    assert event.changes == {"home_village": ["Thôn Đông Tảo", "Thôn An Lạc"]}


# --- households: the head through the citizen sheet ----------------------------------------


def test_new_head_demotes_the_previous_one_with_the_pages_traces(world, as_user):
    exported = as_user("cuong").get("/so/cong-dan/xuat.xlsx?q=lan").content
    edited = edit_cell(
        exported,
        match=("Họ và tên", "Lê Thị Lan"),
        header_name="Quan hệ với chủ hộ",
        value="Chủ hộ",
    )
    checked = run(world, "citizens", edited, dry_run=True)
    assert checked.errors == [] and checked.updated == 1
    assert (
        "1 chủ hộ cũ không có trong tệp sẽ thôi làm chủ hộ (quan hệ với chủ hộ đổi thành "
        "“Khác”): Nguyễn Văn An (hộ PH-001)." in checked.warnings
    )
    report = run(world, "citizens", edited)
    assert report.committed
    an, lan = (Citizen.objects.get(pk=world.citizens[k].pk) for k in ("an", "lan"))
    assert (an.relation, lan.relation) == ("other", "")  # the head: Household.head alone
    assert Household.objects.get(code="PH-001").head == lan
    updates = {e.object_id: e.changes for e in events("citizen.import_update")}
    assert updates == {
        str(an.pk): {"relation": ["head", "other"]},
        str(lan.pk): {"relation": ["spouse", "head"]},
    }
    (head,) = events("household.head")
    assert head.changes == {"head": ["Nguyễn Văn An", "Lê Thị Lan"]}
    assert head.object_repr == "Hộ PH-001 — Lê Thị Lan"


def test_previous_head_in_the_file_gets_the_relation_of_their_row(world, as_user):
    exported = as_user("cuong").get("/so/cong-dan/xuat.xlsx").content
    edited = edit_cell(
        exported,
        match=("Họ và tên", "Lê Thị Lan"),
        header_name="Quan hệ với chủ hộ",
        value="Chủ hộ",
    )
    edited = edit_cell(
        edited,
        match=("Họ và tên", "Nguyễn Văn An"),
        header_name="Quan hệ với chủ hộ",
        value="Vợ/chồng",
    )
    report = run(world, "citizens", edited)
    assert report.committed and report.updated == 2
    assert Citizen.objects.get(pk=world.citizens["an"].pk).relation == "spouse"
    assert Household.objects.get(code="PH-001").head == world.citizens["lan"]
    assert Citizen.objects.get(pk=world.citizens["lan"].pk).relation == ""
    assert not any("thôi làm chủ hộ" in w for w in report.warnings)


def test_two_heads_in_the_file_for_one_household_are_refused(world, as_user):
    exported = as_user("cuong").get("/so/cong-dan/xuat.xlsx").content
    edited = edit_cell(
        exported,
        match=("Họ và tên", "Lê Thị Lan"),
        header_name="Quan hệ với chủ hộ",
        value="Chủ hộ",
    )
    report = run(world, "citizens", edited)
    assert not report.committed
    assert any("Hộ PH-001 đã có chủ hộ ở dòng" in str(e) for e in report.errors)


@pytest.mark.parametrize("status", ["Đã mất", "Đã chuyển đi"])
def test_head_leaving_clears_the_headship_like_record_status(world, as_user, status):
    client = as_user("cuong")
    an = world.citizens["an"]
    exported = client.get("/so/cong-dan/xuat.xlsx").content
    edited = edit_cell(
        exported,
        match=("Họ và tên", "Nguyễn Văn An"),
        header_name="Tình trạng cư trú",
        value=status,
    )
    checked = run(world, "citizens", edited, dry_run=True)
    assert (
        "1 hộ sẽ không còn chủ hộ vì chủ hộ đã mất hoặc chuyển đi và tệp không ghi chủ hộ mới: "
        "PH-001." in checked.warnings
    )
    report = run(world, "citizens", edited)
    assert report.committed and report.updated == 1
    a1 = Household.objects.get(code="PH-001")
    assert a1.head is None
    (out,) = events("household.member_out")
    assert (out.object_id, out.changes, out.note) == (
        str(a1.pk),
        {"member": ["Nguyễn Văn An", None]},
        status,
    )
    (head,) = events("household.head")
    assert (head.object_id, head.changes) == (str(a1.pk), {"head": ["Nguyễn Văn An", None]})
    # the person stays on record, in the household; heading nothing, no relation is shown
    an.refresh_from_db()
    assert (an.household, an.relation, an.relation_label) == (a1, "", "")
    # exporting everyone again and re-importing changes nothing
    again = client.get("/so/cong-dan/xuat.xlsx?tinh_trang=all").content
    report = run(world, "citizens", again)
    assert report.errors == [] and (report.created, report.updated) == (0, 0)
    assert len(events("household.member_out")) == 1


def test_member_leaving_keeps_the_head(world, as_user):
    exported = as_user("cuong").get("/so/cong-dan/xuat.xlsx").content
    edited = edit_cell(
        exported,
        match=("Họ và tên", "Lê Thị Lan"),
        header_name="Tình trạng cư trú",
        value="Đã mất",
    )
    report = run(world, "citizens", edited)
    assert report.committed
    assert Household.objects.get(code="PH-001").head == world.citizens["an"]
    (out,) = events("household.member_out")
    assert (out.changes, out.note) == ({"member": ["Lê Thị Lan", None]}, "Đã mất")
    assert events("household.head") == []


def test_head_leaving_with_a_new_head_in_the_same_file(world, as_user):
    exported = as_user("cuong").get("/so/cong-dan/xuat.xlsx").content
    edited = edit_cell(
        exported,
        match=("Họ và tên", "Nguyễn Văn An"),
        header_name="Tình trạng cư trú",
        value="Đã mất",
    )
    edited = edit_cell(
        edited, match=("Họ và tên", "Lê Thị Lan"), header_name="Quan hệ với chủ hộ", value="Chủ hộ"
    )
    report = run(world, "citizens", edited)
    assert report.errors == [] and report.committed
    a1 = Household.objects.get(code="PH-001")
    assert a1.head == world.citizens["lan"]
    (head,) = events("household.head")
    assert head.changes == {"head": ["Nguyễn Văn An", "Lê Thị Lan"]}
    assert len(events("household.member_out")) == 1


def test_workplace_is_named_in_the_audit(world, as_user):
    exported = as_user("cuong").get("/so/cong-dan/xuat.xlsx").content
    edited = edit_cell(
        exported, match=("Họ và tên", "Lê Thị Lan"), header_name="Nơi làm việc", value=None
    )
    report = run(world, "citizens", edited)
    assert report.committed
    (event,) = events("citizen.import_update")
    assert event.changes == {"workplace": ["Trường Tiểu học Phố Hiến", None]}
