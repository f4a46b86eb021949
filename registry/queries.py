"""Lists of registry records as the pages and exports show them: scope, filters, sort."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import QueryDict

from core import ratelimit
from core.search import CONTAINS, find
from places.models import Place, PlaceKind
from registry import privacy
from registry.models import Citizen, Clan, Household, Organisation, ResidenceStatus


@dataclass
class ListSpec:
    sorts: dict[str, tuple[str, ...]]
    default_sort: str


# Names sort by their folded key: "Đỗ" among the D's, not after "Trần" (Đ is U+0110).
CITIZEN_SORTS = ListSpec(
    {
        "ten": ("search_key", "id"),
        "-ten": ("-search_key", "-id"),
        "nam": ("birth_year", "id"),
        "-nam": ("-birth_year", "-id"),
        "moi": ("-id",),
    },
    "ten",
)
HOUSEHOLD_SORTS = ListSpec({"ma": ("code",), "-ma": ("-code",), "moi": ("-id",)}, "ma")
CLAN_SORTS = ListSpec({"ten": ("name_key", "id"), "moi": ("-id",)}, "ten")
ORGANISATION_SORTS = ListSpec(
    {
        "ten": ("name_key", "id"),
        "-ten": ("-name_key", "-id"),
        "nv": ("-declared_staff", "name_key"),
    },
    "ten",
)


def in_place(place: Place, village_field: str) -> Q:
    """Registry records in `place`, by the commune and village ids every record stores
    (`commune` and `village_field`): `commune_id = …` is served by the (commune, …)
    indexes, where `village.path LIKE '1.25.%'` joins every row to the places first
    (the first page of a commune's citizens in the API: 290 ms at province scale).
    Above the commune (a district, the province) the village's path is used."""
    if place.kind == PlaceKind.COMMUNE:
        return Q(commune_id=place.pk)
    if place.kind == PlaceKind.VILLAGE:
        return Q(**{f"{village_field}_id": place.pk})
    return Q(**{f"{village_field}__path__startswith": place.path})


def _place_filter(
    visible_places: QuerySet[Place], params: QueryDict, field: str
) -> tuple[Q, dict[str, Any]]:
    """?xa= (commune) and ?thon= (village) limited to what the user can see."""
    chosen: dict[str, Any] = {}
    condition = Q()
    for key in ("xa", "thon"):
        raw = params.get(key, "")
        if raw.isdigit():
            place = visible_places.filter(pk=int(raw)).first()
            if place is not None:
                chosen[key] = place
                condition &= in_place(place, field)
            else:
                condition &= Q(pk__in=[])
    return condition, chosen


def _sort(queryset: QuerySet[Any], spec: ListSpec, params: QueryDict) -> tuple[QuerySet[Any], str]:
    key = params.get("sap", spec.default_sort)
    if key not in spec.sorts:
        key = spec.default_sort
    return queryset.order_by(*spec.sorts[key]), key


# One address may carry several officers of one office (a commune's shared connection).
CLIENT_SEARCHES_PER_USER = 3


def search_allowed(request: Any) -> bool:
    """Count one search (a request with ?q=) of citizens; whether it is within
    SEARCH_RATE_PER_MINUTE for the user, and CLIENT_SEARCHES_PER_USER times it for the
    address it comes from. Requests without a query are not searches and pass."""
    if not request.GET.get("q", "").strip():
        return True
    limit = settings.SEARCH_RATE_PER_MINUTE
    by_user = ratelimit.allow("citizen-search:user", str(request.user.pk), limit=limit)
    by_client = ratelimit.allow_client(
        request, "citizen-search:client", limit=limit * CLIENT_SEARCHES_PER_USER
    )
    return by_user and by_client


def find_citizens(
    user: Any,
    queryset: QuerySet[Citizen],
    query: str | None,
    mode: str | None,
    *,
    where: str = "API",
) -> tuple[QuerySet[Citizen], str]:
    """(citizens, how): those of `queryset` found by `query` for this reader, the way the
    list page finds them (`core.search.find`: names from their start when any, else
    anywhere; `mode` and `how` as there), for the API and any other list. An identity
    number the reader sees masked is matched only whole, and such a search is recorded as
    a disclosure (privacy)."""
    qs, how = find(queryset, query, mode, whole=privacy.search_whole(user))
    privacy.record_identity_search(actor=user, query=query, found=qs, where=where)
    return qs, how


def search_citizens(
    user: Any, queryset: QuerySet[Citizen], query: str | None, *, where: str = "API"
) -> QuerySet[Citizen]:
    """`find_citizens` anywhere in the names."""
    return find_citizens(user, queryset, query, CONTAINS, where=where)[0]


def citizens(
    user: Any, params: QueryDict, *, where: str = "danh sách"
) -> tuple[QuerySet[Citizen], dict[str, Any]]:
    """The citizen list as filtered. A search by a whole identity number by a reader who
    sees them masked is recorded (`where`: the page that searched) with whom it found."""
    qs: QuerySet[Citizen]
    visible_places = Place.objects.visible_to(user)
    condition, chosen = _place_filter(visible_places, params, "village")
    qs, how = find(
        Citizen.objects.visible_to(user).filter(condition),
        params.get("q"),
        params.get("cach"),
        whole=privacy.search_whole(user),
    )
    status = params.get("tinh_trang", ResidenceStatus.ACTIVE)
    if status in ResidenceStatus.values:
        qs = qs.filter(status=status)
    if params.get("nghe") in {c for c, _ in Citizen._meta.get_field("occupation").choices or []}:
        qs = qs.filter(occupation=params["nghe"])
    if params.get("gioi") in ("male", "female"):
        qs = qs.filter(gender=params["gioi"])
    if params.get("cccd") == "co":
        qs = qs.filter(identity_number__isnull=False)
    elif params.get("cccd") == "khong":
        qs = qs.filter(identity_number__isnull=True)
    qs, sort = _sort(qs.select_related("village", "household"), CITIZEN_SORTS, params)
    privacy.record_identity_search(actor=user, query=params.get("q"), found=qs, where=where)
    return qs, {**chosen, "sap": sort, "tinh_trang": status, "cach": how}


def households(user: Any, params: QueryDict) -> tuple[QuerySet[Household], dict[str, Any]]:
    qs: QuerySet[Household]
    condition, chosen = _place_filter(Place.objects.visible_to(user), params, "village")
    qs = Household.objects.visible_to(user).filter(condition).search(params.get("q"))
    if params.get("dong_ho") == "co":
        qs = qs.filter(clan__isnull=False)
    elif params.get("dong_ho") == "khong":
        qs = qs.filter(clan__isnull=True)
    if params.get("giai_the") != "co":
        qs = qs.filter(dissolved_on__isnull=True)
    qs, sort = _sort(qs.select_related("village", "head", "clan"), HOUSEHOLD_SORTS, params)
    return qs, {**chosen, "sap": sort}


def clans(user: Any, params: QueryDict) -> tuple[QuerySet[Clan], dict[str, Any]]:
    condition, chosen = _place_filter(Place.objects.visible_to(user), params, "home_village")
    qs, how = find(
        Clan.objects.visible_to(user).filter(condition), params.get("q"), params.get("cach")
    )
    qs = qs.select_related("home_village", "commune", "head").annotate(
        household_count=Count("households")
    )
    qs, sort = _sort(qs, CLAN_SORTS, params)
    return qs, {**chosen, "sap": sort, "cach": how}


def organisations(user: Any, params: QueryDict) -> tuple[QuerySet[Organisation], dict[str, Any]]:
    qs: QuerySet[Organisation]
    condition, chosen = _place_filter(Place.objects.visible_to(user), params, "commune")
    qs, how = find(
        Organisation.objects.visible_to(user).filter(condition), params.get("q"), params.get("cach")
    )
    if params.get("loai"):
        qs = qs.filter(kind=params["loai"])
    if params.get("cap"):
        qs = qs.filter(level=params["cap"])
    qs = qs.select_related("commune", "head").annotate(staff_count=Count("staff"))
    qs, sort = _sort(qs, ORGANISATION_SORTS, params)
    return qs, {**chosen, "sap": sort, "cach": how}


def filter_places(user: Any, commune: Place | None) -> tuple[list[Place], list[Place]]:
    """Communes and villages offered in list filters: only those the user can see.

    Villages are offered for the chosen commune, or when the user sees one commune only.
    """
    visible = Place.objects.visible_to(user).current()
    communes = list(visible.communes().order_by("name"))
    if commune is None and len(communes) == 1:
        commune = communes[0]
    villages = visible.villages().order_by("name")
    if commune is not None:
        return communes, list(villages.filter(parent=commune))
    if not communes:  # a village officer: their own village(s)
        return communes, list(villages)
    return communes, []
