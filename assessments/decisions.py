"""Recognition and revocation decisions: who issues them (`assessments.authority`), over
which subjects, and what they change."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from assessments import permissions as can
from assessments.authority import Authority, authority_of
from assessments.models import (
    Assessment,
    Decision,
    Revocation,
    State,
)
from assessments.signals import decision_issued, revocation_issued
from assessments.transitions import _apply, _deny, _locked, _Move, _move
from assessments.years import Cycles, _check_deadline
from audit.services import record
from places.models import Place, PlaceKind


def _validity_end(assessment: Assessment) -> dt.date:
    return dt.date(assessment.year + max(assessment.criteria_set.validity_years, 1) - 1, 12, 31)


@transaction.atomic
def decide(
    *,
    actor: User,
    assessments: list[Assessment],
    number: str,
    signed_on: dt.date,
    signer_name: str,
    signer_title: str,
    sign_form: str = "",
    authority: str = "",
    not_recognised: dict[int, str] | None = None,
    superior: str | None = None,
    authority_place: Place | None = None,
) -> Decision:
    """Record a recognition decision for proposed assessments of one title, year and authority.

    Those listed in `not_recognised` (id → reason) are closed as not recognised instead.
    Who issues it is the title's authority (`assessments.authority`), in its territory:
    `authority_place` when the page or the API names it, else the first record's; a record
    outside it is refused by name. `authority`/`superior` default to the rule's names.
    """
    not_recognised = not_recognised or {}
    if not assessments:
        raise ValidationError(_("Chọn ít nhất một hồ sơ."))
    ids = sorted(a.pk for a in assessments)
    locked = list(
        Assessment.objects.select_for_update(of=("self",))
        .select_related("commune", "organisation", "criteria_set")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    titles = {(a.title, a.year) for a in locked}
    if len(titles) != 1:
        raise ValidationError(_("Một quyết định chỉ cho một danh hiệu của một năm."))
    title, year = titles.pop()
    cycles: Cycles = {}
    for assessment in locked:
        if assessment.state != State.PROPOSED:
            raise ValidationError(
                _("“%(s)s” chưa được đề nghị (đang: %(st)s).")
                % {"s": assessment.subject_name, "st": assessment.get_state_display()}
            )
        if not can.can_decide(actor, assessment):
            raise _deny(
                _("Bạn không phải cấp có thẩm quyền công nhận “%(s)s”.")
                % {"s": assessment.subject_name}
            )
        _check_deadline(actor, assessment, "decision_until", _("ra quyết định"), cycles)
        if assessment.pk not in not_recognised and not assessment.passed:
            failing = "; ".join(
                f"{c or ''} {r}".strip() for c, r in assessment.result.get("failing", [])
            )
            raise ValidationError(
                _("“%(s)s” chưa đạt tiêu chí: %(f)s") % {"s": assessment.subject_name, "f": failing}
            )
    if not number.strip() or not signer_name.strip():
        raise ValidationError(_("Cần số quyết định và người ký."))
    ruling, authority_place = _issuing(locked, authority_place)
    _check_number(authority_place, number, signed_on.year)
    decision = Decision.objects.create(
        number=number.strip(),
        authority=authority.strip() or ruling.name(authority_place),
        superior=_superior_of(ruling, authority, superior, authority_place),
        authority_place=authority_place,
        signed_on=signed_on,
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
        sign_form=sign_form,
        title=title,
        year=year,
        issued_by=actor,
    )
    for assessment in locked:
        if assessment.pk in not_recognised:
            _move(
                actor,
                assessment,
                State.NOT_RECOGNISED,
                "not_recognised",
                note=not_recognised[assessment.pk],
                decision=decision,
                decision_reason=not_recognised[assessment.pk],
            )
        else:
            _move(
                actor,
                assessment,
                State.RECOGNISED,
                "recognise",
                note=str(decision),
                decision=decision,
                valid_until=_validity_end(assessment),
            )
    record(
        actor=actor,
        action="decision.issue",
        obj=decision,
        changes={"assessments": [None, len(locked)]},
    )
    decision_issued.send(sender=Decision, decision=decision)
    return decision


def _issuing(rows: list[Assessment], place: Place | None) -> tuple[Authority, Place]:
    """Who issues a decision on `rows` (recognition or revocation), and where: one body for
    all of them (a commune-level and a province-level unit are two decisions), and every
    row inside that body's territory — `place` when the page or the API names it, else the
    first row's. A row outside is refused by name."""
    rules: dict[Any, Authority] = {}
    ruling = authority_of(rows[0], rules)
    for row in rows[1:]:
        other = authority_of(row, rules)
        if other.key != ruling.key:
            raise ValidationError(
                _(
                    "“%(a)s” do %(ba)s công nhận, “%(b)s” do %(bb)s công nhận: "
                    "mỗi cơ quan một quyết định riêng."
                )
                % {
                    "a": rows[0].subject_name,
                    "ba": ruling.name(ruling.territory(rows[0])),
                    "b": row.subject_name,
                    "bb": other.name(other.territory(row)),
                }
            )
    territory = place or ruling.territory(rows[0])
    wanted = PlaceKind.PROVINCE if ruling.level == "province" else PlaceKind.COMMUNE
    if territory.kind != wanted:
        raise ValidationError(
            _("Danh hiệu này do %(a)s quyết định, không do cấp %(p)s.")
            % {"a": ruling.name(ruling.territory(rows[0])), "p": territory}
        )
    for row in rows:
        if not row.path.startswith(territory.path):
            raise ValidationError(
                _("“%(s)s” (%(c)s) ở ngoài địa bàn của %(a)s: không đưa vào quyết định này được.")
                % {"s": row.subject_name, "c": row.commune, "a": ruling.name(territory)}
            )
    return ruling, territory


def _superior_of(ruling: Authority, authority: str, superior: str | None, place: Place) -> str:
    """The superior body line: as given; else the rule's, when the body is the rule's."""
    if superior is not None:
        return superior.strip()
    if not authority.strip() or authority.strip() == ruling.name(place):
        return ruling.superior_name(place)
    return ""


def _check_number(place: Place, number: str, year: int) -> None:
    """One number per issuing body and year, recognitions and revocations alike."""
    number = number.strip()
    if (
        Decision.objects.filter(authority_place=place, number=number, year=year).exists()
        or Revocation.objects.filter(
            authority_place=place, number=number, signed_on__year=year
        ).exists()
    ):
        raise ValidationError(
            {"number": _("Số quyết định %(n)s đã được dùng năm %(y)s.") % {"n": number, "y": year}}
        )


@transaction.atomic
def revoke(
    *,
    actor: User,
    assessments: list[Assessment],
    number: str,
    signed_on: dt.date,
    signer_name: str,
    signer_title: str,
    reason: str,
    sign_form: str = "",
    authority: str = "",
    superior: str | None = None,
    authority_place: Place | None = None,
    key: str = "",
) -> Revocation:
    """A revocation decision: recognised titles of one title and year, revoked together by
    who may decide them (the same authority and territory as `decide`), in any later year —
    the title's year closed or not. Each record is audited, the counts move, and its
    certificate stops being valid. `key` (the form's one-time key): the same form posted
    twice records one revocation."""
    if not assessments:
        raise ValidationError(_("Chọn ít nhất một danh hiệu để thu hồi."))
    locked = _locked(a.pk for a in assessments)
    key = key.strip() or uuid.uuid4().hex
    existing = Revocation.objects.filter(key=key).first()
    if existing is not None:
        return existing  # the same form, posted again
    titles = {(a.title, a.year) for a in locked}
    if len(titles) != 1:
        raise ValidationError(_("Một quyết định thu hồi chỉ cho một danh hiệu của một năm."))
    title, year = titles.pop()
    for row in locked:
        if row.state != State.RECOGNISED:
            raise ValidationError(
                _("“%(s)s” không có danh hiệu đang được công nhận để thu hồi (đang: %(st)s).")
                % {"s": row.subject_name, "st": row.get_state_display()}
            )
        if not can.can_decide(actor, row):
            raise _deny(
                _("Bạn không phải cấp có thẩm quyền thu hồi danh hiệu của “%(s)s”.")
                % {"s": row.subject_name}
            )
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do thu hồi.")})
    if not number.strip() or not signer_name.strip():
        raise ValidationError(_("Cần số quyết định và người ký."))
    ruling, authority_place = _issuing(locked, authority_place)
    recognised_on = max(
        (d.signed_on for d in Decision.objects.filter(assessments__in=locked)), default=None
    )
    if recognised_on is not None and signed_on < recognised_on:
        raise ValidationError(
            {
                "signed_on": _(
                    "Ngày ký quyết định thu hồi không được trước ngày công nhận (%(d)s)."
                )
                % {"d": recognised_on.strftime("%d/%m/%Y")}
            }
        )
    _check_number(authority_place, number, signed_on.year)
    revocation = Revocation.objects.create(
        number=number.strip(),
        authority=authority.strip() or ruling.name(authority_place),
        superior=_superior_of(ruling, authority, superior, authority_place),
        authority_place=authority_place,
        signed_on=signed_on,
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
        sign_form=sign_form,
        title=title,
        year=year,
        reason=reason.strip(),
        key=key,
        issued_by=actor,
    )
    now = timezone.now()
    fields = {"revoked_at": now, "revoked_reason": reason.strip(), "revocation": revocation}
    _apply(actor, [_Move(row, fields, str(revocation)) for row in locked], State.REVOKED, "revoke")
    record(
        actor=actor,
        action="revocation.issue",
        obj=revocation,
        changes={"assessments": [None, len(locked)]},
        note=reason.strip(),
    )
    revocation_issued.send(sender=Revocation, revocation=revocation)
    return revocation
