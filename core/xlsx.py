"""Excel in and out, shared by every import and export.

Reading goes through python-calamine (fast, streaming-friendly); writing
templates, exports and annotated error copies through openpyxl. Each registry
declares its columns once (`Column`) and uses them for the template, the
export and the import, so export → edit → import round-trips.

Every writer puts values through `put`/`append_row`: a str is always written
as text, even when it starts with "=", so a name like `=HYPERLINK(...)` can
never become a live formula. The project's own formulas are marked `Formula`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import weakref
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from core.text import fold, nfc

HEADER_SEARCH_ROWS = 6
MAX_UNCOMPRESSED_RATIO = 100  # a real xlsx compresses ~5-20x; bombs go far beyond
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing was imported."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False  # the header must be present (values are checked by the form)
    aliases: tuple[str, ...] = ()
    help: str = ""
    choices: tuple[str, ...] = ()
    width: int = 18

    def matches(self, heading: str) -> bool:
        folded = fold(heading).rstrip(" *:")
        return folded in {fold(self.header), *(fold(a) for a in self.aliases)}


@dataclass
class CellError:
    row: int
    column: str
    message: str
    sheet: str = ""
    key: str = ""  # the Column.key, to find the cell again in an annotated copy

    def __str__(self) -> str:
        if self.row == 0:
            return self.message
        where = _("Trang “%(sheet)s”, dòng %(row)s") % {"sheet": self.sheet, "row": self.row}
        if self.column:
            where += _(", cột “%(col)s”") % {"col": self.column}
        return f"{where}: {self.message}"


@dataclass
class Row:
    number: int  # as Excel shows it, 1-based
    values: dict[str, Any]


@dataclass
class Sheet:
    name: str
    header_row: int
    column_letters: dict[str, str]
    rows: Iterator[Row]  # read once, as the file is parsed (memory stays flat)
    height: int  # rows in the sheet including headers: an upper bound for progress
    warnings: list[str] = field(default_factory=list)


def check_xlsx(data: bytes) -> None:
    """Refuse what is not a sane .xlsx before any parser touches it."""
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        raise ImportFileError(
            _("Tệp quá lớn (%(size)s MB); giới hạn là %(limit)s MB.")
            % {"size": round(len(data) / 1048576, 1), "limit": limit // 1048576}
        )
    if not data.startswith(b"PK\x03\x04"):
        raise ImportFileError(_("Tệp không phải là bảng tính Excel .xlsx."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportFileError(_("Tệp .xlsx bị hỏng, không đọc được.")) from None
    if "xl/workbook.xml" not in names:
        raise ImportFileError(_("Tệp không phải là bảng tính Excel .xlsx."))
    if total > MAX_UNCOMPRESSED_BYTES or total > MAX_UNCOMPRESSED_RATIO * max(len(data), 1):
        raise ImportFileError(
            _("Tệp có nội dung nén bất thường (giải nén ra %(mb)s MB); không nhận.")
            % {"mb": total // 1048576}
        )
    rows = declared_rows(data)
    if rows > settings.IMPORT_MAX_ROWS:
        raise ImportFileError(too_many_rows(rows))


def too_many_rows(rows: int) -> str:
    return _("Tệp có %(n)s dòng, quá giới hạn %(max)s dòng một lần nhập; hãy chia nhỏ tệp.") % {
        "n": f"{rows:,}".replace(",", "."),
        "max": f"{settings.IMPORT_MAX_ROWS:,}".replace(",", "."),
    }


DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+\d+(?::[A-Z]+(\d+))?\"")


def declared_rows(data: bytes) -> int:
    """The largest row count a worksheet declares in its <dimension> (read from the
    first kilobytes of each sheet, without unpacking the rest); 0 when none says."""
    most = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            with archive.open(name) as stream:
                head = stream.read(4096)
            found = DIMENSION.search(head)
            if found and found.group(1):
                most = max(most, int(found.group(1)))
    return most


def cell_text(value: Any) -> str:
    """A cell as the text a person typed: 12.0 → "12", dates as dd/mm/yyyy, NFC."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y") if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return nfc(str(value))


def read_sheet(data: bytes, columns: Sequence[Column], sheet_name: str | None = None) -> Sheet:
    """Find the header row (rows 1-6, under any title rows) and return the data rows."""
    check_xlsx(data)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = (
            workbook.get_sheet_by_name(sheet_name)
            if sheet_name and sheet_name in workbook.sheet_names
            else workbook.get_sheet_by_index(0)
        )
        name = sheet.name
        if sheet.height > settings.IMPORT_MAX_ROWS + HEADER_SEARCH_ROWS:
            raise ImportFileError(too_many_rows(sheet.height))
        raw_rows = sheet.iter_rows()
        head: list[list[Any]] = []
        for row in raw_rows:
            head.append(row)
            if len(head) >= HEADER_SEARCH_ROWS:
                break
    except ImportFileError:
        raise
    except Exception as exc:  # calamine raises its own error types for broken parts
        raise ImportFileError(_("Tệp .xlsx bị hỏng, không đọc được (%(e)s).") % {"e": exc}) from exc

    best: tuple[int, dict[int, Column]] = (-1, {})
    for index, row in enumerate(head):
        found: dict[int, Column] = {}
        for position, value in enumerate(row):
            text = cell_text(value)
            for column in columns:
                if text and column.matches(text) and column not in found.values():
                    found[position] = column
                    break
        if len(found) > len(best[1]):
            best = (index, found)
    header_index, mapping = best
    required = [c for c in columns if c.required]
    missing = [c.header for c in required if c not in mapping.values()]
    if header_index < 0 or missing:
        raise ImportFileError(
            _("Trang “%(sheet)s” thiếu cột bắt buộc: %(cols)s. Hãy dùng tệp mẫu.")
            % {"sheet": name, "cols": ", ".join(missing or [c.header for c in required])}
        )
    warnings = []
    for position, value in enumerate(head[header_index]):
        text = cell_text(value)
        if text and position not in mapping:
            warnings.append(
                _("Cột “%(col)s” (%(letter)s) không thuộc mẫu nên được bỏ qua.")
                % {"col": text, "letter": get_column_letter(position + 1)}
            )

    def data_rows() -> Iterable[tuple[int, list[Any]]]:
        for index, row in enumerate(head):
            if index > header_index:
                yield index, row
        for offset, row in enumerate(raw_rows):
            yield len(head) + offset, row

    def rows() -> Iterator[Row]:
        positions = list(mapping.items())
        for index, row in data_rows():
            width = len(row)
            values = {
                column.key: row[position] if position < width else None
                for position, column in positions
            }
            if all(
                v is None or v == "" or (isinstance(v, str) and not v.strip())
                for v in values.values()
            ):
                continue
            yield Row(number=index + 1, values=values)

    letters = {column.key: get_column_letter(position + 1) for position, column in mapping.items()}
    return Sheet(name, header_index + 1, letters, rows(), sheet.height, warnings)


class Formula(str):
    """One of the project's own formulas: the only text a writer lets Excel compute.

    `cached` is the value it computes, stored beside it by `save_workbook` (as Excel does
    when it saves), so a preview, a phone or a program reading the file without
    recomputing (openpyxl's `data_only=True`, pandas) sees the number, not an empty cell:
    a number, or "" for a formula that shows nothing."""

    cached: Decimal | int | str | None

    def __new__(cls, text: str, cached: Decimal | int | str | None = None) -> Formula:
        if not text.startswith("="):
            raise ValueError(f"a formula starts with '=': {text!r}")
        formula = super().__new__(cls, text)
        formula.cached = cached
        return formula


def save_workbook(workbook: Workbook) -> bytes:
    """The workbook as bytes, with each `Formula`'s cached value stored in its cell."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    cached: dict[str, dict[str, Decimal | int | str]] = {}
    for number, sheet in enumerate(workbook.worksheets, start=1):
        cells = {cell.coordinate: value for cell, value in _CACHED.get(sheet, ())}
        if cells:
            cached[f"xl/worksheets/sheet{number}.xml"] = cells
    if not cached:
        return buffer.getvalue()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename in cached:
                data = _store_values(data.decode("utf-8"), cached[item.filename]).encode("utf-8")
            target.writestr(item, data)
    return out.getvalue()


_FORMULA_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?</c>')


def _store_values(xml: str, values: dict[str, Decimal | int | str]) -> str:
    def cell(match: re.Match[str]) -> str:
        ref, attributes, formula = match.group(1), match.group(2), match.group(3)
        if ref not in values:
            return match.group(0)
        value = values[ref]
        kind = ' t="str"' if isinstance(value, str) else ""
        shown = escape(value) if isinstance(value, str) else f"{value}"
        return f'<c r="{ref}"{attributes}{kind}><f>{formula}</f><v>{shown}</v></c>'

    return _FORMULA_CELL.sub(cell, xml)


# The cached values of the formulas `put` wrote, per sheet (openpyxl keeps a formula as a
# plain str, so the value cannot travel with it); `save_workbook` stores them.
_CACHED: weakref.WeakKeyDictionary[Worksheet, list[tuple[Cell, Decimal | int | str]]] = (
    weakref.WeakKeyDictionary()
)


def put(cell: Cell, value: Any) -> Cell:
    """Set a cell: a plain str stays text whatever it starts with; only a Formula computes."""
    cell.value = value
    if isinstance(value, Formula) and value.cached is not None:
        _CACHED.setdefault(cell.parent, []).append((cell, value.cached))
    if isinstance(value, str) and not isinstance(value, Formula):
        cell.data_type = "s"  # openpyxl would have made "=..." a formula
    return cell


def append_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """`sheet.append(values)`, with every str written as text (see `put`)."""
    sheet.append([put(Cell(sheet), value) for value in values])


HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
ERROR_FILL = PatternFill("solid", fgColor="F8CBAD")


LISTS_SHEET = "Danh mục"


def choice_validation(lists: Worksheet, column: Column) -> DataValidation:
    """A drop-down reading its options from a column of the list sheet: an inline list
    ("a,b,c") splits a label at its commas and stops at 255 characters, a range does
    neither (issue 19)."""
    position = lists.max_column + 1 if lists.max_row > 1 or lists["A1"].value else 1
    letter = get_column_letter(position)
    put(lists.cell(row=1, column=position), column.header)
    for number, label in enumerate(column.choices, start=2):
        put(lists.cell(row=number, column=position), label)
    last = len(column.choices) + 1
    quoted = LISTS_SHEET.replace("'", "''")
    validation = DataValidation(
        type="list",
        formula1=f"'{quoted}'!${letter}$2:${letter}${last}",
        allow_blank=True,
        showDropDown=False,
    )
    validation.error = _("Hãy chọn một giá trị trong danh sách.")
    validation.errorTitle = column.header
    return validation


def write_workbook(
    *,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]] = (),
    instructions: Sequence[str] = (),
    sheet_title: str = "Dữ liệu",
) -> bytes:
    """A template or export: header on row 1, drop-downs for choice columns, a guide sheet."""
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_title
    append_row(sheet, [c.header + (" *" if c.required else "") for c in columns])
    for position, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=position)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(position)].width = column.width
    sheet.freeze_panes = "A2"
    count = 0
    for row in rows:
        append_row(sheet, row)
        count += 1
    lists: Worksheet | None = None
    for position, column in enumerate(columns, start=1):
        letter = get_column_letter(position)
        # Text columns stay text so Excel does not eat leading zeros of codes and CCCD.
        for cells in sheet.iter_cols(min_col=position, max_col=position, min_row=2):
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.number_format = "@"
        if column.choices:
            if lists is None:
                lists = workbook.create_sheet(LISTS_SHEET)
                lists.sheet_state = "hidden"
            validation = choice_validation(lists, column)
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{max(count + 1000, 2000)}")
    guide = workbook.create_sheet("Hướng dẫn", index=1)
    append_row(guide, [title])
    guide["A1"].font = Font(bold=True, size=13)
    for line in instructions:
        append_row(guide, [line])
    guide.append([])
    append_row(guide, [_("Cột"), _("Bắt buộc"), _("Cách ghi")])
    for cell in guide[guide.max_row]:
        cell.font = Font(bold=True)
    for column in columns:
        detail = column.help
        if column.choices:
            detail = (detail + " " if detail else "") + _("Chọn: ") + "; ".join(column.choices)
        append_row(guide, [column.header, _("Có") if column.required else "", detail])
    guide.column_dimensions["A"].width = 28
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def annotated_copy(data: bytes, sheet: Sheet, errors: Sequence[CellError]) -> bytes:
    """The uploaded workbook with each faulty cell marked and an error column added.

    Loaded with cached values only (what the import read), so no formula from the
    upload is echoed back live; text cells such as "=1+1" stay text."""
    workbook = load_workbook(io.BytesIO(data), data_only=True)
    target = workbook[sheet.name] if sheet.name in workbook.sheetnames else workbook.worksheets[0]
    error_col = target.max_column + 1
    heading = put(target.cell(row=sheet.header_row, column=error_col), _("Lỗi"))
    heading.font = Font(bold=True, color="C00000")
    by_row: dict[int, list[CellError]] = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(error)
    for row_number, row_errors in by_row.items():
        summary = "; ".join((f"{e.column}: " if e.column else "") + e.message for e in row_errors)
        put(target.cell(row=row_number, column=error_col), summary)
        for error in row_errors:
            letter = sheet.column_letters.get(error.key)
            if letter:
                cell = target[f"{letter}{row_number}"]
                cell.fill = ERROR_FILL
                cell.comment = Comment(error.message, "hoctap")
    target.column_dimensions[get_column_letter(error_col)].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class ImportReport:
    """What an import did or would do; `errors` non-empty means nothing was saved."""

    sheet: Sheet | None = None
    errors: list[CellError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    committed: bool = False
    # What each updated row would change, for the preview: {"row", "name", "fields":
    # [[label, before, after], ...], "alert"} (an alert: a record the row may wrongly take).
    changes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def file_error(self, message: str) -> None:
        self.errors.append(CellError(row=0, column="", message=message))

    def error(self, row: Row | int, column: Column | None, message: str) -> None:
        number = row.number if isinstance(row, Row) else row
        self.errors.append(
            CellError(
                row=number,
                column=column.header if column else "",
                message=message,
                sheet=self.sheet.name if self.sheet else "",
                key=column.key if column else "",
            )
        )
