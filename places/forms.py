from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from places.models import VILLAGE_TYPES, Place, PlaceSuccession

TYPE_CHOICES = [(t, t) for t in VILLAGE_TYPES]


class VillageForm(forms.Form):
    name = forms.CharField(label=_("Tên thôn/tổ dân phố"), max_length=120)
    unit_type = forms.ChoiceField(label=_("Loại"), choices=TYPE_CHOICES)


class VillageCloseForm(forms.Form):
    on = forms.DateField(label=_("Ngày thôi hiệu lực"))
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}))


class VillageMergeForm(forms.Form):
    sources = forms.ModelMultipleChoiceField(
        label=_("Các thôn sáp nhập"),
        queryset=Place.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    into = forms.ModelChoiceField(
        label=_("Nhập vào thôn (để trống nếu lập thôn mới)"),
        queryset=Place.objects.none(),
        required=False,
    )
    new_name = forms.CharField(label=_("Tên thôn mới"), max_length=120, required=False)
    unit_type = forms.ChoiceField(label=_("Loại thôn mới"), choices=TYPE_CHOICES, required=False)
    on = forms.DateField(label=_("Ngày hiệu lực"))

    def __init__(self, *args: Any, villages: QuerySet[Place], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = villages  # type: ignore[attr-defined]
        self.fields["into"].queryset = villages  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("into") and not data.get("new_name"):
            self.add_error("new_name", _("Nhập tên thôn mới hoặc chọn thôn nhận sáp nhập."))
        return data


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))
    dry_run = forms.BooleanField(label=_("Chỉ kiểm tra, chưa ghi"), required=False, initial=True)


class SharesForm(forms.Form):
    """The percent of a split legacy commune's history each successor carries: one field
    per successor, at most 2 decimals, summing to exactly 100."""

    def __init__(self, *args: Any, links: list[PlaceSuccession], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.links = links
        for link in links:
            self.fields[f"s{link.pk}"] = forms.DecimalField(
                label=_("%(c)s (%%)") % {"c": link.successor.name},
                min_value=Decimal(0),
                max_value=Decimal(100),
                max_digits=5,
                decimal_places=2,
                initial=(link.share * 100).normalize(),
                localize=True,
                error_messages={
                    "required": _("Nhập tỷ lệ cho %(c)s.") % {"c": link.successor.name},
                    "invalid": _("Tỷ lệ của %(c)s phải là một số.") % {"c": link.successor.name},
                },
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values = [data.get(f"s{link.pk}") for link in self.links]
        if all(v is not None for v in values):
            total = sum(v for v in values if v is not None)
            if total != 100:
                self.add_error(
                    None,
                    _("Tổng các tỷ lệ phải đúng 100 %%; hiện là %(t)s %%.")
                    % {"t": f"{total.normalize():f}".replace(".", ",")},
                )
        return data

    def shares(self) -> dict[int, Decimal]:
        """Successor link id → share (0–1, 4 decimals)."""
        return {
            link.pk: (self.cleaned_data[f"s{link.pk}"] / 100).quantize(Decimal("0.0001"))
            for link in self.links
        }
