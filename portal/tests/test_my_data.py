"""A citizen downloads everything the system holds about them and sees who looked."""

from __future__ import annotations

import io
import json

from pypdf import PdfReader

from audit.models import AuditEvent


def test_own_data_as_json_pdf_and_who_saw_it(world, as_user):
    an = world.citizens["an"]
    an.user = world.users["dan"]
    an.save()
    as_user("cuong").get(f"/so/cong-dan/{an.pk}/?hien=cccd")  # a recorded disclosure
    dan = as_user("dan")
    page = dan.get("/ca-nhan/du-lieu-cua-toi/").content.decode()
    assert "Ai đã xem đầy đủ, xuất dữ liệu cá nhân của bạn" in page
    assert "Cán bộ bấm xem đầy đủ số CCCD" in page and "Nguyễn Văn Cường" in page
    assert "personal.reveal" not in page  # no codes on a citizen's page

    response = dan.get("/ca-nhan/du-lieu-cua-toi.json")
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["ho_so"]["so_cccd"] == "033075000123"  # one's own number, in full
    assert data["ho_so"]["ho_va_ten"] == "Nguyễn Văn An"
    names = {m["ho_va_ten"] for m in data["ho_gia_dinh"]["thanh_vien"]}
    assert names == {"Nguyễn Văn An", "Lê Thị Lan", "Nguyễn Minh Châu"}
    assert [d["cach"] for d in data["lan_xem_hoac_xuat_du_lieu"]] == [
        "Cán bộ bấm xem đầy đủ số CCCD, ngày sinh, điện thoại"
    ]

    pdf = dan.get("/ca-nhan/du-lieu-cua-toi.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Nguyễn Văn An" in text and "033075000123" in text
    assert (
        AuditEvent.objects.filter(action="portal.own_data", actor=world.users["dan"]).count() == 2
    )


def test_someone_without_a_record_gets_nothing(world, as_user):
    assert as_user("oscar").get("/ca-nhan/du-lieu-cua-toi.json").status_code == 404
    assert as_user("cuong").get("/ca-nhan/du-lieu-cua-toi/").status_code == 404
