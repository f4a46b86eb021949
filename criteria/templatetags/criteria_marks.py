"""The provenance mark beside a criterion on the assessment pages: where the criterion, its
threshold and its being a condition come from ("chính thức (…)", "đề xuất (…)")."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from criteria.items import criterion_marks
from criteria.models import CriteriaSet

register = template.Library()


@register.simple_tag
def source_marks(criteria_set: CriteriaSet, code: str) -> SafeString:
    """Read once per set and page (kept on the set object the page holds)."""
    marks = getattr(criteria_set, "_source_marks", None)
    if marks is None:
        marks = criterion_marks(criteria_set)
        criteria_set._source_marks = marks  # type: ignore[attr-defined]
    items = marks.get(str(code), [])
    if not items:
        return SafeString("")
    parts = format_html_join(
        "; ",
        '{}: <span class="src {}">{}</span>',
        ((item.short, item.source.css, item.source.label) for item in items),
    )
    return format_html('<small class="sources">Nguồn — {}</small>', parts)
