"""The validation of registry records, shared by pages, the API and each Excel row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q, QuerySet
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from core.text import collapse_spaces
from places.models import Place
from registry.fields import (
    CITIZEN,
    CLAN,
    HOUSEHOLD,
    ORGANISATION,
    BirthField,
    IdentityField,
    PhoneField,
    Registry,
    YesNoField,
    YesNoSelect,
)
from registry.identity import IdentityError, check_identity
from registry.models import Citizen, Clan, Organisation, Relation

BLANK = [("", "—")]
F = TypeVar("F", bound=type[forms.Form])


class NameField(forms.CharField):
    def to_python(self, value: Any) -> str:
        return collapse_spaces(super().to_python(value) or "")


def form_field(model_field: models.Field[Any, Any]) -> forms.Field:
    """The form field of a model field, as the registry forms write it: text with its
    spaces collapsed, yes/no as "Có"/"Không", a blank choice as "—"."""
    if isinstance(model_field, models.BooleanField):
        return YesNoField(required=False, widget=YesNoSelect())
    kwargs: dict[str, Any] = {}
    if type(model_field) is models.CharField and not model_field.choices:
        kwargs["form_class"] = NameField
    field = model_field.formfield(**kwargs)
    assert field is not None, model_field
    if isinstance(field, forms.ChoiceField):
        choices = list(field.choices)  # type: ignore[arg-type]
        if choices and choices[0][0] == "":
            field.choices = BLANK + choices[1:]
    return field


def spec_form(registry: Registry, *, links: bool = False) -> Callable[[F], F]:
    """The form's fields from the registry's spec (`registry.fields`), in its order: a
    field the form declares is kept (its label, if it has none, from the spec), any other
    is built from its model field (`form_field`). A link is declared by a form with
    `links` (it scopes the records offered) and left out of one without. Fields of the
    form's own (confirmation boxes) follow."""

    def build(form_class: F) -> F:
        declared = dict(form_class.declared_fields)
        fields: dict[str, forms.Field] = {}
        for spec in registry.form_fields:
            if spec.name in declared:
                field = declared.pop(spec.name)
            elif registry.is_link(spec):
                if links:
                    raise ImproperlyConfigured(
                        f"{form_class.__name__} must declare the link {spec.name!r} "
                        "with the records it may offer"
                    )
                continue
            elif spec.stored_in:
                raise ImproperlyConfigured(
                    f"{form_class.__name__} must declare {spec.name!r} (kept in "
                    f"{', '.join(spec.stored_in)})"
                )
            else:
                field = form_field(registry.model_field(spec.name))
                field.label = None
            if field.label is None:
                field.label = registry.label(spec)
            fields[spec.name] = field
        fields.update(declared)
        form_class.declared_fields = form_class.base_fields = fields
        return form_class

    return build


@spec_form(CITIZEN)
class CitizenFieldsForm(forms.Form):
    """The person's own data; places and links are resolved by the caller. The fields
    are the spec's (`registry.fields.CITIZEN`); those declared here read values their
    model field alone would not."""

    birth = BirthField(help_text=_("dd/mm/yyyy, hoặc chỉ năm sinh"))
    identity_number = IdentityField()
    phone = PhoneField()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field, message in citizen_cross_check(data).items():
            self.add_error(field, message)
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


@spec_form(CITIZEN, links=True)
class CitizenForm(CitizenFieldsForm):
    village = forms.ModelChoiceField(queryset=Place.objects.none())
    workplace = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False)
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


def form_initial(registry: Registry, record: Any) -> dict[str, Any]:
    """A record's values as its form reads them: links by id, a value kept in several
    model fields as their tuple."""
    names = [s.name for s in registry.form_fields if not s.stored_in]
    initial = model_to_dict(record, fields=names)
    for spec in registry.form_fields:
        if spec.stored_in:
            initial[spec.name] = tuple(getattr(record, c) for c in spec.stored_in)
    return initial


def citizen_initial(citizen: Citizen) -> dict[str, Any]:
    """The person's form values; the head's relation reads "Chủ hộ" (stored blank)."""
    initial = form_initial(CITIZEN, citizen)
    initial["relation"] = citizen.shown_relation
    return initial


@spec_form(HOUSEHOLD)
class HouseholdFieldsForm(forms.Form):
    code = forms.RegexField(
        max_length=30,
        regex=r"^[0-9A-Za-z._/-]+$",
        error_messages={"invalid": _("Mã hộ chỉ gồm chữ không dấu, số và . _ / -")},
    )


@spec_form(HOUSEHOLD, links=True)
class HouseholdForm(HouseholdFieldsForm):
    village = forms.ModelChoiceField(queryset=Place.objects.none())
    clan = forms.ModelChoiceField(queryset=Clan.objects.none(), required=False)

    def __init__(
        self, *args: Any, villages: QuerySet[Place], clans: QuerySet[Clan], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages.order_by("name")  # type: ignore[attr-defined]
        self.fields["clan"].queryset = clans  # type: ignore[attr-defined]


@spec_form(CLAN)
class ClanFieldsForm(forms.Form):
    name = NameField(max_length=80, help_text=_("Ví dụ: Nguyễn, Trần Đình"))

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if name.lower().startswith("họ "):
            name = name[3:].strip()
        return name


@spec_form(CLAN, links=True)
class ClanForm(ClanFieldsForm):
    home_village = forms.ModelChoiceField(queryset=Place.objects.none())

    def __init__(self, *args: Any, commune: Place, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["home_village"].queryset = (  # type: ignore[attr-defined]
            Place.objects.current().villages().filter(parent=commune).order_by("name")
        )


@spec_form(ORGANISATION, links=True)
class OrganisationFieldsForm(forms.Form):
    declared_staff = forms.IntegerField(min_value=0, max_value=1_000_000, required=False)


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
