"""History pages read in Vietnamese (issue 19): every recorded action has a phrase, every
changed field its name and every value its words; no code reaches a page."""

import re
from pathlib import Path

import pytest

from assessments.models import Assessment
from assessments.tests.helpers import open_years
from assessments.tests.test_cycle_pages import answers_post, register
from audit.labels import ACTIONS, EMPTY, OTHER_ACTION, action_label, note_text, value_text
from audit.models import AuditEvent
from core.tests.project import project_apps
from portal.tests.test_portal import claimed
from registry.models import Citizen

ROOT = Path(__file__).resolve().parents[2]
APPS = project_apps()
MOVEMENT_MODELS = [
    "learningcentre",
    "boardmember",
    "activity",
    "selfevaluation",
    "member",
    "training",
    "attendance",
    "communication",
    "contribution",
    "budgetestimate",
    "commendation",
]
SHEETS = ["hoi-vien", "hoat-dong", "nguon-luc", "tap-huan", "truyen-thong", "khen-thuong"]

# Every action the code records, the run-time ones (f-strings) spelled out.
RECORDED = sorted(
    set(ACTIONS)
    | {f"assessment.{step}" for step in ("submit", "verify", "propose", "return", "revoke")}
    | {"assessment.recognise", "assessment.not_recognised"}
    | {f"citizen.{status}" for status in ("active", "moved", "deceased")}
    | {f"{kind}.document" for kind in ("decision", "revocation")}
    | {f"export.{name}" for name in ("cong-dan", "ho-gia-dinh", "dong-ho", "don-vi")}
    | {f"export.movement.{kind}" for kind in SHEETS}
    | {f"movement.import.{kind}" for kind in SHEETS}
    | {
        f"movement.{model}.{verb}"
        for model in MOVEMENT_MODELS
        for verb in ("create", "update", "delete", "import", "import_update")
    }
    | {
        f"{model}.{verb}"
        for model in ("citizen", "household", "clan", "organisation")
        for verb in ("import_create", "import_update")
    }
)
# The run-time actions in the sources, each covered by RECORDED above: a new one fails
# `test_every_action_in_the_sources_has_a_phrase` until it is added there.
F_STRINGS = {
    "assessment.{action}",
    "citizen.{status}",
    "{field}.document",
    "export.{name}",
    "export.movement.{kind}",
    "movement.import.{spec.key}",
    "movement.{_label(obj)}.create",
    "movement.{_label(obj)}.update",
    "movement.{_label(obj)}.delete",
    "movement.{label}.import",
    "movement.{label}.import_update",
    "{model._meta.model_name}.import_create",
    "{model._meta.model_name}.import_update",
}
CODE = re.compile(r"^[a-z_]+(\.[a-z_-]+)+$")


def actions_in_sources() -> tuple[set[str], set[str]]:
    """The action literals (and f-string templates) passed as `action=` or kept in a
    constant, in the apps' code (not their tests)."""
    literals: set[str] = set()
    templates: set[str] = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for line in path.read_text(encoding="utf-8").splitlines():
                constant = re.match(r'^[A-Z_]+ = "([^"]+)"$', line)
                if constant and CODE.match(constant.group(1)) and "." in constant.group(1):
                    literals.add(constant.group(1))
                match = re.search(r"\baction\s*=\s*(.*)$", line)
                if not match or "store_" in match.group(1):
                    continue
                value = re.split(r",\s*\w+=", match.group(1))[0]  # not the next argument
                for string in re.finditer(r'(f?)"([^"]*)"', value):
                    if string.group(1):
                        if "." in string.group(2):
                            templates.add(string.group(2))
                    elif CODE.match(string.group(2)):
                        literals.add(string.group(2))
    return literals, templates


def test_every_action_in_the_sources_has_a_phrase():
    literals, templates = actions_in_sources()
    assert len(literals) > 70  # the grep finds them
    assert {"cycle.close_title", "criteria.adopt", "personal.search"} <= literals
    assert sorted(literals - set(ACTIONS)) == []
    assert sorted(templates - F_STRINGS) == []


@pytest.mark.parametrize("action", RECORDED)
def test_every_recorded_action_reads_in_vietnamese(db, action):
    label = action_label(action)
    assert label != OTHER_ACTION and not CODE.match(label)
    assert "_" not in label and action not in label


def test_examples_and_the_fallback():
    assert action_label("assessment.submit") == "Nộp bản tự đánh giá"
    assert action_label("cycle.close_title") == "Khóa sổ một danh hiệu"
    assert action_label("movement.member.create") == "Thêm: cán bộ, hội viên"
    assert action_label("something.new") == OTHER_ACTION
    assert action_label("") == OTHER_ACTION


def test_values_in_words(db):
    assert value_text(Citizen, "relation", "spouse") == "Vợ/chồng"
    assert value_text(Assessment, "state", "submitted") == "Đã tự đánh giá"
    assert value_text(None, "x", True) == "Có" and value_text(None, "x", False) == "Không"
    assert value_text(Citizen, "birth_date", "1975-03-01") == "01/03/1975"
    assert value_text(Citizen, "phone", None) == EMPTY and value_text(Citizen, "phone", "") == EMPTY
    assert value_text(Citizen, "birth_date", "••/••/1975") == "••/••/1975"  # masked stays masked


def test_notes_name_personal_fields_and_hide_filters():
    note = "3 người; 3 dòng; đầy đủ: identity_number, phone, birth_date; bộ lọc: xa=4&q=an"
    assert note_text(note) == (
        "3 người; 3 dòng; đầy đủ: số CCCD, số điện thoại, ngày sinh; có lọc danh sách"
    )
    assert note_text("1 người; 1 dòng; đầy đủ: không (đã che); bộ lọc: ") == (
        "1 người; 1 dòng; đầy đủ: không (đã che)"
    )


def no_code(page: str) -> None:
    body = page.split("<main", 1)[-1]
    text = re.sub(r"<[^>]+>", " ", body)
    for code in re.findall(r"\b[a-z]+(?:[._][a-z]+)+\b", text):
        pytest.fail(f"code on the page: {code}")


def test_assessment_history_reads_in_vietnamese(world, as_user):
    open_years(world)
    van, cuong = as_user("van"), as_user("cuong")
    assessment = register(van, "GDHT", world.households["a1"].pk)
    van.post(f"/binh-xet/{assessment.pk}/", {**answers_post(assessment), "and_submit": "1"})
    assessment.refresh_from_db()
    returned = cuong.post(
        f"/binh-xet/{assessment.pk}/tra-lai/",
        {"version": assessment.version, "r_general": "Bổ sung minh chứng"},
    )
    assert returned.status_code == 302
    assert AuditEvent.objects.for_object(assessment).filter(action="assessment.return").exists()
    page = cuong.get(f"/lich-su/assessments.assessment/{assessment.pk}/").content.decode()
    assert "Đã tự đánh giá → Trả lại để sửa" in page
    assert "Trả lại để sửa" in page and "Nộp bản tự đánh giá" in page
    assert "state:" not in page and "submitted" not in page and "returned" not in page
    assert "assessment." not in page
    assert "Sửa bản tự đánh giá" in page and "Tiêu chí 1.2" in page  # answers by criterion
    assert "Thông tin khác" not in page
    no_code(page)


def test_citizen_pages_show_no_code_names(world, as_user):
    an = world.citizens["an"]
    client = claimed(world)
    cuong = as_user("cuong")
    cuong.get("/so/cong-dan/xuat.xlsx")
    cuong.get(f"/so/cong-dan/{an.pk}/?hien=cccd")
    Citizen.objects.filter(pk=an.pk).update(relation="spouse")
    mine = client.get("/ca-nhan/du-lieu-cua-toi/").content.decode()
    assert "Xuất danh sách ra tệp (Excel)" in mine
    assert "identity_number" not in mine and "export." not in mine and "bộ lọc" not in mine
    no_code(mine)
    for url in (f"/so/cong-dan/{an.pk}/lich-su/", f"/lich-su/registry.citizen/{an.pk}/"):
        page = cuong.get(url).content.decode()
        assert "Xem đầy đủ số CCCD" in page, url
        assert "identity_number" not in page and "personal.reveal" not in page, url
        no_code(page)
