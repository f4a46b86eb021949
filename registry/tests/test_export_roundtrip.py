"""Export a registry, change one cell in Excel, import it back: exactly that one change."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict

from audit.models import AuditEvent
from conftest import make_citizen, make_village
from places.models import Place
from registry.models import Citizen, Clan, Household, ImportJob, Organisation
from registry.tests.pages import column, edit_cell, sheet_rows


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client, kind: str, commune, content: bytes, name: str = "so.xlsx") -> ImportJob:
    """Upload through the page and land on the job page, as a browser would."""
    response = client.post(
        f"/so/nhap/{kind}/", {"commune": commune.pk, "file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    job = ImportJob.objects.order_by("-id").first()
    assert job is not None and response["Location"] == f"/so/nhap-lan/{job.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and page.context["job"] == job
    return job


def counts(job: ImportJob) -> tuple[str, int, int, int]:
    job.refresh_from_db()
    return job.status, job.created, job.updated, job.unchanged


def confirm(client, job: ImportJob) -> None:
    # Rows that rename or move a person are confirmed with their alerts acknowledged.
    job.refresh_from_db()
    ticked = {"acknowledge": str(len(job.alerts))} if job.alerts else {}
    response = client.post(f"/so/nhap-lan/{job.pk}/xac-nhan/", ticked)
    assert response["Location"] == f"/so/nhap-lan/{job.pk}/"


def state(model) -> list[dict[str, Any]]:
    """Every row of a model as plain values (to prove nothing else moved)."""
    return [model_to_dict(obj) for obj in model.objects.order_by("pk")]


def imports(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


# --- citizens --------------------------------------------------------------------------


def test_citizen_export_respects_scope_and_filters(world, as_user):
    a_people = {"Nguyễn Văn An", "Lê Thị Lan", "Nguyễn Minh Châu", "Phạm Văn Dũng"}
    response = as_user("cuong").get("/so/cong-dan/xuat.xlsx")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    assert set(column(response.content, "Họ và tên")) == a_people
    b_names = column(as_user("binh").get("/so/cong-dan/xuat.xlsx").content, "Họ và tên")
    assert b_names == ["Trần Thị Em"] and not a_people & set(b_names)
    filtered = as_user("cuong").get(f"/so/cong-dan/xuat.xlsx?thon={world.village_a2.pk}")
    assert column(filtered.content, "Họ và tên") == ["Phạm Văn Dũng"]
    filtered = as_user("cuong").get("/so/cong-dan/xuat.xlsx?q=nguyen&gioi=female")
    assert column(filtered.content, "Họ và tên") == ["Nguyễn Minh Châu"]
    # a province viewer's commune filter cannot reach into... it sees all; B filter works
    filtered = as_user("vera").get(f"/so/cong-dan/xuat.xlsx?xa={world.commune_b.pk}")
    assert column(filtered.content, "Họ và tên") == ["Trần Thị Em"]
    # every export is on record, with its filter
    event = AuditEvent.objects.filter(action="export.cong-dan").order_by("id").last()
    assert (
        event.actor == world.users["vera"]
        and event.note
        == f"1 người; 1 dòng; đầy đủ: không (đã che); bộ lọc: xa={world.commune_b.pk}"
    )


def test_citizen_export_layout(world, as_user):
    """The columns communes know keep their headers and their order, and each holds its
    value (a new field adds its own column; the whole layout is the spec's, checked in
    test_field_spec)."""
    header, rows = sheet_rows(as_user("cuong").get("/so/cong-dan/xuat.xlsx").content)
    known = [
        "Mã hệ thống",
        "Mã hộ",
        "Họ và tên",
        "Giới tính",
        "Ngày sinh",
        "Số CCCD",
        "Số điện thoại",
        "Dân tộc",
        "Nghề nghiệp",
        "Đang đi học",
        "Thôn",
        "Quan hệ với chủ hộ",
        "Nơi làm việc",
        "Tình trạng cư trú",
    ]
    assert [h for h in header if h in known] == known
    an = next(r for r in rows if r[header.index("Họ và tên")] == "Nguyễn Văn An")
    assert [an[header.index(h)] for h in known] == [
        world.citizens["an"].pk,
        "PH-001",
        "Nguyễn Văn An",
        "Nam",
        "1975",
        "033075000123",
        "0901234567",
        "Kinh",
        "Khác",
        None,
        "Thôn Đông Tảo",
        "Chủ hộ",
        None,
        "Đang cư trú",
    ]


def test_citizen_round_trip_changes_exactly_one_phone(world, as_user):
    client = as_user("cuong")
    an = world.citizens["an"]
    exported = client.get("/so/cong-dan/xuat.xlsx").content

    # the file as exported: nothing to do
    job = upload(client, "citizens", world.commune_a, exported, "cong-dan.xlsx")
    assert counts(job) == ("ready", 0, 0, 4)
    page = client.get(f"/so/nhap-lan/{job.pk}/").content.decode()
    assert (
        "Mới: <strong>0</strong> · Cập nhật: <strong>0</strong> · Không đổi: <strong>4</strong>"
        in page
    )

    edited = edit_cell(
        exported,
        match=("Họ và tên", "Nguyễn Văn An"),
        header_name="Số điện thoại",
        value="0912 999 888",
    )
    citizens_before, households_before = state(Citizen), state(Household)
    job = upload(client, "citizens", world.commune_a, edited, "cong-dan-sua.xlsx")
    assert counts(job) == ("ready", 0, 1, 3)
    page = client.get(f"/so/nhap-lan/{job.pk}/").content.decode()
    assert "Cập nhật: <strong>1</strong>" in page and "Xác nhận ghi 1 dòng" in page
    assert state(Citizen) == citizens_before  # checked, not yet written
    confirm(client, job)
    assert counts(job) == ("done", 0, 1, 3)

    an.refresh_from_db()
    assert an.phone == "0912999888"
    after = state(Citizen)
    for row in citizens_before:
        if row["id"] == an.pk:
            row["phone"] = "0912999888"
    assert after == citizens_before and state(Household) == households_before
    (event,) = imports("citizen.import_update")
    assert (event.actor, event.object_id) == (world.users["cuong"], str(an.pk))
    assert event.changes == {"phone": ["0901234567", "0912999888"]}
    assert event.note == "Nhập từ Excel: cong-dan-sua.xlsx"
    assert imports("citizen.import_create") == []
    # and the person's history page shows it
    history = client.get(f"/so/cong-dan/{an.pk}/lich-su/").content.decode()
    assert "Cập nhật công dân từ tệp" in history and "0901234567 → 0912999888" in history
    assert "citizen.import_update" not in history

    # exporting again and re-importing changes nothing
    again = client.get("/so/cong-dan/xuat.xlsx").content
    job = upload(client, "citizens", world.commune_a, again)
    assert counts(job) == ("ready", 0, 0, 4)
    confirm(client, job)
    assert counts(job) == ("done", 0, 0, 4)
    assert len(imports("citizen.import_update")) == 1


def test_citizen_round_trip_of_a_richer_commune(world, as_user):
    """Dates, school, workplace, people without household or CCCD, former residents."""
    make_citizen(
        world.village_a2,
        "Đỗ Thị Gấm",
        1999,
        "female",
        birth_date=__import__("datetime").date(1999, 2, 3),
        identity_number="033199000321",
        occupation="worker",
        workplace=world.org_a,
        phone="0909000111",
    )
    make_citizen(world.village_a2, "Vũ Văn Cũ", 1940, status="deceased")
    client = as_user("cuong")
    everyone = client.get("/so/cong-dan/xuat.xlsx?tinh_trang=all").content
    assert len(sheet_rows(everyone)[1]) == 6
    job = upload(client, "citizens", world.commune_a, everyone)
    assert counts(job) == ("ready", 0, 0, 6), job.errors
    edited = edit_cell(
        everyone, match=("Họ và tên", "Đỗ Thị Gấm"), header_name="Nghề nghiệp", value="Nghỉ hưu"
    )
    before = state(Citizen)
    job = upload(client, "citizens", world.commune_a, edited)
    assert counts(job) == ("ready", 0, 1, 5), job.errors
    confirm(client, job)
    gam = Citizen.objects.get(full_name="Đỗ Thị Gấm")
    assert gam.occupation == "retired"
    for row in before:
        if row["id"] == gam.pk:
            row["occupation"] = "retired"
    assert state(Citizen) == before
    (event,) = imports("citizen.import_update")
    assert event.changes == {"occupation": ["worker", "retired"]}


# --- households ------------------------------------------------------------------------


def test_household_export_scope(world, as_user):
    assert column(as_user("cuong").get("/so/ho/xuat.xlsx").content, "Mã hộ") == ["PH-001", "PH-002"]
    assert column(as_user("binh").get("/so/ho/xuat.xlsx").content, "Mã hộ") == ["KC-001"]
    header, rows = sheet_rows(as_user("cuong").get("/so/ho/xuat.xlsx").content)
    assert header == ["Mã hệ thống", "Mã hộ", "Thôn", "Địa chỉ", "Dòng họ", "Chủ hộ"]
    assert rows[0] == [
        world.households["a1"].pk,
        "PH-001",
        "Thôn Đông Tảo",
        None,
        "Nguyễn — Chi 2",
        "Nguyễn Văn An",
    ]


def test_household_round_trip(world, as_user):
    client = as_user("cuong")
    exported = client.get("/so/ho/xuat.xlsx").content
    job = upload(client, "households", world.commune_a, exported)
    assert counts(job) == ("ready", 0, 0, 2), job.errors
    edited = edit_cell(
        exported, match=("Mã hộ", "PH-002"), header_name="Địa chỉ", value="Số 9 phố Chợ"
    )
    households_before, citizens_before = state(Household), state(Citizen)
    job = upload(client, "households", world.commune_a, edited)
    assert counts(job) == ("ready", 0, 1, 1), job.errors
    confirm(client, job)
    assert counts(job) == ("done", 0, 1, 1)
    a2 = world.households["a2"]
    a2.refresh_from_db()
    assert a2.address == "Số 9 phố Chợ"
    for row in households_before:
        if row["id"] == a2.pk:
            row["address"] = "Số 9 phố Chợ"
    assert state(Household) == households_before and state(Citizen) == citizens_before
    (event,) = imports("household.import_update")
    assert (event.actor, event.object_id) == (world.users["cuong"], str(a2.pk))
    assert event.changes == {"address": ["", "Số 9 phố Chợ"]}
    job = upload(client, "households", world.commune_a, client.get("/so/ho/xuat.xlsx").content)
    assert counts(job) == ("ready", 0, 0, 2)


def test_household_round_trip_keeps_a_member_of_another_communes_clan(world, as_user):
    """KC-001 (commune B) belongs to clan_a of commune A."""
    client = as_user("binh")
    exported = client.get("/so/ho/xuat.xlsx").content
    assert column(exported, "Dòng họ") == ["Nguyễn — Chi 2 [11953]"]
    job = upload(client, "households", world.commune_b, exported)
    assert counts(job) == ("ready", 0, 0, 1), job.errors


def test_household_import_reads_clan_labels_by_commune(world, as_user):
    """No code: a clan of the importing commune; "[code]": the clan of that commune; a file
    exported before labels carried codes keeps the household's own clan of another commune."""
    client = as_user("binh")
    kc1 = world.households["b1"]
    exported = client.get("/so/ho/xuat.xlsx").content
    old = edit_cell(
        exported, match=("Mã hộ", "KC-001"), header_name="Dòng họ", value="Nguyễn — Chi 2"
    )
    job = upload(client, "households", world.commune_b, old)
    assert counts(job) == ("ready", 0, 0, 1), job.errors

    edited = edit_cell(exported, match=("Mã hộ", "KC-001"), header_name="Dòng họ", value="Trần")
    job = upload(client, "households", world.commune_b, edited)
    assert counts(job) == ("ready", 0, 1, 0), job.errors
    confirm(client, job)
    kc1.refresh_from_db()
    assert kc1.clan == world.clan_b
    (event,) = imports("household.import_update")
    assert event.changes == {"clan": ["Họ Nguyễn — Chi 2", "Họ Trần"]}  # as the pages name clans

    exported = client.get("/so/ho/xuat.xlsx").content
    assert column(exported, "Dòng họ") == ["Trần"]
    edited = edit_cell(
        exported, match=("Mã hộ", "KC-001"), header_name="Dòng họ", value="Nguyễn — Chi 2 [11953]"
    )
    job = upload(client, "households", world.commune_b, edited)
    assert counts(job) == ("ready", 0, 1, 0), job.errors
    confirm(client, job)
    kc1.refresh_from_db()
    assert kc1.clan == world.clan_a


def test_household_import_refuses_unknown_and_ambiguous_clan_labels(world, as_user):
    Household.objects.filter(pk=world.households["b1"].pk).update(clan=world.clan_b)
    client = as_user("binh")
    exported = client.get("/so/ho/xuat.xlsx").content
    where = "Trang “Dữ liệu”, dòng 2, cột “Dòng họ”: "

    def refused(value: str) -> list[str]:
        edited = edit_cell(exported, match=("Mã hộ", "KC-001"), header_name="Dòng họ", value=value)
        job = upload(client, "households", world.commune_b, edited)
        assert job.status == "invalid"
        return job.errors

    assert refused("Lê") == [where + "Chưa có dòng họ “Lê” trong sổ dòng họ của Xã Khoái Châu."]
    assert refused("Nguyễn — Chi 2 [99999]") == [
        where + "Không có dòng họ “Nguyễn — Chi 2” ở xã/phường mã 99999."
    ]
    assert refused("Nguyễn — Chi 2") == [
        where + "Dòng họ “Nguyễn — Chi 2” không thuộc Xã Khoái Châu; dòng họ của xã khác ghi "
        "kèm mã xã trong ngoặc vuông, ví dụ “Nguyễn — Chi 2 [11953]”."
    ]
    third = Place.objects.current().communes().exclude(code__in=["11953", "12205"]).first()
    Clan(
        name="Nguyễn", branch_name="Chi 2", commune=third, home_village=make_village(third, "Hạ")
    ).save()
    assert refused("Nguyễn — Chi 2") == [
        where + "Có nhiều dòng họ “Nguyễn — Chi 2” ở các xã khác; ghi kèm mã xã trong ngoặc "
        "vuông, ví dụ “Nguyễn — Chi 2 [11953]”."
    ]
    assert Household.objects.get(pk=world.households["b1"].pk).clan == world.clan_b


def test_household_import_names_the_village(world, as_user):
    client = as_user("cuong")
    exported = client.get("/so/ho/xuat.xlsx").content
    edited = edit_cell(exported, match=("Mã hộ", "PH-002"), header_name="Thôn", value="Đông Tảo")
    job = upload(client, "households", world.commune_a, edited)
    assert counts(job) == ("ready", 0, 1, 1), job.errors
    confirm(client, job)
    (event,) = imports("household.import_update")
    assert event.changes == {"village": ["Thôn An Lạc", "Thôn Đông Tảo"]}


# --- clans -----------------------------------------------------------------------------


def test_clan_round_trip(world, as_user):
    Clan.objects.filter(pk=world.clan_a.pk).update(head=world.citizens["an"])
    client = as_user("cuong")
    exported = client.get("/so/dong-ho/xuat.xlsx").content
    header, rows = sheet_rows(exported)
    assert header == [
        "Mã hệ thống",
        "Dòng họ",
        "Chi/nhánh",
        "Thôn gốc",
        "CCCD trưởng họ",
        "Trưởng họ",
    ]
    assert rows == [
        [world.clan_a.pk, "Nguyễn", "Chi 2", "Thôn Đông Tảo", "033075000123", "Nguyễn Văn An"]
    ]
    job = upload(client, "clans", world.commune_a, exported)
    assert counts(job) == ("ready", 0, 0, 1), job.errors
    edited = edit_cell(
        exported, match=("Dòng họ", "Nguyễn"), header_name="Chi/nhánh", value="Chi hai"
    )
    before = state(Clan)
    job = upload(client, "clans", world.commune_a, edited)
    assert counts(job) == ("ready", 0, 1, 0), job.errors
    confirm(client, job)
    world.clan_a.refresh_from_db()
    assert world.clan_a.branch_name == "Chi hai" and world.clan_a.head == world.citizens["an"]
    for row in before:
        if row["id"] == world.clan_a.pk:
            row["branch_name"] = "Chi hai"
    assert state(Clan) == before
    (event,) = imports("clan.import_update")
    assert event.changes == {"branch_name": ["Chi 2", "Chi hai"]}
    assert Clan.objects.get(pk=world.clan_a.pk).name_key == "nguyen|chi hai"
    job = upload(client, "clans", world.commune_a, client.get("/so/dong-ho/xuat.xlsx").content)
    assert counts(job) == ("ready", 0, 0, 1)


# --- organisations -----------------------------------------------------------------------


def test_organisation_round_trip(world, as_user):
    Organisation.objects.filter(pk=world.org_a.pk).update(head=world.citizens["an"], address="Số 1")
    Organisation(
        name="Công ty May", kind="enterprise", commune=world.commune_a, declared_staff=250
    ).save()
    client = as_user("cuong")
    exported = client.get("/so/don-vi/xuat.xlsx").content
    header, rows = sheet_rows(exported)
    assert header == [
        "Mã hệ thống",
        "Tên đơn vị",
        "Loại hình",
        "Cấp",
        "Số cán bộ, người lao động",
        "Địa chỉ",
        "CCCD thủ trưởng",
        "Thủ trưởng",
    ]
    assert [r[1] for r in rows] == ["Công ty May", "Trường Tiểu học Phố Hiến"]
    job = upload(client, "organisations", world.commune_a, exported)
    assert counts(job) == ("ready", 0, 0, 2), job.errors
    edited = edit_cell(
        exported,
        match=("Tên đơn vị", "Trường Tiểu học Phố Hiến"),
        header_name="Số cán bộ, người lao động",
        value=32,
    )
    before = state(Organisation)
    job = upload(client, "organisations", world.commune_a, edited)
    assert counts(job) == ("ready", 0, 1, 1), job.errors
    confirm(client, job)
    world.org_a.refresh_from_db()
    assert (world.org_a.declared_staff, world.org_a.head, world.org_a.address) == (
        32,
        world.citizens["an"],
        "Số 1",
    )
    for row in before:
        if row["id"] == world.org_a.pk:
            row["declared_staff"] = 32
    assert state(Organisation) == before
    (event,) = imports("organisation.import_update")
    assert (event.object_id, event.changes) == (str(world.org_a.pk), {"declared_staff": [30, 32]})
    job = upload(
        client, "organisations", world.commune_a, client.get("/so/don-vi/xuat.xlsx").content
    )
    assert counts(job) == ("ready", 0, 0, 2)


def test_organisation_export_of_another_commune_cannot_be_imported_into_mine(world, as_user):
    """binh's export (org_b's system id) imported into commune A: refused, row by row."""
    exported = as_user("binh").get("/so/don-vi/xuat.xlsx").content
    client = as_user("alice")
    job = upload(client, "organisations", world.commune_a, exported)
    assert counts(job)[0] == "invalid"
    assert job.errors == [
        f"Trang “Dữ liệu”, dòng 2, cột “Mã hệ thống”: Không có đơn vị mã {world.org_b.pk} trong Phường Phố Hiến."
    ]
    assert Organisation.objects.count() == 2


# --- imports leave the traces the pages leave (registry/imports.py) -------------------------


def test_reimport_keeps_households_in_their_own_communes_clan(world, as_user):
    """Commune B registers its own "Nguyễn — Chi 2"; commune A re-imports its unchanged
    household export: PH-001 stays in commune A's clan (the label has no commune code)."""
    Clan(
        name="Nguyễn", branch_name="Chi 2", commune=world.commune_b, home_village=world.village_b1
    ).save()
    client = as_user("cuong")
    job = upload(client, "households", world.commune_a, client.get("/so/ho/xuat.xlsx").content)
    assert counts(job) == ("ready", 0, 0, 2)
    confirm(client, job)
    assert Household.objects.get(code="PH-001").clan == world.clan_a


def test_import_of_a_new_head_leaves_one_head(world, as_user):
    """Only Lan's row is exported (a search), marked head and imported: An, not in the
    file, stops being the head (relation "other"), as the page "Làm chủ hộ" does it; the
    head is stored once, as the household's, Lan's own relation blank."""
    client = as_user("cuong")
    exported = client.get("/so/cong-dan/xuat.xlsx?q=lan").content
    edited = edit_cell(
        exported,
        match=("Họ và tên", "Lê Thị Lan"),
        header_name="Quan hệ với chủ hộ",
        value="Chủ hộ",
    )
    job = upload(client, "citizens", world.commune_a, edited)
    confirm(client, job)
    household = Household.objects.get(code="PH-001")
    assert household.head == world.citizens["lan"]
    people = Citizen.objects.filter(household=household)
    assert dict(people.values_list("full_name", "relation")) == {
        "Lê Thị Lan": "",
        "Nguyễn Văn An": "other",
        "Nguyễn Minh Châu": "child",
    }
    assert [c.full_name for c in people if c.is_head] == ["Lê Thị Lan"]


def test_import_of_a_heads_death_clears_the_headship(world, as_user):
    client = as_user("cuong")
    exported = client.get("/so/cong-dan/xuat.xlsx").content
    edited = edit_cell(
        exported,
        match=("Họ và tên", "Nguyễn Văn An"),
        header_name="Tình trạng cư trú",
        value="Đã mất",
    )
    job = upload(client, "citizens", world.commune_a, edited)
    confirm(client, job)
    assert Citizen.objects.get(full_name="Nguyễn Văn An").status == "deceased"
    assert Household.objects.get(code="PH-001").head is None
    assert AuditEvent.objects.filter(action="household.member_out").exists()


def test_import_audit_names_places_like_the_pages_do(world, as_user):
    """A move by page is recorded as "village": ["Thôn Đông Tảo", "Thôn An Lạc"]; by import
    the same, not as database ids."""
    client = as_user("cuong")
    exported = client.get("/so/cong-dan/xuat.xlsx").content
    edited = edit_cell(
        exported, match=("Họ và tên", "Nguyễn Minh Châu"), header_name="Mã hộ", value="PH-002"
    )
    edited = edit_cell(
        edited, match=("Họ và tên", "Nguyễn Minh Châu"), header_name="Thôn", value="An Lạc"
    )
    job = upload(client, "citizens", world.commune_a, edited)
    confirm(client, job)
    (event,) = imports("citizen.import_update")
    assert event.changes == {
        "household": ["Hộ PH-001 — Nguyễn Văn An", "Hộ PH-002 — Phạm Văn Dũng"],
        "village": ["Thôn Đông Tảo", "Thôn An Lạc"],
    }
