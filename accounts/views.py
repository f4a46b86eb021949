from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import services
from accounts.access import MANAGER_ROLES, get_user_or_404, require_user_manager, users_visible_to
from accounts.forms import AssignRoleForm, LoginForm, UserCreateForm
from accounts.models import RoleAssignment
from accounts.scope import scope_of
from core import ratelimit
from core.forms import apply_errors
from core.http import AuthedRequest
from places.models import Place


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        # Per client: one address trying many user names is slowed like one name is.
        if not ratelimit.allow_client(request, "login", limit=settings.LOGIN_RATE_PER_MINUTE):
            return lockout(request)
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, _("Đã đổi mật khẩu."))
        return super().form_valid(form)


def lockout(
    request: AuthedRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """What django-axes answers while a user name cools off after too many wrong passwords."""
    return render(request, "accounts/lockout.html", status=429)


def _anchor(request: AuthedRequest) -> Place:
    """The place under which the form offers places: ?dia_ban=…, else the actor's own."""
    scope = scope_of(request.user)
    visible = Place.objects.visible_to(request.user).current()
    raw = request.GET.get("dia_ban") or request.POST.get("dia_ban")
    if raw and raw.isdigit():
        place = get_object_or_404(visible, pk=int(raw))
    else:
        own = [a.place for a in scope.assignments if a.role in MANAGER_ROLES]
        place = min(own, key=lambda p: p.depth)
    return place


def _assignable(anchor: Place) -> QuerySet[Place]:
    return (
        Place.objects.current()
        .filter(Q(pk=anchor.pk) | Q(parent=anchor))
        .select_related("parent")
        .order_by("depth", "name")
    )


@login_required
def user_list(request: AuthedRequest) -> HttpResponse:
    require_user_manager(request.user)
    users = users_visible_to(request.user).order_by("full_name", "username")
    query = request.GET.get("q", "")
    users = users.search(query)
    page = Paginator(users.prefetch_related("role_assignments__place"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/user_list.html", {"page": page, "q": query})


@login_required
def user_create(request: AuthedRequest) -> HttpResponse:
    require_user_manager(request.user)
    anchor = _anchor(request)
    roles = scope_of(request.user).grantable_roles(anchor)
    form = UserCreateForm(request.POST or None, places=_assignable(anchor), roles=roles)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                phone=data["phone"],
                password=data["password"],
                role=data["role"],
                place=data["place"],
            )
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo tài khoản %(u)s.") % {"u": user.username})
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "anchor": anchor})


@login_required
def user_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    target = get_user_or_404(request.user, pk)
    anchor = _anchor(request)
    form = AssignRoleForm(
        request.POST or None,
        places=_assignable(anchor),
        roles=scope_of(request.user).grantable_roles(anchor),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_role(
                actor=request.user,
                user=target,
                role=form.cleaned_data["role"],
                place=form.cleaned_data["place"],
                valid_from=form.cleaned_data["valid_from"],
                valid_to=form.cleaned_data["valid_to"],
            )
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã giao vai trò."))
            return redirect("accounts:user_detail", pk=target.pk)
    assignments = target.role_assignments.select_related("place", "created_by").order_by(
        "-valid_from"
    )
    scope = scope_of(request.user)
    rows = [(a, bool(scope.grantable_roles(a.place) & {a.role})) for a in assignments]
    return render(
        request,
        "accounts/user_detail.html",
        {"target": target, "rows": rows, "form": form, "anchor": anchor},
    )


@login_required
@require_POST
def assignment_end(request: AuthedRequest, pk: int) -> HttpResponse:
    require_user_manager(request.user)
    visible_users = users_visible_to(request.user)
    assignment = get_object_or_404(
        RoleAssignment.objects.filter(user__in=visible_users).select_related("place", "user"), pk=pk
    )
    try:
        services.end_assignment(actor=request.user, assignment=assignment)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã thu hồi vai trò."))
    return redirect("accounts:user_detail", pk=assignment.user_id)
