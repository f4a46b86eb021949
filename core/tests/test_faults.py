"""Faults lose nothing: imports, bulk actions, report approvals and background jobs
killed mid-way (an exception at row N, the database connection dropping) leave no
partial state and say so clearly."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client

from assessments import services as cycle
from assessments.models import Assessment, Rollup, State
from assessments.tests.helpers import YEAR, good_answers, open_years
from audit.models import AuditEvent
from core import bulk
from core.tests.security_figures import add_figure
from recognition.jobs import build_batch
from recognition.models import BatchStatus, CertificateBatch
from registry.models import Citizen, Household, ImportJob
from registry.tests.sheets import person, workbook
from stats import services as stats_services
from stats.figures import FIGURES
from stats.models import ReportStatus, StatReport

ROWS = 60
DROPPED = OperationalError("server closed the connection unexpectedly")


def fingerprint() -> dict[str, int]:
    return {
        "citizens": Citizen.objects.count(),
        "households": Household.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def lost(before: dict[str, int], after: dict[str, int]) -> int:
    """Rows that changed although the operation failed (must be 0)."""
    return sum(abs(after[k] - before[k]) for k in before)


def people_file() -> bytes:
    return workbook(
        [
            person(
                **{
                    "Mã hộ": f"PH-{200 + n // 3}",
                    "Họ và tên": f"Người Thứ {n}",
                    "Số CCCD": f"0330850{n:05d}",
                    "Số điện thoại": "",
                    "Quan hệ với chủ hộ": "Chủ hộ" if n % 3 == 0 else "Con",
                }
            )
            for n in range(ROWS)
        ]
    )


def fail_at_row(monkeypatch, model, n: int, error: Exception) -> None:
    original = bulk.RowWriter.row
    seen = {"rows": 0}

    def row(self, values):
        if self.model is model:
            seen["rows"] += 1
            if seen["rows"] == n:
                raise error
        return original(self, values)

    monkeypatch.setattr(bulk.RowWriter, "row", row)


@pytest.mark.parametrize(
    "error", [RuntimeError("injected at row 40"), DROPPED], ids=["exception", "connection"]
)
def test_import_killed_at_row_n_writes_nothing_and_says_so(
    world, as_user, settings, tmp_path, monkeypatch, error
):
    settings.MEDIA_ROOT = tmp_path
    client = as_user("cuong")
    response = client.post(
        "/so/nhap/citizens/",
        {"commune": world.commune_a.pk, "file": SimpleUploadedFile("x.xlsx", people_file())},
    )
    job = ImportJob.objects.get()
    assert job.status == "ready" and job.created == ROWS, job.errors
    before = fingerprint()
    fail_at_row(monkeypatch, Citizen, 40, error)
    client.raise_request_exception = False
    client.post(f"/so/nhap-lan/{job.pk}/xac-nhan/")
    job.refresh_from_db()
    assert job.status == "failed"
    assert "Chưa ghi dữ liệu nào" in job.errors[0] and str(error) in job.errors[0]
    page = client.get(response["Location"]).content.decode()
    assert "Chưa ghi dữ liệu nào" in page
    after = fingerprint()
    assert not Citizen.objects.filter(full_name__startswith="Người Thứ").exists()
    assert lost(before, after) == 0
    add_figure("faults_injected")
    add_figure("rows_lost", lost(before, after))


def _submitted(world, n: int) -> list[Assessment]:
    open_years(world)
    alice = world.users["alice"]
    items = []
    for key in ("a1", "a2")[:n]:
        a = cycle.register(actor=alice, title="GDHT", year=YEAR, subject=world.households[key])
        a = cycle.save_answers(actor=alice, assessment=a, answers=good_answers(a))
        items.append(cycle.submit(actor=alice, assessment=a))
    return items


@pytest.mark.parametrize(
    "error", [RuntimeError("injected"), DROPPED], ids=["exception", "connection"]
)
def test_bulk_verify_killed_after_the_first_record_changes_none(world, monkeypatch, error):
    items = _submitted(world, 2)
    original = Rollup.bump
    calls = {"n": 0}

    def bump(**kwargs):
        calls["n"] += 1
        # Killed mid-way: both records are already verified and the first count moved.
        if calls["n"] == 2:
            raise error
        return original(**kwargs)

    monkeypatch.setattr(Rollup, "bump", bump)
    client = Client(raise_request_exception=False)
    client.force_login(world.users["cuong"])
    events = AuditEvent.objects.count()
    response = client.post(
        f"/binh-xet/hang-loat/?nam={YEAR}&danh_hieu=GDHT&step=verify",
        {"nam": YEAR, "danh_hieu": "GDHT", "step": "verify", "confirm": "2"},
    )
    assert calls["n"] == 2
    states = set(
        Assessment.objects.filter(pk__in=[a.pk for a in items]).values_list("state", flat=True)
    )
    assert states == {State.SUBMITTED}
    assert AuditEvent.objects.count() == events
    add_figure("rows_lost", sum(s != State.SUBMITTED for s in states))
    if isinstance(error, OperationalError):
        page = client.get(response["Location"]).content.decode()
        assert "Lỗi kết nối cơ sở dữ liệu giữa chừng; chưa thay đổi gì." in page
    else:
        assert response.status_code == 500
    add_figure("faults_injected")


def test_report_approval_killed_mid_way_approves_none(world, monkeypatch):
    alice = world.users["alice"]
    reports = []
    for commune in (world.commune_a, world.commune_b):
        report = stats_services.report_for(actor=alice, commune=commune, year=YEAR)
        for figure in FIGURES:  # every figure filled in, as a commune sends it
            if getattr(report, figure.name) is None:
                setattr(report, figure.name, 1)
        report.save()
        reports.append(stats_services.submit_report(actor=alice, report=report))
    original = stats_services.record
    calls = {"n": 0}

    def record(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise DROPPED
        return original(**kwargs)

    monkeypatch.setattr(stats_services, "record", record)
    client = Client()
    client.force_login(alice)
    ids = [str(r.pk) for r in reports]
    response = client.post(f"/chi-tieu/bao-cao/?nam={YEAR}", {"ids": ids, "confirm": "2"})
    assert calls["n"] == 2
    statuses = list(StatReport.objects.values_list("status", flat=True))
    assert set(statuses) == {ReportStatus.SUBMITTED}
    add_figure("rows_lost", sum(s != ReportStatus.SUBMITTED for s in statuses))
    page = client.get(response["Location"]).content.decode()
    assert "Lỗi kết nối cơ sở dữ liệu giữa chừng; chưa thay đổi gì." in page
    add_figure("faults_injected")


def test_a_background_job_that_dies_is_marked_failed_with_its_reason(
    world, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    from assessments.tests.helpers import recognise

    open_years(world)
    alice = world.users["alice"]
    recognised = recognise(
        world, cycle.register(actor=alice, title="GDHT", year=YEAR, subject=world.households["a1"])
    )
    batch = CertificateBatch.objects.create(
        decision=recognised.decision, requested_by=alice, count=1
    )

    def broken(*args, **kwargs):
        raise OSError("đĩa đầy")

    monkeypatch.setattr("recognition.jobs.render_certificates", broken)
    with pytest.raises(OSError, match="đĩa đầy"):
        build_batch.call(batch.pk)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and "đĩa đầy" in batch.error
    assert not batch.stored_name
    add_figure("faults_injected")
