from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from core.forms import set_choices
from places.models import Place
from registry.fields import BirthField, IdentityField, PhoneField
from registry.forms import NameField
from registry.identity import IdentityError, check_identity
from registry.models import Gender, Occupation, Organisation


class PasswordsMixin(forms.Form):
    password = forms.CharField(
        label=_("Mật khẩu (ít nhất 8 ký tự)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        min_length=8,
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("Hai lần nhập mật khẩu không giống nhau."))
        elif data.get("password"):
            try:
                validate_password(data["password"])
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


def _phone_required(field: PhoneField) -> PhoneField:
    field.required = True
    return field


class ClaimForm(PasswordsMixin):
    identity_number = IdentityField(
        label=_("Số CCCD (12 số)"),
        required=True,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    full_name = NameField(
        label=_("Họ và tên (như trong sổ của thôn)"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    birth = BirthField(
        label=_("Ngày sinh (dd/mm/yyyy)"),
        help_text=_("Ghi đủ ngày, tháng, năm; chỉ ghi năm khi sổ của thôn chỉ có năm sinh."),
    )
    phone = _phone_required(
        PhoneField(
            label=_("Số điện thoại"),
            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        )
    )

    field_order = ["identity_number", "full_name", "birth", "phone", "password", "password2"]

    def clean_identity_number(self) -> str:
        value: str = self.cleaned_data["identity_number"]
        if len(value) != 12:
            raise forms.ValidationError(_("Số CCCD có 12 chữ số."))
        return value


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Mã 6 chữ số trong tin nhắn"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Mã gồm đúng 6 chữ số.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 8}
        ),
    )


class RegisterForm(PasswordsMixin):
    full_name = NameField(label=_("Họ và tên"), max_length=120)
    gender = forms.ChoiceField(
        label=_("Giới tính"), choices=Gender.choices, widget=forms.RadioSelect
    )
    birth = BirthField(label=_("Ngày sinh (dd/mm/yyyy)"))
    identity_number = IdentityField(
        label=_("Số CCCD (12 số)"),
        required=True,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    phone = _phone_required(
        PhoneField(label=_("Số điện thoại"), widget=forms.TextInput(attrs={"inputmode": "tel"}))
    )
    village = forms.ModelChoiceField(
        label=_("Thôn, tổ dân phố nơi ở"), queryset=Place.objects.none()
    )

    field_order = [
        "full_name",
        "gender",
        "birth",
        "identity_number",
        "phone",
        "village",
        "password",
        "password2",
    ]

    def __init__(self, *args: Any, commune: Place, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self,
            "village",
            Place.objects.current().villages().filter(parent=commune).order_by("name"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("identity_number") and data.get("gender") and data.get("birth"):
            try:
                check_identity(
                    data["identity_number"], gender=data["gender"], birth_year=data["birth"][1]
                )
            except IdentityError as exc:
                self.add_error("identity_number", str(exc))
        return data


class CommuneChoiceForm(forms.Form):
    commune = forms.ModelChoiceField(label=_("Xã, phường nơi ở"), queryset=Place.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "commune", Place.objects.current().communes().order_by("name"))


class ChangeForm(forms.Form):
    phone = PhoneField(
        label=_("Số điện thoại mới"), widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    occupation = forms.ChoiceField(
        label=_("Nghề nghiệp"),
        choices=[("", _("(không đổi)")), *Occupation.choices],
        required=False,
    )
    workplace = forms.ModelChoiceField(
        label=_("Nơi làm việc"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("(không đổi)"),
    )
    village = forms.ModelChoiceField(
        label=_("Chuyển đến thôn"),
        queryset=Place.objects.none(),
        required=False,
        empty_label=_("(không đổi)"),
    )
    reason = forms.CharField(label=_("Lý do, ghi chú"), max_length=300, required=False)

    def __init__(self, *args: Any, commune: Place, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self, "workplace", Organisation.objects.filter(commune=commune).order_by("name")
        )
        set_choices(
            self,
            "village",
            Place.objects.current().villages().filter(parent=commune).order_by("name"),
        )


class GroupForm(forms.Form):
    population_group = forms.ChoiceField(
        label=_("Bạn thuộc nhóm nào?"), widget=forms.RadioSelect, choices=()
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["population_group"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
