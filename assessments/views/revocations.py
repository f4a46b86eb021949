"""Revocation decisions: revoke titles still held, by a numbered, signed decision."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import scope_of
from assessments import authority, queries, services
from assessments import permissions as can
from assessments.forms import RevocationForm
from assessments.models import Revocation, State
from assessments.views.manage import issuing_initial
from core.forms import apply_errors
from core.http import AuthedRequest
from criteria.titles import Title


@login_required
def revocation_list(request: AuthedRequest) -> HttpResponse:
    scope = scope_of(request.user)
    revocations = Revocation.objects.select_related("authority_place").order_by("-signed_on", "-id")
    if not scope.is_province:
        condition = scope.path_filter({"commune_officer"}, "authority_place__path")
        revocations = revocations.filter(condition) if condition is not None else revocations.none()
    return render(request, "assessments/revocation_list.html", {"revocations": revocations[:200]})


@login_required
def revocation_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    revocation = can.get_revocation_or_404(request.user, pk)
    items = revocation.assessments.select_related("village", "commune", "decision", "certificate")
    return render(
        request,
        "assessments/revocation_detail.html",
        {"revocation": revocation, "items": items},
    )


@login_required
def revocation_create(request: AuthedRequest) -> HttpResponse:
    """A revocation decision for titles of one title and year still held (recognised, not
    revoked), in the territory of the body that decides them, in any later year; the form
    carries a one-time key, so that posting it twice records one revocation."""
    if request.method == "POST":
        done = Revocation.objects.filter(key=request.POST.get("key", "")[:40]).first()
        if done is not None and can.sees_whole_decision(request.user, done):
            return redirect("assessments:revocation_detail", pk=done.pk)  # posted again
    qs, chosen = queries.listing(request.user, request.GET)
    held = [
        a
        for a in qs.filter(state=State.RECOGNISED).select_related(
            "organisation", "criteria_set", "commune__parent", "decision"
        )
        if can.can_decide(request.user, a)
    ]
    groups = authority.by_issuer(held)
    group = authority.pick(groups, request.GET.get("noi", ""))
    if group is None:
        if groups and request.method == "GET":
            return render(
                request,
                "assessments/issuer_pick.html",
                {
                    "groups": groups,
                    "chosen": chosen,
                    "params": request.GET.urlencode(),
                    "what": _("quyết định thu hồi"),
                },
            )
        messages.error(
            request,
            _(
                "Không có danh hiệu %(t)s năm %(y)s đang được công nhận mà bạn có thẩm quyền thu hồi."
            )
            % {"t": Title(chosen["danh_hieu"]).label, "y": chosen["nam"]},
        )
        return redirect(reverse("assessments:revocation_list"))
    picked = {int(i) for i in request.GET.getlist("chon") if i.isdigit()}
    form = RevocationForm(
        request.POST or None, initial={**issuing_initial(group), "key": uuid.uuid4().hex}
    )
    if request.method == "POST" and form.is_valid():
        chosen_ids = {int(i) for i in request.POST.getlist("ids") if i.isdigit()}
        data = form.cleaned_data
        try:
            revocation = services.revoke(
                actor=request.user,
                assessments=[a for a in held if a.pk in chosen_ids],
                number=data["number"],
                signed_on=data["signed_on"],
                signer_name=data["signer_name"],
                signer_title=data["signer_title"],
                sign_form=data["sign_form"],
                authority=data["authority"],
                superior=data["superior"],
                reason=data["reason"],
                authority_place=group.place,
                key=data["key"],
            )
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi %(d)s.") % {"d": revocation})
            return redirect("assessments:revocation_detail", pk=revocation.pk)
        picked = chosen_ids
    return render(
        request,
        "assessments/revocation_form.html",
        {
            "form": form,
            "held": group.rows,
            "picked": picked,
            "chosen": chosen,
            "group": group,
            "title_label": Title(chosen["danh_hieu"]).label,
            "titles": Title.choices,
            "today": timezone.localdate(),
        },
    )
