"""Creating users and handing out roles: scope-checked, atomic, audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ROLE_PLACE_KIND, Role, RoleAssignment, User, normalize_phone
from accounts.scope import forget_scope, scope_of
from audit.services import record
from places.models import Place


def _check_grant(actor: User, role: str, place: Place) -> None:
    if role not in scope_of(actor).grantable_roles(place):
        raise PermissionDenied(_("Bạn không được giao vai trò này tại địa bàn này."))
    expected = ROLE_PLACE_KIND[role]
    if place.kind != expected:
        raise ValidationError(
            _("Vai trò “%(role)s” gắn với cấp %(kind)s, không phải “%(place)s”.")
            % {"role": Role(role).label, "kind": expected, "place": place}
        )
    if not place.is_current:
        raise ValidationError(_("Địa bàn “%(place)s” đã hết hiệu lực.") % {"place": place})


@transaction.atomic
def create_user(
    *,
    actor: User,
    username: str,
    full_name: str,
    phone: str,
    password: str,
    role: str,
    place: Place,
) -> User:
    _check_grant(actor, role, place)
    phone_norm = normalize_phone(phone) or None
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("Tên đăng nhập này đã có người dùng.")})
    if phone_norm and User.objects.filter(phone=phone_norm).exists():
        raise ValidationError({"phone": _("Số điện thoại này đã gắn với một tài khoản khác.")})
    user = User(username=username, full_name=full_name, phone=phone_norm)
    user.set_password(password)
    user.save()
    record(
        actor=actor,
        action="user.create",
        obj=user,
        changes={
            "username": [None, username],
            "full_name": [None, full_name],
            "phone": [None, phone_norm],
        },
    )
    assign_role(actor=actor, user=user, role=role, place=place)
    return user


@transaction.atomic
def assign_role(
    *,
    actor: User,
    user: User,
    role: str,
    place: Place,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> RoleAssignment:
    _check_grant(actor, role, place)
    start = valid_from or timezone.localdate()
    if valid_to and valid_to < start:
        raise ValidationError({"valid_to": _("Ngày kết thúc phải sau ngày bắt đầu.")})
    duplicate = RoleAssignment.objects.active().filter(user=user, role=role, place=place).exists()
    if duplicate:
        raise ValidationError(_("Người dùng đã có vai trò này tại địa bàn này."))
    assignment = RoleAssignment.objects.create(
        user=user, role=role, place=place, valid_from=start, valid_to=valid_to, created_by=actor
    )
    record(
        actor=actor,
        action="role.assign",
        obj=user,
        changes={"role": [None, f"{Role(role).label} — {place}"]},
    )
    forget_scope(user)
    return assignment


@transaction.atomic
def end_assignment(*, actor: User, assignment: RoleAssignment) -> RoleAssignment:
    locked = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    _check_grant(actor, locked.role, locked.place)
    if not locked.is_active:
        return locked  # already ended: a repeated click changes nothing
    today = timezone.localdate()
    locked.ended_at = timezone.now()
    locked.valid_to = max(locked.valid_from, min(locked.valid_to or today, today))
    locked.save(update_fields=["valid_to", "ended_at"])
    record(
        actor=actor,
        action="role.end",
        obj=locked.user,
        changes={"role": [f"{locked.get_role_display()} — {locked.place}", None]},
    )
    forget_scope(locked.user)
    return locked
