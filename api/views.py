from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from api.models import ApiToken
from audit.services import record
from core.http import AuthedRequest


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Tên khóa (dùng cho việc gì)"), max_length=100)


@login_required
def tokens(request: AuthedRequest) -> HttpResponse:
    """The user's own API keys: a new key is shown once, then only its prefix."""
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        token, new_key = ApiToken.issue(user=request.user, name=form.cleaned_data["name"])
        record(actor=request.user, action="api_token.create", obj=token)
        form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {"form": form, "new_key": new_key, "tokens": ApiToken.objects.filter(user=request.user)},
    )


@login_required
@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.revoke()
    record(actor=request.user, action="api_token.revoke", obj=token)
    messages.success(request, _("Đã thu hồi khóa %(t)s.") % {"t": token})
    return redirect("api_tokens")
