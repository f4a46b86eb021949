"""Rules an official can sign (issue 17): conditions, and where every item comes from."""

import datetime as dt
import html
import io
import re
import tomllib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from docx import Document
from pypdf import PdfReader

from assessments import services
from assessments.models import State
from assessments.tests.helpers import YEAR, good_answers, open_years, recognise
from audit.models import AuditEvent
from criteria.io import missing_sources, validate
from criteria.items import all_items, decision_bases
from criteria.models import CriteriaSet, Criterion, SetStatus
from criteria.provenance import Source
from registry.models import Organisation

DEFAULTS = Path(__file__).resolve().parents[1] / "defaults"
SHIPPED = sorted(DEFAULTS.glob("*.toml"))
# What the shipped sets' notes say; none of it may reach a decision.
NOTE_WORDS = ("mặc định", "tỉnh xác nhận", "chưa đối chiếu", "đề xuất", "chưa có trong tay")


def shipped(family):
    return CriteriaSet.objects.get(family=family, status=SetStatus.PUBLISHED)


def text_of(response):
    """The page as read: tags dropped, entities decoded, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


# --- the shipped files --------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_item_says_where_it_comes_from(path):
    data = tomllib.loads(path.read_text("utf-8"))
    assert validate(data) == []
    assert missing_sources(data) == []
    for word in NOTE_WORDS:
        assert word not in data.get("legal_basis", "").lower()


def test_load_criteria_loads_every_shipped_set_and_twice_changes_nothing(db):
    families = {tomllib.loads(p.read_text("utf-8"))["family"] for p in SHIPPED}
    published = set(
        CriteriaSet.objects.filter(status=SetStatus.PUBLISHED).values_list("family", flat=True)
    )
    assert families <= published  # loaded by the session's database setup
    before = CriteriaSet.objects.count()
    call_command("load_criteria", verbosity=0)
    assert CriteriaSet.objects.count() == before


def test_a_newer_shipped_version_retires_the_older_unless_the_province_went_further(db, tmp_path):
    text = (DEFAULTS / "gdht.toml").read_text("utf-8").replace('"gdht-2021"', '"gdht-thu"')
    old = tmp_path / "v1.toml"
    old.write_text(text.replace("version = 2", "version = 1"), "utf-8")
    new = tmp_path / "v2.toml"
    new.write_text(text, "utf-8")
    call_command("load_criteria", str(old), verbosity=0)
    call_command("load_criteria", str(new), verbosity=0)
    statuses = dict(CriteriaSet.objects.filter(family="gdht-thu").values_list("version", "status"))
    assert statuses == {1: SetStatus.RETIRED, 2: SetStatus.PUBLISHED}
    newer = tmp_path / "v3.toml"
    newer.write_text(text.replace("version = 2", "version = 3"), "utf-8")
    CriteriaSet.objects.filter(family="gdht-thu", version=2).update(version=4)  # the province's
    call_command("load_criteria", str(newer), verbosity=0)
    assert not CriteriaSet.objects.filter(family="gdht-thu", version=3).exists()


# --- the pages ------------------------------------------------------------------------------


def test_every_shipped_criterion_shows_its_source_on_its_page(world, as_user):
    cuong = as_user("cuong")
    families = {tomllib.loads(p.read_text("utf-8"))["family"] for p in SHIPPED}
    for family in sorted(families):
        criteria_set = shipped(family)
        page = text_of(cuong.get(f"/tieu-chi/{criteria_set.pk}/"))
        assert "chưa ghi nguồn" not in page, family
        for criterion in Criterion.objects.filter(group__criteria_set=criteria_set):
            mark = Source.of(criterion.source)
            assert mark.label.startswith(("chính thức (", "đề xuất (")), (family, criterion.code)
        for item in all_items(criteria_set):
            assert item.source.recorded, (family, item.key)
            assert item.source.label in page, (family, item.key)


def test_the_set_page_separates_the_printed_basis_from_the_internal_note(world, as_user):
    page = text_of(as_user("cuong").get(f"/tieu-chi/{shipped('dvht-xa-2021').pk}/"))
    assert "Không có văn bản chính thức riêng" in page  # a proposal modelled on TT 22/2020
    assert "Ghi chú nội bộ (không in trên quyết định)" in page
    assert "Đề xuất của tỉnh theo khuôn Thông tư 22/2020/TT-BGDĐT" in page
    assert "công nhận danh hiệu từ loại Khá" in page
    page = text_of(as_user("cuong").get(f"/tieu-chi/{shipped('dvht-tinh-2023').pk}/"))
    assert "chính thức (Thông tư 24/2023/TT-BGDĐT)" in page
    assert "Điều kiện công nhận" in page and "Ít nhất 90% cán bộ" in page


def test_the_editor_shows_and_keeps_the_source(world, as_user):
    alice = as_user("alice")
    alice.post(f"/tieu-chi/{shipped('gdht-2021').pk}/phien-ban-moi/")
    draft = CriteriaSet.objects.get(family="gdht-2021", status=SetStatus.DRAFT)
    literacy = Criterion.objects.get(group__criteria_set=draft, code="2.1")
    url = f"/tieu-chi/{draft.pk}/nhom/{literacy.group_id}/tieu-chi/{literacy.pk}/"
    page = text_of(alice.get(url))
    assert "Hiện nay: chính thức (Quyết định 448/QĐ-KHVN ngày 01/12/2015)." in page
    form = {
        "code": "2.1",
        "text": "Người lớn trong độ tuổi 15–60 đều biết chữ",  # a changed item…
        "kind": "yesno",
        "points": "10",
        "source_0": "official",  # …still claiming the old official text
        "source_1": "Quyết định 448/QĐ-KHVN",
        "source_2": "01/12/2015",
    }
    refused = text_of(alice.post(url, form))
    assert "nội dung đã đổi nhưng nguồn vẫn là văn bản chính thức cũ" in refused
    form.update(
        {"source_0": "proposal", "source_1": "", "source_2": "", "source_4": "Mở rộng độ tuổi"}
    )
    assert alice.post(url, form).status_code == 302
    literacy.refresh_from_db()
    assert literacy.source == {"kind": "proposal", "reason": "Mở rộng độ tuổi"}
    # a condition must say where it comes from
    refused = text_of(alice.post(url, {**form, "condition": "on"}))
    assert "Điều kiện công nhận cần ghi nguồn" in refused


# --- the province adopts a proposal ------------------------------------------------------------


def adopt_url(criteria_set, key):
    return f"/tieu-chi/{criteria_set.pk}/thong-qua/{key}/"


def test_a_proposal_adopted_by_alice_shows_the_adopting_document(world, as_user):
    gdht = shipped("gdht-2021")
    pass_mark = adopt_url(gdht, "set.pass_mark")
    alice = as_user("alice")
    assert "đề xuất (lý do: Văn bản không công bố điểm đạt" in text_of(alice.get(pass_mark))
    response = alice.post(pass_mark, {"document": "Quyết định số 15/QĐ-UBND", "date": "01/03/2026"})
    assert response.status_code == 302
    page = text_of(as_user("cuong").get(f"/tieu-chi/{gdht.pk}/"))
    assert (
        "Điểm đạt: 80 — đã được tỉnh thông qua (Quyết định số 15/QĐ-UBND ngày 01/03/2026)" in page
    )
    history = text_of(as_user("cuong").get(f"/lich-su/criteria.criteriaset/{gdht.pk}/"))
    assert "Quyết định số 15/QĐ-UBND ngày 01/03/2026" in history
    assert as_user("dan").get(f"/lich-su/criteria.criteriaset/{gdht.pk}/").status_code == 404
    event = AuditEvent.objects.get(action="criteria.adopt")
    assert event.note == "Quyết định số 15/QĐ-UBND ngày 01/03/2026"
    assert list(event.changes.values()) == [
        [
            "đề xuất (lý do: Văn bản không công bố điểm đạt; đề xuất 80/100 điểm; "
            "đề xuất bởi: Nhóm xây dựng phần mềm (bộ mặc định))",
            "đã được tỉnh thông qua (Quyết định số 15/QĐ-UBND ngày 01/03/2026)",
        ]
    ]
    # the adopting document becomes a legal basis of decisions; the reason does not
    assert decision_bases(shipped("gdht-2021"))[-1] == (
        "Căn cứ Quyết định số 15/QĐ-UBND ngày 01 tháng 3 năm 2026;"
    )
    # an official item needs no adoption
    literacy = Criterion.objects.get(group__criteria_set=gdht, code="2.1")
    refused = text_of(
        alice.post(
            adopt_url(gdht, f"criterion.{literacy.pk}"),
            {"document": "Quyết định số 16/QĐ-UBND", "date": "01/03/2026"},
        )
    )
    assert "Chỉ mục đề xuất mới cần tỉnh thông qua" in refused


def test_all_proposals_of_a_set_adopted_at_once(world, as_user):
    dhht = shipped("dhht-2022")
    waiting = [i for i in all_items(dhht) if i.source.awaits_adoption]
    assert len(waiting) > 10
    as_user("alice").post(
        adopt_url(dhht, "all"), {"document": "Quyết định số 20/QĐ-UBND", "date": "02/03/2026"}
    )
    assert not [i for i in all_items(shipped("dhht-2022")) if i.source.awaits_adoption]
    page = text_of(as_user("van").get(f"/tieu-chi/{dhht.pk}/"))
    assert "Còn " not in page and "đề xuất (" not in page
    assert page.count("đã được tỉnh thông qua (Quyết định số 20/QĐ-UBND ngày 02/03/2026)") == len(
        waiting
    )


def test_a_new_version_keeps_the_adoption_until_the_item_changes(world, as_user):
    alice = as_user("alice")
    gdht = shipped("gdht-2021")
    items = {i.key: i for i in all_items(gdht)}
    corner = next(k for k, i in items.items() if i.what.startswith("Tiêu chí 3.1."))
    alice.post(
        adopt_url(gdht, corner), {"document": "Quyết định số 15/QĐ-UBND", "date": "01/03/2026"}
    )
    alice.post(f"/tieu-chi/{gdht.pk}/phien-ban-moi/")
    draft = CriteriaSet.objects.get(family="gdht-2021", status=SetStatus.DRAFT)
    criterion = Criterion.objects.get(group__criteria_set=draft, code="3.1")
    assert Source.of(criterion.source).is_adopted
    url = f"/tieu-chi/{draft.pk}/nhom/{criterion.group_id}/tieu-chi/{criterion.pk}/"
    alice.post(url, {"code": "3.1", "text": "Có tủ sách gia đình", "kind": "yesno", "points": "10"})
    criterion.refresh_from_db()
    assert Source.of(criterion.source).awaits_adoption  # the changed item is not what was adopted


@pytest.mark.parametrize("persona", ["vera", "cuong", "binh", "van", "olga", "hoa", "dan", "oscar"])
def test_only_the_province_admin_adopts(world, as_user, persona):
    gdht = shipped("gdht-2021")
    client = as_user(persona)
    assert client.get(adopt_url(gdht, "set.pass_mark")).status_code == 404
    response = client.post(
        adopt_url(gdht, "set.pass_mark"), {"document": "Quyết định số 1/QĐ", "date": "01/03/2026"}
    )
    assert response.status_code == 404
    assert not Source.of(shipped("gdht-2021").sources["pass_mark"]).is_adopted


def test_an_unknown_item_is_not_found(world, as_user):
    assert as_user("alice").get(adopt_url(shipped("gdht-2021"), "criterion.0")).status_code == 404


# --- the 0 %-staff province unit (the case) ----------------------------------------


@pytest.fixture
def province_unit(world):
    open_years(world)
    Organisation.objects.filter(pk=world.org_a.pk).update(level="province")
    world.org_a.refresh_from_db()
    return world.org_a


def test_a_province_unit_with_no_learning_citizens_is_not_recognised(world, as_user, province_unit):
    alice = world.users["alice"]
    assessment = services.register(actor=alice, title="DVHT", year=YEAR, subject=province_unit)
    assert assessment.criteria_set.family == "dvht-tinh-2023"
    assessment = services.save_answers(
        actor=alice, assessment=assessment, answers=good_answers(assessment)
    )
    assert (assessment.passed, assessment.band, assessment.level) == (False, "", 0)
    page = text_of(as_user("alice").get(f"/binh-xet/{assessment.pk}/"))
    assert (
        "Tiêu chí ĐK1: Điều kiện chưa đạt: Ít nhất 90% cán bộ, công chức, viên chức, người lao "
        "động của đơn vị đạt danh hiệu Công dân học tập. Đạt 0%, yêu cầu ≥ 90%." in page
    )
    assert "Chưa đạt" in page and "Khá" not in page
    # the provenance mark next to the condition, and next to a proposal item
    assert "Là điều kiện công nhận: chính thức (Thông tư 24/2023/TT-BGDĐT)" in page
    assert "Tiêu chí: đề xuất (lý do: Theo khuôn Thông tư 22/2020/TT-BGDĐT" in page
    for step in (services.submit, services.verify, services.propose):
        assessment = step(actor=alice, assessment=assessment)
    with pytest.raises(ValidationError, match="Điều kiện chưa đạt"):
        services.decide(
            actor=alice,
            assessments=[assessment],
            number="9/QĐ-UBND",
            signed_on=dt.date(YEAR, 11, 20),
            signer_name="Nguyễn Văn Ký",
            signer_title="Chủ tịch",
        )


def test_a_province_unit_whose_staff_are_learning_citizens_reaches_level_1_for_3_years(
    world, province_unit
):
    alice = world.users["alice"]
    recognise(
        world,
        services.register(actor=alice, title="CDHT", year=YEAR, subject=world.citizens["lan"]),
    )
    assessment = recognise(
        world, services.register(actor=alice, title="DVHT", year=YEAR, subject=province_unit)
    )
    assert (assessment.state, assessment.level, assessment.band) == (
        State.RECOGNISED,
        1,
        "Mức độ 1",
    )
    assert assessment.valid_until == dt.date(YEAR + 2, 12, 31)
    # The level rests on points (Mức 1 from 70/100): the page shows them beside the level.
    page = " ".join(
        re.sub(
            r"<[^>]+>",
            " ",
            world.client("alice").get(f"/binh-xet/{assessment.pk}/").content.decode(),
        ).split()
    )
    assert re.search(r"\d+(,\d+)? ?/100 điểm · Đạt — Mức độ 1", page), page[:3000]


def test_learning_citizens_of_2022_and_2023_are_assessed_under_244_and_324(world):
    open_years(world, year=2022)
    open_years(world, year=2023)
    alice, lan = world.users["alice"], world.citizens["lan"]
    old = services.register(actor=alice, title="CDHT", year=2022, subject=lan)
    new = services.register(actor=alice, title="CDHT", year=2023, subject=lan)
    assert (
        old.criteria_set.family.endswith("-2022") and "244/QĐ-KHVN" in old.criteria_set.legal_basis
    )
    assert (
        new.criteria_set.family.endswith("-2023") and "324/QĐ-KHVN" in new.criteria_set.legal_basis
    )
    assert old.criteria_set.population_group == new.criteria_set.population_group


# --- a decision never prints an internal note ------------------------------------------------


def test_a_decision_prints_official_bases_only_in_pdf_and_docx(world, settings, tmp_path):
    from recognition.services import document_for, storage_dir

    settings.MEDIA_ROOT = tmp_path
    open_years(world)
    alice = world.users["alice"]
    households = [
        services.register(actor=alice, title="GDHT", year=YEAR, subject=world.households[k])
        for k in ("a1", "a2")
    ]
    recognised = [recognise(world, a) for a in households]
    decision = recognised[0].decision
    document = document_for(decision)
    pdf = PdfReader(io.BytesIO((storage_dir("decisions") / document.pdf_name).read_bytes()))
    pdf_text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    docx = Document(io.BytesIO((storage_dir("decisions") / document.docx_name).read_bytes()))
    docx_text = " ".join(" ".join(p.text.split()) for p in docx.paragraphs)
    for text in (pdf_text, docx_text):
        assert "Căn cứ Quyết định số 448/QĐ-KHVN ngày 01 tháng 12 năm 2015" in text
        for word in NOTE_WORDS:
            assert word not in text.lower(), word
        assert shipped("gdht-2021").note[:40] not in text


def test_a_set_whose_basis_holds_a_note_is_refused(world, as_user):
    alice = as_user("alice")
    alice.post(f"/tieu-chi/{shipped('dhht-2022').pk}/phien-ban-moi/")
    draft = CriteriaSet.objects.get(family="dhht-2022", status=SetStatus.DRAFT)
    page = text_of(
        alice.post(
            f"/tieu-chi/{draft.pk}/sua/",
            {
                "name": draft.name,
                "legal_basis": "Hướng dẫn 07/2022; nội dung mặc định — tỉnh xác nhận",
                "year_from": draft.year_from,
                "validity_years": 1,
                "mode": "all_pass",
            },
        )
    )
    assert "“mặc định” là ghi chú nội bộ" in page
    draft.refresh_from_db()
    assert draft.legal_basis == ""


def test_the_migration_moves_internal_notes_out_of_the_printed_basis(db):
    """Sets loaded before issue 17 carried "…; nội dung mặc định — tỉnh xác nhận." in the
    basis a decision prints; the migration moves that part to the internal note."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("criteria.migrations.0003_conditions_and_sources")
    old = CriteriaSet.objects.create(
        family="cu",
        title="DHHT",
        name="Bộ cũ",
        year_from=2022,
        legal_basis=(
            "Thông tư 24/2023/TT-BGDĐT (đơn vị cấp tỉnh) và cấu trúc Thông tư 22/2020/TT-BGDĐT; "
            "nội dung mặc định — tỉnh xác nhận."
        ),
    )
    migration.split_bases(apps, None)
    old.refresh_from_db()
    assert old.legal_basis == (
        "Thông tư 24/2023/TT-BGDĐT (đơn vị cấp tỉnh) và cấu trúc Thông tư 22/2020/TT-BGDĐT"
    )
    assert old.note == "nội dung mặc định — tỉnh xác nhận"
    assert decision_bases(old) == [
        "Căn cứ Thông tư 24/2023/TT-BGDĐT (đơn vị cấp tỉnh) và cấu trúc Thông tư 22/2020/TT-BGDĐT;"
    ]
    # the bases of the sets shipped before are known: each becomes a clean basis
    shipped_v1 = (
        "Thông tư 22/2020/TT-BGDĐT ngày 06/8/2020 của Bộ Giáo dục và Đào tạo (cấu trúc, thang "
        "điểm, xếp loại); nội dung mặc định — tỉnh xác nhận."
    )
    CriteriaSet.objects.filter(pk=old.pk).update(legal_basis=shipped_v1, note="")
    migration.split_bases(apps, None)
    old.refresh_from_db()
    assert (old.legal_basis, old.note) == ("", shipped_v1)  # TT 22 never covered communes
    assert decision_bases(old) == []
