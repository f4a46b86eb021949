"""Titles on a subject's own page (household, person, clan, organisation, place)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from assessments import calendars
from assessments.models import Assessment
from assessments.subjects import CITIZEN_AGE_NOTE, old_enough
from criteria.titles import TITLES

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
    too_young = ""
    if kind == "citizen" and not old_enough(subject, registration_year(title)):
        # Not listed for the title, nor offered it: too young for the form their record
        # suggests (the ages per form and their sources: assessments.subjects).
        can_register, too_young = False, str(CITIZEN_AGE_NOTE)
    return {
        "rows": list(rows[:20]),
        "too_young": too_young,
        "title": title,
        "subject": subject,
        "can_register": can_register,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def registration_year(title: str) -> int:
    """The data year a registration form offers first: last year while that year's default
    registration is still open (a learning commune registers in January–February for the
    year just ended), else this year."""
    today = timezone.localdate()
    if title not in TITLES:
        return today.year
    key = calendars.key_of_parts(title, "")
    if (
        key in calendars.CALENDARS
        and today <= calendars.defaults(key, today.year - 1)["registration_until"]
    ):
        return today.year - 1
    return today.year
