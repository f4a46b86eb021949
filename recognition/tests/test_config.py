import pytest

from assessments.models import AuthorityRule
from audit.models import AuditEvent
from conftest import ALL_PERSONAS
from recognition import content
from recognition.models import LegalBasis
from recognition.tests.test_documents import decision  # noqa: F401


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_configuration_is_for_province_admins(world, as_user, persona):
    assert as_user(persona).get("/cau-hinh/").status_code == (200 if persona == "alice" else 404)


def test_a_new_legal_basis_appears_in_decisions_of_its_years(world, as_user, decision):  # noqa: F811
    alice = as_user("alice")
    response = alice.post(
        "/cau-hinh/can-cu/them/",
        {
            "level": "commune",
            "title": "GDHT",
            "year_from": 2026,
            "year_to": "",
            "order": 5,
            "text": "Căn cứ Nghị quyết số 09/NQ-HĐND ngày 10/01/2026 của HĐND xã;",
        },
    )
    assert response.status_code == 302
    assert (
        "Căn cứ Nghị quyết số 09/NQ-HĐND ngày 10/01/2026 của HĐND xã;"
        in content.build(decision).bases
    )
    basis = LegalBasis.objects.get(order=5)
    basis.year_from = 2027
    basis.save()
    assert all("09/NQ-HĐND" not in b for b in content.build(decision).bases)
    assert AuditEvent.objects.filter(action="legal_basis.save").exists()


def test_authority_rule_edit(world, as_user):
    rule = AuthorityRule.objects.get(title="XA_HT", org_level="")
    response = as_user("alice").post(
        f"/cau-hinh/tham-quyen/{rule.pk}/",
        {"level": "province", "authority": "Ủy ban nhân dân {tinh}", "signer_title": "Chủ tịch"},
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.authority == "Ủy ban nhân dân {tinh}"
