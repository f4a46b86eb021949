import datetime as dt
import unicodedata

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from registry.imports import run_import
from registry.models import Citizen, Household
from registry.tests.sheets import CITIZEN_HEADER, person, workbook


def run(world, data, *, dry_run=False, actor="cuong"):
    return run_import(
        kind="citizens",
        actor=world.users[actor],
        commune=world.commune_a,
        data=data,
        dry_run=dry_run,
    )


def errors(report):
    return [str(e) for e in report.errors]


def test_clean_sheet_creates_people_and_households(world):
    data = workbook(
        [
            person(),
            person(
                **{
                    "Họ và tên": "Lê Thị Hoa",
                    "Giới tính": "Nữ",
                    "Ngày sinh": "1987",
                    "Số CCCD": "033187000555",
                    "Quan hệ với chủ hộ": "Vợ/chồng",
                    "Số điện thoại": "",
                }
            ),
            person(
                **{
                    "Họ và tên": "Đỗ Minh Khôi",
                    "Ngày sinh": "05/09/2015",
                    "Số CCCD": "",
                    "Quan hệ với chủ hộ": "Con",
                    "Đang đi học": "Có",
                    "Nghề nghiệp": "Học sinh, sinh viên",
                    "Số điện thoại": "",
                }
            ),
        ]
    )
    report = run(world, data)
    assert errors(report) == []
    assert report.committed and (report.created, report.updated, report.unchanged) == (3, 0, 0)
    household = Household.objects.get(commune=world.commune_a, code="PH-100")
    assert household.village == world.village_a1
    assert household.head.full_name == "Đỗ Văn Hùng"
    child = Citizen.objects.get(full_name="Đỗ Minh Khôi")
    assert child.birth_date == dt.date(2015, 9, 5) and child.in_school is True
    assert child.household == household and child.relation == "child"
    hoa = Citizen.objects.get(full_name="Lê Thị Hoa")
    assert hoa.birth_date is None and hoa.birth_year == 1987
    (event,) = AuditEvent.objects.filter(action="citizen.import_create")
    assert event.changes == {"created": [None, 3]} and event.range_end - event.range_start == 2
    assert AuditEvent.objects.for_object(hoa).filter(action="citizen.import_create").get() == event


def test_reimporting_the_same_file_changes_nothing(world):
    data = workbook(
        [
            person(),
            person(
                **{
                    "Họ và tên": "Đỗ Minh Khôi",
                    "Ngày sinh": "2015",
                    "Số CCCD": "",
                    "Quan hệ với chủ hộ": "Con",
                }
            ),
        ]
    )
    run(world, data)
    before = (Citizen.objects.count(), Household.objects.count(), AuditEvent.objects.count())
    report = run(world, data)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert (
        Citizen.objects.count(),
        Household.objects.count(),
        AuditEvent.objects.count(),
    ) == before


def test_real_world_messy_sheet(world):
    nfd_name = unicodedata.normalize("NFD", "Nguyễn Thị Thơm")
    rows = [
        person(
            **{
                "Họ và tên": nfd_name,
                "Giới tính": "nữ",
                "Ngày sinh": dt.datetime(1985, 3, 12),
                "Số CCCD": 33185001234,
                "Số điện thoại": 912000222,
                "Quan hệ với chủ hộ": "Chủ hộ",
                "Mã hộ": "PH-200",
                "Thôn": "thon dong tao",
            }
        ),
        [None] * len(CITIZEN_HEADER),  # a blank row in the middle
        person(
            **{
                "Họ và tên": "  Đỗ   Văn  Tú ",
                "Ngày sinh": 31118,
                "Số CCCD": "033085 001 999",
                "Mã hộ": "PH-200",
                "Quan hệ với chủ hộ": "con",
                "Nghề nghiệp": "công nhân",
            }
        ),
    ]
    header = [*CITIZEN_HEADER, "Ghi chú"]
    rows = [[*r, "x"] for r in rows]
    data = workbook(
        rows, header=header, title_rows=["DANH SÁCH NHÂN KHẨU THÔN ĐÔNG TẢO", "Năm 2026"]
    )
    report = run(world, data)
    assert errors(report) == []
    assert any("Ghi chú" in w for w in report.warnings)
    assert any("mất số 0 ở đầu" in w and "033185001234" in w for w in report.warnings)
    thom = Citizen.objects.get(identity_number="033185001234")
    assert thom.full_name == "Nguyễn Thị Thơm" and unicodedata.is_normalized("NFC", thom.full_name)
    assert thom.phone == "0912000222" and thom.birth_date == dt.date(1985, 3, 12)
    tu = Citizen.objects.get(identity_number="033085001999")
    assert tu.full_name == "Đỗ Văn Tú"
    assert tu.birth_date == dt.date(1985, 3, 12)  # 31118 is Excel's serial for 12/03/1985
    assert tu.occupation == "worker" and tu.relation == "child"


def test_errors_name_sheet_row_column_and_nothing_is_saved(world):
    rows = [
        person(),
        person(**{"Họ và tên": "", "Số CCCD": ""}),
        person(**{"Họ và tên": "Vũ Văn Sai", "Số CCCD": "033185009999"}),
        person(**{"Họ và tên": "Vũ Văn Ngày", "Ngày sinh": "31/02/1990", "Số CCCD": ""}),
        person(**{"Họ và tên": "Vũ Văn Thôn", "Thôn": "Thôn Không Có", "Số CCCD": ""}),
        person(**{"Họ và tên": "Vũ Văn Giới", "Giới tính": "Khác", "Số CCCD": ""}),
        person(**{"Họ và tên": "Vũ Văn Trùng", "Số CCCD": "033085001234"}),
    ]
    report = run(world, workbook(rows, title_rows=["DANH SÁCH"]))
    assert errors(report) == [
        "Trang “Danh sách”, dòng 4, cột “Họ và tên”: Trường này là bắt buộc.",
        "Trang “Danh sách”, dòng 5, cột “Số CCCD”: Số thứ 4 của CCCD (1) ứng với giới tính nữ, không khớp với giới tính đã ghi.",
        "Trang “Danh sách”, dòng 6, cột “Ngày sinh”: Ngày sinh phải ghi dạng dd/mm/yyyy hoặc chỉ năm (yyyy).",
        "Trang “Danh sách”, dòng 7, cột “Thôn”: Không có thôn “Thôn Không Có” trong Phường Phố Hiến.",
        "Trang “Danh sách”, dòng 8, cột “Giới tính”: “Khác” không hợp lệ; chọn một trong: Nam, Nữ.",
        "Trang “Danh sách”, dòng 9, cột “Số CCCD”: Số CCCD trùng với dòng 3.",
    ]
    assert not report.committed
    assert not Citizen.objects.filter(full_name="Đỗ Văn Hùng").exists()
    assert not Household.objects.filter(code="PH-100").exists()


def test_identity_of_another_commune_is_refused(world):
    report = run(
        world,
        workbook(
            [person(**{"Số CCCD": "033075000123", "Họ và tên": "Người Khác", "Ngày sinh": "1975"})]
        ),
    )
    # 033075000123 belongs to An of commune A, matched → an update, not an error
    assert errors(report) == []
    world.citizens["an"].commune = world.commune_b
    world.citizens["an"].village = world.village_b1
    world.citizens["an"].save()
    report = run(
        world,
        workbook(
            [person(**{"Số CCCD": "033075000123", "Họ và tên": "Người Khác", "Ngày sinh": "1975"})]
        ),
    )
    assert errors(report) == [
        "Trang “Danh sách”, dòng 2, cột “Số CCCD”: Số CCCD 033075000123 đã được đăng ký cho một công dân ở xã khác."
    ]


def test_dry_run_reports_counts_and_saves_nothing(world):
    report = run(world, workbook([person()]), dry_run=True)
    assert (report.created, report.committed) == (1, False)
    assert not Citizen.objects.filter(full_name="Đỗ Văn Hùng").exists()


def test_possible_duplicate_is_a_warning(world):
    data = workbook(
        [
            person(
                **{
                    "Họ và tên": "Nguyễn Văn An",
                    "Ngày sinh": "1975",
                    "Số CCCD": "",
                    "Mã hộ": "PH-300",
                }
            )
        ]
    )
    report = run(world, data)
    assert errors(report) == []
    assert any("có thể trùng với công dân đã có “Nguyễn Văn An”" in w for w in report.warnings)


def test_command_exit_codes(world, tmp_path, capsys):
    good = tmp_path / "tot.xlsx"
    good.write_bytes(workbook([person()]))
    bad = tmp_path / "loi.xlsx"
    bad.write_bytes(workbook([person(**{"Thôn": "Không Có"})]))
    call_command("import_registry", "citizens", str(good), "--commune", "11953", "--dry-run")
    assert "chạy thử" in capsys.readouterr().out
    assert not Citizen.objects.filter(full_name="Đỗ Văn Hùng").exists()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_registry", "citizens", str(bad), "--commune", "11953")
    assert exit_info.value.code == 1
    assert "dòng 2" in capsys.readouterr().err
    call_command("import_registry", "citizens", str(good), "--commune", "11953")
    assert Citizen.objects.filter(full_name="Đỗ Văn Hùng").exists()


def test_only_commune_editors_may_import(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run(world, workbook([person()]), actor="binh")
