from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import ROLE_PLACE_KIND, Role, normalize_phone
from places.models import Place, PlaceKind


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Tên đăng nhập, số điện thoại hoặc số CCCD"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "Tên đăng nhập/số điện thoại hoặc mật khẩu không đúng. Lưu ý chữ hoa, chữ thường."
        ),
        "inactive": _("Tài khoản này đã bị khóa."),
    }


class PlaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Place) -> str:
        return obj.name if obj.kind != "village" else f"{obj.name} ({obj.parent})"


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)
    place = PlaceChoiceField(label=_("Địa bàn"), queryset=Place.objects.none())

    def __init__(self, *args: Any, places: QuerySet[Place], roles: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places  # type: ignore[attr-defined]
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [c for c in Role.choices if c[0] in roles]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role, place = data.get("role"), data.get("place")
        if role and place and ROLE_PLACE_KIND[role] != place.kind:
            self.add_error(
                "place",
                _("Vai trò “%(role)s” phải gắn với %(kind)s.")
                % {"role": Role(role).label, "kind": _kind_label(ROLE_PLACE_KIND[role])},
            )
        return data


def _kind_label(kind: str) -> str:
    return str(PlaceKind(kind).label).lower()


class AssignRoleForm(RoleForm):
    valid_from = forms.DateField(label=_("Từ ngày"), required=False)
    valid_to = forms.DateField(label=_("Đến ngày"), required=False)


class UserCreateForm(RoleForm):
    username = forms.RegexField(
        label=_("Tên đăng nhập"),
        regex=r"^[A-Za-z0-9_.-]{3,150}$",
        error_messages={"invalid": _("Chỉ dùng chữ không dấu, số và . _ - (ít nhất 3 ký tự).")},
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)
    password = forms.CharField(
        label=_("Mật khẩu ban đầu"), widget=forms.PasswordInput(render_value=False), min_length=8
    )

    field_order = ["username", "full_name", "phone", "password", "role", "place"]

    def clean_phone(self) -> str:
        phone = normalize_phone(self.cleaned_data.get("phone", ""))
        if phone and not (len(phone) == 10 and phone.startswith("0")):
            raise forms.ValidationError(_("Số điện thoại phải có 10 chữ số, bắt đầu bằng 0."))
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password"):
            try:
                validate_password(data["password"])
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data
