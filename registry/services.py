"""Every change to the registries: scope-checked, atomic, written to the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import notify
from accounts.models import User, normalize_phone
from audit.models import AuditEvent
from audit.services import diff, record, snapshot
from core.text import fold
from places.models import Place, PlaceKind
from registry.access import (
    can_edit_clan,
    can_edit_commune,
    can_edit_organisation,
    can_edit_village,
    require,
)
from registry.fields import CITIZEN, CLAN, HOUSEHOLD, ORGANISATION
from registry.models import (
    Citizen,
    Clan,
    Household,
    Organisation,
    Relation,
    ResidenceStatus,
)
from registry.signals import citizen_merged, registry_changed

# What the audit trail keeps the before/after of: from the spec (registry.fields).
CITIZEN_FIELDS = CITIZEN.audited
HOUSEHOLD_FIELDS = HOUSEHOLD.audited
CLAN_FIELDS = CLAN.audited
ORGANISATION_FIELDS = ORGANISATION.audited


def _changed(*communes: int | None) -> None:
    """Tell the apps above (stats' provisional figures) which communes' records just changed,
    inside the write's transaction."""
    ids = sorted({c for c in communes if c is not None})
    if ids:
        registry_changed.send(sender=Citizen, communes=ids)


class PossibleDuplicate(ValidationError):  # noqa: N818 - a warning the user may override, not an error
    """Same name, birth year and village as an existing person: a warning, not a block."""

    def __init__(self, others: list[Citizen]) -> None:
        self.others = others
        names = ", ".join(f"{o.full_name} ({o.birth_display}, mã {o.pk})" for o in others[:3])
        super().__init__(
            _("Có thể trùng với hồ sơ đã có: %(n)s. Kiểm tra lại, hoặc xác nhận để vẫn lưu.")
            % {"n": names},
            code="possible_duplicate",
        )


def possible_duplicates(
    *, full_name: str, birth_year: int, village: Place, exclude: int | None = None
) -> list[Citizen]:
    key = fold(full_name)
    candidates = Citizen.objects.filter(
        village=village, birth_year=birth_year, search_key__startswith=key
    ).exclude(status=ResidenceStatus.DECEASED)
    if exclude:
        candidates = candidates.exclude(pk=exclude)
    return [c for c in candidates if fold(c.full_name) == key]


def _check_identity_free(identity: str | None, exclude: int | None = None) -> None:
    if not identity:
        return
    taken = Citizen.objects.filter(identity_number=identity)
    if exclude:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError(
            {
                "identity_number": _("Số CCCD %(n)s đã được đăng ký cho một công dân khác.")
                % {"n": identity}
            }
        )


def _apply_citizen_data(citizen: Citizen, data: dict[str, Any]) -> None:
    """The form's fields in `data` onto the record, as the model keeps them (a blank value
    takes the field's default, `Registry.stored`); a required one given as None is left."""
    for field in CITIZEN.form_fields:
        if field.name not in data or (data[field.name] is None and CITIZEN.required(field)):
            continue
        for name, value in CITIZEN.stored(field, data[field.name]).items():
            setattr(citizen, name, value)
    if data.get("village") is not None:
        citizen.commune = data["village"].parent


def _snapshot(citizen: Citizen, *, head: bool | None = None) -> dict[str, Any]:
    """The audited fields, the relation as the pages show it ("head" for the head, whose
    stored relation is blank): the trail reads as before the head was stored once.
    `head`: whether the person heads their household, when the caller knows."""
    values = snapshot(citizen, CITIZEN_FIELDS)
    if citizen.is_head if head is None else head:
        values["relation"] = Relation.HEAD.value
    return values


@transaction.atomic
def create_citizen(
    *,
    actor: User,
    data: dict[str, Any],
    household: Household | None = None,
    allow_duplicate: bool = False,
) -> Citizen:
    village: Place = data["village"]
    require(can_edit_village(actor, village))
    if household is not None:
        require(can_edit_village(actor, household.village))
        if village != household.village:  # residence follows the household
            raise ValidationError(
                {
                    "village": _("Người vào %(h)s phải ở %(v)s như hộ.")
                    % {"h": household, "v": household.village}
                }
            )
        if data.get("relation") == Relation.HEAD and household.head_id:
            raise ValidationError({"relation": _("Hộ đã có chủ hộ; dùng “Đổi chủ hộ”.")})
    _check_identity_free(data.get("identity_number"))
    citizen = Citizen()
    _apply_citizen_data(citizen, data)
    if not allow_duplicate:
        others = possible_duplicates(
            full_name=citizen.full_name, birth_year=citizen.birth_year, village=village
        )
        if others:
            raise PossibleDuplicate(others)
    # "Chủ hộ" written in makes the person the household's head (Household.head, below);
    # a head's own relation is blank, and a person of no household heads nothing.
    makes_head = household is not None and data.get("relation") == Relation.HEAD
    if household is not None:
        citizen.household = household
        citizen.relation = "" if makes_head else (data.get("relation") or Relation.OTHER)
    elif citizen.relation == Relation.HEAD:
        citizen.relation = ""
    try:
        with transaction.atomic():
            citizen.save()
    except IntegrityError:
        raise ValidationError(
            {"identity_number": _("Số CCCD đã được đăng ký cho một công dân khác.")}
        ) from None
    record(
        actor=actor,
        action="citizen.create",
        obj=citizen,
        changes=diff({}, _snapshot(citizen, head=makes_head)),
    )
    if household is not None:
        record(
            actor=actor,
            action="household.member_in",
            obj=household,
            changes={"member": [None, citizen.full_name]},
        )
        if makes_head:
            _set_head(actor, household, citizen)
    _changed(citizen.commune_id, citizen.workplace.commune_id if citizen.workplace else None)
    return citizen


@transaction.atomic
def update_citizen(
    *,
    actor: User,
    citizen: Citizen,
    data: dict[str, Any],
    allow_duplicate: bool = False,
    confirm_login_change: bool = False,
) -> Citizen:
    """Change a person's record. A new phone or identity number that is the login of the
    person's account moves the login with it; the officer must confirm that
    (`confirm_login_change`), and the person is told (login_changes)."""
    locked = Citizen.objects.select_for_update().get(pk=citizen.pk)
    was = locked.commune_id
    was_workplace = locked.workplace_id
    require(can_edit_village(actor, locked.village))
    if data.get("village") is not None:
        require(can_edit_village(actor, data["village"]))
    _check_identity_free(data.get("identity_number"), exclude=locked.pk)
    before = _snapshot(locked)
    stored_relation = locked.relation
    _apply_citizen_data(locked, data)
    if not allow_duplicate and (
        before["full_name"] != locked.full_name
        or before["birth_year"] != locked.birth_year
        or before["village"] != str(locked.village)
    ):
        others = possible_duplicates(
            full_name=locked.full_name,
            birth_year=locked.birth_year,
            village=locked.village,
            exclude=locked.pk,
        )
        if others:
            raise PossibleDuplicate(others)
    _check_household_consistency(locked, before_relation=stored_relation)
    changes = diff(before, _snapshot(locked))
    if not changes:
        return locked
    moves = login_changes(
        locked, before_phone=before["phone"], before_identity=before["identity_number"]
    )
    if moves and not confirm_login_change:
        raise ValidationError(
            {
                "confirm_login_change": _(
                    "Thay đổi này đổi thông tin đăng nhập của tài khoản công dân (%(c)s). "
                    "Hãy chắc chắn đã gặp người đó, rồi đánh dấu ô xác nhận và lưu lại."
                )
                % {"c": "; ".join(moves)}
            }
        )
    locked.save()
    record(actor=actor, action="citizen.update", obj=locked, changes=changes)
    if moves:
        _move_login(
            actor,
            locked,
            before_phone=before["phone"],
            before_identity=before["identity_number"],
            moves=moves,
        )
    # Staff are counted where they work (stats): a unit's commune counts them too.
    workplaces = Organisation.objects.filter(pk__in=[was_workplace, locked.workplace_id])
    _changed(was, locked.commune_id, *workplaces.values_list("commune_id", flat=True))
    return locked


def login_changes(citizen: Citizen, *, before_phone: Any, before_identity: Any) -> list[str]:
    """In words, how this edit of `citizen` changes their account's login (empty if not)."""
    user = citizen.user
    if user is None:
        return []
    moves: list[str] = []
    new_phone = normalize_phone(citizen.phone or "")
    old_phone = normalize_phone(str(before_phone or ""))
    if new_phone != old_phone and user.phone and user.phone == old_phone:
        moves.append(
            _("số điện thoại đăng nhập %(a)s → %(b)s") % {"a": old_phone, "b": new_phone or "—"}
        )
    new_identity, old_identity = citizen.identity_number or "", str(before_identity or "")
    if old_identity and new_identity != old_identity and user.username == old_identity:
        moves.append(
            _("số CCCD đăng nhập %(a)s → %(b)s") % {"a": old_identity, "b": new_identity or "—"}
        )
    return moves


def _move_login(
    actor: User, citizen: Citizen, *, before_phone: Any, before_identity: Any, moves: list[str]
) -> None:
    """Point the account at the record's new phone and identity number (a value another
    account already uses is left off: the person logs in with the other one) and tell
    the person, on their page and by SMS to the old and the new phone."""
    user = User.objects.select_for_update().get(pk=citizen.user_id)
    new_phone = normalize_phone(citizen.phone or "") or None
    if user.phone != new_phone:
        taken = new_phone and User.objects.filter(phone=new_phone).exclude(pk=user.pk).exists()
        user.phone = None if taken else new_phone
    identity = citizen.identity_number or ""
    if (
        identity
        and user.username == str(before_identity or "")
        and not User.objects.filter(username__iexact=identity).exclude(pk=user.pk).exists()
    ):
        user.username = identity
    user.save(update_fields=["phone", "username"])
    text = _(
        "Thông tin đăng nhập của bạn đã được cán bộ %(o)s thay đổi ngày %(d)s: %(c)s. "
        "Nếu bạn không đề nghị, hãy báo ngay cán bộ thôn."
    ) % {
        "o": actor.full_name or actor.username,
        "d": timezone.localtime().strftime("%d/%m/%Y"),
        "c": "; ".join(moves),
    }
    notify.tell(user, text, phones=(str(before_phone or ""), citizen.phone or ""))
    record(actor=actor, action="account.login_changed", obj=citizen, note="; ".join(moves))


def _check_household_consistency(citizen: Citizen, *, before_relation: str) -> None:
    """A household member lives where the household lives, and the head is changed on the
    household page: "Chủ hộ" on the head's own form keeps them the head (their stored
    relation blank); on anyone else's, or another relation on the head's, is refused."""
    household = citizen.household
    if household is None or citizen.status != ResidenceStatus.ACTIVE:
        if citizen.relation == Relation.HEAD:  # no household to head now: nothing changes
            citizen.relation = before_relation
        return
    if citizen.village_id != household.village_id:
        raise ValidationError(
            {
                "village": _(
                    "%(n)s thuộc %(h)s ở %(v)s; muốn đổi nơi ở, hãy chuyển người này sang hộ khác."
                )
                % {"n": citizen.full_name, "h": household, "v": household.village}
            }
        )
    is_head = household.head_id == citizen.pk
    if is_head and citizen.relation in ("", Relation.HEAD):
        citizen.relation = ""
    elif is_head or citizen.relation == Relation.HEAD:
        raise ValidationError({"relation": _("Đổi chủ hộ ở trang hộ gia đình (nút “Làm chủ hộ”).")})


def _set_relation(
    actor: User,
    citizen: Citizen,
    relation: str,
    *,
    shown_before: str | None = None,
    shown_after: str | None = None,
) -> None:
    """Store `relation` (blank for a head); the trail shows the relation as the pages do
    (`shown_before`/`shown_after`: "head" on the side where the person is the head)."""
    before, after = shown_before or citizen.relation, shown_after or relation
    if citizen.relation != relation:
        citizen.relation = relation
        citizen.save(update_fields=["relation", "updated_at"])
    if before != after:
        record(
            actor=actor,
            action="citizen.update",
            obj=citizen,
            changes={"relation": [before, after]},
        )


def _set_head(actor: User, household: Household, citizen: Citizen | None) -> None:
    """The one write of who heads a household; the head is one of its members (the
    database cannot check that cheaply, so every change comes through here)."""
    if citizen is not None and citizen.household_id != household.pk:
        raise ValidationError(_("Chủ hộ phải là thành viên của hộ."))
    before = snapshot(household, ["head"])
    household.head = citizen
    household.save(update_fields=["head", "updated_at"])
    record(
        actor=actor,
        action="household.head",
        obj=household,
        changes=diff(before, snapshot(household, ["head"])),
    )


@transaction.atomic
def create_household(*, actor: User, data: dict[str, Any]) -> Household:
    village: Place = data["village"]
    require(can_edit_village(actor, village))
    commune = village.parent
    assert commune is not None
    if Household.objects.filter(commune=commune, code=data["code"]).exists():
        raise ValidationError(
            {"code": _("Mã hộ %(c)s đã có ở %(x)s.") % {"c": data["code"], "x": commune}}
        )
    household = Household(
        commune=commune,
        village=village,
        code=data["code"],
        address=data.get("address", ""),
        clan=data.get("clan"),
    )
    household.save()
    record(
        actor=actor,
        action="household.create",
        obj=household,
        changes=diff({}, snapshot(household, HOUSEHOLD_FIELDS)),
    )
    _changed(household.commune_id)
    return household


@transaction.atomic
def update_household(*, actor: User, household: Household, data: dict[str, Any]) -> Household:
    locked = Household.objects.select_for_update().get(pk=household.pk)
    require(can_edit_village(actor, locked.village))
    before = snapshot(locked, HOUSEHOLD_FIELDS)
    if data.get("code") and data["code"] != locked.code:
        if Household.objects.filter(commune=locked.commune, code=data["code"]).exists():
            raise ValidationError({"code": _("Mã hộ %(c)s đã có.") % {"c": data["code"]}})
        locked.code = data["code"]
    if data.get("village") is not None and data["village"] != locked.village:
        require(can_edit_village(actor, data["village"]))
        if data["village"].parent_id != locked.commune_id:
            raise ValidationError({"village": _("Chỉ chuyển hộ sang thôn khác trong cùng xã.")})
        locked.village = data["village"]
        Citizen.objects.filter(household=locked, status=ResidenceStatus.ACTIVE).update(
            village=locked.village
        )
    if "address" in data:
        locked.address = data["address"]
    if "clan" in data:
        locked.clan = data["clan"]
    changes = diff(before, snapshot(locked, HOUSEHOLD_FIELDS))
    if changes:
        locked.save()
        record(actor=actor, action="household.update", obj=locked, changes=changes)
    _changed(locked.commune_id)
    return locked


@transaction.atomic
def add_member(*, actor: User, household: Household, citizen: Citizen, relation: str) -> Citizen:
    """Put a person into a household (moving them out of any other); residence follows.
    `relation` "Chủ hộ" makes them its head (Household.head; their relation blank)."""
    locked = Citizen.objects.select_for_update().get(pk=citizen.pk)
    was = locked.commune_id
    require(can_edit_village(actor, household.village))
    require(can_edit_village(actor, locked.village))
    if locked.status != ResidenceStatus.ACTIVE:
        raise ValidationError(_("%(n)s không còn cư trú; không thêm vào hộ.") % {"n": locked})
    makes_head = relation == Relation.HEAD
    stored = "" if makes_head else relation
    is_head = household.head_id == locked.pk
    if locked.household_id == household.pk and (
        is_head if makes_head else (not is_head and locked.relation == relation)
    ):
        return locked
    if makes_head and household.head_id and not is_head:
        raise ValidationError({"relation": _("Hộ đã có chủ hộ; dùng “Đổi chủ hộ”.")})
    if locked.household_id == household.pk:
        # Already a member: only the relation changes; nobody comes or goes.
        if is_head:
            raise ValidationError(
                {"relation": _("Người này là chủ hộ; hãy chọn chủ hộ mới (nút “Làm chủ hộ”).")}
            )
        _set_relation(actor, locked, stored, shown_after=relation)
        if makes_head:
            _set_head(actor, household, locked)
        return locked
    old = locked.household
    headed_old = old is not None and old.head_id == locked.pk
    before = _snapshot(locked, head=headed_old)
    locked.household, locked.relation = household, stored
    locked.village, locked.commune = household.village, household.commune
    locked.save()
    if old is not None:
        if headed_old:
            _set_head(actor, old, None)
        record(
            actor=actor,
            action="household.member_out",
            obj=old,
            changes={"member": [locked.full_name, None]},
        )
    record(
        actor=actor,
        action="household.member_in",
        obj=household,
        changes={"member": [None, locked.full_name]},
    )
    record(
        actor=actor,
        action="citizen.move",
        obj=locked,
        changes=diff(before, _snapshot(locked, head=makes_head)),
    )
    if makes_head:
        _set_head(actor, household, locked)
    _changed(was, locked.commune_id)
    return locked


@transaction.atomic
def change_head(
    *, actor: User, household: Household, citizen: Citizen, previous_relation: str = Relation.OTHER
) -> Household:
    """Make a resident member the head (Household.head, their relation blank); the
    previous head stays a member with `previous_relation` (not "Chủ hộ")."""
    locked = Household.objects.select_for_update().get(pk=household.pk)
    require(can_edit_village(actor, locked.village))
    new_head = Citizen.objects.get(pk=citizen.pk)
    if new_head.household_id != locked.pk or new_head.status != ResidenceStatus.ACTIVE:
        raise ValidationError(_("Chủ hộ mới phải là thành viên đang cư trú của hộ."))
    if locked.head_id == new_head.pk:
        return locked
    if previous_relation not in Relation.values or previous_relation == Relation.HEAD:
        previous_relation = Relation.OTHER
    if locked.head_id:
        old_head = Citizen.objects.filter(pk=locked.head_id, household=locked).first()
        if old_head is not None:
            _set_relation(actor, old_head, previous_relation, shown_before=Relation.HEAD)
    _set_relation(actor, new_head, "", shown_after=Relation.HEAD)
    _set_head(actor, locked, new_head)
    _changed(locked.commune_id)
    return locked


@transaction.atomic
def record_status(
    *, actor: User, citizen: Citizen, status: str, on: dt.date, note: str = ""
) -> Citizen:
    """A death or a move away: the person stays on record, marked, and leaves the headship."""
    locked = Citizen.objects.select_for_update().get(pk=citizen.pk)
    require(can_edit_village(actor, locked.village))
    if status not in (ResidenceStatus.DECEASED, ResidenceStatus.MOVED, ResidenceStatus.ACTIVE):
        raise ValidationError(_("Tình trạng không hợp lệ."))
    if locked.status == status:
        return locked
    if (locked.birth_date and on < locked.birth_date) or on.year < locked.birth_year:
        raise ValidationError({"on": _("Ngày không được trước ngày sinh.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("Ngày không được ở tương lai.")})
    before = snapshot(locked, CITIZEN_FIELDS)
    locked.status, locked.status_date = status, on
    locked.save()
    record(
        actor=actor,
        action=f"citizen.{status}",
        obj=locked,
        changes=diff(before, snapshot(locked, CITIZEN_FIELDS)),
        note=note,
    )
    household = locked.household
    if household is not None and status != ResidenceStatus.ACTIVE:
        record(
            actor=actor,
            action="household.member_out",
            obj=household,
            changes={"member": [locked.full_name, None]},
            note=str(ResidenceStatus(status).label),
        )
        if household.head_id == locked.pk:
            _set_head(actor, household, None)
    _changed(locked.commune_id)
    return locked


@transaction.atomic
def merge_citizens(*, actor: User, keep: Citizen, other: Citizen) -> Citizen:
    """Fold `other` into `keep`: links move over, blanks are filled, both histories stay."""
    if keep.pk == other.pk:
        raise ValidationError(_("Không thể gộp một hồ sơ với chính nó."))
    first, second = sorted([keep.pk, other.pk])
    rows = {c.pk: c for c in Citizen.objects.select_for_update().filter(pk__in=[first, second])}
    kept, gone = rows[keep.pk], rows[other.pk]
    gone_commune = gone.commune_id
    require(can_edit_village(actor, kept.village))
    require(can_edit_village(actor, gone.village))
    before = snapshot(kept, CITIZEN_FIELDS)
    gone_snapshot = snapshot(gone, CITIZEN_FIELDS)
    if (
        kept.identity_number
        and gone.identity_number
        and kept.identity_number != gone.identity_number
    ):
        raise ValidationError(_("Hai hồ sơ có số CCCD khác nhau; không phải cùng một người."))
    identity = kept.identity_number or gone.identity_number
    for field in ("birth_date", "phone", "workplace", "household", "in_school"):
        if getattr(kept, field) in (None, "") and getattr(gone, field) not in (None, ""):
            setattr(kept, field, getattr(gone, field))
    # A household the removed record headed is headed by the kept one if they are its
    # member (their relation then blank), else it has no head (the head is a member).
    kept_heads = (
        kept.household_id is not None
        and Household.objects.filter(pk=kept.household_id, head=kept).exists()
    )
    for headed in Household.objects.filter(head=gone):
        if headed.pk == kept.household_id:
            Household.objects.filter(pk=headed.pk).update(head=kept)
            kept_heads = True
        else:
            _set_head(actor, headed, None)
    same_household = kept.household_id is not None and kept.household_id == gone.household_id
    if kept_heads:
        kept.relation = ""
    elif same_household and not kept.relation and gone.relation:
        kept.relation = gone.relation
    Clan.objects.filter(head=gone).update(head=kept)
    Organisation.objects.filter(head=gone).update(head=kept)
    citizen_merged.send(sender=Citizen, keep=kept, gone=gone)
    gone_id = gone.pk
    gone.delete()
    kept.identity_number = identity
    kept.save()
    # The removed record's own events keep its id; this event ties them to the kept record.
    record(
        actor=actor,
        action="citizen.merge",
        obj=kept,
        changes={**diff(before, snapshot(kept, CITIZEN_FIELDS)), "merged_id": [None, gone_id]},
        note=_("Gộp hồ sơ mã %(id)s: %(s)s") % {"id": gone_id, "s": gone_snapshot},
    )
    _changed(gone_commune, kept.commune_id)
    return kept


def merged_ids(citizen: Citizen) -> list[int]:
    """Ids of records merged into this one (recursively), for the combined history."""
    found: list[int] = []
    frontier = [citizen.pk]
    while frontier:
        events = AuditEvent.objects.filter(
            action="citizen.merge",
            object_id__in=[str(i) for i in frontier],
            content_type__model="citizen",
        )
        frontier = [e.changes["merged_id"][1] for e in events if "merged_id" in e.changes]
        found.extend(frontier)
    return found


@transaction.atomic
def create_clan(*, actor: User, data: dict[str, Any]) -> Clan:
    village: Place = data["home_village"]
    commune = village.parent
    assert commune is not None
    require(can_edit_commune(actor, commune))
    clan = Clan(
        name=data["name"],
        branch_name=data.get("branch_name", ""),
        home_village=village,
        commune=commune,
    )
    clan.refresh_search_key()
    existing = Clan.objects.filter(commune=commune, name_key=clan.name_key).first()
    if existing is not None:  # named as registered, not as typed ("nguyen" finds "Nguyễn")
        raise ValidationError({"name": _("%(c)s đã có %(n)s.") % {"c": commune, "n": existing}})
    clan.save()
    record(
        actor=actor, action="clan.create", obj=clan, changes=diff({}, snapshot(clan, CLAN_FIELDS))
    )
    _changed(clan.commune_id)
    return clan


@transaction.atomic
def update_clan(*, actor: User, clan: Clan, data: dict[str, Any]) -> Clan:
    locked = Clan.objects.select_for_update().get(pk=clan.pk)
    require(can_edit_clan(actor, locked))
    before = snapshot(locked, CLAN_FIELDS)
    for field in ("name", "branch_name"):
        if field in data:
            setattr(locked, field, data[field])
    if data.get("home_village") is not None:
        if data["home_village"].parent_id != locked.commune_id:
            raise ValidationError({"home_village": _("Thôn gốc phải thuộc xã của dòng họ.")})
        locked.home_village = data["home_village"]
    if "head" in data:
        locked.head = data["head"]
    locked.refresh_search_key()
    if (
        Clan.objects.filter(commune=locked.commune, name_key=locked.name_key)
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise ValidationError({"name": _("Xã đã có dòng họ/chi này.")})
    changes = diff(before, snapshot(locked, CLAN_FIELDS))
    if changes:
        locked.save()
        record(actor=actor, action="clan.update", obj=locked, changes=changes)
    _changed(locked.commune_id)
    return locked


@transaction.atomic
def set_household_clan(*, actor: User, household: Household, clan: Clan | None) -> Household:
    """A household joins or leaves a clan; the clan may be of another commune."""
    locked = Household.objects.select_for_update().get(pk=household.pk)
    target_clan = clan or locked.clan
    allowed = can_edit_village(actor, locked.village) or (
        target_clan is not None and can_edit_clan(actor, target_clan)
    )
    require(allowed)
    if locked.clan_id == (clan.pk if clan else None):
        return locked
    before = snapshot(locked, ["clan"])
    locked.clan = clan
    locked.save(update_fields=["clan", "updated_at"])
    record(
        actor=actor,
        action="household.clan",
        obj=locked,
        changes=diff(before, snapshot(locked, ["clan"])),
    )
    _changed(locked.commune_id)
    return locked


@transaction.atomic
def create_organisation(*, actor: User, commune: Place, data: dict[str, Any]) -> Organisation:
    if commune.kind != PlaceKind.COMMUNE:
        raise ValidationError(_("Đơn vị phải thuộc một xã/phường."))
    require(can_edit_commune(actor, commune))
    organisation = Organisation(
        name=data["name"],
        kind=data["kind"],
        level=data["level"],
        declared_staff=data.get("declared_staff") or 0,
        address=data.get("address", ""),
        commune=commune,
    )
    organisation.refresh_search_key()
    existing = Organisation.objects.filter(commune=commune, name_key=organisation.name_key).first()
    if existing is not None:
        raise ValidationError(
            {"name": _("%(c)s đã có đơn vị “%(n)s”.") % {"c": commune, "n": existing.name}}
        )
    organisation.save()
    record(
        actor=actor,
        action="organisation.create",
        obj=organisation,
        changes=diff({}, snapshot(organisation, ORGANISATION_FIELDS)),
    )
    _changed(organisation.commune_id)
    return organisation


@transaction.atomic
def update_organisation(
    *, actor: User, organisation: Organisation, data: dict[str, Any]
) -> Organisation:
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    require(can_edit_organisation(actor, locked))
    before = snapshot(locked, ORGANISATION_FIELDS)
    for field in ("name", "kind", "level", "address", "head"):
        if field in data:
            setattr(locked, field, data[field])
    if "declared_staff" in data:
        locked.declared_staff = data["declared_staff"] or 0
    locked.refresh_search_key()
    if (
        Organisation.objects.filter(commune=locked.commune, name_key=locked.name_key)
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise ValidationError({"name": _("Xã đã có đơn vị tên này.")})
    changes = diff(before, snapshot(locked, ORGANISATION_FIELDS))
    if changes:
        locked.save()
        record(actor=actor, action="organisation.update", obj=locked, changes=changes)
    _changed(locked.commune_id)
    return locked


@transaction.atomic
def set_workplace(*, actor: User, citizen: Citizen, organisation: Organisation | None) -> Citizen:
    locked = Citizen.objects.select_for_update().get(pk=citizen.pk)
    target = organisation or locked.workplace
    require(
        can_edit_village(actor, locked.village)
        or (target is not None and can_edit_organisation(actor, target))
    )
    if locked.workplace_id == (organisation.pk if organisation else None):
        return locked
    before = snapshot(locked, ["workplace"])
    locked.workplace = organisation
    locked.save(update_fields=["workplace", "updated_at"])
    record(
        actor=actor,
        action="citizen.workplace",
        obj=locked,
        changes=diff(before, snapshot(locked, ["workplace"])),
    )
    _changed(locked.commune_id)
    return locked


def resolve_citizen(citizens: QuerySet[Citizen], ref: str) -> Citizen:
    """A person by system id or CCCD, among those the caller may see."""
    text = ref.strip().replace(" ", "")
    found = None
    if text.isdigit() and len(text) == 12:
        found = citizens.filter(identity_number=text).first()
    elif text.isdigit():
        found = citizens.filter(pk=int(text)).first()
    if found is None:
        raise ValidationError(
            {"citizen": _("Không tìm thấy công dân “%(r)s” trong phạm vi của bạn.") % {"r": ref}}
        )
    return found
