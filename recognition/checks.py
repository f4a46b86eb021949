"""The document typeface must be on the machine before a decision can be printed."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from recognition import fonts


@register()
def document_typeface(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if fonts.folder() is not None:
        return []
    return [Error(fonts.MISSING, id="hoctap.E001")]
