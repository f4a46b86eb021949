"""Citizens' own accounts: claiming, registering, officers' approvals, password resets, changes."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, RoleAssignment, User, normalize_phone
from accounts.scope import scope_of
from audit.services import record
from core.text import fold
from places.models import Place
from portal.models import AccountRequest, ChangeRequest, RequestStatus
from portal.notify import send_password
from registry import services as registry
from registry.models import Citizen, Occupation, Organisation, ResidenceStatus

NEUTRAL = _(
    "Thông tin không khớp với sổ đăng ký, hoặc tài khoản đã được nhận. "
    "Kiểm tra lại số CCCD, ngày sinh, số điện thoại; nếu vẫn không được, hãy liên hệ cán bộ thôn."
)
MAX_ATTEMPTS = 5
WINDOW_SECONDS = 15 * 60


class Refused(ValidationError):  # noqa: N818 - a refusal shown as is
    pass


class Throttled(Exception):  # noqa: N818
    pass


def _attempt_keys(ip: str, identity: str) -> list[str]:
    return [f"claim:ip:{ip}", f"claim:id:{identity}"]


def check_throttle(ip: str, identity: str) -> None:
    if any((cache.get(key) or 0) >= MAX_ATTEMPTS for key in _attempt_keys(ip, identity)):
        raise Throttled


def count_failure(ip: str, identity: str) -> None:
    for key in _attempt_keys(ip, identity):
        if not cache.add(key, 1, WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, WINDOW_SECONDS)


def _birth_matches(citizen: Citizen, birth: tuple[dt.date | None, int]) -> bool:
    day, year = birth
    if citizen.birth_date is not None and day is not None:
        return citizen.birth_date == day
    return citizen.birth_year == year


def _make_user(*, username: str, full_name: str, phone: str, password: str, active: bool) -> User:
    if User.objects.filter(username=username).exists():
        raise Refused(NEUTRAL)
    phone_norm = normalize_phone(phone) or None
    if phone_norm and User.objects.filter(phone=phone_norm).exists():
        raise Refused(_("Số điện thoại này đã gắn với một tài khoản khác."))
    user = User(username=username, full_name=full_name, phone=phone_norm, is_active=active)
    user.set_password(password)
    user.save()
    return user


def _grant_citizen(user: User, citizen: Citizen, actor: User | None) -> None:
    citizen.user = user
    citizen.save(update_fields=["user", "updated_at"])
    RoleAssignment.objects.get_or_create(
        user=user,
        role=Role.CITIZEN,
        place=citizen.village,
        ended_at=None,
        defaults={"created_by": actor},
    )


@transaction.atomic
def claim(
    *, identity: str, birth: tuple[dt.date | None, int], phone: str, password: str, ip: str
) -> tuple[str, User]:
    """("active", user) when everything matches the record; ("pending", user) when only the
    phone differs. Anything else: the same neutral refusal, counted against the client."""
    check_throttle(ip, identity)
    citizen = (
        Citizen.objects.select_for_update(of=("self",))
        .filter(identity_number=identity, status=ResidenceStatus.ACTIVE, user__isnull=True)
        .select_related("village")
        .first()
    )
    if (
        citizen is None
        or not _birth_matches(citizen, birth)
        or AccountRequest.objects.filter(
            identity_number=identity, status=RequestStatus.PENDING
        ).exists()
    ):
        count_failure(ip, identity)
        raise Refused(NEUTRAL)
    same_phone = bool(citizen.phone) and normalize_phone(citizen.phone) == normalize_phone(phone)
    user = _make_user(
        username=identity,
        full_name=citizen.full_name,
        phone=phone,
        password=password,
        active=same_phone,
    )
    if same_phone:
        _grant_citizen(user, citizen, None)
        record(actor=user, action="portal.claim", obj=citizen)
        return "active", user
    request = AccountRequest.objects.create(
        kind=AccountRequest.Kind.CLAIM,
        user=user,
        citizen=citizen,
        full_name=citizen.full_name,
        gender=citizen.gender,
        birth_date=citizen.birth_date,
        birth_year=citizen.birth_year,
        identity_number=identity,
        phone=normalize_phone(phone),
        village=citizen.village,
    )
    record(
        actor=user,
        action="portal.claim_pending",
        obj=citizen,
        note=_("Số điện thoại mới: %(p)s") % {"p": request.phone},
    )
    return "pending", user


@transaction.atomic
def register(*, data: dict[str, Any], password: str) -> AccountRequest:
    """Someone not in the registry asks to be added; the village officer verifies."""
    birth_date, birth_year = data["birth"]
    user = _make_user(
        username=data["identity_number"],
        full_name=data["full_name"],
        phone=data["phone"],
        password=password,
        active=False,
    )
    request = AccountRequest.objects.create(
        kind=AccountRequest.Kind.REGISTER,
        user=user,
        full_name=data["full_name"],
        gender=data["gender"],
        birth_date=birth_date,
        birth_year=birth_year,
        identity_number=data["identity_number"],
        phone=normalize_phone(data["phone"]),
        village=data["village"],
    )
    record(actor=user, action="portal.register", obj=request.village, note=data["full_name"])
    return request


def candidates(request: AccountRequest) -> list[Citizen]:
    """Existing records this request may be: same CCCD, or same name, birth year and village."""
    same_id = list(Citizen.objects.filter(identity_number=request.identity_number))
    if same_id:
        return same_id
    key = fold(request.full_name)
    return [
        c
        for c in Citizen.objects.filter(
            village=request.village, birth_year=request.birth_year, search_key__startswith=key
        )
        if fold(c.full_name) == key
    ]


def _require_officer(actor: User, village: Place) -> None:
    if not scope_of(actor).covers(
        village, {Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER, Role.VILLAGE_OFFICER}
    ):
        raise PermissionDenied(_("Yêu cầu này ngoài phạm vi của bạn."))


@transaction.atomic
def approve(*, actor: User, request: AccountRequest, link_to: Citizen | None = None) -> Citizen:
    locked = (
        AccountRequest.objects.select_for_update(of=("self",))
        .select_related("user", "citizen", "village")
        .get(pk=request.pk)
    )
    _require_officer(actor, locked.village)
    if locked.status != RequestStatus.PENDING:
        if locked.status == RequestStatus.APPROVED and locked.citizen is not None:
            return locked.citizen  # a second click
        raise ValidationError(_("Yêu cầu đã được xử lý."))
    citizen = locked.citizen or link_to
    if citizen is None:
        matches = candidates(locked)
        if matches:
            raise ValidationError(
                _("Có hồ sơ có thể là người này: %(n)s. Chọn hồ sơ để gắn, không tạo trùng.")
                % {"n": ", ".join(f"{c.full_name} (mã {c.pk})" for c in matches)}
            )
        citizen = registry.create_citizen(
            actor=actor,
            data={
                "full_name": locked.full_name,
                "gender": locked.gender or "male",
                "birth": (locked.birth_date, locked.birth_year),
                "identity_number": locked.identity_number,
                "phone": locked.phone,
                "ethnicity": "Kinh",
                "occupation": Occupation.OTHER,
                "in_school": None,
                "relation": "",
                "village": locked.village,
                "workplace": None,
            },
            allow_duplicate=True,
        )
    else:
        if citizen.user_id and citizen.user_id != locked.user_id:
            raise ValidationError(_("Hồ sơ này đã có tài khoản."))
        if citizen.identity_number and citizen.identity_number != locked.identity_number:
            raise ValidationError(_("Số CCCD của hồ sơ khác với số trong yêu cầu."))
        changes: dict[str, Any] = {}
        if not citizen.identity_number:
            changes["identity_number"] = locked.identity_number
        if locked.phone and citizen.phone != locked.phone:
            changes["phone"] = locked.phone
        if changes:
            registry.update_citizen(
                actor=actor, citizen=citizen, data=changes, allow_duplicate=True
            )
            citizen.refresh_from_db()
    user = locked.user
    user.is_active = True
    user.phone = locked.phone or user.phone
    user.save(update_fields=["is_active", "phone"])
    _grant_citizen(user, citizen, actor)
    locked.status, locked.decided_by, locked.decided_at, locked.citizen = (
        RequestStatus.APPROVED,
        actor,
        timezone.now(),
        citizen,
    )
    locked.save()
    record(actor=actor, action="portal.approve", obj=citizen, note=locked.get_kind_display())
    return citizen


@transaction.atomic
def reject(*, actor: User, request: AccountRequest, note: str) -> AccountRequest:
    locked = AccountRequest.objects.select_for_update().get(pk=request.pk)
    _require_officer(actor, locked.village)
    if locked.status != RequestStatus.PENDING:
        return locked
    if not note.strip():
        raise ValidationError({"note": _("Hãy ghi lý do.")})
    locked.status, locked.decided_by, locked.decided_at, locked.note = (
        RequestStatus.REJECTED,
        actor,
        timezone.now(),
        note.strip(),
    )
    locked.save()
    record(
        actor=actor, action="portal.reject", obj=locked.village, note=f"{locked.full_name}: {note}"
    )
    return locked


@transaction.atomic
def reset_password(*, actor: User, citizen: Citizen) -> str:
    """A new temporary password for a citizen's account, handed over by the village officer."""
    _require_officer(actor, citizen.village)
    if citizen.user is None:
        raise ValidationError(_("Công dân này chưa có tài khoản."))
    password = "-".join(secrets.token_hex(2) for _ in range(3))
    citizen.user.set_password(password)
    citizen.user.save(update_fields=["password"])
    record(actor=actor, action="portal.password_reset", obj=citizen)
    return send_password(citizen.user, password)


CHANGEABLE = {"phone", "occupation", "workplace", "village"}


@transaction.atomic
def request_change(
    *, actor: User, citizen: Citizen, changes: dict[str, Any], reason: str = ""
) -> ChangeRequest:
    if getattr(actor, "citizen_record", None) != citizen:
        raise PermissionDenied(_("Chỉ sửa được thông tin của chính mình."))
    wanted = {k: v for k, v in changes.items() if k in CHANGEABLE and v not in (None, "")}
    current = {
        "phone": citizen.phone,
        "occupation": citizen.occupation,
        "workplace": citizen.workplace_id,
        "village": citizen.village_id,
    }
    wanted = {k: v for k, v in wanted.items() if v != current[k]}
    if not wanted:
        raise ValidationError(_("Không có gì thay đổi."))
    if ChangeRequest.objects.filter(citizen=citizen, status=RequestStatus.PENDING).exists():
        raise ValidationError(_("Bạn còn một đề nghị đang chờ cán bộ thôn xác nhận."))
    request = ChangeRequest.objects.create(
        citizen=citizen, requested_by=actor, changes=wanted, reason=reason
    )
    record(
        actor=actor,
        action="portal.change_request",
        obj=citizen,
        changes={k: [current[k], v] for k, v in wanted.items()},
        note=reason,
    )
    return request


@transaction.atomic
def decide_change(
    *, actor: User, request: ChangeRequest, approve_it: bool, note: str = ""
) -> ChangeRequest:
    locked = (
        ChangeRequest.objects.select_for_update(of=("self",))
        .select_related("citizen__village")
        .get(pk=request.pk)
    )
    _require_officer(actor, locked.citizen.village)
    if locked.status != RequestStatus.PENDING:
        return locked
    if approve_it:
        data: dict[str, Any] = {}
        for key, value in locked.changes.items():
            if key == "workplace":
                data["workplace"] = Organisation.objects.filter(pk=value).first()
            elif key == "village":
                data["village"] = Place.objects.villages().current().get(pk=value)
            else:
                data[key] = value
        registry.update_citizen(
            actor=actor, citizen=locked.citizen, data=data, allow_duplicate=True
        )
        if "phone" in locked.changes and locked.citizen.user is not None:
            User.objects.filter(pk=locked.citizen.user_id).update(
                phone=normalize_phone(str(locked.changes["phone"]))
            )
    elif not note.strip():
        raise ValidationError({"note": _("Hãy ghi lý do không xác nhận.")})
    locked.status = RequestStatus.APPROVED if approve_it else RequestStatus.REJECTED
    locked.decided_by, locked.decided_at, locked.decision_note = actor, timezone.now(), note.strip()
    locked.save()
    record(
        actor=actor,
        action="portal.change_decided",
        obj=locked.citizen,
        note=f"{locked.get_status_display()} {note}".strip(),
    )
    return locked
