"""Building workbooks the way communes really send them."""

from __future__ import annotations

import io

import openpyxl

CITIZEN_HEADER = [
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
]


def workbook(
    rows, header=CITIZEN_HEADER, title_rows=(), sheet="Danh sách", number_formats=None
) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for title in title_rows:
        ws.append([title])
    if title_rows:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=min(len(header), 6))
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    for (row, col), fmt in (number_formats or {}).items():
        ws.cell(row=row, column=col).number_format = fmt
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def person(**overrides):
    base = {
        "Mã hệ thống": None,
        "Mã hộ": "PH-100",
        "Họ và tên": "Đỗ Văn Hùng",
        "Giới tính": "Nam",
        "Ngày sinh": "12/03/1985",
        "Số CCCD": "033085001234",
        "Số điện thoại": "0912000111",
        "Dân tộc": "Kinh",
        "Nghề nghiệp": "Nông dân, lao động nông thôn",
        "Đang đi học": "",
        "Thôn": "Đông Tảo",
        "Quan hệ với chủ hộ": "Chủ hộ",
        "Nơi làm việc": "",
    }
    base.update(overrides)
    return [base[h] for h in CITIZEN_HEADER]
