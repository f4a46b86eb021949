"""Who may take which step on an assessment (the scope part; the state part is in services),
and the gates through which pages, the API, the portal and the recognition documents reach
one assessment (`get_assessment_or_404`) or one decision (`get_decision_or_404`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.scope import scope_of
from assessments import queries
from assessments.authority import authority_for
from assessments.models import Assessment, CycleYear, Decision, Revocation, TitleCalendar
from assessments.subjects import subject_of
from criteria.titles import TITLES, SubjectKind
from registry.access import ReadOnly

COMMUNE_EDITORS: set[str] = {Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER}


def is_self(actor: Any, assessment: Assessment) -> bool:
    """The subject acting for itself: a citizen on their own record, a household head for the household."""
    citizen = getattr(actor, "citizen_record", None)
    if citizen is None:
        return False
    return subject_of(assessment.title).acts_as_self(citizen, assessment)


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
    if TITLES[assessment.title].reviewed_by == "province":  # the commune is the subject
        return is_commune_editor(actor, assessment)
    return (
        is_self(actor, assessment)
        or is_subject_manager(actor, assessment)
        or is_commune_editor(actor, assessment)
    )


def can_verify(actor: Any, assessment: Assessment) -> bool:
    if TITLES[assessment.title].reviewed_by == "province":
        return is_province_admin(actor)
    return is_subject_manager(actor, assessment) or is_commune_editor(actor, assessment)


def can_propose(actor: Any, assessment: Assessment) -> bool:
    if TITLES[assessment.title].reviewed_by == "province":
        return is_province_admin(actor)
    return is_commune_editor(actor, assessment)


def can_return(actor: Any, assessment: Assessment) -> bool:
    """Send back for correction: whoever verifies or proposes it."""
    return can_verify(actor, assessment) or can_propose(actor, assessment)


def authority_level(title: str, org_level: str = "") -> str:
    """Whose territory a decision on the title covers: "commune" or "province"."""
    return authority_for(title, org_level).level


def can_decide(actor: Any, assessment: Assessment) -> bool:
    org_level = (
        assessment.organisation.level
        if assessment.organisation_id and assessment.organisation
        else ""
    )
    if authority_level(assessment.title, org_level) == "province":
        return is_province_admin(actor)
    return is_commune_editor(actor, assessment)


Check = Callable[[Any, Assessment], bool]

# The roles that can ever pass each check: its role part (the place part is per record,
# in the check itself). A page offers a step, a bulk action or a link to it only to a
# user `may_ever` allows, and the step's page refuses the others up front.
SUBJECT_MANAGERS: set[str] = {Role.VILLAGE_OFFICER, Role.ORG_MANAGER, Role.CLAN_MANAGER}
MAY_ROLES: dict[Check, set[str]] = {
    can_fill: COMMUNE_EDITORS | SUBJECT_MANAGERS,  # or the subject itself (is_self)
    can_verify: COMMUNE_EDITORS | SUBJECT_MANAGERS,
    can_propose: COMMUNE_EDITORS,
    can_return: COMMUNE_EDITORS | SUBJECT_MANAGERS,
    can_decide: COMMUNE_EDITORS,
}


def may_ever(user: Any, check: Check) -> bool:
    """Whether `check` can pass for the user on some record (`MAY_ROLES`); a citizen's
    own record counts for filling in."""
    if scope_of(user).roles & MAY_ROLES[check]:
        return True
    return check is can_fill and getattr(user, "citizen_record", None) is not None


def may_open_years(user: Any) -> bool:
    """The page of the review years (assessments:years): the province reads it, the
    province admin and the commune officers open their communes' years there."""
    scope = scope_of(user)
    return scope.is_province or bool(scope.roles & COMMUNE_EDITORS)


# What `write=` asks of an assessment: the permission, and the refusal the API answers (403).
WRITES: dict[str, tuple[Check, Promise]] = {
    "fill": (can_fill, gettext_lazy("Bạn không có quyền sửa bản tự đánh giá này.")),
    "submit": (can_fill, gettext_lazy("Bạn không có quyền nộp hồ sơ này.")),
    "verify": (can_verify, gettext_lazy("Bạn không có quyền xác nhận hồ sơ này.")),
    "propose": (can_propose, gettext_lazy("Bạn không có quyền đề nghị công nhận hồ sơ này.")),
    "return": (can_return, gettext_lazy("Bạn không có quyền trả lại hồ sơ này.")),
    "decide": (can_decide, gettext_lazy("Bạn không có quyền quyết định về hồ sơ này.")),
}


def get_assessment_or_404(
    user: Any, pk: int, *, write: bool | str = False, own: bool = False
) -> Assessment:
    """An assessment the user sees (404 otherwise).

    `write=True` (fill in) or a step of WRITES ("submit", "verify", "propose", "return",
    "decide"): also one the user may take that step on, `ReadOnly` otherwise (404 on a
    page, 403 with the step's refusal on the API). `own`: only as its subject, the
    citizen or the household's head (the portal), 404 otherwise."""
    assessment = queries.get_assessment_or_404(user, pk)
    if own and not is_self(user, assessment):
        raise Http404
    if write:
        allowed, refusal = WRITES["fill" if write is True else str(write)]
        if not allowed(user, assessment):
            raise ReadOnly(str(refusal))
    return assessment


def sees_whole_decision(user: Any, decision: Decision | Revocation) -> bool:
    """The province's admin and viewer, and the officers of the issuing commune: the
    decision page lists them every row, so the decision's documents (with the whole
    annex) are theirs too. A citizen, a household head, a clan or organisation manager
    and a village officer see only their own rows, and get none of the documents."""
    scope = scope_of(user)
    return scope.is_province or scope.covers(decision.authority_place)


def may_print_certificates(user: Any, decision: Decision) -> bool:
    """Who may decide may print: the province admin, and for a commune's decision that
    commune's officer (a province-level decision is the province admin's alone). The
    province viewer reads, and does not print."""
    scope = scope_of(user)
    return scope.is_province_admin or scope.covers(decision.authority_place, COMMUNE_EDITORS)


def get_decision_or_404(
    user: Any, pk: int, *, whole: bool = False, write: bool = False
) -> Decision:
    """A decision, to one who sees at least one of its rows (the province sees them all).

    `whole`: to one whose decision page lists every row (`sees_whole_decision`: its
    documents, with the whole annex). `write`: to one who may also issue its certificates
    (`may_print_certificates`), `ReadOnly` (a page's 404) otherwise. Anyone else: 404."""
    decision = get_object_or_404(
        Decision.objects.select_related("authority_place", "issued_by"), pk=pk
    )
    if whole or write:
        if not sees_whole_decision(user, decision):
            raise Http404
    elif not (scope_of(user).is_province or decision.assessments.visible_to(user).exists()):
        raise Http404
    if write and not may_print_certificates(user, decision):
        raise ReadOnly(
            str(gettext_lazy("Bạn không có quyền in giấy công nhận của quyết định này."))
        )
    return decision


def get_revocation_or_404(user: Any, pk: int) -> Revocation:
    """A revocation decision (its page and its documents, with the whole annex), to those
    who see a whole decision of its authority (`sees_whole_decision`: the province's admin
    and viewer, the officers of the issuing commune); anyone else: 404."""
    revocation = get_object_or_404(
        Revocation.objects.select_related("authority_place", "issued_by"), pk=pk
    )
    if not sees_whole_decision(user, revocation):
        raise Http404
    return revocation


# What `write=` asks of a commune's year or one title's calendar in it: "close" its titles
# (the commune's editors, the province admin), "province" (its dates, reopening: the
# province admin). Reading: the province and the commune's editors; anyone else: 404.
def _year_gate(user: Any, commune: Any, write: str) -> None:
    scope = scope_of(user)
    if not (scope.is_province or scope.covers(commune, COMMUNE_EDITORS)):
        raise Http404
    if write == "close" and not scope.covers(commune, COMMUNE_EDITORS):
        raise ReadOnly(str(gettext_lazy("Bạn không có quyền khóa sổ năm của xã này.")))
    if write == "province" and not scope.is_province_admin:
        raise ReadOnly(str(gettext_lazy("Chỉ cấp tỉnh sửa lịch và mở lại danh hiệu đã khóa sổ.")))


def get_cycle_year_or_404(user: Any, pk: int, *, write: str = "") -> CycleYear:
    """A commune's year with its calendars (`write`: "close", "province"; see `_year_gate`)."""
    cycle = get_object_or_404(CycleYear.objects.select_related("commune"), pk=pk)
    _year_gate(user, cycle.commune, write)
    return cycle


def get_title_calendar_or_404(user: Any, pk: int, *, write: str = "") -> TitleCalendar:
    """One title's calendar in a commune's year (`write`: as `get_cycle_year_or_404`)."""
    calendar = get_object_or_404(TitleCalendar.objects.select_related("cycle__commune"), pk=pk)
    _year_gate(user, calendar.cycle.commune, write)
    return calendar
