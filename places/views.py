from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from core.forms import apply_errors
from core.http import AuthedRequest, xlsx_response
from places import imports, queries, services
from places.access import get_managed_commune_or_404, get_managed_village_or_404, get_place_or_404
from places.forms import SharesForm, UploadForm, VillageCloseForm, VillageForm, VillageMergeForm
from places.models import Place, PlaceKind, PlaceSuccession
from places.scope import scope_of
from places.signals import successions_changed


@login_required
def place_home(request: AuthedRequest) -> HttpResponse:
    places = scope_of(request.user).officer_places()
    if not places:
        raise Http404
    return redirect("places:detail", pk=min(places, key=lambda p: p.depth).pk)


@login_required
def place_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    place = get_place_or_404(request.user, pk)
    query = request.GET.get("q", "")
    kids = queries.children(place, query)
    counts = (
        queries.village_counts([c.pk for c in kids]) if place.kind == PlaceKind.PROVINCE else {}
    )
    page = Paginator(kids, 150).get_page(request.GET.get("page"))
    context = {
        "place": place,
        "crumbs": queries.breadcrumbs(request.user, place),
        "page": page,
        "rows": [(c, counts.get(c.pk, 0)) for c in page],
        "total_children": kids.count() if query else None,
        "q": query,
        "predecessors": queries.predecessors(place) if place.kind == PlaceKind.COMMUNE else [],
        "successors": queries.successors(place),
        "closed_villages": (
            Place.objects.villages().filter(parent=place, valid_to__lt=timezone.localdate())
            if place.kind == PlaceKind.COMMUNE
            else []
        ),
        "can_manage": (
            place.kind == PlaceKind.COMMUNE
            and place.is_current
            and scope_of(request.user).can_manage_villages(place)
        ),
        "can_register": place.is_current and scope_of(request.user).can_register_place(place),
        "can_edit_shares": can_edit_shares(request.user)
        and (
            place.kind == PlaceKind.PROVINCE or any(s.is_split for s in queries.successors(place))
        ),
        "can_manage_village": (
            place.kind == PlaceKind.VILLAGE
            and place.is_current
            and place.parent is not None
            and scope_of(request.user).can_manage_villages(place.parent)
        ),
    }
    return render(request, "places/place_detail.html", context)


@login_required
def village_create(request: AuthedRequest, pk: int) -> HttpResponse:
    commune = get_managed_commune_or_404(request.user, pk)
    form = VillageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            village = services.create_village(
                actor=request.user,
                commune=commune,
                name=form.cleaned_data["name"],
                unit_type=form.cleaned_data["unit_type"],
            )
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm %(v)s.") % {"v": village})
            return redirect("places:detail", pk=commune.pk)
    return render(
        request,
        "places/village_form.html",
        {"form": form, "commune": commune, "title": _("Thêm thôn/tổ dân phố")},
    )


@login_required
def village_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    village = get_managed_village_or_404(request.user, pk)
    form = VillageForm(
        request.POST or None, initial={"name": village.short_name, "unit_type": village.unit_type}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.rename_village(
                actor=request.user,
                village=village,
                name=form.cleaned_data["name"],
                unit_type=form.cleaned_data["unit_type"],
            )
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã đổi tên."))
            return redirect("places:detail", pk=village.pk)
    return render(
        request,
        "places/village_form.html",
        {
            "form": form,
            "commune": village.parent,
            "village": village,
            "title": _("Đổi tên %(v)s") % {"v": village},
        },
    )


@login_required
def village_close(request: AuthedRequest, pk: int) -> HttpResponse:
    village = get_managed_village_or_404(request.user, pk)
    form = VillageCloseForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.close_village(
                actor=request.user,
                village=village,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã đóng %(v)s.") % {"v": village})
            return redirect("places:detail", pk=village.parent_id)
    return render(
        request,
        "places/village_form.html",
        {
            "form": form,
            "commune": village.parent,
            "village": village,
            "title": _("Thôi hiệu lực %(v)s") % {"v": village},
        },
    )


@login_required
def village_merge(request: AuthedRequest, pk: int) -> HttpResponse:
    commune = get_managed_commune_or_404(request.user, pk)
    villages = Place.objects.current().villages().filter(parent=commune).order_by("name")
    form = VillageMergeForm(
        request.POST or None, villages=villages, initial={"on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target = services.merge_villages(
                actor=request.user,
                sources=list(data["sources"]),
                into=data["into"],
                new_name=data["new_name"],
                unit_type=data["unit_type"],
                on=data["on"],
            )
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã sáp nhập vào %(v)s.") % {"v": target})
            return redirect("places:detail", pk=target.pk)
    return render(request, "places/village_merge.html", {"form": form, "commune": commune})


@login_required
def village_import(request: AuthedRequest) -> HttpResponse:
    if not scope_of(request.user).manages_villages:
        raise Http404
    form = UploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = imports.import_villages(
            actor=request.user,
            data=upload.read(),
            dry_run=form.cleaned_data["dry_run"],
        )
        if report.committed:
            messages.success(request, _("Đã nhập %(n)s thôn/tổ dân phố.") % {"n": report.created})
    status = 400 if report is not None and report.errors else 200
    return render(
        request, "places/village_import.html", {"form": form, "report": report}, status=status
    )


@login_required
def village_template(request: AuthedRequest) -> HttpResponse:
    if not scope_of(request.user).roles:
        raise Http404
    return xlsx_response(imports.template(), "mau-nhap-thon.xlsx")


# accounts.models.Role.PROVINCE_ADMIN: places sits below accounts and reads the role by value.
PROVINCE_ADMIN = "province_admin"


def can_edit_shares(user: object) -> bool:
    """Only the province admin sets how a split legacy commune's history is shared."""
    return PROVINCE_ADMIN in scope_of(user).roles


def _shares_admin_or_404(user: object) -> None:
    if not can_edit_shares(user):
        raise Http404


@login_required
def split_list(request: AuthedRequest) -> HttpResponse:
    """Every legacy commune divided among several new communes in 2025, with the share of
    its history (reports before 01/07/2025) each successor carries."""
    _shares_admin_or_404(request.user)
    links = (
        PlaceSuccession.objects.filter(is_split=True)
        .select_related("predecessor__parent", "successor")
        .order_by("predecessor__name", "predecessor_id", "-is_default", "successor__name")
    )
    groups: dict[int, tuple[Place, list[PlaceSuccession]]] = {}
    for link in links:
        groups.setdefault(link.predecessor_id, (link.predecessor, []))[1].append(link)
    return render(request, "places/split_list.html", {"groups": list(groups.values())})


@login_required
def split_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _shares_admin_or_404(request.user)
    predecessor = get_place_or_404(request.user, pk)
    links = list(
        PlaceSuccession.objects.filter(predecessor=predecessor, is_split=True)
        .select_related("successor")
        .order_by("-is_default", "successor__name")
    )
    if not links:
        raise Http404
    form = SharesForm(request.POST or None, links=links)
    if request.method == "POST" and form.is_valid():
        shares = form.shares()
        with transaction.atomic():
            changed = False
            for link in links:
                new = shares[link.pk]
                if new == link.share:
                    continue
                changed = True
                record(
                    actor=request.user,
                    action="place.shares",
                    obj=link,
                    changes={"share": [f"{link.share * 100:.2f} %", f"{new * 100:.2f} %"]},
                    note=f"{predecessor.name} → {link.successor.name}",
                )
                link.share = new
                link.save(update_fields=["share"])
            if changed:  # the successors' inherited figures (stats listens)
                successions_changed.send(sender=PlaceSuccession, predecessors=[predecessor.pk])
        messages.success(
            request, _("Đã lưu tỷ lệ chia số liệu của %(p)s.") % {"p": predecessor.name}
        )
        return redirect("places:split_list")
    return render(
        request,
        "places/split_edit.html",
        {"form": form, "predecessor": predecessor, "links": links},
    )
