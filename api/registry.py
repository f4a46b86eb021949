"""Registry endpoints: the same scope (visible_to), forms and services as the pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from api import paging
from api.paging import Listing, Position
from api.schemas import (
    CitizenIn,
    CitizenOut,
    CitizenPatch,
    ClanIn,
    ClanOut,
    ClanPatch,
    Errors,
    HouseholdIn,
    HouseholdOut,
    HouseholdPatch,
    Id,
    Message,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
    PageParams,
    SearchText,
    page_of,
)
from core.http import AuthedRequest
from core.search import CONTAINS, find
from core.text import fold, nfc, nfc_any
from places.models import Place
from registry import privacy, services
from registry.access import (
    NOT_HERE,
    can_edit_commune,
    can_edit_village,
    get_citizen_or_404,
    get_clan_or_404,
    get_household_or_404,
    get_organisation_or_404,
)
from registry.fields import CITIZEN, CLAN, HOUSEHOLD, ORGANISATION, Registry
from registry.forms import (
    CitizenForm,
    ClanForm,
    HouseholdForm,
    OrganisationForm,
    citizen_initial,
    form_initial,
)
from registry.models import Citizen, Clan, Household, Organisation
from registry.queries import find_citizens, in_place, search_allowed
from registry.views.common import editable_villages

router = Router(tags=["Sổ đăng ký"])


class ListParams(PageParams):
    commune_id: Id | None = None
    village_id: Id | None = None
    q: SearchText = ""


# Each list's order, on a unique key an index serves (api.paging): people, clans and units
# by folded name as on their pages; households by commune and code (unique together, the
# (commune, code) index).
CITIZENS = Listing("citizens", ("search_key", "id"))
HOUSEHOLDS = Listing("households", ("commune_id", "code"))
CLANS = Listing("clans", ("name_key", "id"))
ORGANISATIONS = Listing("organisations", ("name_key", "id"))

PAGING = {"cursor", "page", "page_size"}
PAGED = (
    "Đọc từng trang: trang đầu không có cursor; mỗi trang trả next, gửi lại làm cursor để "
    "đọc trang sau (null ở trang cuối). count chỉ có ở trang đầu và đếm đến 10.000 "
    "(count_capped: có hơn). page (cách cũ) chỉ đọc được 10.000 dòng đầu. Cursor sai, bị "
    "sửa, hoặc dùng với bộ lọc khác: 422."
)
# A paged list's 422: its parameters out of bounds, or a page it refuses (api.paging).
PAGED_422 = {
    "responses": {
        422: {
            "description": "Tham số sai kiểu hoặc ngoài giới hạn (page_size, mã địa bàn, năm…); "
            "cursor sai, bị sửa hoặc dùng với bộ lọc khác trang đầu; page cùng cursor; page "
            "quá 10.000 dòng đầu (lỗi theo từng tham số)"
        }
    }
}
FOUND_BY_NAME = (
    "Tìm (q): không phân biệt dấu và chữ hoa; trước hết những tên bắt đầu bằng q, nếu không "
    "có thì những tên chứa q ở bất kỳ đâu, như trang danh sách."
)


def filters_of(params: Schema) -> dict[str, Any]:
    """The parameters a cursor is bound to: all but the paging ones."""
    return params.dict(exclude=PAGING)


def start_of(listing: Listing, model: type[Any], params: Any) -> Position | Status:
    """Where the asked page starts, or the 422 naming the paging parameter that is wrong."""
    try:
        return paging.position(
            listing,
            model,
            cursor=params.cursor,
            page=params.page,
            size=params.page_size,
            filters=filters_of(params),
        )
    except paging.CursorError as exc:
        return Status(422, {"errors": {exc.field: [str(exc)]}})


def paginate(
    qs: QuerySet[Any],
    listing: Listing,
    start: Position,
    params: Any,
    how: str,
    detail: Callable[[QuerySet[Any]], QuerySet[Any]] = lambda rows: rows,
    count_order: tuple[str, ...] = (),
) -> dict[str, Any]:
    return paging.page(
        qs,
        listing,
        start,
        size=params.page_size,
        how=how,
        filters=filters_of(params),
        anywhere=how == CONTAINS,
        detail=detail,
        count_order=count_order,
    )


def _in_place(qs: QuerySet[Any], user: Any, params: ListParams, field: str) -> QuerySet[Any]:
    for place_id in (params.commune_id, params.village_id):
        if place_id is not None:
            place = Place.objects.visible_to(user).filter(pk=place_id).first()
            qs = qs.filter(in_place(place, field)) if place else qs.none()
    return qs


def _errors(form: forms.Form) -> Status:
    return Status(
        422,
        {"errors": {name: [str(m) for m in messages] for name, messages in form.errors.items()}},
    )


def _service_errors(exc: ValidationError | PermissionDenied) -> Status:
    if isinstance(exc, PermissionDenied):
        return Status(403, {"detail": str(exc) or _("Không có quyền.")})
    if hasattr(exc, "error_dict"):
        return Status(
            422,
            {
                "errors": {
                    k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()
                }
            },
        )
    return Status(422, {"errors": {"__all__": [str(m) for m in exc.messages]}})


def _clean(payload: dict[str, Any]) -> dict[str, Any]:
    return {key: nfc_any(value) for key, value in payload.items()}


def _form_data(registry: Registry, payload: dict[str, Any]) -> dict[str, Any]:
    """API names to the form's (`village_id` → `village`), text in NFC, None as blank."""
    data = _clean(payload)
    for spec in registry.form_fields:
        name = registry.api_name(spec)
        if name != spec.name and name in data:
            data[spec.name] = data.pop(name)
    return {k: ("" if v is None else v) for k, v in data.items()}


def _citizen_form_data(payload: dict[str, Any]) -> dict[str, Any]:
    data = _form_data(CITIZEN, payload)
    for box in ("confirm_duplicate", "confirm_login_change"):
        if data.get(box):
            data[box] = "on"
        else:
            data.pop(box, None)
    return data


NOT_YOURS = {"detail": str(NOT_HERE)}


def _save_citizen(request: AuthedRequest, data: dict[str, Any], citizen: Citizen | None) -> Any:
    """Create (`citizen` None) or change a citizen the gate gave for writing."""
    village = (
        Place.objects.current()
        .villages()
        .visible_to(request.user)
        .filter(pk=data.get("village") or 0)
        .first()
    )
    if village is None or village.parent is None:
        return Status(
            422, {"errors": {"village_id": [_("Không có thôn này trong phạm vi của bạn.")]}}
        )
    if not can_edit_village(request.user, village):
        return Status(403, NOT_YOURS)
    form = CitizenForm(
        data,
        villages=editable_villages(request.user, village.parent),
        commune=village.parent,
        has_account=citizen is not None and citizen.user_id is not None,
    )
    if not form.is_valid():
        return _errors(form)
    cleaned = {**form.cleaned_data}
    allow = bool(cleaned.pop("confirm_duplicate", False))
    confirm_login = bool(cleaned.pop("confirm_login_change", False))
    household = None
    if citizen is None and data.get("household_id"):
        try:
            household = get_household_or_404(request.user, data["household_id"])
        except Http404:
            return Status(
                422, {"errors": {"household_id": [_("Không có hộ này trong phạm vi của bạn.")]}}
            )
    try:
        if citizen is None:
            saved = services.create_citizen(
                actor=request.user, data=cleaned, household=household, allow_duplicate=allow
            )
            return Status(201, saved)
        return Status(
            200,
            services.update_citizen(
                actor=request.user,
                citizen=citizen,
                data=cleaned,
                allow_duplicate=allow,
                confirm_login_change=confirm_login,
            ),
        )
    except (ValidationError, PermissionDenied) as exc:
        return _service_errors(exc)


@router.get(
    "/citizens",
    response={200: page_of(CitizenOut), 422: Errors, 429: Message},
    summary="Danh sách công dân",
    description="Thứ tự: theo họ tên (bỏ dấu) rồi id. " + FOUND_BY_NAME + " " + PAGED,
    openapi_extra=PAGED_422,
)
def list_citizens(request: AuthedRequest, params: Query[ListParams]) -> Any:
    start = start_of(CITIZENS, Citizen, params)
    if isinstance(start, Status):
        return start
    # A cursor goes on with a search already counted: reading its pages is not searching.
    if start.after is None and not search_allowed(request):
        return Status(
            429, {"detail": _("Bạn đã tìm kiếm quá nhiều lần trong một phút. Hãy thử lại sau.")}
        )
    qs = _in_place(Citizen.objects.visible_to(request.user), request.user, params, "village")
    # Masked identity numbers match only whole, and such a search is recorded.
    qs, how = find_citizens(request.user, qs, nfc(params.q), start.how)
    page = paginate(qs, CITIZENS, start, params, how, detail=_with_head)
    _record_disclosure(request, [c.pk for c in page["results"]], f"trang {request.GET.urlencode()}")
    return page


def _with_head(rows: QuerySet[Citizen]) -> QuerySet[Citizen]:
    return rows.with_head()  # type: ignore[attr-defined]


@router.get("/citizens/{citizen_id}", response=CitizenOut, summary="Một công dân")
def get_citizen(request: AuthedRequest, citizen_id: Id) -> Citizen:
    citizen = get_citizen_or_404(request.user, citizen_id)
    _record_disclosure(request, [citizen.pk], "một người")
    return citizen


def _record_disclosure(request: AuthedRequest, ids: list[int], note: str) -> None:
    """API answers carrying identity numbers in full are disclosures like an export."""
    if ids and privacy.can_see(request.user, "identity_number"):
        privacy.record_disclosure(
            actor=request.user, action="api.citizens", citizen_ids=ids, note=note
        )


@router.post(
    "/citizens", response={201: CitizenOut, 403: Message, 422: Errors}, summary="Thêm công dân"
)
def create_citizen(request: AuthedRequest, payload: CitizenIn) -> Any:
    data = _citizen_form_data(payload.dict())
    household_id = payload.household_id
    data["household_id"] = household_id
    return _save_citizen(request, data, None)


@router.patch(
    "/citizens/{citizen_id}",
    response={200: CitizenOut, 403: Message, 422: Errors},
    summary="Sửa công dân",
)
def update_citizen(request: AuthedRequest, citizen_id: Id, payload: CitizenPatch) -> Any:
    citizen = get_citizen_or_404(request.user, citizen_id, write=True)  # 403 NOT_YOURS
    current = _form_data(CITIZEN, citizen_initial(citizen))
    data = {**current, **_citizen_form_data(payload.dict(exclude_unset=True))}
    return _save_citizen(request, data, citizen)


@router.get(
    "/households",
    response={200: page_of(HouseholdOut), 422: Errors},
    summary="Danh sách hộ",
    description="Thứ tự: theo xã rồi mã hộ. Tìm (q): mã hộ, tên chủ hộ hoặc địa chỉ chứa q, "
    "không phân biệt dấu và chữ hoa, như trang Sổ hộ. " + PAGED,
    openapi_extra=PAGED_422,
)
def list_households(request: AuthedRequest, params: Query[ListParams]) -> Any:
    start = start_of(HOUSEHOLDS, Household, params)
    if isinstance(start, Status):
        return start
    qs = _in_place(Household.objects.visible_to(request.user), request.user, params, "village")
    query = nfc(params.q)
    how = CONTAINS if fold(query) else ""
    return paginate(qs.search(query), HOUSEHOLDS, start, params, how)  # type: ignore[attr-defined]


@router.get("/households/{household_id}", response=HouseholdOut, summary="Một hộ")
def get_household(request: AuthedRequest, household_id: Id) -> Household:
    return get_household_or_404(request.user, household_id)


def _household_form(request: AuthedRequest, data: dict[str, Any]) -> HouseholdForm | None:
    village = (
        Place.objects.current()
        .villages()
        .visible_to(request.user)
        .filter(pk=data.get("village") or 0)
        .first()
    )
    if village is None or village.parent is None:
        return None
    return HouseholdForm(
        data,
        villages=editable_villages(request.user, village.parent),
        clans=Clan.objects.visible_to(request.user) | Clan.objects.filter(commune=village.parent),
    )


@router.post(
    "/households", response={201: HouseholdOut, 403: Message, 422: Errors}, summary="Thêm hộ"
)
def create_household(request: AuthedRequest, payload: HouseholdIn) -> Any:
    data = _form_data(HOUSEHOLD, payload.dict())
    village = Place.objects.visible_to(request.user).filter(pk=payload.village_id).first()
    if village is not None and not can_edit_village(request.user, village):
        return Status(403, NOT_YOURS)
    form = _household_form(request, data)
    if form is None:
        return Status(
            422, {"errors": {"village_id": [_("Không có thôn này trong phạm vi của bạn.")]}}
        )
    if not form.is_valid():
        return _errors(form)
    try:
        return Status(201, services.create_household(actor=request.user, data=form.cleaned_data))
    except (ValidationError, PermissionDenied) as exc:
        return _service_errors(exc)


@router.patch(
    "/households/{household_id}",
    response={200: HouseholdOut, 403: Message, 422: Errors},
    summary="Sửa hộ",
)
def update_household(request: AuthedRequest, household_id: Id, payload: HouseholdPatch) -> Any:
    household = get_household_or_404(request.user, household_id, write=True)  # 403 NOT_YOURS
    current = _form_data(HOUSEHOLD, form_initial(HOUSEHOLD, household))
    changes = _form_data(HOUSEHOLD, payload.dict(exclude_unset=True))
    form = _household_form(request, {**current, **changes})
    if form is None:
        return Status(
            422, {"errors": {"village_id": [_("Không có thôn này trong phạm vi của bạn.")]}}
        )
    if not form.is_valid():
        return _errors(form)
    try:
        return Status(
            200,
            services.update_household(
                actor=request.user, household=household, data=form.cleaned_data
            ),
        )
    except (ValidationError, PermissionDenied) as exc:
        return _service_errors(exc)


@router.get(
    "/clans",
    response={200: page_of(ClanOut), 422: Errors},
    summary="Danh sách dòng họ",
    description="Thứ tự: theo tên (bỏ dấu) rồi id. " + FOUND_BY_NAME + " " + PAGED,
    openapi_extra=PAGED_422,
)
def list_clans(request: AuthedRequest, params: Query[ListParams]) -> Any:
    start = start_of(CLANS, Clan, params)
    if isinstance(start, Status):
        return start
    qs = _in_place(Clan.objects.visible_to(request.user), request.user, params, "home_village")
    qs, how = find(qs, nfc(params.q), start.how)
    return paginate(qs, CLANS, start, params, how)


@router.get("/clans/{clan_id}", response=ClanOut, summary="Một dòng họ")
def get_clan(request: AuthedRequest, clan_id: Id) -> Clan:
    return get_clan_or_404(request.user, clan_id)


def _commune_of_village(request: AuthedRequest, village_id: Any) -> Place | None:
    village = (
        Place.objects.current()
        .villages()
        .visible_to(request.user)
        .filter(pk=village_id or 0)
        .first()
    )
    return village.parent if village else None


@router.post("/clans", response={201: ClanOut, 403: Message, 422: Errors}, summary="Thêm dòng họ")
def create_clan(request: AuthedRequest, payload: ClanIn) -> Any:
    commune = _commune_of_village(request, payload.home_village_id)
    if commune is None:
        return Status(
            422, {"errors": {"home_village_id": [_("Không có thôn này trong phạm vi của bạn.")]}}
        )
    form = ClanForm(_form_data(CLAN, payload.dict()), commune=commune)
    if not form.is_valid():
        return _errors(form)
    try:
        return Status(201, services.create_clan(actor=request.user, data=form.cleaned_data))
    except (ValidationError, PermissionDenied) as exc:
        return _service_errors(exc)


@router.patch(
    "/clans/{clan_id}", response={200: ClanOut, 403: Message, 422: Errors}, summary="Sửa dòng họ"
)
def update_clan(request: AuthedRequest, clan_id: Id, payload: ClanPatch) -> Any:
    # Read, not write: the service refuses a clan not the user's (403), after the form
    # (422) as before.
    clan = get_clan_or_404(request.user, clan_id)
    data = _form_data(CLAN, form_initial(CLAN, clan))
    changes = _form_data(CLAN, payload.dict(exclude_unset=True))
    form = ClanForm({**data, **changes}, commune=clan.commune)
    if not form.is_valid():
        return _errors(form)
    try:
        return Status(
            200, services.update_clan(actor=request.user, clan=clan, data=form.cleaned_data)
        )
    except (ValidationError, PermissionDenied) as exc:
        return _service_errors(exc)


@router.get(
    "/organisations",
    response={200: page_of(OrganisationOut), 422: Errors},
    summary="Danh sách đơn vị",
    description="Thứ tự: theo tên (bỏ dấu) rồi id. " + FOUND_BY_NAME + " " + PAGED,
    openapi_extra=PAGED_422,
)
def list_organisations(request: AuthedRequest, params: Query[ListParams]) -> Any:
    start = start_of(ORGANISATIONS, Organisation, params)
    if isinstance(start, Status):
        return start
    qs = _in_place(Organisation.objects.visible_to(request.user), request.user, params, "commune")
    qs, how = find(qs, nfc(params.q), start.how)
    return paginate(qs, ORGANISATIONS, start, params, how)


@router.get("/organisations/{organisation_id}", response=OrganisationOut, summary="Một đơn vị")
def get_organisation(request: AuthedRequest, organisation_id: Id) -> Organisation:
    return get_organisation_or_404(request.user, organisation_id)


@router.post(
    "/organisations",
    response={201: OrganisationOut, 403: Message, 422: Errors},
    summary="Thêm đơn vị",
)
def create_organisation(request: AuthedRequest, payload: OrganisationIn) -> Any:
    commune = (
        Place.objects.current()
        .communes()
        .visible_to(request.user)
        .filter(pk=payload.commune_id)
        .first()
    )
    if commune is None:
        raise Http404
    if not can_edit_commune(request.user, commune):
        return Status(403, {"detail": _("Bạn không quản lý sổ của %(c)s.") % {"c": commune}})
    form = OrganisationForm(_form_data(ORGANISATION, payload.dict(exclude={"commune_id"})))
    if not form.is_valid():
        return _errors(form)
    try:
        return Status(
            201,
            services.create_organisation(
                actor=request.user, commune=commune, data=form.cleaned_data
            ),
        )
    except (ValidationError, PermissionDenied) as exc:
        return _service_errors(exc)


@router.patch(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, 403: Message, 422: Errors},
    summary="Sửa đơn vị",
)
def update_organisation(
    request: AuthedRequest, organisation_id: Id, payload: OrganisationPatch
) -> Any:
    # Read, not write: the service refuses as for clans.
    organisation = get_organisation_or_404(request.user, organisation_id)
    data = _form_data(ORGANISATION, form_initial(ORGANISATION, organisation))
    changes = _form_data(ORGANISATION, payload.dict(exclude_unset=True))
    form = OrganisationForm({**data, **changes})
    if not form.is_valid():
        return _errors(form)
    try:
        return Status(
            200,
            services.update_organisation(
                actor=request.user, organisation=organisation, data=form.cleaned_data
            ),
        )
    except (ValidationError, PermissionDenied) as exc:
        return _service_errors(exc)
