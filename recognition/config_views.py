"""Province configuration of decisions: who recognises what, and the "Căn cứ" lines."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import scope_of
from assessments.models import AuthorityRule
from audit.services import diff, record, snapshot
from core.http import AuthedRequest
from core.templatetags.plain import PLACEHOLDER_RE, PLACEHOLDERS, placeholders
from recognition.models import LegalBasis


class LegalBasisForm(forms.ModelForm):
    class Meta:
        model = LegalBasis
        fields = ["level", "title", "body", "year_from", "year_to", "order", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


RULE_FIELDS = ["level", "authority", "superior", "signer_title", "sign_form", "basis"]


class AuthorityRuleForm(forms.ModelForm):
    """Saving a rule is the province's confirmation of it: no longer a proposal."""

    class Meta:
        model = AuthorityRule
        fields = RULE_FIELDS
        widgets = {"basis": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "authority": _("Gõ «{xa}» để in tên xã, phường; «{tinh}» để in tên tỉnh."),
            "superior": _(
                "Dòng trên tên cơ quan ban hành (không in đậm), nếu có; «{xa}», «{tinh}» như trên."
            ),
        }

    def clean(self) -> dict[str, Any]:
        """Only the placeholders the decision fills ({xa}, {tinh}); no {xa} in a rule of
        the province level (it has no commune to name)."""
        data = super().clean() or {}
        for name in ("authority", "superior"):
            typed = data.get(name) or ""
            unknown = sorted(set(PLACEHOLDER_RE.findall(typed)) - set(PLACEHOLDERS))
            if unknown:
                self.add_error(
                    name,
                    _(
                        "Chỉ dùng được «{xa}» (tên xã, phường) và «{tinh}» (tên tỉnh); không có: %(u)s."
                    )
                    % {"u": ", ".join("{" + u + "}" for u in unknown)},
                )
            elif "{xa}" in typed and data.get("level") == "province":
                self.add_error(
                    name, _("Cơ quan cấp tỉnh không có tên xã: bỏ «{xa}», dùng «{tinh}».")
                )
        return data


def _require_admin(request: AuthedRequest) -> None:
    if not scope_of(request.user).is_province_admin:
        raise Http404


@login_required
def settings_page(request: AuthedRequest) -> HttpResponse:
    _require_admin(request)
    return render(
        request,
        "recognition/settings.html",
        {
            "bases": LegalBasis.objects.all(),
            "rules": AuthorityRule.objects.order_by("title", "org_level"),
            "form": LegalBasisForm(),
        },
    )


@login_required
def basis_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    _require_admin(request)
    basis = get_object_or_404(LegalBasis, pk=pk) if pk else None
    form = LegalBasisForm(request.POST or None, instance=basis)
    if request.method == "POST":
        if basis is not None and request.POST.get("delete"):
            record(actor=request.user, action="legal_basis.delete", obj=basis, note=basis.text)
            basis.delete()
            return redirect("config")
        if form.is_valid():
            fields = ["level", "title", "body", "year_from", "year_to", "order", "text"]
            before = snapshot(basis, fields) if basis else {}
            saved = form.save()
            record(
                actor=request.user,
                action="legal_basis.save",
                obj=saved,
                changes=diff(before, snapshot(saved, fields)),
            )
            messages.success(request, _("Đã lưu căn cứ."))
            return redirect("config")
    return render(
        request,
        "recognition/config_form.html",
        {"form": form, "title": _("Căn cứ ban hành quyết định"), "deletable": basis is not None},
    )


@login_required
def rule_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    rule = get_object_or_404(AuthorityRule, pk=pk)
    form = AuthorityRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        fields = [*RULE_FIELDS, "proposal"]
        before = snapshot(rule, fields)
        saved = form.save(commit=False)
        saved.proposal = ""
        saved.confirmed_at, saved.confirmed_by = timezone.now(), request.user
        saved.save()
        record(
            actor=request.user,
            action="authority_rule.save",
            obj=saved,
            changes=diff(before, snapshot(saved, fields)),
        )
        messages.success(request, _("Đã lưu thẩm quyền công nhận."))
        return redirect("config")
    return render(
        request,
        "recognition/config_form.html",
        {
            "form": form,
            "title": _("Thẩm quyền công nhận — %(t)s: %(a)s")
            % {"t": rule.get_title_display(), "a": placeholders(rule.authority)},
        },
    )
