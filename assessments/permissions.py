"""Who may take which step on an assessment (the scope part; the state part is in services)."""

from __future__ import annotations

from typing import Any

from accounts.models import Role
from accounts.scope import scope_of
from assessments.models import Assessment, AuthorityRule
from criteria.titles import SubjectKind, Title

COMMUNE_EDITORS: set[str] = {Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER}


def is_self(actor: Any, assessment: Assessment) -> bool:
    """The subject acting for itself: a citizen on their own record, a household head for the household."""
    citizen = getattr(actor, "citizen_record", None)
    if citizen is None:
        return False
    if assessment.subject_kind == SubjectKind.CITIZEN:
        return assessment.citizen_id == citizen.pk
    if assessment.subject_kind == SubjectKind.HOUSEHOLD:
        return assessment.household_id == citizen.household_id and citizen.relation == "head"
    return False


def is_commune_editor(actor: Any, assessment: Assessment) -> bool:
    return scope_of(actor).covers(assessment.commune, COMMUNE_EDITORS)


def is_province_admin(actor: Any) -> bool:
    return scope_of(actor).is_province_admin


def is_subject_manager(actor: Any, assessment: Assessment) -> bool:
    """The officer closest to the subject: village officer, organisation or clan manager."""
    scope = scope_of(actor)
    if (
        assessment.village_id
        and assessment.village is not None
        and scope.covers(assessment.village, {Role.VILLAGE_OFFICER})
    ):
        return True
    if assessment.organisation_id and assessment.organisation_id in scope.organisation_ids:
        return True
    if (
        assessment.subject_kind == SubjectKind.CITIZEN
        and assessment.citizen is not None
        and assessment.citizen.workplace_id in scope.organisation_ids
    ):
        return True
    return bool(assessment.clan_id and assessment.clan_id in scope.clan_ids)


def can_fill(actor: Any, assessment: Assessment) -> bool:
    """Register, fill in and submit the self-assessment."""
    if assessment.title == Title.XA_HT:
        return is_commune_editor(actor, assessment)
    return (
        is_self(actor, assessment)
        or is_subject_manager(actor, assessment)
        or is_commune_editor(actor, assessment)
    )


def can_verify(actor: Any, assessment: Assessment) -> bool:
    if assessment.title == Title.XA_HT:
        return is_province_admin(actor)
    return is_subject_manager(actor, assessment) or is_commune_editor(actor, assessment)


def can_propose(actor: Any, assessment: Assessment) -> bool:
    if assessment.title == Title.XA_HT:
        return is_province_admin(actor)
    return is_commune_editor(actor, assessment)


def authority_level(title: str, org_level: str = "") -> str:
    rule = (
        AuthorityRule.objects.filter(title=title, org_level=org_level).first()
        or AuthorityRule.objects.filter(title=title, org_level="").first()
    )
    if rule is not None:
        return rule.level
    return "province" if title == Title.XA_HT else "commune"


def can_decide(actor: Any, assessment: Assessment) -> bool:
    org_level = (
        assessment.organisation.level
        if assessment.organisation_id and assessment.organisation
        else ""
    )
    if authority_level(assessment.title, org_level) == "province":
        return is_province_admin(actor)
    return is_commune_editor(actor, assessment)
