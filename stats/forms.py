from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stats.figures import FIGURES, IndicatorCode
from stats.models import TargetSource


def report_form_class() -> type[forms.Form]:
    fields: dict[str, forms.Field] = {
        f.name: forms.IntegerField(
            label=f.label,
            min_value=0,
            required=False,
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        )
        for f in FIGURES
    }
    fields["note"] = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
    return type("ReportForm", (forms.Form,), fields)


ReportForm = report_form_class()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}))


class TargetForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Chỉ tiêu"), choices=IndicatorCode.choices)
    place = forms.IntegerField(widget=forms.HiddenInput)
    year = forms.IntegerField(label=_("Năm"), min_value=2020, max_value=2035)
    source = forms.ChoiceField(label=_("Nguồn"), choices=TargetSource.choices)
    value = forms.DecimalField(
        label=_("Tỷ lệ (%)"), min_value=0, max_value=100, decimal_places=2, localize=True
    )  # "72,5" as written in Vietnamese, or "72.5"
    note = forms.CharField(label=_("Ghi chú"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
