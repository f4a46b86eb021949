"""Titles on a subject's own page (household, person, clan, organisation, place)."""

from __future__ import annotations

from typing import Any

from django import template

from assessments.models import Assessment

register = template.Library()


@register.inclusion_tag("assessments/_subject_titles.html", takes_context=True)
def subject_titles(
    context: dict[str, Any], kind: str, subject: Any, title: str, can_register: bool = False
) -> dict[str, Any]:
    request = context["request"]
    rows = (
        Assessment.objects.for_subject(kind, subject)
        .visible_to(request.user)
        .select_related("decision")
        .order_by("-year", "title")
    )
    return {
        "rows": list(rows[:20]),
        "title": title,
        "subject": subject,
        "can_register": can_register,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
