"""An import row that takes over somebody's record only after its preview (issue 19): the
person was added, or given that CCCD, while the preview waited for confirmation. The write
re-plans every row; a takeover the officer never saw nor ticked stops the whole import,
names the row and asks for a fresh preview — nothing is written."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from conftest import make_citizen
from registry.models import Citizen, ImportJob, ImportStatus
from registry.tests.sheets import person, workbook
from registry.tests.test_import_jobs import job_page, post_file

NEW_CCCD = "033090000777"  # a man born in 1990 (the CCCD's digits must agree)
AN_CCCD = "033075000123"  # An's (world)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def binh(**overrides) -> list:
    """A new person for the register (row 2 of the file), household PH-002."""
    return person(
        **{
            "Mã hộ": "PH-002",
            "Họ và tên": "Trần Văn Bình",
            "Ngày sinh": "1990",
            "Số CCCD": NEW_CCCD,
            "Thôn": "An Lạc",
            "Quan hệ với chủ hộ": "Con",
            **overrides,
        }
    )


def _imported() -> int:
    return AuditEvent.objects.filter(action__startswith="citizen.import_").count()


def test_a_takeover_that_appears_after_the_preview_stops_the_whole_import(world, as_user):
    client = as_user("cuong")
    post_file(client, world.commune_a, workbook([binh()]))
    job = ImportJob.objects.get()
    assert (job.status, job.created, job.alerts) == (ImportStatus.READY, 1, [])
    # meanwhile another officer records somebody else with the same CCCD
    khanh = make_citizen(
        world.village_a1,
        "Lê Văn Khánh",
        1988,
        household=world.households["a1"],
        relation="other",
        identity_number=NEW_CCCD,
    )
    client.post(f"/so/nhap-lan/{job.pk}/xac-nhan/")  # no box to tick on that preview
    job.refresh_from_db()
    assert job.status == ImportStatus.INVALID
    khanh.refresh_from_db()
    assert (khanh.full_name, khanh.household) == ("Lê Văn Khánh", world.households["a1"])
    assert not Citizen.objects.filter(full_name="Trần Văn Bình").exists()
    assert _imported() == 0
    page = job_page(client, job)
    assert "chưa ghi dòng nào" in page
    assert "dòng 2: Sổ đã thay đổi sau khi xem trước" in page
    assert "Số CCCD trên dòng này trùng với công dân đã có “Lê Văn Khánh”" in page
    assert "Hãy tải tệp lên lại để xem trước và đánh dấu xác nhận lại." in page
    assert 'action="/so/nhap-lan/' not in page  # nothing left to confirm on this job
    # a fresh preview shows the takeover and asks for the tick; ticked, it is written
    post_file(client, world.commune_a, workbook([binh()]))
    fresh = ImportJob.objects.latest("pk")
    assert fresh.status == ImportStatus.READY and len(fresh.alerts) == 1
    assert 'name="acknowledge" value="1" required' in job_page(client, fresh)
    client.post(f"/so/nhap-lan/{fresh.pk}/xac-nhan/", {"acknowledge": "1"})
    fresh.refresh_from_db()
    khanh.refresh_from_db()
    assert fresh.status == ImportStatus.DONE
    assert (khanh.full_name, khanh.household) == ("Trần Văn Bình", world.households["a2"])


def test_a_ticked_takeover_does_not_carry_a_new_one_through(world, as_user):
    """Row 2 takes over An and was ticked; row 3 becomes a takeover only afterwards: the
    whole file waits, row 2 included (all or nothing)."""
    client = as_user("cuong")
    an_row = binh(**{"Số CCCD": AN_CCCD, "Ngày sinh": "1975"})
    later = binh(**{"Họ và tên": "Phạm Văn Cúc"})
    post_file(client, world.commune_a, workbook([an_row, later]))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.READY and [c["row"] for c in job.alerts] == [2]
    make_citizen(
        world.village_a1,
        "Lê Văn Khánh",
        1988,
        household=world.households["a1"],
        relation="other",
        identity_number=NEW_CCCD,
    )
    client.post(f"/so/nhap-lan/{job.pk}/xac-nhan/", {"acknowledge": "1"})
    job.refresh_from_db()
    assert job.status == ImportStatus.INVALID
    assert len(job.errors) == 1
    assert job.errors[0].startswith(
        "Trang “Danh sách”, dòng 3: Sổ đã thay đổi sau khi xem trước: Số CCCD trên dòng này "
        "trùng với công dân đã có “Lê Văn Khánh”"
    )
    assert Citizen.objects.get(pk=world.citizens["an"].pk).full_name == "Nguyễn Văn An"
    assert Citizen.objects.get(identity_number=NEW_CCCD).full_name == "Lê Văn Khánh"
    assert _imported() == 0


def test_a_takeover_ticked_on_the_preview_and_unchanged_is_written(world, as_user):
    client = as_user("cuong")
    post_file(
        client, world.commune_a, workbook([binh(**{"Số CCCD": AN_CCCD, "Ngày sinh": "1975"})])
    )
    job = ImportJob.objects.get()
    client.post(f"/so/nhap-lan/{job.pk}/xac-nhan/", {"acknowledge": "1"})
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.errors == []
    assert Citizen.objects.get(pk=world.citizens["an"].pk).full_name == "Trần Văn Bình"
