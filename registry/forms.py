"""The validation of registry records, shared by pages, the API and each Excel row."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.text import collapse_spaces
from places.models import Place
from registry.fields import BirthField, IdentityField, PhoneField, YesNoField
from registry.identity import IdentityError, check_identity
from registry.models import (
    Citizen,
    Clan,
    Gender,
    Occupation,
    Organisation,
    OrganisationKind,
    OrganisationLevel,
    Relation,
)

BLANK = [("", "—")]


class NameField(forms.CharField):
    def to_python(self, value: Any) -> str:
        return collapse_spaces(super().to_python(value) or "")


class CitizenFieldsForm(forms.Form):
    """The person's own data; places and links are resolved by the caller."""

    full_name = NameField(label=_("Họ và tên"), max_length=120)
    gender = forms.ChoiceField(label=_("Giới tính"), choices=Gender.choices)
    birth = BirthField(label=_("Ngày sinh"), help_text=_("dd/mm/yyyy, hoặc chỉ năm sinh"))
    identity_number = IdentityField(label=_("Số CCCD"))
    phone = PhoneField(label=_("Số điện thoại"))
    ethnicity = NameField(label=_("Dân tộc"), max_length=40, required=False)
    occupation = forms.ChoiceField(label=_("Nghề nghiệp"), choices=Occupation.choices)
    in_school = YesNoField(
        label=_("Đang đi học"),
        required=False,
        widget=forms.Select(choices=[("", "—"), ("true", _("Có")), ("false", _("Không"))]),
    )
    relation = forms.ChoiceField(
        label=_("Quan hệ với chủ hộ"), choices=BLANK + list(Relation.choices), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field, message in citizen_cross_check(data).items():
            self.add_error(field, message)
        if not data.get("ethnicity"):
            data["ethnicity"] = "Kinh"
        return data


def citizen_cross_check(data: dict[str, Any]) -> dict[str, str]:
    """Rules across fields (also run for each Excel row): the CCCD must fit gender and birth year."""
    identity = data.get("identity_number")
    birth = data.get("birth")
    if identity and data.get("gender") and birth:
        try:
            check_identity(identity, gender=data["gender"], birth_year=birth[1])
        except IdentityError as exc:
            return {"identity_number": str(exc)}
    return {}


class CitizenForm(CitizenFieldsForm):
    village = forms.ModelChoiceField(label=_("Thôn nơi ở"), queryset=Place.objects.none())
    workplace = forms.ModelChoiceField(
        label=_("Nơi làm việc"), queryset=Organisation.objects.none(), required=False
    )
    confirm_duplicate = forms.BooleanField(
        label=_("Tôi đã kiểm tra: đây là người khác, vẫn lưu"), required=False
    )
    # Only on the edit form of a person with an account (`has_account`).
    confirm_login_change = forms.BooleanField(
        label=_(
            "Tôi đã gặp người này: đổi cả số điện thoại/số CCCD đăng nhập của tài khoản "
            "(người đó được báo)"
        ),
        required=False,
    )

    field_order = [
        "full_name",
        "gender",
        "birth",
        "identity_number",
        "phone",
        "ethnicity",
        "occupation",
        "in_school",
        "village",
        "relation",
        "workplace",
    ]

    def __init__(
        self,
        *args: Any,
        villages: QuerySet[Place],
        commune: Place,
        workplace: Organisation | None = None,
        has_account: bool = False,
        **kwargs: Any,
    ) -> None:
        """`workplace`: the person's current one, kept as a choice even when it is in
        another commune (otherwise saving the form would silently drop it).
        `has_account`: the person logs in, so the form asks to confirm a login change."""
        super().__init__(*args, **kwargs)
        if not has_account:
            del self.fields["confirm_login_change"]
        self.fields["village"].queryset = villages.order_by("name")  # type: ignore[attr-defined]
        workplaces = Q(commune=commune)
        if workplace is not None:
            workplaces |= Q(pk=workplace.pk)
        self.fields["workplace"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            workplaces
        ).order_by("name")


def citizen_initial(citizen: Citizen) -> dict[str, Any]:
    return {
        "full_name": citizen.full_name,
        "gender": citizen.gender,
        "birth": (citizen.birth_date, citizen.birth_year),
        "identity_number": citizen.identity_number or "",
        "phone": citizen.phone,
        "ethnicity": citizen.ethnicity,
        "occupation": citizen.occupation,
        "in_school": ""
        if citizen.in_school is None
        else ("true" if citizen.in_school else "false"),
        "village": citizen.village_id,
        "relation": citizen.relation,
        "workplace": citizen.workplace_id,
    }


class HouseholdFieldsForm(forms.Form):
    code = forms.RegexField(
        label=_("Mã hộ"),
        max_length=30,
        regex=r"^[0-9A-Za-z._/-]+$",
        error_messages={"invalid": _("Mã hộ chỉ gồm chữ không dấu, số và . _ / -")},
    )
    address = NameField(label=_("Địa chỉ"), max_length=200, required=False)


class HouseholdForm(HouseholdFieldsForm):
    village = forms.ModelChoiceField(label=_("Thôn"), queryset=Place.objects.none())
    clan = forms.ModelChoiceField(label=_("Dòng họ"), queryset=Clan.objects.none(), required=False)

    def __init__(
        self, *args: Any, villages: QuerySet[Place], clans: QuerySet[Clan], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages.order_by("name")  # type: ignore[attr-defined]
        self.fields["clan"].queryset = clans  # type: ignore[attr-defined]


class ClanFieldsForm(forms.Form):
    name = NameField(label=_("Dòng họ"), max_length=80, help_text=_("Ví dụ: Nguyễn, Trần Đình"))
    branch_name = NameField(label=_("Chi/nhánh"), max_length=80, required=False)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if name.lower().startswith("họ "):
            name = name[3:].strip()
        return name


class ClanForm(ClanFieldsForm):
    home_village = forms.ModelChoiceField(label=_("Thôn gốc"), queryset=Place.objects.none())

    def __init__(self, *args: Any, commune: Place, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["home_village"].queryset = (  # type: ignore[attr-defined]
            Place.objects.current().villages().filter(parent=commune).order_by("name")
        )


class OrganisationFieldsForm(forms.Form):
    name = NameField(label=_("Tên đơn vị"), max_length=200)
    kind = forms.ChoiceField(label=_("Loại hình"), choices=OrganisationKind.choices)
    level = forms.ChoiceField(label=_("Cấp"), choices=OrganisationLevel.choices)
    declared_staff = forms.IntegerField(
        label=_("Số cán bộ, người lao động"), min_value=0, max_value=1_000_000, required=False
    )
    address = NameField(label=_("Địa chỉ"), max_length=200, required=False)


class OrganisationForm(OrganisationFieldsForm):
    pass


class CitizenRefField(forms.CharField):
    """A person named by system id or CCCD: a picker that works without JavaScript."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Mã hệ thống hoặc số CCCD của công dân"))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)


class MemberAddForm(forms.Form):
    citizen = CitizenRefField()
    relation = forms.ChoiceField(label=_("Quan hệ với chủ hộ"), choices=Relation.choices)


class MoveForm(forms.Form):
    household_code = forms.CharField(label=_("Mã hộ chuyển đến"), max_length=30)
    relation = forms.ChoiceField(label=_("Quan hệ với chủ hộ mới"), choices=Relation.choices)


class StatusForm(forms.Form):
    on = forms.DateField(label=_("Ngày"))
    note = NameField(label=_("Ghi chú"), max_length=300, required=False)


class MergeForm(forms.Form):
    other_id = forms.IntegerField(label=_("Mã hệ thống của hồ sơ trùng (sẽ gộp vào hồ sơ này)"))


class StaffForm(forms.Form):
    citizen = CitizenRefField()


class HouseholdRefForm(forms.Form):
    household_code = forms.CharField(label=_("Mã hộ"), max_length=30)
