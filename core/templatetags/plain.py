"""Text an official reads, never a code: a name template's placeholders in words.

{% load plain %}
{{ rule.authority|placeholders }}   "Ủy ban nhân dân {xa}" → "Ủy ban nhân dân [tên xã, phường]"
"""

from __future__ import annotations

import re

from django import template

register = template.Library()

# The placeholders of the authority and signer templates (assessments.authority.fill).
PLACEHOLDERS = {"xa": "tên xã, phường", "tinh": "tên tỉnh"}
PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")


@register.filter
def placeholders(value: object) -> str:
    """A name template as a sentence: each known placeholder in square brackets, in words
    (an unknown one is left as typed, for the page's check to show)."""
    return PLACEHOLDER_RE.sub(
        lambda m: f"[{PLACEHOLDERS[m.group(1)]}]" if m.group(1) in PLACEHOLDERS else m.group(0),
        str(value),
    )
