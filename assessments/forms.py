from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.calendars import DATE_LABELS, DATES, label
from assessments.models import SIGN_FORMS
from criteria.titles import PopulationGroup, Title


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReasonForm(VersionForm):
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}))


class RegisterForm(forms.Form):
    title = forms.ChoiceField(label=_("Danh hiệu"), choices=Title.choices)
    year = forms.IntegerField(label=_("Năm"), min_value=2020, max_value=2100)
    subject_ref = forms.CharField(
        label=_("Đối tượng"),
        max_length=40,
        required=False,
        help_text=_(
            "Hộ: mã hộ · Công dân: mã hệ thống hoặc CCCD · Dòng họ, thôn, đơn vị, xã: mã hệ thống"
        ),
    )
    population_group = forms.ChoiceField(
        label=_("Mẫu Công dân học tập"),
        choices=[("", _("Theo nghề nghiệp")), *list(PopulationGroup.choices)],
        required=False,
    )


class BulkRegisterForm(forms.Form):
    title = forms.ChoiceField(label=_("Danh hiệu"), choices=Title.choices)
    year = forms.IntegerField(label=_("Năm"), min_value=2020, max_value=2100)
    place = forms.IntegerField(widget=forms.HiddenInput)


class YearForm(forms.Form):
    year = forms.IntegerField(
        label=_("Năm số liệu"),
        min_value=2020,
        max_value=2100,
        help_text=_(
            "Mỗi danh hiệu có lịch riêng theo mặc định (có ghi nguồn); tỉnh sửa lịch của từng xã "
            "ở trang Lịch."
        ),
    )


class CalendarForm(forms.Form):
    """The dates of a commune's year, one field per title calendar and date
    (`<calendar id>-<date>`), and whether the changed dates go to every commune's year."""

    everywhere = forms.BooleanField(
        label=_("Áp dụng những ngày vừa sửa cho mọi xã, phường đã mở năm này"),
        required=False,
    )

    def __init__(self, calendars: list[Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calendars = calendars
        for row in calendars:
            for name in DATES:
                self.fields[self.name_of(row, name)] = forms.DateField(
                    label=f"{label(row.key)} — {DATE_LABELS[name]}",
                    initial=getattr(row, name),
                    widget=forms.DateInput(
                        format="%d/%m/%Y", attrs={"size": 10, "inputmode": "numeric"}
                    ),
                )

    @staticmethod
    def name_of(row: Any, name: str) -> str:
        return f"{row.pk}-{name}"

    def changed_dates(self, row: Any) -> dict[str, dt.date]:
        """The dates of `row` the form changes."""
        return {
            name: self.cleaned_data[self.name_of(row, name)]
            for name in DATES
            if self.cleaned_data[self.name_of(row, name)] != getattr(row, name)
        }


class DecisionForm(forms.Form):
    number = forms.CharField(
        label=_("Số quyết định"),
        max_length=40,
        help_text=_("Ví dụ: 15/QĐ-UBND (Ủy ban nhân dân), 15/QĐ-KH (Hội Khuyến học)"),
    )
    signed_on = forms.DateField(label=_("Ngày ký"), initial=timezone.localdate)
    superior = forms.CharField(
        label=_("Cơ quan chủ quản (nếu có)"),
        max_length=200,
        required=False,
        help_text=_("In trên tên cơ quan ban hành, không in đậm (Nghị định 30/2020/NĐ-CP)"),
    )
    authority = forms.CharField(label=_("Cơ quan ban hành"), max_length=200)
    signer_name = forms.CharField(label=_("Người ký"), max_length=120)
    signer_title = forms.CharField(label=_("Chức vụ"), max_length=120)
    sign_form = forms.ChoiceField(label=_("Thể thức ký"), choices=SIGN_FORMS, required=False)

    def clean_signed_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["signed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Ngày ký không được ở tương lai."))
        return value


class RevocationForm(DecisionForm):
    reason = forms.CharField(
        label=_("Lý do thu hồi"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ghi vào Điều 1 của quyết định thu hồi"),
    )
    # The form's one-time key: posted twice, one revocation.
    key = forms.CharField(widget=forms.HiddenInput, max_length=40)


class EvidenceForm(forms.Form):
    criterion = forms.CharField(widget=forms.HiddenInput)
    file = forms.FileField(label=_("Tệp minh chứng (ảnh hoặc PDF, tối đa 5 MB)"))
