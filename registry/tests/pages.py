"""Helpers for the page tests: reading lists, flash messages, exported workbooks, forms."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import openpyxl
from django.db import transaction
from django.test import Client

from audit.models import AuditEvent


def listed(response) -> list[str]:
    """The rows a list page shows (str of each record on the current page)."""
    assert response.status_code == 200, response.status_code
    return [str(obj) for obj in response.context["page"].object_list]


def flashes(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def follow_flashes(client: Client, response) -> list[str]:
    """The flash messages shown on the page a POST redirected to."""
    assert response.status_code == 302, response.status_code
    page = client.get(response["Location"])
    return [str(m) for m in page.context["messages"]]


def sheet_rows(content: bytes) -> tuple[list[str], list[list[Any]]]:
    """Header and data rows of the first sheet of an xlsx."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = [str(h).removesuffix(" *") for h in rows[0]]
    return header, rows[1:]


def column(content: bytes, header_name: str) -> list[Any]:
    header, rows = sheet_rows(content)
    position = header.index(header_name)
    return [row[position] for row in rows]


def edit_cell(content: bytes, *, match: tuple[str, Any], header_name: str, value: Any) -> bytes:
    """The same workbook with one cell changed: the `header_name` cell of the row where
    column match[0] equals match[1]."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    header = [str(c.value).removesuffix(" *") for c in sheet[1]]
    key_col = header.index(match[0]) + 1
    target_col = header.index(header_name) + 1
    hits = [
        r
        for r in range(2, sheet.max_row + 1)
        if sheet.cell(row=r, column=key_col).value == match[1]
    ]
    assert len(hits) == 1, hits
    sheet.cell(row=hits[0], column=target_col).value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def audit_count() -> int:
    """Audit events that record a change (exports are recorded too, but change nothing)."""
    return AuditEvent.objects.exclude(action__startswith="export.").count()


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run a request and undo whatever it wrote, so the next persona starts from the same world."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def form_data(response) -> dict[str, Any]:
    """What the form on a page posts back when the user changes nothing."""
    form = response.context["form"]
    data: dict[str, Any] = {}
    for name in form.fields:
        bound = form[name]
        value = bound.field.prepare_value(bound.value())
        if value is None or value is False or value == "":
            continue
        data[name] = "on" if value is True else value
    return data
