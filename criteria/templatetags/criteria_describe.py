"""A criterion's rule as a sentence on the assessment pages ("Đạt khi ít nhất 90 % …")."""

from __future__ import annotations

from typing import Any

from django import template

from criteria.describe import criterion_sentence, level_names_of
from criteria.models import CriteriaSet, CriterionKind

register = template.Library()

# Kinds whose rule says more than the question itself (a yes/no question passes on "Có").
_TOLD = {CriterionKind.DERIVED, CriterionKind.NUMBER, CriterionKind.CHOICE}


@register.simple_tag
def rule_sentence(criteria_set: CriteriaSet, criterion: Any) -> str:
    if criterion.kind not in _TOLD:
        return ""
    return criterion_sentence(criterion, level_names_of(criteria_set.levels)) + "."
