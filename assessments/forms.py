from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from criteria.engine import SetSpec
from criteria.models import CriterionKind
from criteria.titles import PopulationGroup, Title

YES_NO = [("", "—"), ("true", _("Có")), ("false", _("Không"))]


def answers_form_class(spec: SetSpec) -> type[forms.Form]:
    """A form with one field per criterion the subject answers (derived ones are computed)."""
    fields: dict[str, forms.Field] = {}
    for criterion in spec.criteria:
        label = f"{criterion.code}. {criterion.text}"
        name = f"c_{criterion.code}"
        if criterion.kind == CriterionKind.YESNO:
            fields[name] = forms.ChoiceField(
                label=label, choices=YES_NO, required=False, widget=forms.RadioSelect
            )
        elif criterion.kind == CriterionKind.NUMBER:
            fields[name] = forms.DecimalField(
                label=f"{label} ({criterion.unit})" if criterion.unit else label,
                min_value=0,
                required=False,
                error_messages={
                    "min_value": _("Không được là số âm."),
                    "invalid": _("Phải là một số."),
                },
            )
        elif criterion.kind == CriterionKind.SCORE:
            fields[name] = forms.DecimalField(
                label=label,
                min_value=0,
                max_value=criterion.points,
                decimal_places=1,
                required=False,
                error_messages={
                    "min_value": _("Điểm phải từ 0 đến %(m)s.")
                    % {"m": f"{criterion.points.normalize():f}"},
                    "max_value": _("Điểm phải từ 0 đến %(m)s.")
                    % {"m": f"{criterion.points.normalize():f}"},
                    "invalid": _("Phải là một số."),
                    "max_decimal_places": _("Chấm đến nửa điểm (một chữ số thập phân)."),
                },
                help_text=_("Tự chấm từ 0 đến %(m)s điểm")
                % {"m": f"{criterion.points.normalize():f}"},
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5"}),
            )
        elif criterion.kind == CriterionKind.CHOICE:
            choices = [("", "—")] + [
                (str(i), o.get("label", "")) for i, o in enumerate(criterion.options)
            ]
            fields[name] = forms.ChoiceField(
                label=label, choices=choices, required=False, widget=forms.RadioSelect
            )
    fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
    return type("AnswersForm", (forms.Form,), fields)


def initial_answers(spec: SetSpec, answers: dict[str, Any], version: int) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": version}
    for criterion in spec.criteria:
        value = answers.get(criterion.code)
        if value is None:
            continue
        if criterion.kind == CriterionKind.YESNO:
            initial[f"c_{criterion.code}"] = "true" if value else "false"
        else:
            initial[f"c_{criterion.code}"] = value
    return initial


def answers_from(spec: SetSpec, cleaned: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for criterion in spec.criteria:
        key = f"c_{criterion.code}"
        if key not in cleaned:
            continue
        value = cleaned[key]
        if value in (None, ""):
            out[criterion.code] = None
        elif criterion.kind == CriterionKind.YESNO:
            out[criterion.code] = value == "true"
        else:
            out[criterion.code] = str(value)
    return out


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
