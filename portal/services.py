"""Citizens' own accounts: claiming, registering, officers' approvals, password resets, changes."""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import notify
from accounts.models import Role, RoleAssignment, User, normalize_phone
from accounts.notify import send_password
from accounts.scope import scope_of
from audit.labels import EMPTY, field_label, value_text
from audit.services import record
from core import ratelimit
from core.text import fold
from places.models import Place
from portal.models import AccountRequest, ChangeRequest, PhoneChallenge, RequestStatus
from registry import privacy
from registry import services as registry
from registry.models import Citizen, Occupation, Organisation, ResidenceStatus

# The claim and the registration answer the same whatever exists (a record, an account,
# a phone, a pending request): nothing here tells a stranger who is in the registry.
MAX_PER_CLIENT = 10  # claims or registrations per client address per window (proposal)
MAX_PER_IDENTITY = 5  # per identity number per window, from any client (proposal)
WINDOW_SECONDS = 15 * 60
CODE_TTL = dt.timedelta(minutes=10)  # a one-time code lives 10 minutes (proposal)
CODE_TRIES = 5  # wrong codes allowed per code sent (proposal)
REPEAT_SECONDS = 10 * 60  # the same request posted again within this is the same request


class Refused(ValidationError):  # noqa: N818 - a refusal shown as is
    pass


class Throttled(Exception):  # noqa: N818
    pass


def _throttle(scope: str, *, client: str, identity: str) -> None:
    """Count this attempt against the client and the identity number; every attempt
    counts, right or wrong, so guessing is as slow as it is for everyone."""
    over_client = ratelimit.count(f"{scope}:client", client, seconds=WINDOW_SECONDS)
    over_identity = ratelimit.count(f"{scope}:identity", identity, seconds=WINDOW_SECONDS)
    if over_client > MAX_PER_CLIENT or over_identity > MAX_PER_IDENTITY:
        raise Throttled


def _birth_matches(citizen: Citizen, birth: tuple[dt.date | None, int]) -> bool:
    """The full date when the record has one (the identity number already tells the
    year, so the year alone proves nothing); the year only for records without a day."""
    day, year = birth
    if citizen.birth_date is not None:
        return day == citizen.birth_date
    return citizen.birth_year == year and (day is None or day.year == year)


def _same_phone(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and normalize_phone(a or "") == normalize_phone(b or "")


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


@dataclass(frozen=True)
class ClaimAnswer:
    """What the claimant is told: the same for every claim. `token` names the page where
    a one-time code is typed (when an SMS channel exists, every claim gets one)."""

    token: str | None


def _challenge(request: AccountRequest | None) -> str:
    """A one-time code for the phone on file (sent), or a stand-in nobody can answer."""
    code = f"{secrets.randbelow(10**6):06d}"
    challenge = PhoneChallenge.objects.create(
        request=request,
        token=secrets.token_urlsafe(24),
        code_hash=make_password(code),
        expires_at=timezone.now() + CODE_TTL,
    )
    if request is not None and request.citizen is not None:
        text = _(
            "Mã nhận tài khoản học tập suốt đời: %(code)s (hết hạn sau 10 phút). "
            "Không đưa mã này cho ai, kể cả cán bộ."
        ) % {"code": code}
        # Not sent: the request still waits for the village officer.
        with contextlib.suppress(notify.NotSent):
            notify.send_sms(request.citizen.phone or "", text)
    return challenge.token


@transaction.atomic
def claim(
    *,
    identity: str,
    full_name: str,
    birth: tuple[dt.date | None, int],
    phone: str,
    password: str,
    client: str,
) -> ClaimAnswer:
    """A person asks for the account of their registry record. The identity number, the
    name and the birth date (the full date when the record has one) must match. The
    account is activated only by proof of the phone on file (a one-time code sent to it)
    or by the village officer, who checks in person; until then nothing is created that
    could block anyone, and the attempt is written into the record's history, which the
    person sees on "Dữ liệu của tôi"."""
    _throttle("claim", client=client, identity=identity)
    citizen = (
        Citizen.objects.select_for_update(of=("self",))
        .filter(identity_number=identity, status=ResidenceStatus.ACTIVE)
        .select_related("village", "user")
        .first()
    )
    matched = (
        citizen is not None
        and citizen.user_id is None
        and fold(full_name) == fold(citizen.full_name)
        and _birth_matches(citizen, birth)
    )
    if citizen is not None:
        privacy.record_disclosure(
            actor=None,
            action="portal.claim" if matched else "portal.claim_refused",
            citizen_ids=[citizen.pk],
            obj=citizen,
            note=_("yêu cầu nhận tài khoản, SĐT %(p)s") % {"p": normalize_phone(phone)}
            if matched
            else _("yêu cầu nhận tài khoản không khớp sổ"),
        )
    if citizen is not None and citizen.user is not None:
        notify.tell(
            citizen.user,
            _(
                "Có người vừa yêu cầu nhận tài khoản với số CCCD của bạn. Tài khoản của bạn "
                "không thay đổi; nếu không phải bạn, hãy báo cán bộ thôn."
            ),
        )
    if not matched or citizen is None:
        return ClaimAnswer(token=_challenge(None) if notify.sms_available() else None)
    phone_norm = normalize_phone(phone)
    cutoff = timezone.now() - dt.timedelta(seconds=REPEAT_SECONDS)
    request = AccountRequest.objects.filter(
        kind=AccountRequest.Kind.CLAIM,
        citizen=citizen,
        phone=phone_norm,
        status=RequestStatus.PENDING,
        created_at__gte=cutoff,
    ).first()
    if request is None:
        request = AccountRequest.objects.create(
            kind=AccountRequest.Kind.CLAIM,
            citizen=citizen,
            full_name=citizen.full_name,
            gender=citizen.gender,
            birth_date=citizen.birth_date,
            birth_year=citizen.birth_year,
            identity_number=identity,
            phone=phone_norm,
            village=citizen.village,
            password_hash=make_password(password),
        )
    else:  # the same claim again (a double click, a retry): no second request
        request.password_hash = make_password(password)
        request.save(update_fields=["password_hash"])
    if not notify.sms_available():
        return ClaimAnswer(token=None)
    if _same_phone(citizen.phone, phone_norm):
        return ClaimAnswer(token=_challenge(request))
    return ClaimAnswer(token=_challenge(None))


def confirm_code(*, token: str, code: str, client: str) -> User | None:
    """The account, when `code` is the one sent for `token` and still good; else None.
    Every try counts (it is written before the answer), so a code cannot be guessed."""
    if not ratelimit.allow("claim-code:client", client, limit=30, seconds=WINDOW_SECONDS):
        raise Throttled
    with transaction.atomic():
        challenge = PhoneChallenge.objects.select_for_update().filter(token=token[:64]).first()
        if challenge is None:
            return None
        if challenge.used_at is not None:
            request = challenge.request
            # The same correct code posted twice: the account it already opened.
            if (
                request is not None
                and request.user is not None
                and check_password(code, challenge.code_hash)
            ):
                return request.user
            return None
        if challenge.expires_at < timezone.now() or challenge.attempts >= CODE_TRIES:
            return None
        challenge.attempts += 1
        challenge.save(update_fields=["attempts"])
    if challenge.request_id is None or not check_password(code.strip(), challenge.code_hash):
        return None
    with transaction.atomic():
        locked = PhoneChallenge.objects.select_for_update().get(pk=challenge.pk)
        if locked.used_at is not None or locked.request_id is None:
            return None
        request = AccountRequest.objects.select_for_update(of=("self",)).get(pk=locked.request_id)
        if request.status != RequestStatus.PENDING or request.citizen is None:
            return None
        try:
            user = _open_account(request, actor=None, citizen=request.citizen)
        except ValidationError:
            return None
        locked.used_at = timezone.now()
        locked.save(update_fields=["used_at"])
        return user


def _open_account(
    request: AccountRequest,
    *,
    actor: User | None,
    citizen: Citizen,
    announce_to: tuple[str, ...] = (),
) -> User:
    """Create the account a request asked for, give it the citizen role on `citizen`,
    close the request and every other pending request for that person."""
    citizen = Citizen.objects.select_for_update(of=("self",)).get(pk=citizen.pk)
    if citizen.user_id is not None:
        raise ValidationError(_("Hồ sơ này đã có tài khoản."))
    if not request.password_hash:
        raise ValidationError(_("Yêu cầu không còn mật khẩu; công dân hãy gửi lại yêu cầu."))
    username = citizen.identity_number or request.identity_number
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            _("Tên đăng nhập %(u)s đã được dùng cho một tài khoản khác; báo quản trị tỉnh.")
            % {"u": username}
        )
    phone = normalize_phone(request.phone or citizen.phone or "") or None
    if phone and User.objects.filter(phone=phone).exists():
        phone = None  # another account logs in with it; this one uses the identity number
    user = User(
        username=username,
        full_name=citizen.full_name,
        phone=phone,
        is_active=True,
        password=request.password_hash,
    )
    user.save()
    _grant_citizen(user, citizen, actor)
    now = timezone.now()
    request.status, request.decided_by, request.decided_at = RequestStatus.APPROVED, actor, now
    request.user, request.citizen, request.password_hash = user, citizen, ""
    if actor is None:
        request.note = _("Xác nhận bằng mã gửi tới số điện thoại trong sổ.")
    request.save()
    others = AccountRequest.objects.filter(status=RequestStatus.PENDING).filter(
        models.Q(citizen=citizen) | models.Q(identity_number=username)
    )
    others.exclude(pk=request.pk).update(
        status=RequestStatus.REJECTED,
        decided_at=now,
        decided_by=actor,
        note=_("Hồ sơ đã có tài khoản (nhận ngày %(d)s).")
        % {"d": timezone.localtime(now).strftime("%d/%m/%Y")},
        password_hash="",
    )
    record(
        actor=actor or user,
        action="portal.claim_confirmed" if actor is None else "portal.approve",
        obj=citizen,
        note=request.get_kind_display(),
    )
    notify.tell(
        user,
        _(
            "Tài khoản của bạn đã được mở ngày %(d)s. Nếu không phải bạn yêu cầu, "
            "hãy báo ngay cán bộ thôn."
        )
        % {"d": timezone.localtime(now).strftime("%d/%m/%Y %H:%M")},
        phones=announce_to,
    )
    return user


@transaction.atomic
def register(*, data: dict[str, Any], password: str, client: str = "") -> AccountRequest:
    """Someone not in the registry asks to be added; the village officer verifies and
    then creates the record and the account. No account exists before that, so a
    registration under someone else's identity number blocks nobody; one under a number
    already in the registry is written into that record's history (and told to its
    account, if any), and the officer is warned."""
    identity = data["identity_number"]
    _throttle("register", client=client or "-", identity=identity)
    birth_date, birth_year = data["birth"]
    phone = normalize_phone(data["phone"])
    cutoff = timezone.now() - dt.timedelta(seconds=REPEAT_SECONDS)
    same = AccountRequest.objects.filter(
        kind=AccountRequest.Kind.REGISTER,
        status=RequestStatus.PENDING,
        identity_number=identity,
        phone=phone,
        village=data["village"],
        full_name=data["full_name"],
        created_at__gte=cutoff,
    ).first()
    if same is not None:  # posted twice: one request
        same.password_hash = make_password(password)
        same.save(update_fields=["password_hash"])
        return same
    request = AccountRequest.objects.create(
        kind=AccountRequest.Kind.REGISTER,
        full_name=data["full_name"],
        gender=data["gender"],
        birth_date=birth_date,
        birth_year=birth_year,
        identity_number=identity,
        phone=phone,
        village=data["village"],
        password_hash=make_password(password),
    )
    record(actor=None, action="portal.register", obj=request.village, note=data["full_name"])
    for existing in Citizen.objects.filter(identity_number=identity).select_related("user"):
        privacy.record_disclosure(
            actor=None,
            action="portal.register_same_identity",
            citizen_ids=[existing.pk],
            obj=existing,
            note=_("đăng ký mới với số CCCD của hồ sơ này, tên %(n)s") % {"n": data["full_name"]},
        )
        if existing.user is not None:
            notify.tell(
                existing.user,
                _(
                    "Có người vừa đăng ký tài khoản mới với số CCCD của bạn (tên %(n)s). "
                    "Nếu không phải bạn, hãy báo cán bộ thôn."
                )
                % {"n": data["full_name"]},
            )
    return request


def same_identity_records(request: AccountRequest) -> list[Citizen]:
    """Registry records already holding the identity number a registration gives."""
    if request.kind != AccountRequest.Kind.REGISTER:
        return []
    return list(Citizen.objects.filter(identity_number=request.identity_number))


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
    old_phone = ""
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
        old_phone = citizen.phone or ""
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
    if locked.user is not None:  # a request made before accounts waited for approval
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
    # The login phone comes from the request: tell both the number on file before and the
    # new one, so a person whose record was claimed with another phone hears of it.
    phones = (old_phone, citizen.phone or "") if locked.citizen or link_to else ()
    _open_account(locked, actor=actor, citizen=citizen, announce_to=phones)
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
    # One pending request at a time: the officer checks what was asked against the person
    # and their papers, so it does not change under them; to ask otherwise, the citizen
    # withdraws it first (`withdraw_change`), which the history keeps.
    Citizen.objects.select_for_update(of=("self",)).filter(pk=citizen.pk).first()  # one at a time
    pending = pending_change(citizen)
    if pending is not None:
        raise ValidationError(
            _(
                "Bạn còn một đề nghị gửi ngày %(d)s đang chờ cán bộ thôn xác nhận; muốn sửa "
                "lại, hãy rút đề nghị đó trước."
            )
            % {"d": timezone.localtime(pending.created_at).strftime("%d/%m/%Y")}
        )
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


def pending_change(citizen: Citizen) -> ChangeRequest | None:
    """The citizen's change request still waiting for the officer (at most one)."""
    return (
        ChangeRequest.objects.filter(citizen=citizen, status=RequestStatus.PENDING)
        .order_by("-created_at")
        .first()
    )


@transaction.atomic
def withdraw_change(*, actor: User, request: ChangeRequest) -> ChangeRequest:
    """The citizen takes back their pending request (to send another); a second click,
    or a request the officer has meanwhile decided, changes nothing."""
    locked = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    if getattr(actor, "citizen_record", None) != locked.citizen:
        raise PermissionDenied(_("Chỉ rút được đề nghị của chính mình."))
    if locked.status != RequestStatus.PENDING:
        return locked
    locked.status, locked.decided_by, locked.decided_at = (
        RequestStatus.WITHDRAWN,
        actor,
        timezone.now(),
    )
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    record(actor=actor, action="portal.change_withdrawn", obj=locked.citizen)
    return locked


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
        # Approving the request is the officer's confirmation of a new login phone.
        registry.update_citizen(
            actor=actor,
            citizen=locked.citizen,
            data=data,
            allow_duplicate=True,
            confirm_login_change=True,
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


def change_lines(request: ChangeRequest) -> list[tuple[str, str, str, bool]]:
    """A change request as the officer and the citizen read it: (field, now, asked, alters
    the login), each field by its Vietnamese name and each value in words, through the
    history pages' own labels (`audit.labels`), links by the name of what they point to."""
    citizen = request.citizen
    lines: list[tuple[str, str, str, bool]] = []
    for key, value in request.changes.items():
        if key == "workplace":
            org = Organisation.objects.filter(pk=value).first()
            before, after = str(citizen.workplace or ""), str(org or "")
        elif key == "village":
            place = Place.objects.filter(pk=value).first()
            before, after = str(citizen.village), str(place or "")
        else:
            before = value_text(Citizen, key, getattr(citizen, key, None))
            after = value_text(Citizen, key, value)
        login = key == "phone" and citizen.user_id is not None
        lines.append((field_label(Citizen, key), before if before != EMPTY else "", after, login))
    return lines
