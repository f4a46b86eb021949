"""The decision page's links to recognition papers, shown only to who can get them.

{% load recognition_access %}
{% if user|sees_whole_decision:decision %}…documents…{% endif %}
{% if user|may_print_certificates:decision %}…print all…{% endif %}
{% if assessment|has_certificate %}…its certificate (recognition:certificate_file)…{% endif %}
"""

from __future__ import annotations

from typing import Any

from django import template

from assessments.models import Decision, Revocation
from recognition import access

register = template.Library()


@register.filter
def sees_whole_decision(user: Any, decision: Decision | Revocation) -> bool:
    return access.sees_whole_decision(user, decision)


@register.filter
def may_print_certificates(user: Any, decision: Decision) -> bool:
    return access.may_print_certificates(user, decision)


@register.filter
def has_certificate(assessment: Any) -> bool:
    """Whether `recognition:certificate_file` serves this assessment (which the page shows,
    so its user sees it): the same check as the view."""
    return access.certificate_of(assessment) is not None
