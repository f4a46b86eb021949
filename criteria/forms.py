from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from criteria.engine import SetSpec
from criteria.models import CriteriaSet, Criterion, CriterionKind
from criteria.rules import RULES


class JSONField(forms.CharField):
    """A small JSON value typed in a text box (bands, options, rule parameters)."""

    def __init__(self, *, empty: Any, **kwargs: Any) -> None:
        self.empty = empty
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False)
        return value

    def to_python(self, value: Any) -> Any:
        text = (value or "").strip()
        if not text:
            return self.empty
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("Không đúng định dạng JSON: %(e)s") % {"e": exc.msg}
            ) from None
        if not isinstance(parsed, type(self.empty)):
            raise forms.ValidationError(_("Sai kiểu dữ liệu."))
        return parsed


class SetForm(forms.ModelForm):
    bands = JSONField(
        empty=[],
        label=_("Xếp loại"),
        help_text=_('Ví dụ: [{"name": "Tốt", "min": 85}, {"name": "Khá", "min": 70}]'),
    )
    levels = JSONField(
        empty=[],
        label=_("Các mức độ"),
        help_text=_(
            'Ví dụ: [{"level": 1, "name": "Mức độ 1"}, {"level": 2, "name": "Mức độ 2", "after_months": 12}]'
        ),
    )

    class Meta:
        model = CriteriaSet
        fields = [
            "name",
            "legal_basis",
            "year_from",
            "year_to",
            "validity_years",
            "mode",
            "pass_mark",
            "group_min_share",
            "indicator_floor",
            "population_group",
            "org_level",
            "bands",
            "levels",
        ]
        widgets = {"legal_basis": forms.Textarea(attrs={"rows": 3})}


class GroupForm(forms.Form):
    code = forms.CharField(label=_("Mã nhóm"), max_length=10)
    name = forms.CharField(label=_("Tên nhóm"), max_length=300)


class CriterionForm(forms.ModelForm):
    options = JSONField(
        empty=[],
        label=_("Các lựa chọn (loại Lựa chọn)"),
        help_text=_('Ví dụ: [{"label": "Tốt", "points": 10}, {"label": "Chưa đạt", "points": 0}]'),
    )
    params = JSONField(
        empty={},
        label=_("Tham số quy tắc (loại Tính từ dữ liệu)"),
        help_text=_('Ví dụ: {"p": 70, "title": "GDHT"}'),
    )
    levels = JSONField(empty=[], label=_("Thuộc mức (bộ có mức độ)"), help_text=_("Ví dụ: [1, 2]"))
    rule = forms.ChoiceField(
        label=_("Quy tắc tính"),
        choices=[("", "—")] + [(k, r.label) for k, r in RULES.items()],
        required=False,
    )

    class Meta:
        model = Criterion
        fields = [
            "code",
            "text",
            "help_text",
            "kind",
            "points",
            "required",
            "unit",
            "threshold",
            "options",
            "rule",
            "params",
            "levels",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "help_text": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == CriterionKind.DERIVED and not data.get("rule"):
            self.add_error("rule", _("Tiêu chí tính từ dữ liệu cần chọn quy tắc."))
        if kind == CriterionKind.CHOICE and not data.get("options"):
            self.add_error("options", _("Tiêu chí lựa chọn cần ít nhất một phương án."))
        if kind == CriterionKind.SCORE and not data.get("points"):
            self.add_error("points", _("Tiêu chí tự chấm cần điểm tối đa."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp bộ tiêu chí (.json hoặc .toml)"))


# The answers form of a criteria set: the criteria editor previews it, the assessment
# pages (officers and the citizen portal) fill it in.
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
