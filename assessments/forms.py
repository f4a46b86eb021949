from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
    year = forms.IntegerField(label=_("Năm"), min_value=2020, max_value=2100)
    registration_until = forms.DateField(label=_("Hạn đăng ký"))
    assessment_until = forms.DateField(label=_("Hạn tự đánh giá"))
    review_until = forms.DateField(label=_("Hạn bình xét"))
    decision_until = forms.DateField(label=_("Hạn ra quyết định"))


class DecisionForm(forms.Form):
    number = forms.CharField(
        label=_("Số quyết định"), max_length=40, help_text=_("Ví dụ: 15/QĐ-UBND")
    )
    signed_on = forms.DateField(label=_("Ngày ký"), initial=timezone.localdate)
    authority = forms.CharField(label=_("Cơ quan ban hành"), max_length=200)
    signer_name = forms.CharField(label=_("Người ký"), max_length=120)
    signer_title = forms.CharField(label=_("Chức vụ"), max_length=120)
    sign_form = forms.ChoiceField(
        label=_("Thể thức ký"),
        choices=[("", _("Ký trực tiếp")), ("KT.", "KT."), ("TM.", "TM.")],
        required=False,
    )

    def clean_signed_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["signed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Ngày ký không được ở tương lai."))
        return value


class EvidenceForm(forms.Form):
    criterion = forms.CharField(widget=forms.HiddenInput)
    file = forms.FileField(label=_("Tệp minh chứng (ảnh hoặc PDF, tối đa 5 MB)"))
