from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from criteria import provenance
from criteria.engine import SetSpec
from criteria.io import SET_SOURCE_KEYS, basis_problems
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


class SourceWidget(forms.MultiWidget):
    """Where an item comes from, on one line: the kind, then the official document (number,
    date, article) or the proposal (reason, by whom)."""

    PARTS = (
        ("kind", _("Loại nguồn")),
        ("document", _("Số, ký hiệu văn bản")),
        ("date", _("Ngày ban hành (dd/mm/yyyy)")),
        ("article", _("Điều, khoản")),
        ("reason", _("Lý do đề xuất")),
        ("by", _("Người, cơ quan đề xuất")),
    )

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = [forms.Select(choices=SOURCE_KINDS)] + [
            forms.TextInput(attrs={"placeholder": label, "aria-label": label})
            for _name, label in self.PARTS[1:]
        ]
        widgets[0].attrs["aria-label"] = str(self.PARTS[0][1])
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        source = provenance.Source.of(value)
        return [
            source.kind,
            source.document,
            provenance.shown_date(source.date),
            source.article,
            source.reason,
            source.by,
        ]


SOURCE_KINDS = [
    ("", _("— chưa ghi nguồn —")),
    (provenance.OFFICIAL, _("Chính thức (văn bản)")),
    (provenance.PROPOSAL, _("Đề xuất")),
]


class SourceField(forms.MultiValueField):
    """A source as the editor enters it (the province's adoption is recorded elsewhere)."""

    widget = SourceWidget

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(
            fields=[
                forms.ChoiceField(choices=SOURCE_KINDS, required=False),
                forms.CharField(required=False, max_length=200),
                forms.DateField(required=False),
                forms.CharField(required=False, max_length=100),
                forms.CharField(required=False, max_length=500),
                forms.CharField(required=False, max_length=200),
            ],
            require_all_fields=False,
            **kwargs,
        )

    def compress(self, data_list: list[Any]) -> dict[str, Any]:
        if not data_list or not data_list[0]:
            return {}
        kind, document, date, article, reason, by = data_list
        data = {
            "kind": kind,
            "document": document,
            "date": date.isoformat() if date else "",
            "article": article,
            "reason": reason,
            "by": by,
        }
        found = provenance.problems(data, str(self.label or _("Nguồn")))
        if found:
            raise forms.ValidationError(found)
        return provenance.clean(data)


def drop_omitted_sources(form: forms.BaseForm, data: dict[str, Any], names: Any) -> None:
    """A source the request did not send at all (a script, an older page) stays as it was:
    only a source sent empty clears it."""
    for name in names:
        field = form.fields[name]
        if form.is_bound and field.widget.value_omitted_from_data(
            form.data, form.files, form.add_prefix(name)
        ):
            data.pop(name, None)


def source_help(initial: Any) -> str:
    """The mark as the pages show it, under the field: adoption included."""
    return str(_("Hiện nay: %(l)s.") % {"l": provenance.Source.of(initial).label})


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
            'Ví dụ: [{"level": 1, "name": "Mức độ 1", "all_pass": true}, {"level": 2, "name": "Mức độ 2", '
            '"after_months": 12}]; một mức chấm điểm ghi "pass_mark" thay cho "all_pass". Mỗi loại, mỗi '
            'mức ghi nguồn: "source": {"kind": "official", "document": "…", "date": "…", "article": "…"} '
            'hoặc {"kind": "proposal", "reason": "…", "by": "…"}.'
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sources = self.instance.sources if self.instance.pk else {}
        for key, label in SET_SOURCE_KEYS.items():
            self.fields[f"source_{key}"] = SourceField(
                label=_("Nguồn: %(l)s") % {"l": label},
                initial=sources.get(key, {}),
                help_text=source_help(sources.get(key)),
            )

    def clean_legal_basis(self) -> str:
        text = self.cleaned_data.get("legal_basis", "")
        found = basis_problems(text)
        if found:
            raise forms.ValidationError(found)
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for key, band in enumerate(data.get("bands") or []):
            if not isinstance(band, dict) or "name" not in band or "min" not in band:
                self.add_error(
                    "bands", _("Loại thứ %(i)s cần tên (name) và điểm (min).") % {"i": key + 1}
                )
                continue
            for problem in provenance.problems(band.get("source"), str(band["name"])):
                self.add_error("bands", problem)
        names = [str(b.get("name")) for b in data.get("bands") or [] if isinstance(b, dict)]
        if data.get("grant_from_band") and data["grant_from_band"] not in names:
            self.add_error("grant_from_band", _("Không có loại này trong Xếp loại."))
        for level in data.get("levels") or []:
            if not isinstance(level, dict) or not str(level.get("level", "")).isdigit():
                self.add_error("levels", _("Mỗi mức độ cần số mức (level)."))
                continue
            for problem in provenance.problems(level.get("source"), str(level.get("name", ""))):
                self.add_error("levels", problem)
        names = [f"source_{key}" for key in SET_SOURCE_KEYS]
        drop_omitted_sources(self, data, names)
        if any(name in data for name in names):
            data["sources"] = {
                key: data[f"source_{key}"] for key in SET_SOURCE_KEYS if data.get(f"source_{key}")
            }
        for name in names:
            data.pop(name, None)
        return data

    class Meta:
        model = CriteriaSet
        fields = [
            "name",
            "legal_basis",
            "note",
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
            "grant_from_band",
            "levels",
        ]
        widgets = {
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }


class GroupForm(forms.Form):
    code = forms.CharField(label=_("Mã nhóm"), max_length=10)
    name = forms.CharField(label=_("Tên nhóm"), max_length=300)
    source = SourceField(label=_("Nguồn của nhóm"))
    min_points = forms.DecimalField(
        label=_("Điểm tối thiểu của nhóm"),
        required=False,
        min_value=0,
        help_text=_("Chỉ ghi khi văn bản quy định mức tối thiểu riêng cho nhóm này."),
    )
    min_points_source = SourceField(label=_("Nguồn của điểm tối thiểu"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("source", "min_points_source"):
            self.fields[name].help_text = source_help(self.initial.get(name))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        drop_omitted_sources(self, data, ["source", "min_points_source"])
        return data


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
            "condition",
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

    SOURCES = (
        ("source", _("Nguồn của tiêu chí (nội dung, điểm)")),
        ("threshold_source", _("Nguồn của ngưỡng")),
        ("condition_source", _("Nguồn của điều kiện công nhận")),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in self.SOURCES:
            current = getattr(self.instance, name) if self.instance.pk else {}
            self.fields[name] = SourceField(
                label=label, initial=current, help_text=source_help(current)
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        drop_omitted_sources(self, data, [name for name, _label in self.SOURCES])
        current = self.instance.condition_source if self.instance.pk else {}
        if data.get("condition") and not data.get("condition_source", current):
            self.add_error(
                "condition_source",
                _("Điều kiện công nhận cần ghi nguồn: văn bản chính thức, hoặc đề xuất kèm lý do."),
            )
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


class AdoptForm(forms.Form):
    """The provincial document that adopts a proposal."""

    document = forms.CharField(
        label=_("Văn bản của tỉnh thông qua"),
        max_length=200,
        help_text=_("Số và ký hiệu, ví dụ: Quyết định số 15/QĐ-UBND của Ủy ban nhân dân tỉnh"),
    )
    date = forms.DateField(label=_("Ngày ban hành"), help_text=_("dd/mm/yyyy"))


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
