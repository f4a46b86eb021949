from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

# Shown when the database fails mid-way through an all-or-nothing action.
DATABASE_FAILED = _(
    "Lỗi kết nối cơ sở dữ liệu giữa chừng; chưa thay đổi gì. Hãy thử lại sau ít phút."
)


def apply_errors(form: forms.BaseForm, exc: ValidationError | PermissionDenied) -> None:
    """Show a service's refusal on the form it came from, on the field it names."""
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc))
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields and field != NON_FIELD_ERRORS else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def error_text(exc: ValidationError | PermissionDenied) -> str:
    """A service's refusal as one line for a flash message."""
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc)


def set_choices(form: forms.BaseForm, name: str, queryset: Any) -> None:
    """Narrow a model-choice field to what this user may pick."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset
