"""Personal fields in templates, masked for readers whose role does not need them."""

from __future__ import annotations

from typing import Any

from django import template

from registry import privacy

register = template.Library()


@register.filter
def birth_for(citizen: Any, user: Any) -> str:
    """{{ person|birth_for:request.user }}: dd/mm/yyyy, or ••/••/yyyy for other roles."""
    if privacy.can_see(user, "birth_date"):
        return str(citizen.birth_display)
    return privacy.mask_birth(citizen.birth_date, citizen.birth_year)
